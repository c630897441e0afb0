"""Add (or edit) a region-rate entry valid from a day. OK stays disabled, with a sentence
saying why, while a figure does not parse; the checks are the service's
(app.services.rates.problem), the dialog only asks. Also the file chooser for a CSV of
exchange rates, wrapped so tests can replace it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.typed_money import as_typed
from app.services.rates import RateForm, problem
from app.ui.widgets.named import named

DATE_FORMAT = "MMM d, yyyy"
FIELD_HEIGHT = 30
NOTE = ("Every day from this one on is valued with these rates, until a later entry; "
        "earlier days keep the rates of their day.")


def choose_csv(parent: QWidget | None) -> Path | None:
    """Ask for a CSV of exchange rates per EUR (None when cancelled)."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import exchange rates", "", "Exchange rates (*.csv);;All files (*)")
    return Path(name) if name else None


class FormDialog(QDialog):
    """The frame the rate and catalogue dialogs share: a form, a note, the reason OK is
    disabled, the buttons."""

    def __init__(self, title: str, note: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("rateDialog")
        self.setMinimumWidth(460)
        self.form_layout = QFormLayout()
        self.form_layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.message = named(QLabel(), "formError")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(36)  # room for the message, so the dialog never jumps
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note_label = named(QLabel(note), "tableNote")
        note_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form_layout)
        layout.addWidget(note_label)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _rows(self, rows: list[tuple[str, QWidget]]) -> None:
        for label, field in rows:
            self.form_layout.addRow(label, field)

    def _show_problem(self, message: str | None) -> None:
        self.message.setText(message or "")
        self.ok_button.setEnabled(message is None)


class RateDialog(FormDialog):
    def __init__(self, form: RateForm, title: str, region_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, NOTE, parent)
        self._build(form, region_label)
        self._connect()
        self.validate()

    def _build(self, form: RateForm, region_label: str) -> None:
        self.decimal = form.decimal  # the region's decimal separator: "0,005" there
        self.valid_from = QDateEdit(QDate(form.valid_from.year, form.valid_from.month,
                                          form.valid_from.day))
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat(DATE_FORMAT)
        self.valid_from.setMinimumHeight(FIELD_HEIGHT)
        self.diamonds_per_coin = QLineEdit(form.diamonds_per_coin)
        self.usd_per_diamond = QLineEdit(form.usd_per_diamond)
        self.usd_per_diamond.setPlaceholderText(f"e.g. {as_typed('0.005', form.decimal)}")
        self.min_withdrawal = QLineEdit(form.min_withdrawal_usd)
        self.daily_cap = QLineEdit(form.daily_cap_usd)
        self.source = QLineEdit(form.source)
        self.source.setPlaceholderText("optional, e.g. my payout of Sep 30: $42.10 for 8,420")
        self._rows([("Region", QLabel(region_label)), ("Valid from", self.valid_from),
                    ("Diamonds per coin", self.diamonds_per_coin),
                    ("USD per diamond", self.usd_per_diamond),
                    ("Minimum withdrawal (USD)", self.min_withdrawal),
                    ("Daily cap (USD)", self.daily_cap), ("Source", self.source)])

    def _connect(self) -> None:
        for edit in (self.diamonds_per_coin, self.usd_per_diamond, self.min_withdrawal,
                     self.daily_cap):
            edit.textChanged.connect(self.validate)

    def form(self) -> RateForm:
        """What the widgets hold, as typed (the service parses and checks it)."""
        day = self.valid_from.date().toPython()
        assert isinstance(day, date)
        return RateForm(day, self.diamonds_per_coin.text(), self.usd_per_diamond.text(),
                        self.min_withdrawal.text(), self.daily_cap.text(), self.source.text(),
                        decimal=self.decimal)

    def validate(self) -> None:
        self._show_problem(problem(self.form()))
