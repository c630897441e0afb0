"""Check in balance: the creator types the balance TikTok shows on a day; the dialog records
it (booked as an adjustment when asked) and says how far the ledger was from it.

The check-in is an `Edit` handed to the Overview's `run_edit`: in the window it is written on
the worker and is on Edit > Undo ("Undo Check-in of $400.00"); a refusal is said under the
form, and nothing is written."""

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
from app.ui import format as fmt
from app.ui.edits import Edit, Runner, run_here
from app.ui.widgets.named import named

UNITS = ("USD", "diamonds")


def checkin_name(text: str, unit: str, booked: bool, decimal: str = ".") -> str:
    """How the Edit menu names a check-in: "Check-in of $400.00 (booked)"."""
    try:
        value = checkin.figure(text, unit, decimal)
    except checkin.CheckInError:  # refused by the write: never on the menu
        shown = f"{text.strip()} {unit}"
    else:
        shown = fmt.usd(value) if unit == "USD" else f"{fmt.diamonds(value)} diamonds"
    return f"Check-in of {shown}{' (booked)' if booked else ''}"


class CheckInDialog(QDialog):
    checked_in = Signal(object)  # the CheckInView recorded

    def __init__(self, db: Database, account: str | None, parent: QWidget | None = None,
                 run_edit: Runner | None = None) -> None:
        """Without `run_edit` the check-in is written at once with `db`."""
        super().__init__(parent)
        self.setWindowTitle("Check in balance")
        self.setObjectName("checkinDialog")
        self._db, self._account = db, account
        self.run_edit: Runner = run_edit or run_here(self, db, lambda: None)
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
        """The check-in as typed, through `run_edit`; its note (or refusal) below the form."""
        text, unit, book = self.amount.text(), self.unit.currentText(), self.book.isChecked()
        usd, diamonds = (text, None) if unit == "USD" else (None, text)
        day, account, decimal = self.day.date().toPython(), self._account, typing_mark(self._db)
        self.result.setText("")
        self.run_edit(Edit(
            checkin_name(text, unit, book, decimal),
            lambda db: checkin.add(db, day, usd=usd, diamonds=diamonds, book=book,
                                   account=account, decimal=decimal),
            "Balance not checked in", self._recorded, self.result.setText))

    def _recorded(self, view: checkin.CheckInView) -> None:
        self.result.setText(view.note)
        self.checked_in.emit(view)
