"""The creator's own currency: each day's USD at that day's exchange rate, and the line every
view shows to say which rates it used.

A day takes the newest exchange rate whose `valid_from` is on or before it (as core's
`effective` does); a day before every rate of the currency takes the oldest one and says so
(`DayRate.fallback`); a currency without any rate converts to nothing (`DayRate.missing`), and
the views then show USD only. Lookups are one bisect per day, cached: views convert daily
totals, never gift by gift, so an ECB history of thousands of days stays cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account
from app.core.money import ZERO, plain, round_money
from app.core.money import rate_text as plain_rate
from app.core.rates import ExchangeRate, RateBook, RegionRates, effective
from app.core.valuation import ADJUSTMENT, local_day
from app.services import money_views
from app.services.money_views import day_bounds
from app.services.reference import rate_book
from app.store import browse as browse_store
from app.store import queries

USD = "USD"
RATE_PLACES = 4  # an exchange rate as the rates line shows it
MAX_FILTERED_CUTS = 31  # rate changes a filtered total splits on before it gives up


def rate_text(per_usd: Decimal) -> str:
    """0.7512 / 16600: an exchange rate as text (4 decimals at most)."""
    return plain(round_money(per_usd, RATE_PLACES))


@dataclass(frozen=True)
class DayRate:
    """The exchange rate a day's USD is converted at."""

    day: date
    currency: str
    entry: ExchangeRate | None  # None: USD itself, or no rate for the currency at all
    fallback: bool = False  # the day is before every rate: the oldest one was used

    @property
    def per_usd(self) -> Decimal | None:
        if self.currency == USD:
            return Decimal(1)
        return None if self.entry is None else self.entry.per_usd

    @property
    def missing(self) -> bool:
        return self.per_usd is None

    def note(self) -> str:
        """How the day was converted, in a sentence for a tooltip."""
        if self.currency == USD:
            return "USD"
        if self.entry is None:
            return f"No {self.currency} exchange rate in the rate tables: USD only."
        used = (f"{rate_text(self.entry.per_usd)} {self.currency} per USD, the rate of "
                f"{self.entry.valid_from.isoformat()}")
        if self.fallback:
            return (f"{self.day.isoformat()} is before the first {self.currency} rate: "
                    f"converted at {used}.")
        return f"Converted at {used}."


@dataclass(frozen=True)
class Local:
    """An amount of one day in USD and in the account's currency (None without a rate)."""

    usd: Decimal
    local: Decimal | None
    rate: DayRate


class Converter:
    """Converts a day's USD into `currency` at that day's rate."""

    def __init__(self, currency: str, entries: Iterable[ExchangeRate]) -> None:
        self.currency = currency.upper()
        ordered = sorted((e for e in entries if e.currency == self.currency),
                         key=lambda e: e.valid_from)
        self._entries = tuple(ordered)
        self._days = [e.valid_from for e in ordered]
        self._cache: dict[date, DayRate] = {}

    @property
    def usd_only(self) -> bool:
        """Nothing to convert to: the account is paid in USD."""
        return self.currency == USD

    @property
    def entries(self) -> tuple[ExchangeRate, ...]:
        return self._entries

    def rate(self, day: date) -> DayRate:
        found = self._cache.get(day)
        if found is None:
            found = self._cache[day] = self._lookup(day)
        return found

    def _lookup(self, day: date) -> DayRate:
        if self.usd_only or not self._entries:
            return DayRate(day, self.currency, None)
        i = bisect_right(self._days, day)
        if i == 0:
            return DayRate(day, self.currency, self._entries[0], fallback=True)
        return DayRate(day, self.currency, self._entries[i - 1])

    def local(self, usd: Decimal, day: date) -> Decimal | None:
        per_usd = self.rate(day).per_usd
        return None if per_usd is None else usd * per_usd

    def value(self, usd: Decimal, day: date) -> Local:
        return Local(usd, self.local(usd, day), self.rate(day))

    def total(self, by_day: Iterable[tuple[date, Decimal]]) -> Decimal | None:
        """Sum of each day's USD at that day's rate; None when a day has no rate."""
        out = ZERO
        for day, usd in by_day:
            local = self.local(usd, day)
            if local is None:
                return None
            out += local
        return out


