"""Payouts as the creator keeps them by hand: list, check a form, add, edit, delete.

Also the two reads the Imports page needs beside importing.list_imports/undo (the rejected
rows of a batch, and what undoing it would remove), until they move next to those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account
from app.core.money import ZERO, format_money, plain, round_down
from app.core.rates import RateBook, RegionRates
from app.core.typed_money import MoneyTextError, as_typed, parse_typed
from app.core.valuation import local_day, value_payout
from app.services import accounts, currency, importing
from app.services.currency import Converter, DayRate
from app.services.money_views import summary as money_summary
from app.services.rates import effective_book
from app.services.reference import decimal_mark, rate_book
from app.store import batches, queries
from app.store import payouts as store

STATUSES = ("pending", "paid", "failed")  # the schema's CHECK allows exactly these
CURRENCY = re.compile(r"[A-Z]{3}")
MAX_DECIMALS = 2


@dataclass(frozen=True)
class PayoutForm:
    """What the payout dialog edits; amounts as typed, checked by `problem`."""

    requested: date
    paid: date | None
    amount: str
    currency: str
    status: str
    method: str
    fee: str = ""
    reference: str = ""
    decimal: str = "."  # how the amounts are typed: the region's decimal separator


@dataclass(frozen=True)
class PayoutRow:
    payout_id: int
    requested: date
    paid: date | None
    status: str
    amount: Decimal | None
    currency: str
    usd: Decimal
    fee_usd: Decimal | None
    method: str
    reference: str
    import_id: int | None
    form: PayoutForm
    usd_from: str = "stored"  # see USD_FROM
    usd_rate: DayRate | None = None  # the rate `usd` was converted at (usd_from "converted")
    local: Decimal | None = None  # in the account's currency: what arrived, or converted
    local_rate: DayRate | None = None  # the rate `local` was converted at (None: as paid)

    @property
    def converted(self) -> bool:
        """The USD value is not in the record: it comes from the amount at the day's rate."""
        return self.usd_from == "converted"


# where a payout's USD value comes from
USD_FROM = {"stored": "as the record states it", "amount": "the amount, paid in USD",
            "converted": "the amount at the exchange rate of the request day",
            "diamonds": "the diamonds at the day's USD per diamond"}


@dataclass(frozen=True)
class PayoutsView:
    handle: str
    region: str
    currency: str  # the region's, the dialog's default
    methods: list[str]  # the region's payout methods today, the dialog's choices
    rows: list[PayoutRow]
    paid_usd: Decimal
    pending_usd: Decimal
    fees_usd: Decimal
    paid_local: Decimal | None = None  # None for a USD account or without a rate
    pending_local: Decimal | None = None
    rates_line: str = ""


# ---- reading and checking ---------------------------------------------------------------------

def parse_amount(text: str, decimal: str = ".") -> Decimal | None:
    """"1,234.50" -> 1234.50 ("1.234,50" where `decimal` is ","); None when it is not a number
    (`amount_problem` says why)."""
    try:
        return parse_typed(text, decimal)
    except MoneyTextError:
        return None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amount_problem(text: str, what: str, optional: bool, decimal: str = ".") -> str | None:
    if optional and not text.strip():
        return None
    try:
        value = parse_typed(text, decimal)
    except MoneyTextError as exc:
        return f"The {what}: {exc}"
    if value <= 0 and not optional:
        return f"The {what} must be more than 0."
    if _decimals(value) > MAX_DECIMALS:
        return f"The {what} has more than {MAX_DECIMALS} decimals."
    return None


def _currency_problem(code: str, day: date) -> str | None:
    if not CURRENCY.fullmatch(code):
        return "The currency is a 3-letter code, such as USD."
    try:
        rate_book().per_usd(code, day)
    except KeyError:
        return f"There is no exchange rate for {code} in the rate tables."
    return None


def _date_problem(form: PayoutForm, today: date) -> str | None:
    if form.requested > today:
        return "The request date is in the future."
    if form.paid is not None and form.paid < form.requested:
        return "The payment date is before the request date."
    if form.paid is not None and form.paid > today:
        return "The payment date is in the future."
    return None


def problem(form: PayoutForm, today: date | None = None) -> str | None:
    """The first thing wrong with a form, as a sentence for the dialog; None when it is fine."""
    today = today or date.today()
    checks = (_date_problem(form, today),
              _amount_problem(form.amount, "amount", False, form.decimal),
              _currency_problem(form.currency.strip().upper(), form.requested),
              None if form.status in STATUSES else "Choose a status.",
              None if form.method.strip() else "Choose a payout method.",
              _amount_problem(form.fee, "fee", True, form.decimal))
    return next((c for c in checks if c), None)


# ---- the list ---------------------------------------------------------------------------------

