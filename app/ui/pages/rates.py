"""Rates: the account's region's rate entries over time (shipped and the creator's own), its
payout methods and the exchange rates of its currency, with the entry in force today and its
source in the header; then the gift catalogue and the region's coin packs
(app.ui.pages.rates_catalogue), one section at a time. Every change goes through the services
and then the page's ledger_changed (the window reloads every page), so every page re-values
with the new rates."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.money import plain, round_money
from app.core.rates import ExchangeRate, PayoutMethod, RegionRates
from app.services import rates as service
from app.services.rates import Entry, FxImport, RateForm, RatesView
from app.ui import format as fmt
from app.ui.dialogs import confirm, rate_dialog
from app.ui.dialogs.owned import open_owned
from app.ui.dialogs.rate_dialog import RateDialog
from app.ui.edits import Edit, Runner, run_here
from app.ui.pages.rates_catalogue import GiftsSection, PacksSection
from app.ui.read_only import refused, writes
from app.ui.tablemodels import Column, RowsModel, keep_rows, table_view
from app.ui.widgets.named import named
from app.ui.widgets.page import card, page_layout, scrolling_down
from app.ui.widgets.side_by_side import SideBySide, table_card_needs

SOURCE_CHARS = 160  # of a source note in the header; the rest in its tooltip
SECTIONS = ("Region rates", "Gift catalogue", "Coin packs")
RegionEntry = Entry[RegionRates]
MethodEntry = Entry[PayoutMethod]
FxEntry = Entry[ExchangeRate]


def dollars(amount: Decimal) -> str:
    """Exact, as entered: $0.005 stays $0.005 (a rate is not rounded to cents); $1,000."""
    whole, _, part = plain(amount).partition(".")
    return f"${int(whole):,}" + (f".{part}" if part else "")


def fraction(amount: Decimal) -> str:
    return f"{plain(amount * 100)}%"


def status(entry: Entry[Any]) -> str:
    return "edited" if entry.edited else "shipped"


def region_columns(in_force: Callable[[RegionEntry], bool]) -> list[Column[RegionEntry]]:
    return [
        Column("Valid from", lambda e: fmt.day(e.value.valid_from),
               key=lambda e: e.value.valid_from),
        Column("Per coin", lambda e: plain(e.value.diamonds_per_coin), True,
               tip=lambda e: f"{plain(e.value.diamonds_per_coin)} diamonds per coin"),
        Column("Per diamond", lambda e: dollars(e.value.usd_per_diamond), True,
               tip=lambda e: f"{dollars(e.value.usd_per_diamond)} per diamond"),
        Column("Min. withdrawal", lambda e: dollars(e.value.min_withdrawal_usd), True),
        Column("Daily cap", lambda e: dollars(e.value.daily_cap_usd), True),
        Column("", lambda e: status(e) + (" \u00b7 in force" if in_force(e) else ""),
               tone=lambda e: "warn" if e.edited else "muted"),
        Column("Source", lambda e: e.value.source, tip=lambda e: e.value.source,
               fill=100),
    ]


def method_columns() -> list[Column[MethodEntry]]:
    return [
        Column("Method", lambda e: e.value.name, fill=80),
        Column("Valid from", lambda e: fmt.day(e.value.valid_from),
               key=lambda e: e.value.valid_from),
        Column("Fee", lambda e: dollars(e.value.fixed_fee_usd), True),
        Column("% fee", lambda e: fraction(e.value.percent_fee), True),
        Column("FX spread", lambda e: fraction(e.value.fx_spread), True),
        Column("Days", lambda e: str(e.value.processing_days), True,
               tip=lambda e: "Processing days, at most"),
        Column("", status, tone=lambda e: "warn" if e.edited else "muted",
               tip=lambda e: e.value.source),
    ]


def fx_columns(currency: str) -> list[Column[FxEntry]]:
    return [
        Column("Valid from", lambda e: fmt.day(e.value.valid_from),
               key=lambda e: e.value.valid_from),
        Column(f"{currency} per USD", lambda e: f"{round_money(e.value.per_usd, 4):,}", True,
               key=lambda e: e.value.per_usd, tip=lambda e: plain(e.value.per_usd)),
        Column("", status, tone=lambda e: "warn" if e.edited else "muted"),
        Column("Source", lambda e: e.value.source, tip=lambda e: e.value.source,
               fill=100),
    ]


def in_force_text(v: RatesView) -> tuple[str, str]:
    """The header's two lines: the rates in force today, and since when and from where."""
    r = v.in_force.value
    head = (f"{dollars(r.usd_per_diamond)} per diamond \u00b7 {plain(r.diamonds_per_coin)} "
            f"diamond{'' if r.diamonds_per_coin == 1 else 's'} per coin \u00b7 withdraw from "
            f"{dollars(r.min_withdrawal_usd)}, up to {dollars(r.daily_cap_usd)} a day")
    who = "your entry" if v.in_force.edited else "shipped default"
    return head, f"In force since {fmt.day(r.valid_from)} ({who}). Source: {short(r.source)}"


