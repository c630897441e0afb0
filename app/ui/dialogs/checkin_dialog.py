"""Check in balance: the creator types the balance TikTok shows on a day; the dialog records
it (booked as an adjustment when asked) and says how far the ledger was from it."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.services import checkin
from app.services.rates import typing_mark
from app.ui.widgets.named import named

UNITS = ("USD", "diamonds")


class CheckInDialog(QDialog):
    checked_in = Signal(object)  # the CheckInView recorded

    def __init__(self, db: Database, account: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check in balance")
        self.setObjectName("checkinDialog")
        self._db, self._account = db, account
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setMaximumDate(QDate.currentDate())
        self.unit = QComboBox()
        self.unit.addItems(UNITS)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("the balance TikTok shows")
        self.book = QCheckBox("Book the difference as an adjustment (the planner starts "
                              "from TikTok's balance)")
        self.result = named(QLabel(), "cardDetail")
        self.result.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Day", self.day)
        form.addRow("Balance in", self.unit)
        form.addRow("Balance", self.amount)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.book)
        layout.addWidget(self.result)
        layout.addWidget(buttons)

    def save(self) -> None:
        text = self.amount.text()
        usd, diamonds = (text, None) if self.unit.currentText() == "USD" else (None, text)
        try:
            view = checkin.add(self._db, self.day.date().toPython(), usd=usd,
                               diamonds=diamonds, book=self.book.isChecked(),
                               account=self._account, decimal=typing_mark(self._db))
        except (checkin.CheckInError, ValueError) as exc:
            self.result.setText(str(exc))
            return
        self.result.setText(view.note)
        self.checked_in.emit(view)
