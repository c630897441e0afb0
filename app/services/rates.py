"""The rates the ledger values with: the shipped defaults in data/ plus the creator's entries.

A user entry wins over a shipped one with the same key (region; region and method name;
currency) and the same `valid_from`; otherwise it joins the history, so an entry valid from a
day changes the valuation of that day and the days after it only (core's `effective`).
Exchange rates can be imported from a CSV of reference rates per EUR, as the ECB publishes
them (eurofxref-hist.csv), and are stored per USD.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlite_utils import Database

from app.core.conversion import calibrate
from app.core.money import plain, round_money
from app.core.rates import (
    CoinPack,
    ExchangeRate,
    PayoutMethod,
    RateBook,
    RegionRates,
    effective,
)
from app.core.typed_money import MoneyTextError, as_typed, parse_signed, parse_whole
from app.importers.base import ImportRefused, storable
from app.importers.files import read_regular
from app.importers.values import MAX_DIGITS, bounded_decimal
from app.services import settings
from app.services.reference import decimal_mark, rate_book
from app.store import rates as store

T = TypeVar("T")
MISSING = frozenset({"", "N/A", "NA", "-"})  # cells that say "no rate that day"
DEFAULT_REGION = "US"  # shown while the ledger has no account yet


# ---- the effective book -----------------------------------------------------------------------

def _merge(shipped: Iterable[T], user: Iterable[T], key: Callable[[T], Hashable]
           ) -> tuple[T, ...]:
    merged = {key(e): e for e in shipped}
    merged.update({key(e): e for e in user})
    return tuple(merged.values())


def _region_key(r: RegionRates) -> Hashable:
    return (r.region, r.valid_from)


def _method_key(m: PayoutMethod) -> Hashable:
    return (m.region, m.name.lower(), m.valid_from)


def _fx_key(x: ExchangeRate) -> Hashable:
    return (x.currency, x.valid_from)


def _pack_key(p: CoinPack) -> Hashable:
    return (*p.key, p.valid_from)


def merge_packs(shipped: Iterable[CoinPack], user: Sequence[CoinPack]) -> tuple[CoinPack, ...]:
    """The creator's packs over the shipped ones. Where the creator prices a region's packs in
    another currency than the shipped ones (most regions ship the US ladder in USD as a
    placeholder), the shipped packs of that region go: one region's packs are one currency."""
    theirs = {(p.region, p.currency) for p in user}
    regions = {region for region, _ in theirs}
    kept = [p for p in shipped if p.region not in regions or (p.region, p.currency) in theirs]
    return _merge(kept, user, _pack_key)


def effective_book(db: Database | None) -> RateBook:
    """The shipped book with the ledger's entries on top (the shipped book without a db)."""
    shipped = rate_book()
    if db is None:
        return shipped
    return RateBook(
        _merge(shipped.regions, store.region_rates(db), _region_key),
        _merge(shipped.methods, store.payout_methods(db), _method_key),
        _merge(shipped.fx, store.exchange_rates(db), _fx_key),
        merge_packs(shipped.packs, store.coin_packs(db)), shipped.presets)


# ---- what the Rates page shows ----------------------------------------------------------------

@dataclass(frozen=True)
class Entry(Generic[T]):
    value: T
    edited: bool  # the creator's entry (shipped otherwise)


@dataclass(frozen=True)
class RatesView:
    region: str
    region_name: str
    currency: str
    today: date
    in_force: Entry[RegionRates]
    history: list[Entry[RegionRates]]  # oldest first
    methods: list[Entry[PayoutMethod]]  # every entry of the region's methods
    fx: list[Entry[ExchangeRate]]  # the region's currency per USD (empty for USD)
    user_entries: int  # in the whole ledger, every region


def _entries(values: Sequence[T], user: Sequence[T], key: Callable[[T], Hashable]
             ) -> list[Entry[T]]:
    mine = {key(u) for u in user}
    return [Entry(v, key(v) in mine) for v in values]


def account_region(db: Database) -> str:
    account = settings.current_account(db)
    return account.region if account else DEFAULT_REGION