def short(text: str, limit: int = SOURCE_CHARS) -> str:
    """The start of a long source note, cut at a word (the whole note is in the tooltip)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(") + "\u2026"


def import_text(result: FxImport) -> str:
    if not result.saved:
        return "No exchange rates for the currencies the regions pay out in were found."
    span = (f"{fmt.day(result.first)} \u2013 {fmt.day(result.last)}"
            if result.first and result.last else "")
    left = f"; {len(result.errors):,} rows left out" if result.errors else ""
    return (f"Imported {result.saved:,} rates for {', '.join(result.currencies)} "
            f"({span}){left}.")


def _button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button that changes the ledger (every one made here does): off in a read-only
    window."""
    button = writes(named(QPushButton(text), name))
    button.clicked.connect(slot)
    return button


class Page(QWidget):
    ledger_changed = Signal()  # this page changed the ledger: the window reloads its pages

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.view: RatesView | None = None
        self.dialog: RateDialog | None = None
        self.dialog_factory = RateDialog  # tests may hand in their own
        # who makes a change: at once here; in the window, its undo stack on the worker
        self.run_edit: Runner = run_here(self, db, self.ledger_changed.emit)
        content = QWidget()
        layout, self.subtitle = page_layout(content, "Rates")
        self.restore_button = _button("Restore shipped defaults\u2026", "secondaryButton",
                                      self.restore)
        layout.addLayout(self._switcher())
        self.gifts = GiftsSection(db, self._apply)
        self.packs = PacksSection(db, self._apply)
        self.stack = QStackedWidget()
        for section in (self._rates_section(), self.gifts, self.packs):
            self.stack.addWidget(section)
        layout.addWidget(self.stack, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling_down(content, "ratesScroll"))

    def _switcher(self) -> QHBoxLayout:
        """One section at a time, chosen with segmented buttons; restore applies to all."""
        self.sections = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(6)
        for i, text in enumerate(SECTIONS):
            button = named(QPushButton(text), "rangeButton")
            button.setCheckable(True)
            self.sections.addButton(button, i)
            row.addWidget(button)
        self.sections.button(0).setChecked(True)
        self.sections.idClicked.connect(self.show_section)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        return row

    def show_section(self, index: int) -> None:
        self.sections.button(index).setChecked(True)
        self.stack.setCurrentIndex(index)

    def _rates_section(self) -> QWidget:
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self._in_forcecard())
        layout.addWidget(self._entriescard(), 1)
        methods, fx = self._methodscard(), self._fxcard()
        # the two tables side by side where both fit, else one above the other
        self.methods_and_fx = SideBySide(
            [methods, fx], [table_card_needs(methods, self.methods_table),
                            table_card_needs(fx, self.fx_table)], [3, 2])
        layout.addWidget(self.methods_and_fx, 1)
        return section

    # ---- building -----------------------------------------------------------------------------

    def _in_forcecard(self) -> QFrame:
        card = named(QFrame(), "card")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(4)
        layout.addWidget(named(QLabel("In force today"), "cardTitle"))
        self.in_force = named(QLabel(), "rateInForce")
        self.in_force.setWordWrap(True)  # a narrow window wraps it
        self.in_force_source = named(QLabel(), "cardDetail")
        self.in_force_source.setWordWrap(True)
        layout.addWidget(self.in_force)
        layout.addWidget(self.in_force_source)
        return card

    def _entriescard(self) -> QFrame:
        self.model: RowsModel[RegionEntry] = RowsModel(
            region_columns(self._is_in_force), parent=self)
        self.table = table_view(self.model, sort_column=0)  # newest first
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        keep_rows(self.table, 3)
        self.add_button = _button("Add rate from a day\u2026", "primaryButton", self.add)
        self.edit_button = _button("Edit\u2026", "secondaryButton", self.edit)
        self.delete_button = _button("Delete", "dangerButton", self.delete)
        header = QHBoxLayout()
        self.entries_heading = named(QLabel("Rate entries"), "cardHeading")
        header.addWidget(self.entries_heading)
        header.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            header.addWidget(button)
        return card(header, self.table)

    def _methodscard(self) -> QFrame:
        self.methods_model: RowsModel[MethodEntry] = RowsModel(method_columns(), parent=self)
        self.methods_table = table_view(self.methods_model)
        keep_rows(self.methods_table, 3)
        header = QHBoxLayout()
        header.addWidget(named(QLabel("Payout methods"), "cardHeading"))
        header.addStretch(1)
        return card(header, self.methods_table)

    def _fxcard(self) -> QFrame:
        self.fx_model: RowsModel[FxEntry] = RowsModel(fx_columns("USD"), parent=self)
        self.fx_table = table_view(self.fx_model, sort_column=0)
        self.fx_heading = named(QLabel("Exchange rates"), "cardHeading")
        self.import_button = _button("Import exchange rates (CSV)\u2026", "secondaryButton",
                                     self.import_fx)
        self.import_button.setMinimumWidth(self.import_button.sizeHint().width())
        self.fx_note = named(QLabel(), "tableNote")
        self.fx_note.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.fx_heading)
        header.addStretch(1)
        header.addWidget(self.import_button)
        # top-aligned: it has the card to itself while the table is hidden (a USD region)
        self.fx_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return card(header, self.fx_note, self.fx_table)

    # ---- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        v = service.view(self._db)
        self.show_view(v)
        self.gifts.refresh(v.today)
        self.packs.refresh(v.region, f"{v.region_name} ({v.region})", v.today)

    def show_view(self, v: RatesView) -> None:
        self.view = v
        edited = sum(1 for e in v.history if e.edited)
        elsewhere = v.user_entries - edited  # gifts, packs, methods, other regions...
        self.subtitle.setText(
            f"{v.region_name} ({v.region}) \u00b7 pays out in {v.currency} \u00b7 "
            f"{len(v.history)} rate entries, {edited} edited by you"
            + (f" \u00b7 {elsewhere} more entries of yours" if elsewhere > 0 else ""))
        head, source = in_force_text(v)
        self.in_force.setText(head)
        self.in_force_source.setText(source)
        self.in_force_source.setToolTip(v.in_force.value.source)
        self.model.set_rows(v.history)
        self.methods_model.set_rows(v.methods)
        self._show_fx(v)
        self.restore_button.setEnabled(v.user_entries > 0)
        self._selection_changed()

    def _show_fx(self, v: RatesView) -> None:
        if self.fx_model.columns[1].title != f"{v.currency} per USD":
            self.fx_model.beginResetModel()
            self.fx_model.columns = fx_columns(v.currency)
            self.fx_model.endResetModel()
        self.fx_model.set_rows(v.fx)
        self.fx_table.setVisible(v.currency != "USD")
        if v.currency == "USD":
            self.fx_note.setText(f"{v.region_name} pays out in USD: no exchange rate applies. "
                                 "Import the ECB's reference rates for other currencies.")
        elif not v.fx:
            self.fx_note.setText(f"No {v.currency} rate yet: import the ECB's reference "
                                 "rates (eurofxref-hist.csv).")
        else:
            self.fx_note.setText(f"{len(v.fx):,} rates; each day uses the newest on or "
                                 "before it.")

    def _is_in_force(self, entry: RegionEntry) -> bool:
        return self.view is not None and entry == self.view.in_force

    def selected(self) -> RegionEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selection_changed(self, *_args: object) -> None:
        entry = self.selected()
        self.edit_button.setEnabled(entry is not None)
        self.delete_button.setEnabled(entry is not None and entry.edited)

    # ---- actions ------------------------------------------------------------------------------

    def _region_label(self) -> str:
        v = self.view
        return f"{v.region_name} ({v.region}) \u00b7 {v.currency}" if v else ""

    def add(self) -> None:
        if self.view is None or refused(self, "Rate not saved"):
            return
        form = service.form_for(self._db, self.view.region, self.view.today)
        self._open(form, "Add rate from a day")

    def edit(self) -> None:
        entry = self.selected()
        if entry is None or refused(self, "Rate not saved"):
            return
        self._open(service.edit_form(self._db, entry.value, entry.edited), "Edit rate entry")

    def _open(self, form: RateForm, title: str) -> None:
        dialog = self.dialog_factory(form, title, self._region_label(), self)
        open_owned(dialog, lambda: self._save(dialog.form()), partial(setattr, self, "dialog"))

    def _save(self, form: RateForm) -> None:
        if self.view is not None:
            region = self.view.region
            self._apply(Edit(f"Save {region} rate from {form.valid_from.isoformat()}",
                             lambda db: service.save_region_rate(db, region, form),
                             "Rate not saved"))

    def delete(self) -> None:
        entry = self.selected()
        if entry is None or not entry.edited or refused(self, "Rate not deleted"):
            return
        r = entry.value
        if not confirm.ask(self, "Delete rate entry",
                           f"Delete your entry valid from {fmt.day(r.valid_from)}? The days it "
                           "covers are valued with the rates in force before it again.",
                           "Delete entry"):
            return
        self._apply(Edit(f"Delete {r.region} rate from {r.valid_from.isoformat()}",
                         lambda db: service.delete_region_rate(db, r.region, r.valid_from),
                         "Rate not deleted"))

    def restore(self) -> None:
        if refused(self, "Defaults not restored"):
            return
        entries = service.user_entries(self._db)
        if not entries.total or not confirm.ask(
                self, "Restore shipped defaults",
                f"Remove everything you entered, in every region: {entries.describe()}? The "
                "whole history is valued with the shipped rates again, and imports price "
                "gifts with the shipped catalogue (gifts already imported keep their coins).",
                "Restore defaults"):
            return
        self._apply(Edit("Restore shipped defaults", service.restore_defaults,
                         "Defaults not restored"))

    def import_fx(self) -> None:
        if refused(self, "Exchange rates not imported"):
            return
        path = rate_dialog.choose_csv(self)
        if path is None:
            return
        self._apply(Edit(f"Import exchange rates from {path.name}",
                         lambda db: service.import_exchange_rates(db, path),
                         "Exchange rates not imported",
                         lambda result: self.fx_note.setText(import_text(result))))

    def _apply(self, edit: Edit) -> None:
        self.run_edit(edit)
