"""Payouts: what was withdrawn, pending or failed, with fees; add, edit and delete by hand.

Every change goes through app.services.payouts and then the page's ledger_changed (the window
reloads every page), so the Overview balance follows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)
from sqlite_utils import Database

from app.core.money import round_money
from app.services import payouts as service
from app.services.payouts import PayoutForm, PayoutRow, PayoutsView
from app.ui import format as fmt
from app.ui.dialogs import confirm
from app.ui.dialogs.owned import open_owned
from app.ui.dialogs.payout import PayoutDialog
from app.ui.edits import Edit, Runner, run_here
from app.ui.read_only import refused, writes
from app.ui.tablemodels import Column, RowsModel, fit_columns, table_view
from app.ui.widgets.cards import StatCard
from app.ui.widgets.named import named
from app.ui.widgets.page import card, page_layout, rates_line, title_block

DASH = "\u2014"
STATUS_TONES = {"paid": "good", "pending": "warn", "failed": "bad"}
NO_ROWS = "No payouts yet. Add one each time you withdraw, or import TikTok's payout history."


CONVERTED = "\u2248"  # before a USD value converted from the amount, not in the record


def money(amount: Decimal | None, currency: str = "") -> str:
    """"$290.00" in USD; "1,250.50" for an amount shown next to its own currency column."""
    if amount is None:
        return DASH
    return f"{round_money(amount):,}" if currency else fmt.usd(amount)


def amount_text(row: PayoutRow) -> str:
    """What was paid in its own currency: $290.00, €200.00, 16,600.00 IDR."""
    return DASH if row.amount is None else fmt.money(row.amount, row.currency)


def usd_text(row: PayoutRow) -> str:
    """The USD value; "≈ $232.56" when converted from the amount at the day's rate."""
    return f"{CONVERTED} {fmt.usd(row.usd)}" if row.converted else fmt.usd(row.usd)


def usd_tip(row: PayoutRow) -> str:
    text = f"What the payout took from the balance, in USD: {service.USD_FROM[row.usd_from]}"
    if row.usd_rate is not None:
        text += f". {row.usd_rate.note()}"
    return text


def local_text(row: PayoutRow, code: str) -> str:
    if row.local_rate is None:
        return money(row.local) if row.local is None else fmt.money(row.local, code)
    return fmt.local(row.local, code, row.local_rate.fallback)


def local_tip(row: PayoutRow, code: str) -> str:
    if row.local_rate is None:
        return f"Paid in {code}: the amount as it arrived"
    return f"The USD value in {code}. {row.local_rate.note()}"


def local_columns(code: str) -> list[Column[PayoutRow]]:
    """The account's currency (none for USD): what arrived, or the USD value at the day's
    exchange rate."""
    if code == "USD":
        return []
    return [Column(code, lambda r: local_text(r, code), True, key=lambda r: r.local,
                   tip=lambda r: local_tip(r, code))]


def columns(code: str = "USD") -> list[Column[PayoutRow]]:
    return [
        Column("Requested", lambda r: fmt.day(r.requested), key=lambda r: r.requested),
        Column("Paid", lambda r: fmt.day(r.paid) if r.paid else DASH, key=lambda r: r.paid),
        Column("Status", lambda r: r.status, tone=lambda r: STATUS_TONES.get(r.status, "")),
        Column("Amount", amount_text, True, key=lambda r: r.amount,
               tip=lambda r: f"As paid, in {r.currency}"),
        Column("USD", usd_text, True, key=lambda r: r.usd, tip=usd_tip),
        *local_columns(code),
        Column("Fee", lambda r: money(r.fee_usd), True, key=lambda r: r.fee_usd),
        Column("Method", lambda r: r.method or DASH, fill=70),
        Column("Source", lambda r: f"import #{r.import_id}" if r.import_id else "by hand"),
        Column("Reference", lambda r: r.reference or DASH, fill=80),
    ]


def payout_name(verb: str, amount: str, currency: str, decimal: str = ".") -> str:
    """"Delete payout of $120.00" (the Edit menu's name of a change), "Add payout of £50.00";
    "Add payout" when the amount is not a number."""
    value = service.parse_amount(amount, decimal)
    code = currency.strip().upper()
    if value is None:
        return f"{verb} payout"
    return f"{verb} payout of {fmt.money(value, code) if len(code) == 3 else value}"


def describe(row: PayoutRow) -> str:
    amount = money(row.amount, row.currency)
    return f"the {row.status} payout of {amount} {row.currency} requested {fmt.day(row.requested)}"


DialogFactory = Callable[[PayoutForm, list[str], str, QWidget], PayoutDialog]


