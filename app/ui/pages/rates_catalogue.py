"""The Rates page's gift catalogue and coin packs: every price with its day, shipped or the
creator's, the one in force today marked; add, re-price and delete through
app.services.catalogue. A change goes through the page's `apply` (a failure told, then every
page refreshed), as the page's own rate entries do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.catalogue import Gift
from app.core.money import format_money, plain
from app.core.rates import ALWAYS, CoinPack
from app.services import catalogue as service
from app.services.rates import Entry, typing_mark
from app.ui import format as fmt
from app.ui.dialogs import confirm
from app.ui.dialogs.catalogue_dialog import GiftDialog, PackDialog
from app.ui.dialogs.owned import open_owned
from app.ui.edits import Edit
from app.ui.read_only import refused, writes
from app.ui.tablemodels import Column, RowsModel, keep_rows, table_view
from app.ui.widgets.named import named
from app.ui.widgets.page import card

Apply = Callable[[Edit], object]  # the Rates page's run_edit
GiftEntry = Entry[Gift]
PackEntry = Entry[CoinPack]


def status(entry: Entry[Any], in_force: bool) -> str:
    return ("yours" if entry.edited else "shipped") + (" \u00b7 in force" if in_force else "")


def gift_columns(in_force: Callable[[Gift], bool]) -> list[Column[GiftEntry]]:
    return [
        Column("Gift id", lambda e: str(e.value.gift_id), True, key=lambda e: e.value.gift_id),
        Column("Name", lambda e: e.value.name, key=lambda e: e.value.name.casefold(),
               fill=100),
        Column("Coins", lambda e: f"{e.value.coins:,}", True, key=lambda e: e.value.coins),
        Column("Valid from", lambda e: fmt.day(e.value.valid_from),
               key=lambda e: e.value.valid_from),
        Column("", lambda e: status(e, in_force(e.value)),
               tone=lambda e: "warn" if e.edited else "muted"),
        Column("Source", lambda e: e.value.source or "data/gifts.csv",
               tip=lambda e: e.value.source, fill=80),
    ]


def pack_day(pack: CoinPack) -> str:
    return "always" if pack.valid_from == ALWAYS else fmt.day(pack.valid_from)


def pack_columns(in_force: Callable[[CoinPack], bool]) -> list[Column[PackEntry]]:
    return [
        Column("Channel", lambda e: e.value.channel),
        Column("Coins", lambda e: f"{e.value.coins:,}", True, key=lambda e: e.value.coins),
        Column("Price", lambda e: format_money(e.value.price, e.value.currency), True,
               key=lambda e: e.value.price, tip=lambda e: plain(e.value.price)),
        Column("Per 1,000 coins",
               lambda e: format_money(service.per_coin(e.value) * 1000, e.value.currency),
               True, key=lambda e: service.per_coin(e.value),
               tip=lambda e: f"{plain(service.per_coin(e.value))} {e.value.currency} a coin"),
        Column("Valid from", lambda e: pack_day(e.value), key=lambda e: e.value.valid_from),
        Column("", lambda e: status(e, in_force(e.value)),
               tone=lambda e: "warn" if e.edited else "muted"),
        Column("Source", lambda e: e.value.source or "data/coin_packs.csv",
               tip=lambda e: e.value.source, fill=80),
    ]


def _button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button that changes the ledger (every one made here does): off in a read-only
    window."""
    button = writes(named(QPushButton(text), name))
    button.clicked.connect(slot)
    return button


def _note() -> QLabel:
    label = named(QLabel(), "tableNote")
    label.setWordWrap(True)
    return label