def typing_mark(db: Database) -> str:
    """How the creator types decimals: the account's region's separator ("," in the euro
    area, Brazil...), so "0,004" is a rate there; a point while the ledger has no account."""
    return decimal_mark(account_region(db))


def region_name(code: str) -> str:
    return next((r.name for r in settings.regions() if r.code == code), code)


def view(db: Database, region: str | None = None, today: date | None = None) -> RatesView:
    """The region's rates (the account's region by default) with which entries are edited."""
    region = (region or account_region(db)).upper()
    today = today or date.today()
    book = effective_book(db)
    history = _entries(book.region_history(region), store.region_rates(db), _region_key)
    now = effective([e.value for e in history], today).value
    in_force = next(e for e in history if e.value == now)
    methods = sorted((m for m in book.methods if m.region == region),
                     key=lambda m: (m.name.lower(), m.valid_from))
    fx = sorted((x for x in book.fx if x.currency == now.currency), key=lambda x: x.valid_from)
    user_count = user_entries(db).total
    return RatesView(region, region_name(region), now.currency, today, in_force, history,
                     _entries(methods, store.payout_methods(db), _method_key),
                     _entries(fx, store.exchange_rates(db), _fx_key), user_count)


# ---- adding, editing, deleting ----------------------------------------------------------------

@dataclass(frozen=True)
class RateForm:
    """A region-rate entry as typed: figures are text until `problem` says they parse."""

    valid_from: date
    diamonds_per_coin: str
    usd_per_diamond: str
    min_withdrawal_usd: str
    daily_cap_usd: str
    source: str = ""
    net_of_method: str = ""  # calibrated from a payout by this method: its fee is in the rate
    decimal: str = "."  # how the figures are typed: the region's decimal separator


FIELDS = (("diamonds_per_coin", "Diamonds per coin"), ("usd_per_diamond", "USD per diamond"),
          ("min_withdrawal_usd", "Minimum withdrawal"), ("daily_cap_usd", "Daily cap"))


def typed_figure(text: str, decimal: str = ".") -> Decimal:
    """A figure as the creator types it, the region's way ("0,004" where the decimal is a
    comma; a leading $ is allowed); MoneyTextError says why it is not one, or is ambiguous."""
    value = parse_signed(text.strip().replace("$", "", 1), decimal)
    if len(value.as_tuple().digits) > MAX_DIGITS:  # '9' * 5000 would slow every sum it meets
        raise MoneyTextError(f"{text.strip()!r} has more than {MAX_DIGITS} digits.")
    return value


def typed_count(text: str, decimal: str = ".") -> int:
    """A count (coins, diamonds) as typed the region's way ("80.000" where the decimal is a
    comma), a sign kept so that "-3" can be told "at least 1" rather than "not a number";
    MoneyTextError says why it is not one."""
    s = text.strip()
    sign = s[:1] if s[:1] in ("+", "-") else ""
    value = parse_whole(s[len(sign):], decimal)
    return -value if sign == "-" else value


def decimal(text: str) -> Decimal | None:
    """A plain decimal number with a decimal point ("0.004", "1,000"), as a rates CSV writes
    it; None when the text is not one. (What the creator types: `typed_figure`.)"""
    cleaned = text.strip().replace(",", "").lstrip("$")
    try:  # bounded: '1e9999999' would overflow the first sum it meets
        return bounded_decimal(cleaned, text)
    except ValueError:
        return None


def problem(form: RateForm) -> str | None:
    """Why this entry cannot be saved, in a sentence; None when it can."""
    for attr, label in FIELDS:
        text = getattr(form, attr)
        if not text.strip():
            return f"{label} is missing."
        try:
            value = typed_figure(text, form.decimal)
        except MoneyTextError as exc:
            return f"{label} must be a number: {exc}"
        if value <= 0:
            return f"{label} must be more than 0."
    return None


