"""Add a gift or a gift's new price, and add or re-price a coin pack, each valid from a day.

As in the rate dialog, OK stays disabled with a sentence saying why while the entry cannot be
saved; the checks are the service's (app.services.catalogue), handed in as `problem`, so the
dialog only asks. Days are typed year-month-day, the one spelling every region reads alike.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.core.typed_money import as_typed
from app.services.catalogue import GiftForm, PackForm
from app.ui.dialogs.rate_dialog import FormDialog

GIFT_NOTE = ("Imports from now on price gift logs without a coin column with the price in "
             "force on each gift's day; gifts already in the ledger keep their coins.")
PACK_NOTE = ("What fans pay for coins, from this day on: the fan-spend figures use the "
             "packs on sale. A region's packs are in one currency; packs you price in "
             "another currency than the shipped ones replace them.")
DAY_HINT = "year-month-day, e.g. 2026-10-01"
CHANNELS = ("in-app", "web")


def _edit(text: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


class GiftDialog(FormDialog):
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
                        self._start.replacing, decimal=self._start.decimal)

    def validate(self) -> None:
        self._show_problem(self._problem(self.form()))


class PackDialog(FormDialog):
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
        self.price = _edit(form.price, f"what the fan pays, e.g. {as_typed('9.99', form.decimal)}")
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
                        self._start.replacing, self._start.decimal)

    def validate(self) -> None:
        self._show_problem(self._problem(self.form()))