class _Section(QWidget):
    """A card with a heading, buttons, a note and a table of entries."""

    def __init__(self, db: Database, apply: Apply, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._apply = apply
        self.today = date.today()
        self.dialog: GiftDialog | PackDialog | None = None

    def _frame(self, header: QHBoxLayout, *widgets: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card(header, *widgets), 1)
        keep_rows(self.table, 5)

    def _mark(self) -> str:
        """How the creator types decimals (their region's way): the dialogs read it so."""
        return typing_mark(self._db)

    def _open(self, dialog: GiftDialog | PackDialog, edit: Callable[[], Edit]) -> None:
        """`edit` builds the change from the accepted dialog (read on the GUI thread)."""
        open_owned(dialog, lambda: self._apply(edit()), partial(setattr, self, "dialog"))

    # each section has these: a table of entries and buttons acting on the selected one
    model: RowsModel[Any]
    table: QTableView
    change_button: QPushButton
    delete_button: QPushButton

    def selected(self) -> Any:
        """The selected entry (GiftEntry or PackEntry), None when nothing is selected."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        entry = self.selected()
        self.change_button.setEnabled(entry is not None)
        self.change_button.setText("Edit\u2026" if entry and entry.edited
                                   else "Change price\u2026")
        self.delete_button.setEnabled(entry is not None and entry.edited)


class GiftsSection(_Section):
    def __init__(self, db: Database, apply: Apply, parent: QWidget | None = None) -> None:
        super().__init__(db, apply, parent)
        self.in_force: set[Gift] = set()
        self.model: RowsModel[GiftEntry] = RowsModel(
            gift_columns(lambda g: g in self.in_force), parent=self)
        self.table = table_view(self.model, sort_column=1, order=Qt.SortOrder.AscendingOrder,
                                sortable=True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.search = named(QLineEdit(), "searchBox")
        self.search.setPlaceholderText("Search gifts by name or id")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.load)
        self.add_button = _button("Add gift\u2026", "primaryButton", self.add)
        self.change_button = _button("Change price\u2026", "secondaryButton", self.change)
        self.delete_button = _button("Delete", "dangerButton", self.delete)
        self.note = _note()
        header = QHBoxLayout()
        header.addWidget(named(QLabel("Gift catalogue"), "cardHeading"))
        header.addSpacing(12)
        header.addWidget(self.search)
        header.addStretch(1)
        for button in (self.add_button, self.change_button, self.delete_button):
            header.addWidget(button)
        self._frame(header, self.note, self.table)

    def refresh(self, today: date) -> None:
        self.today = today
        self.load()

    def load(self) -> None:
        self.in_force = service.gifts_in_force(self._db, self.today)
        everything = service.gift_entries(self._db)
        shown = (service.gift_entries(self._db, self.search.text())
                 if self.search.text().strip() else everything)
        self.model.set_rows(shown)
        ids = {e.value.gift_id for e in everything}
        mine = sum(e.edited for e in everything)
        found = f"{len(shown):,} shown \u00b7 " if self.search.text().strip() else ""
        self.note.setText(
            f"{found}{len(ids):,} gifts, {len(everything):,} prices, {mine} entered by you. "
            "Gift logs without coins are priced at each gift's day, in imports from the "
            "change on; gifts already imported keep their coins.")
        self._selection_changed()

    def add(self) -> None:
        if refused(self, "Gift not saved"):
            return
        self._dialog(service.new_gift_form(self.today, self._mark()), "Add a gift")

    def change(self) -> None:
        entry = self.selected()
        if entry is None or refused(self, "Gift not saved"):
            return
        if entry.edited:
            self._dialog(service.edit_form(entry.value, self._mark()),
                         f"Edit your price of {entry.value.name}")
        else:
            self._dialog(service.change_form(entry.value, self.today, self._mark()),
                         f"New price of {entry.value.name}")

    def _dialog(self, form: service.GiftForm, title: str) -> None:
        dialog = GiftDialog(form, title, service.gift_checker(self._db), self)

        def edit() -> Edit:
            chosen = dialog.form()
            verb = "Add gift" if chosen.adding else "Save price of"
            return Edit(f"{verb} {chosen.name.strip()} ({chosen.coins.strip()} coins)",
                        lambda db: service.save_gift(db, chosen), "Gift not saved")
        self._open(dialog, edit)

    def delete(self) -> None:
        entry = self.selected()
        if entry is None or not entry.edited or refused(self, "Gift entry not deleted"):
            return
        g = entry.value
        if confirm.ask(self, "Delete gift entry",
                       f"Delete your price of {g.name} ({g.coins:,} coins from "
                       f"{fmt.day(g.valid_from)})? Imports from now on use the price in force "
                       "before it (or, for a gift you added, no longer know it).",
                       "Delete entry"):
            self._apply(Edit(f"Delete price of {g.name} ({g.coins:,} coins)",
                             lambda db: service.delete_gift(db, g), "Gift entry not deleted"))


class PacksSection(_Section):
    def __init__(self, db: Database, apply: Apply, parent: QWidget | None = None) -> None:
        super().__init__(db, apply, parent)
        self.region, self.region_label = "US", "United States (US)"
        self.in_force: set[CoinPack] = set()
        self.model: RowsModel[PackEntry] = RowsModel(
            pack_columns(lambda p: p in self.in_force), parent=self)
        self.table = table_view(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.heading = named(QLabel("Coin packs"), "cardHeading")
        self.add_button = _button("Add pack\u2026", "primaryButton", self.add)
        self.change_button = _button("Change price\u2026", "secondaryButton", self.change)
        self.delete_button = _button("Delete", "dangerButton", self.delete)
        self.note = _note()
        header = QHBoxLayout()
        header.addWidget(self.heading)
        header.addStretch(1)
        for button in (self.add_button, self.change_button, self.delete_button):
            header.addWidget(button)
        self._frame(header, self.note, self.table)

    def refresh(self, region: str, region_label: str, today: date) -> None:
        self.region, self.region_label, self.today = region, region_label, today
        self.in_force = service.packs_in_force(self._db, region, today)
        entries = service.pack_entries(self._db, region)
        self.model.set_rows(entries)
        self.heading.setText(f"Coin packs \u00b7 {region_label}")
        mine = sum(e.edited for e in entries)
        self.note.setText(
            f"What fans pay for coins in {region}: {len(self.in_force)} packs on sale today, "
            f"{mine} entries by you. The fan-spend figures (what gifts cost the fans) use "
            "the packs on sale on each day.")
        self._selection_changed()

    def add(self) -> None:
        if refused(self, "Coin pack not saved"):
            return
        self._dialog(service.new_pack_form(self._db, self.region, self.today),
                     "Add a coin pack")

    def change(self) -> None:
        entry = self.selected()
        if entry is not None and not refused(self, "Coin pack not saved"):
            p = entry.value
            self._dialog(service.pack_change_form(p, self.today, entry.edited, self._mark()),
                         f"{'Edit' if entry.edited else 'New price of'} the {p.channel} pack "
                         f"of {p.coins:,} coins")

    def _dialog(self, form: service.PackForm, title: str) -> None:
        region = self.region
        dialog = PackDialog(form, title, self.region_label,
                            service.pack_checker(self._db, region), self)

        def edit() -> Edit:
            chosen = dialog.form()
            return Edit(f"Save {chosen.channel} coin pack of {chosen.coins.strip()} coins",
                        lambda db: service.save_coin_pack(db, region, chosen),
                        "Coin pack not saved")
        self._open(dialog, edit)

    def delete(self) -> None:
        entry = self.selected()
        if entry is None or not entry.edited or refused(self, "Coin pack not deleted"):
            return
        p = entry.value
        if confirm.ask(self, "Delete coin pack",
                       f"Delete your {p.channel} pack of {p.coins:,} coins for "
                       f"{format_money(p.price, p.currency)} (from {pack_day(p)})?",
                       "Delete entry"):
            self._apply(Edit(f"Delete {p.channel} coin pack of {p.coins:,} coins",
                             lambda db: service.delete_coin_pack(db, p), "Coin pack not deleted"))