def _day(ts: int | None, zone: ZoneInfo) -> date | None:
    return None if ts is None else local_day(ts, zone)


def typed(value: object, decimal: str) -> str:
    """A stored amount ("40.5") as the region types it ("40,5")."""
    return as_typed(value, decimal)


def _form(p: dict[str, Any], zone: ZoneInfo, decimal: str = ".") -> PayoutForm:
    requested = local_day(p["requested_ts"], zone)
    return PayoutForm(requested, _day(p["paid_ts"], zone), typed(p["amount"], decimal),
                      p["currency"], p["status"], p["method"], typed(p["fee_usd"], decimal),
                      p["reference"], decimal)


def usd_from(p: dict[str, Any]) -> str:
    """Which figure of the record gives its USD value (value_payout's order)."""
    if p.get("usd") not in (None, ""):
        return "stored"
    if p.get("amount") not in (None, ""):
        return "amount" if str(p.get("currency") or "USD") == "USD" else "converted"
    return "diamonds"


def _row(p: dict[str, Any], zone: ZoneInfo, tz: str, region: str, rb: RateBook,
         local: Converter) -> PayoutRow:
    def rates_on(day: date) -> RegionRates:
        return rb.region(region, day)

    valued = value_payout(p, tz, rates_on, rb.per_usd)
    form = _form(p, zone, decimal_mark(region))
    amount = None if p["amount"] is None else Decimal(p["amount"])
    source = usd_from(p)
    usd_rate = (currency.Converter(p["currency"], rb.fx).rate(form.requested)
                if source == "converted" else None)
    if local.usd_only:
        in_local, local_rate = None, None
    elif p["currency"] == local.currency and amount is not None:
        in_local, local_rate = amount, None  # what arrived: no conversion
    else:
        local_rate = local.rate(form.requested)
        in_local = local.local(valued.usd, form.requested)
    return PayoutRow(p["id"], form.requested, form.paid, p["status"], amount, p["currency"],
                     valued.usd, None if p["fee_usd"] is None else Decimal(p["fee_usd"]),
                     p["method"], p["reference"], p["import_id"], form, source, usd_rate,
                     in_local, local_rate)


def _sum(rows: list[PayoutRow], status: str) -> Decimal:
    return sum((r.usd for r in rows if r.status == status), ZERO)


def _sum_local(rows: list[PayoutRow], status: str) -> Decimal | None:
    values = [r.local for r in rows if r.status == status]
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), ZERO)


def payouts(db: Database, *, account: str | None = None,
            today: date | None = None) -> PayoutsView | None:
    """Every payout of an account, newest last; None when the ledger has no account yet."""
    if not queries.accounts(db):
        return None
    acct = accounts.resolve(db, account)
    today = today or date.today()
    region, tz = acct.region, acct.timezone
    zone = ZoneInfo(tz)
    rb = effective_book(db)  # the ledger's own rate entries count
    local = currency.converter(rb, region, today)
    rows = [_row(p, zone, tz, region, rb, local) for p in queries.payouts(db, acct.id)]
    fees = sum((r.fee_usd for r in rows if r.fee_usd is not None and r.status != "failed"),
               ZERO)
    paid_local = None if local.usd_only else _sum_local(rows, "paid")
    pending_local = None if local.usd_only else _sum_local(rows, "pending")
    line = currency.rates_line(rb, region, [r.requested for r in rows], today)
    return PayoutsView(acct.handle, region, local.currency,
                       methods(region, today, rb), rows, _sum(rows, "paid"),
                       _sum(rows, "pending"), fees, paid_local, pending_local, line)


def methods(region: str, day: date | None = None, rb: RateBook | None = None) -> list[str]:
    book = rb or rate_book()
    return [m.name for m in book.payout_methods(region, day or date.today())]


def _region(db: Database, account: str | None) -> str:
    """The account's region; in an empty ledger, the one its first account will get."""
    if queries.accounts(db):
        return accounts.resolve(db, account).region
    return accounts.provisional(account).region


def method_choices(db: Database, *, account: str | None = None,
                   today: date | None = None) -> list[str]:
    """The payout methods the dialog offers: the account region's, from the rate tables."""
    return methods(_region(db, account), today, effective_book(db))


def default_form(db: Database, *, account: str | None = None,
                 today: date | None = None) -> PayoutForm:
    """A new payout: today, pending, the region's currency and first payout method."""
    today = today or date.today()
    region = _region(db, account)
    rb = effective_book(db)
    names = methods(region, today, rb)
    return PayoutForm(today, None, "", rb.region(region, today).currency, "pending",
                      names[0] if names else "", decimal=decimal_mark(region))


