"""Add a gift or a gift's new price, and add or re-price a coin pack, each valid from a day.

As in the rate dialog, OK stays disabled with a sentence saying why while the entry cannot be
saved; the checks are the service's (app.services.catalogue), handed in as `problem`, so the
dialog only asks. Days are typed year-month-day, the one spelling every region reads alike.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.catalogue import GiftForm, PackForm
from app.ui.widgets.named import named

GIFT_NOTE = ("Imports from now on price gift logs without a coin column with the price in "
             "force on each gift's day; gifts already in the ledger keep their coins.")
PACK_NOTE = ("What fans pay for coins, from this day on: the fan-spend figures use the "
             "packs on sale. A region's packs are in one currency; packs you price in "
             "another currency than the shipped ones replace them.")
DAY_HINT = "year-month-day, e.g. 2026-10-01"
CHANNELS = ("in-app", "web")


class _FormDialog(QDialog):
    """The frame both dialogs share: a form, a note, the reason OK is disabled, the buttons."""

    def __init__(self, title: str, note: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("rateDialog")  # the rate dialog's look
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


def _edit(text: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


class GiftDialog(_FormDialog):
    """A new gift (its id typed) or a new price of a known gift (its id fixed)."""

    def __init__(self, form: GiftForm, title: str, problem: Callable[[GiftForm], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, GIFT_NOTE, parent)
        self._start = form
        self._problem = problem
        self.gift_id = _edit(form.gift_id, "the id in your gift logs, e.g. 5655")
        self.gift_id.setReadOnly(not form.adding)  # a price change is of this gift
        self.name = _edit(form.name, "as the gift logs spell it")
        self.coins = _edit(form.coins, "whole coins, e.g. 199")
        self.valid_from = _edit(form.valid_from, DAY_HINT)
        self.source = _edit(form.source, "optional, e.g. seen in the gift panel on Oct 1")
        self._rows([("Gift id", self.gift_id), ("Name", self.name), ("Coins", self.coins),
                    ("Valid from", self.valid_from), ("Source", self.source)])
        for edit in (self.gift_id, self.name, self.coins, self.valid_from):
            edit.textChanged.connect(self.validate)
        self.validate()

    def form(self) -> GiftForm:
        """What the widgets hold, as typed (the service parses and checks it)."""
        return GiftForm(self.gift_id.text(), self.name.text(), self.coins.text(),
                        self.valid_from.text(), self.source.text(), self._start.adding,
                        self._start.replacing)

    def validate(self) -> None:
        self._show_problem(self._problem(self.form()))


class PackDialog(_FormDialog):
    """A coin pack of one region: channel, coins, price and currency, from a day."""

    def __init__(self, form: PackForm, title: str, region_label: str,
                 problem: Callable[[PackForm], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, PACK_NOTE, parent)
        self._start = form
        self._problem = problem
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItems(list(CHANNELS))
        self.channel.setCurrentText(form.channel)
        self.coins = _edit(form.coins, "whole coins, e.g. 1000")
        self.price = _edit(form.price, "what the fan pays, e.g. 9.99")
        self.currency = _edit(form.currency, "e.g. USD")
        self.valid_from = _edit(form.valid_from, DAY_HINT)
        self.source = _edit(form.source, "optional, e.g. the web store on Oct 1")
        self._rows([("Region", QLabel(region_label)), ("Channel", self.channel),
                    ("Coins", self.coins), ("Price", self.price), ("Currency", self.currency),
                    ("Valid from", self.valid_from), ("Source", self.source)])
        self.channel.currentTextChanged.connect(self.validate)
        for edit in (self.coins, self.price, self.currency, self.valid_from):
            edit.textChanged.connect(self.validate)
        self.validate()

    def form(self) -> PackForm:
        return PackForm(self.channel.currentText(), self.coins.text(), self.price.text(),
                        self.currency.text(), self.valid_from.text(), self.source.text(),
                        self._start.replacing)

    def validate(self) -> None:
        self._show_problem(self._problem(self.form()))