def account_currency(book: RateBook, region: str, today: date | None = None) -> str:
    return book.region(region, today or date.today()).currency


def converter(book: RateBook, region: str, today: date | None = None) -> Converter:
    """The converter to the region's currency (its currency of `today`)."""
    return Converter(account_currency(book, region, today), book.fx)


# ---- which rates a view used ----------------------------------------------------------------

@dataclass(frozen=True)
class RatesUsed:
    """The rate entries that valued the days first..last of a view."""

    region: str
    regions: tuple[RegionRates, ...]  # in force over the span, oldest first
    currency: str
    fx: tuple[ExchangeRate, ...]  # in force over the span, oldest first (empty for USD)
    fallback: bool  # some day is before the currency's first rate
    shipped_fx: frozenset[ExchangeRate]

    @property
    def missing(self) -> bool:
        return self.currency != USD and not self.fx

    def text(self) -> str:
        """"US rates from 2025-02-10 · $0.005 per diamond · GBP at 0.79 (ECB 2026-11-20)"."""
        parts = [self._region_text()]
        if self.currency != USD:
            parts.append(self._fx_text())
        return " \u00b7 ".join(parts)

    def _region_text(self) -> str:
        first, later = self.regions[0], self.regions[1:]
        text = (f"{self.region} rates from {first.valid_from.isoformat()} \u00b7 "
                f"${plain_rate(first.usd_per_diamond)} per diamond")
        for entry in later[:2]:
            text += f", ${plain_rate(entry.usd_per_diamond)} from {entry.valid_from.isoformat()}"
        if len(later) > 2:
            text += f" and {len(later) - 2} later changes"
        return text

    def _label(self, x: ExchangeRate) -> str:
        if x in self.shipped_fx:
            kind = "shipped"
        elif "ecb" in x.source.lower() or "eurofxref" in x.source.lower():
            kind = "ECB"
        else:
            kind = "yours"
        return f"{rate_text(x.per_usd)} ({kind} {x.valid_from.isoformat()})"

    def _fx_text(self) -> str:
        if self.missing:
            return f"no {self.currency} exchange rate: USD only"
        if len(self.fx) == 1:
            text = f"{self.currency} at {self._label(self.fx[0])}"
        else:
            text = (f"{self.currency} at each day's rate, {self._label(self.fx[0])} to "
                    f"{self._label(self.fx[-1])}")
        if self.fallback:
            text += (f"; days before {self.fx[0].valid_from.isoformat()} use that first "
                     "rate")
        return text


def _in_span(entries: Sequence[Any], first: date, last: date) -> tuple[Any, ...]:
    """The entries in force on some day of first..last (entries oldest first)."""
    if not entries:
        return ()
    start = effective(entries, first).value
    return (start, *(e for e in entries if first < e.valid_from <= last))


def rates_used(book: RateBook, region: str, days: Iterable[date],
               today: date | None = None) -> RatesUsed:
    """The entries that valued `days` (today's alone when there are none)."""
    today = today or date.today()
    span = list(days) or [today]
    first, last = min(span), max(span)
    conv = converter(book, region, today)
    fx = _in_span(conv.entries, first, last) if not conv.usd_only else ()
    fallback = bool(fx) and first < conv.entries[0].valid_from
    return RatesUsed(region.upper(), _in_span(book.region_history(region), first, last),
                     conv.currency, fx, fallback, frozenset(rate_book().fx))


def rates_line(book: RateBook, region: str, days: Iterable[date],
               today: date | None = None) -> str:
    """The line a view shows under its title: which rates valued its days."""
    return rates_used(book, region, days, today).text()


# ---- gift totals in the account's currency -------------------------------------------------