def form_for(db: Database, region: str, day: date) -> RateForm:
    """A form holding the entry in force on `day`, to start from, its figures written the way
    the creator types them."""
    return edit_form(db, replace(effective_book(db).region(region, day), valid_from=day), False)


def edit_form(db: Database, entry: RegionRates, keep_source: bool) -> RateForm:
    """A form holding `entry`, to correct (its source kept when it is the creator's own)."""
    mark = typing_mark(db)

    def typed(value: Decimal) -> str:
        return as_typed(plain(value), mark)
    return RateForm(entry.valid_from, typed(entry.diamonds_per_coin),
                    typed(entry.usd_per_diamond), typed(entry.min_withdrawal_usd),
                    typed(entry.daily_cap_usd), entry.source if keep_source else "",
                    decimal=mark)


def save_region_rate(db: Database, region: str, form: RateForm) -> RegionRates:
    """Save the entry (replacing the creator's entry of that day, if any)."""
    reason = problem(form)
    if reason:
        raise ValueError(reason)
    region = region.upper()
    currency = effective_book(db).region(region, form.valid_from).currency
    values: dict[str, Any] = {attr: typed_figure(getattr(form, attr), form.decimal)
                              for attr, _ in FIELDS}
    entry = RegionRates(region=region, currency=currency, valid_from=form.valid_from,
                        source=form.source.strip() or "edited by you",
                        net_of_method=form.net_of_method, **values)
    store.save_region_rate(db, entry)
    return entry


def delete_region_rate(db: Database, region: str, valid_from: date) -> bool:
    return store.delete_region_rate(db, region.upper(), valid_from)


def save_payout_method(db: Database, method: PayoutMethod) -> None:
    store.save_payout_method(db, method)


def save_exchange_rate(db: Database, rate: ExchangeRate) -> None:
    store.save_exchange_rates(db, [rate])


@dataclass(frozen=True)
class UserEntries:
    """How many entries of each kind the creator made: what restoring the defaults removes."""

    counts: dict[str, int]  # store table -> rows

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        """"2 region rates, 1 gift price and 3 coin packs" (the kinds that have entries)."""
        parts = [f"{n} {KINDS[table][0] if n == 1 else KINDS[table][1]}"
                 for table, n in self.counts.items() if n]
        if not parts:
            return "no entries"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


KINDS = {"user_region_rates": ("region rate", "region rates"),
         "user_payout_methods": ("payout method", "payout methods"),
         "user_exchange_rates": ("exchange rate", "exchange rates"),
         "user_gifts": ("gift entry", "gift entries"),
         "user_coin_packs": ("coin pack", "coin packs")}


def user_entries(db: Database) -> UserEntries:
    return UserEntries(store.count_all(db))


def restore_defaults(db: Database) -> int:
    """Remove every entry the creator made (rates, payout methods, exchange rates, gifts and
    coin packs): the shipped data applies again. How many went."""
    return store.delete_all(db)


# ---- calibration from a real payout ---------------------------------------------------------

CALIBRATED_PLACES = 8  # far finer than a payout in cents can tell apart


def method_named(db: Database, region: str, day: date, name: str) -> str:
    """The region's payout method called `name` (any case), as the rate tables spell it: the
    planner matches a calibrated rate's method by that spelling. ValueError, one line naming
    the region's methods, when it has none of that name."""
    try:
        return effective_book(db).payout_method(region, name.strip(), day).name
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None


def calibration_form(db: Database, region: str, day: date, diamonds: int,
                     cash_usd: Decimal, method: str = "") -> RateForm:
    """The region's entry in force on `day` with the USD per diamond a real payout of that day
    gave (cash received / diamonds withdrawn), to save as the rate from `day` on. With the
    payout's `method`, the entry says it is net of that method's fee, which the planner then
    does not charge again."""
    nominal = effective_book(db).region(region, day)
    rate = round_money(calibrate(diamonds, cash_usd, nominal).usd_per_diamond, CALIBRATED_PLACES)
    base = form_for(db, region, day)
    return RateForm(day, base.diamonds_per_coin, as_typed(plain(rate), base.decimal),
                    base.min_withdrawal_usd, base.daily_cap_usd,
                    f"calibrated from my payout of {day.isoformat()}: "
                    f"{diamonds:,} diamonds, ${plain(cash_usd)} received"
                    + (f" by {method}" if method else ""), method, base.decimal)