def over_balance(db: Database, form: PayoutForm, *, payout_id: int | None = None,
                 account: str | None = None) -> str | None:
    """A question for the window when the payout takes more than the balance (the payout
    being edited given back first); None when it does not, or cannot be valued yet."""
    amount = parse_amount(form.amount, form.decimal)
    code = form.currency.strip().upper()
    if amount is None or form.status == "failed" or not queries.accounts(db):
        return None  # a first payout in an empty ledger creates the account: nothing to compare
    try:
        usd = amount if code == "USD" else amount / rate_book().per_usd(code, form.requested)
    except KeyError:
        return None
    balance = money_summary(db, account=account)[0].balance_usd  # as the Overview shows it
    view = payouts(db, account=account)
    old = next((r for r in view.rows if r.payout_id == payout_id), None) if view else None
    if old is not None and old.status != "failed":
        balance += old.usd
    if usd <= balance:
        return None
    return (f"This payout ({format_money(usd)}) is more than the balance of "
            f"{format_money(round_down(balance))}: the balance would go below zero. Save it "
            "anyway?")


# ---- writes -----------------------------------------------------------------------------------

def _ts(day: date, zone: ZoneInfo, old_ts: int | None) -> int:
    """Keep a stored time when its day did not change; a new day is stored at local noon
    (far from midnight, so it stays on that day whatever the DST shift)."""
    if old_ts is not None and local_day(old_ts, zone) == day:
        return old_ts
    return int(datetime.combine(day, time(12), zone).astimezone(UTC).timestamp())


def _values(form: PayoutForm, zone: ZoneInfo, old: dict[str, Any] | None) -> dict[str, Any]:
    message = problem(form)
    if message:
        raise ValueError(message)
    currency = form.currency.strip().upper()
    amount = parse_amount(form.amount, form.decimal)
    fee = parse_amount(form.fee, form.decimal) if form.fee.strip() else None
    assert amount is not None
    same_money = (old is not None and old["currency"] == currency and old["amount"] is not None
                  and Decimal(old["amount"]) == amount)
    usd = plain(amount) if currency == "USD" else (old["usd"] if old and same_money else None)
    before = old or {"requested_ts": None, "paid_ts": None}
    return {"requested_ts": _ts(form.requested, zone, before["requested_ts"]),
            "paid_ts": None if form.paid is None else _ts(form.paid, zone, before["paid_ts"]),
            "diamonds": old["diamonds"] if old and same_money else None,
            "amount": plain(amount), "currency": currency, "usd": usd,
            "fee_usd": None if fee is None else plain(fee), "method": form.method.strip(),
            "status": form.status, "reference": form.reference.strip()}


def add_payout(db: Database, form: PayoutForm, *, account: str | None = None) -> int:
    """Record a payout typed by hand (the account is created in an empty ledger)."""
    acct = accounts.resolve(db, account, create=True)
    return queries.add_payout(db, acct.id, _values(form, ZoneInfo(acct.timezone), None))


def edit_payout(db: Database, payout_id: int, form: PayoutForm) -> None:
    old = store.payout(db, payout_id)
    if old is None:
        raise LookupError(f"there is no payout {payout_id}")
    zone = ZoneInfo(_account_of(db, old["account_id"]).timezone)
    store.update_payout(db, payout_id, _values(form, zone, old))


def delete_payout(db: Database, payout_id: int) -> None:
    if not store.delete_payout(db, payout_id):
        raise LookupError(f"there is no payout {payout_id}")


def _account_of(db: Database, account_id: int) -> Account:
    found = queries.account_by_id(db, account_id)
    assert found is not None, f"payout of account {account_id}, which is not in the ledger"
    return found


# ---- import batches (the Imports page) ----------------------------------------------------------

@dataclass(frozen=True)
class BatchRow:
    import_id: int
    file_name: str
    path: str
    kind: str
    account: str
    when: datetime  # this computer's local time
    rows: int
    inserted: int
    duplicates: int
    rejected: int
    skipped: int
    folded: int
    undone: bool
    left: int  # rows still in the ledger: what an undo removes now


def _when(stamp: str | None) -> datetime:
    if not stamp:
        return datetime.fromtimestamp(0, UTC)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()


def import_batches(db: Database) -> list[BatchRow]:
    return [BatchRow(i["import_id"], Path(i["file"]).name, i["file"], i["kind"], i["account"],
                     _when(i["started_at"]), i["rows"], i["inserted"], i["duplicates"],
                     i["rejected"], i["skipped"], i["folded"], i["undone"],
                     store.batch_rows_left(db, i["import_id"]))
            for i in importing.list_imports(db)]


def rejected_rows(db: Database, import_id: int) -> list[batches.Rejected]:
    """The rows of a batch that were not imported (rejected) or left out on purpose
    (skipped: a streak's intermediate events, a summary line), with their reasons."""
    return [batches.Rejected(r["line"], r["reason"], r["raw"], bool(r["skipped"]))
            for r in batches.rejected_rows(db, import_id)]
