"""Add or edit one payout. OK stays disabled, with a sentence saying why, while the form is
wrong; the checks are the service's (app.services.payouts.problem), the dialog only asks."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.payouts import STATUSES, PayoutForm, problem
from app.ui.widgets.named import named

DATE_FORMAT = "MMM d, yyyy"
FIELD_HEIGHT = 30


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def _day(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def _combo(items: list[str], current: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(items)
    if current and current not in items:
        combo.addItem(current)  # an imported method the rate tables do not list: keep it
    combo.setCurrentText(current)
    return combo


class PayoutDialog(QDialog):
    def __init__(self, form: PayoutForm, methods: list[str], title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("payoutDialog")
        self.setMinimumWidth(440)
        self._build(form, methods)
        self._connect()
        self.validate()

    def _build(self, form: PayoutForm, methods: list[str]) -> None:
        self.decimal = form.decimal  # the region's decimal separator: "40,50" there
        self.requested = _date_edit(form.requested)
        self.paid_check = QCheckBox("on")
        self.paid_check.setChecked(form.paid is not None)
        self.paid = _date_edit(form.paid or form.requested)
        self.paid.setEnabled(form.paid is not None)
        self.amount = QLineEdit(form.amount)
        self.amount.setPlaceholderText("e.g. 1.234,50" if form.decimal == "," else
                                       "e.g. 1,234.50")
        self.currency = QLineEdit(form.currency)
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(64)
        self.status = _combo(list(STATUSES), form.status)
        self.method = _combo(methods, form.method)
        self.fee = QLineEdit(form.fee)
        self.fee.setPlaceholderText("optional")
        self.reference = QLineEdit(form.reference)
        self.reference.setPlaceholderText("optional, e.g. PP-2026-0829-7731")
        self.message = named(QLabel(), "formError")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(36)  # room for the message, so the dialog never jumps
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self._assemble()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _assemble(self) -> None:
        money = QHBoxLayout()
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        paid = QHBoxLayout()
        paid.addWidget(self.paid_check)
        paid.addWidget(self.paid, 1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for box in (self.requested, self.paid, self.status, self.method):
            box.setMinimumHeight(FIELD_HEIGHT)  # as tall as the themed line edits
        for label, field in (("Requested", self.requested), ("Paid", paid),
                             ("Amount", money), ("Status", self.status),
                             ("Method", self.method), ("Fee (USD)", self.fee),
                             ("Reference", self.reference)):
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.paid_check.toggled.connect(self.paid.setEnabled)
        for edit in (self.amount, self.currency, self.fee, self.reference):
            edit.textChanged.connect(self.validate)
        for dates in (self.requested, self.paid):
            dates.dateChanged.connect(self.validate)
        for combo in (self.status, self.method):
            combo.currentTextChanged.connect(self.validate)
        self.paid_check.toggled.connect(self.validate)

    def form(self) -> PayoutForm:
        """What the widgets hold, as typed (the service parses and checks it)."""
        paid = _day(self.paid) if self.paid_check.isChecked() else None
        return PayoutForm(_day(self.requested), paid, self.amount.text(),
                          self.currency.text().strip().upper(), self.status.currentText(),
                          self.method.currentText(), self.fee.text(), self.reference.text(),
                          self.decimal)

    def validate(self) -> None:
        message = problem(self.form())
        self.message.setText(message or "")
        self.ok_button.setEnabled(message is None)