# ---- exchange rates from a CSV ----------------------------------------------------------------

@dataclass(frozen=True)
class FxImport:
    saved: int
    currencies: list[str]
    first: date | None
    last: date | None
    errors: list[tuple[int, str]]  # (line, reason) of the rows left out


def wanted_currencies(db: Database | None = None) -> set[str]:
    """The currencies some region pays out in: the only ones the ledger converts to."""
    return {r.currency for r in effective_book(db).regions} - {"USD"}


def parse_per_eur(text: str, currencies: set[str] | None = None, source: str = ""
                  ) -> tuple[list[ExchangeRate], list[tuple[int, str]]]:
    """Rows "Date,USD,JPY,..." of units per EUR -> units per USD (EUR itself is 1/USD).

    A cell "N/A" or empty means no rate that day and is skipped; a row whose date or USD rate
    cannot be read is returned as an error with its line number. Raises ValueError when the
    header has no Date and USD columns."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().upper() for h in next(reader, [])]
    if not header or header[0] != "DATE" or "USD" not in header:
        raise ValueError("Not a table of exchange rates per EUR: the first line must read "
                         "\"Date,USD,...\" (as the ECB's eurofxref-hist.csv does).")
    usd_col = header.index("USD")
    columns = [(i, c) for i, c in enumerate(header) if i and c and c != "USD"
               and (currencies is None or c in currencies)]
    out: list[ExchangeRate] = []
    errors: list[tuple[int, str]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        parsed = _per_eur_row(row, usd_col, columns, currencies, source)
        if isinstance(parsed, str):
            errors.append((line, parsed))
        else:
            out.extend(parsed)
    return out, errors


def _per_eur_row(row: list[str], usd_col: int, columns: list[tuple[int, str]],
                 currencies: set[str] | None, source: str) -> list[ExchangeRate] | str:
    try:
        day = date.fromisoformat(row[0].strip())
    except ValueError:
        return f"not a date: {row[0].strip()!r}"
    usd = decimal(row[usd_col]) if len(row) > usd_col else None
    if usd is None or usd <= 0:
        return "no USD rate on this day"
    rates = []
    if currencies is None or "EUR" in currencies:
        rates.append(ExchangeRate("EUR", day, Decimal(1) / usd, source))
    for i, currency in columns:
        cell = row[i].strip() if i < len(row) else ""
        value = None if cell.upper() in MISSING else decimal(cell)
        if value is not None and value > 0:
            rates.append(ExchangeRate(currency, day, value / usd, source))
    return rates


MAX_RATES_BYTES = 64 * 2**20  # the ECB's whole history since 1999 is under 1 MB


def read_rates_file(path: Path) -> str:
    """The text of a rates CSV the creator chose, from a regular file only (a FIFO or a
    device is refused, never waited on); ValueError with one line when it cannot be read."""
    try:
        return read_regular(path, MAX_RATES_BYTES).decode("utf-8-sig")
    except ImportRefused as exc:
        raise ValueError(f"{storable(path.name)}: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{storable(path.name)} is not UTF-8 text: not a table of exchange "
                         "rates; download eurofxref-hist.csv from the ECB again") from None


def import_exchange_rates(db: Database, path: Path,
                          currencies: set[str] | None = None) -> FxImport:
    """Import a per-EUR CSV (the ECB's format) for the currencies the ledger can use."""
    text = read_rates_file(path)
    wanted = wanted_currencies(db) if currencies is None else currencies
    rates, errors = parse_per_eur(text, wanted, f"imported from {path.name}")
    saved = store.save_exchange_rates(db, rates)
    days = [r.valid_from for r in rates]
    return FxImport(saved, sorted({r.currency for r in rates}), min(days, default=None),
                    max(days, default=None), errors)