class Page(QWidget):
    ledger_changed = Signal()  # this page changed the ledger: the window reloads its pages

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        # what builds the add/edit dialog: (form, methods, title, parent); tests may replace it
        self.dialog_factory: DialogFactory = PayoutDialog
        self.view: PayoutsView | None = None
        self.dialog: PayoutDialog | None = None
        # who makes a change: at once here; in the window, its undo stack on the worker
        self.run_edit: Runner = run_here(self, db, self.ledger_changed.emit)
        layout, self.subtitle = page_layout(self, "Payouts")
        self.rates = rates_line(title_block(layout))
        layout.addLayout(self._cards())
        layout.addWidget(self._table_card(), 1)

    def _cards(self) -> QHBoxLayout:
        self.paid_card = StatCard("Paid out")
        self.pending_card = StatCard("Pending")
        self.fees_card = StatCard("Fees recorded")
        row = QHBoxLayout()
        row.setSpacing(16)
        for stat in (self.paid_card, self.pending_card, self.fees_card):
            row.addWidget(stat, 1)
        return row

    def _buttons(self) -> QHBoxLayout:
        self.add_button = writes(named(QPushButton("Add payout\u2026"), "primaryButton"))
        self.edit_button = writes(named(QPushButton("Edit\u2026"), "secondaryButton"))
        self.delete_button = writes(named(QPushButton("Delete"), "dangerButton"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        header = QHBoxLayout()
        header.addWidget(named(QLabel("History"), "cardHeading"))
        header.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            header.addWidget(button)
        return header

    def _table_card(self) -> QFrame:
        self.model: RowsModel[PayoutRow] = RowsModel(columns(), parent=self)
        self.table = table_view(self.model, sort_column=0, sortable=True)  # newest first
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.note = named(QLabel(NO_ROWS), "tableNote")
        return card(self._buttons(), self.note, self.table)

    # ---- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.show_view(service.payouts(self._db))

    def show_view(self, view: PayoutsView | None) -> None:
        self.view = view
        rows = view.rows if view else []
        self._set_columns(view.currency if view else "USD")
        self.model.set_rows(rows)
        self.note.setVisible(not rows)
        self._fill_cards(view)
        self._selection_changed()

    def _set_columns(self, code: str) -> None:
        """A column of the account's currency unless it is USD: same model, new columns."""
        if [c.title for c in self.model.columns] == [c.title for c in columns(code)]:
            return
        self.model.beginResetModel()
        self.model.columns = columns(code)
        self.model.endResetModel()
        fit_columns(self.table)

    def _fill_cards(self, view: PayoutsView | None) -> None:
        converted = view is not None and any(r.converted for r in view.rows)
        self.rates.setText("" if view is None else f"Rates used: {view.rates_line}" + (
            f" \u00b7 {CONVERTED} USD converted from the amount at the request day's rate"
            if converted else ""))
        if view is None:
            self.subtitle.setText("No account yet: the first payout you add creates one.")
            for card in (self.paid_card, self.pending_card, self.fees_card):
                card.set_text(fmt.usd(Decimal(0)))
            return
        count = {s: sum(1 for r in view.rows if r.status == s) for s in service.STATUSES}
        self.subtitle.setText(f"@{view.handle} \u00b7 {view.region} payout methods: "
                              + ", ".join(view.methods))
        local = view.currency != "USD"
        paid = f"{fmt.local(view.paid_local, view.currency)} \u00b7 " if local else ""
        self.paid_card.set_text(fmt.usd(view.paid_usd), f"{paid}{count['paid']} paid"
                                + (f", {count['failed']} failed" if count["failed"] else ""))
        waiting = count["pending"]
        pending = (f"{fmt.local(view.pending_local, view.currency)} \u00b7 "
                   if local and waiting else "")
        self.pending_card.set_text(fmt.usd(view.pending_usd),
                                   f"{pending}{waiting} on the way, already off the balance"
                                   if waiting else "nothing on the way")
        self.fees_card.set_text(fmt.usd(view.fees_usd), "as entered on each payout")

    def selected(self) -> PayoutRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row_at(chosen[0].row()) if chosen else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selection_changed(self, *_args: object) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # ---- actions ------------------------------------------------------------------------------

    def add(self) -> None:
        if refused(self, "Payout not saved"):
            return
        form = service.default_form(self._db)
        self._open(form, service.method_choices(self._db), "Add payout",
                   lambda f: Edit(payout_name("Add", f.amount, f.currency, f.decimal),
                                  lambda db: service.add_payout(db, f), "Payout not saved"))

    def edit(self) -> None:
        """Edit (or a double-click on a row): not in a read-only window, whose Edit is off."""
        row = self.selected()
        if row is None or refused(self, "Payout not saved"):
            return
        payout_id = row.payout_id
        self._open(row.form, service.method_choices(self._db), "Edit payout",
                   lambda f: Edit(payout_name("Edit", f.amount, f.currency, f.decimal),
                                  lambda db: service.edit_payout(db, payout_id, f),
                                  "Payout not saved"), payout_id)

    def delete(self) -> None:
        row = self.selected()
        if row is None or refused(self, "Payout not deleted"):
            return
        if not confirm.ask(self, "Delete payout", f"Delete {describe(row)}? Your balance "
                           "goes up by its USD value.", "Delete payout"):
            return
        payout_id = row.payout_id
        self.run_edit(Edit(payout_name("Delete", row.form.amount, row.currency, row.form.decimal),
                           lambda db: service.delete_payout(db, payout_id), "Payout not deleted"))

    def _open(self, form: PayoutForm, methods: list[str], title: str,
              save: Callable[[PayoutForm], Edit], payout_id: int | None = None) -> None:
        dialog = self.dialog_factory(form, methods, title, self)
        open_owned(dialog, lambda: self._save(dialog.form(), save, payout_id),
                   partial(setattr, self, "dialog"))

    def _save(self, form: PayoutForm, save: Callable[[PayoutForm], Edit],
              payout_id: int | None) -> None:
        """Save the dialog's payout; one above the balance is saved only when confirmed."""
        question = service.over_balance(self._db, form, payout_id=payout_id)
        if question and not confirm.ask(self, "Payout above the balance", question,
                                        "Save payout"):
            return
        self.run_edit(save(form))