def _day_value(book: RateBook, region: str, conv: Converter, day: date,
               coins: int) -> Decimal | None:
    rates = book.region(region, day)
    return conv.local(Decimal(coins) * rates.diamonds_per_coin * rates.usd_per_diamond, day)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    out = ZERO
    for value in values:
        if value is None:
            return None
        out += value
    return out


@dataclass(frozen=True)
class GiftsLocal:
    """What the Gifts page adds to a gift list: the converter its local column uses, the
    list's total in the account's currency, and the rates line."""

    converter: Converter
    total: Decimal | None  # None: USD account, a missing rate, or too many rate changes
    rates_line: str


def gifts_local(db: Database, account: Account, f: browse_store.GiftFilter,
                preset: str = "default", today: date | None = None) -> GiftsLocal:
    book = money_views.book(preset, db)
    conv = converter(book, account.region, today)
    hourly = queries.hourly_totals(db, account.id, f.start_ts, f.end_ts)
    zone = ZoneInfo(account.timezone)
    days = [local_day(h * 3600, zone) for h in (hourly[0][0], hourly[-1][0])] if hourly else []
    total = gift_total_local(db, account, f, book, conv, hourly)
    return GiftsLocal(conv, total, rates_line(book, account.region, days, today))


def gift_total_local(db: Database, account: Account, f: browse_store.GiftFilter,
                     book: RateBook, conv: Converter,
                     hourly: Sequence[tuple[int, int, int]]) -> Decimal | None:
    """The filtered gifts' value in the account's currency, each at its day's rates; None for
    a USD account, a missing rate, or a filtered list spanning too many rate changes.

    `hourly` is the rollup over the filter's time range. A time range alone is valued per day
    from it (as the Overview does); a search, gift or gifter filter asks the store for its
    coins per rate period instead."""
    if conv.usd_only or not conv.entries:
        return None
    zone, region = ZoneInfo(account.timezone), account.region
    if not hourly:
        return ZERO
    if not (f.text or f.gift is not None or f.sender is not None):
        by_day: dict[date, int] = defaultdict(int)
        for hour, _gifts, coins in hourly:
            by_day[local_day(hour * 3600, zone)] += coins
        return _sum(_day_value(book, region, conv, d, c) for d, c in by_day.items())
    first, last = local_day(hourly[0][0] * 3600, zone), local_day(hourly[-1][0] * 3600, zone)
    starts = [r.valid_from for r in book.region_history(region)]
    starts += [x.valid_from for x in conv.entries]
    changes = sorted({d for d in starts if first < d <= last})
    if len(changes) > MAX_FILTERED_CUTS:
        return None
    cuts = [day_bounds(d, account.timezone)[0] for d in changes]
    totals = browse_store.gift_totals(db, f, cuts)
    return _sum(_day_value(book, region, conv, d, c)
                for d, c in zip([first, *changes], totals.period_coins, strict=True))


# ---- a summary in the account's currency ----------------------------------------------------

@dataclass(frozen=True)
class LocalSummary:
    """`summary`'s money in the account's currency: earnings and payouts each at its day's
    exchange rate, the balance at today's (what it is worth now). None figures: no rate."""

    currency: str
    per_usd: Decimal | None  # today's
    local: Decimal | None
    withdrawn_local: Decimal | None
    balance_local: Decimal | None


def summary_local(book: RateBook, v: money_views.LedgerView, balance_usd: Decimal,
                  start: date | None = None, end: date | None = None,
                  today: date | None = None) -> LocalSummary:
    """The local figures of the summary of [start, end] of `v` (as core's summarize counts)."""
    today = today or date.today()
    conv = converter(book, v.account.region, today)

    def inside(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    earned = conv.total((d.day, d.usd) for d in v.days if inside(d.day))
    withdrawn = conv.total((p.day, p.usd) for p in v.payouts
                           if p.status not in ("failed", ADJUSTMENT) and inside(p.day))
    return LocalSummary(conv.currency, conv.rate(today).per_usd, earned, withdrawn,
                        conv.local(balance_usd, today))
