"""Compare regions: the same gifts valued under every region's rates and withdrawal rules, and
what they cost the fans at each region's coin-pack prices (the platform's share made visible).

The gifts are the account's ledger over a period (the last 30 or 90 days, this year, all),
valued day by day as money_views does (a LIVE's official total wins over the gift log), once per
region with that region's entries. Each row takes the period's earnings as one balance: does it
reach the region's minimum, and what arrives from it by the region's best payout method under
its daily cap. Exchange rates: each day's for what the gifts were worth, today's for what a
withdrawal made today brings home. Every row names the rate entries it used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from app.core.account import Account
from app.core.conversion import FanSpend, fan_spend
from app.core.money import ZERO, round_money
from app.core.rates import CoinPack, RateBook, RegionRates
from app.core.valuation import DayTotal, SessionTotals, earnings_by_day
from app.services import accounts
from app.services.planner import MethodPlan, method_plan
from app.services.rates import effective_book, region_name
from app.store import queries

# regions.json marks the entries that are the generic defaults, not a regional figure
UNSOURCED_MARK = "no regional source"
PERIODS: tuple[tuple[str, str], ...] = (("30d", "Last 30 days"), ("90d", "Last 90 days"),
                                        ("year", "This year"), ("all", "All"))
DEFAULT_PERIOD = "year"


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date | None  # None: from the first gift
    end: date  # today

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and day <= self.end


def period(key: str, today: date) -> Period:
    """The days of a period ending today ("30d", "90d", "year", "all")."""
    labels = dict(PERIODS)
    if key not in labels:
        raise ValueError(f"unknown period {key!r}; known: {', '.join(labels)}")
    start = {"30d": today - timedelta(days=29), "90d": today - timedelta(days=89),
             "year": date(today.year, 1, 1), "all": None}[key]
    return Period(key, labels[key], start, today)


@dataclass(frozen=True)
class MonthSpend:
    month: date  # its first day
    coins: int
    paid: FanSpend | None  # in the region's currency; None without packs or an exchange rate
    receive_local: Decimal | None


@dataclass(frozen=True)
class FanSide:
    """What the period's gifts cost the fans, against what the creator receives (before
    payout fees: those are the payment provider's, not the platform's)."""

    coins: int  # the coins behind the diamonds (official totals included)
    packs: tuple[CoinPack, ...]
    pack_currency: str
    paid: FanSpend | None  # converted to the region's currency; None without an exchange rate
    receive_local: Decimal | None
    months: tuple[MonthSpend, ...]

    @property
    def converted(self) -> bool:
        """The packs are priced in another currency than the region pays in."""
        return self.paid is not None and self.paid.currency != self.pack_currency

    def kept(self) -> tuple[Decimal, Decimal] | None:
        """The platform's share (fractions): when fans buy the cheapest packs per coin, and
        when they buy the dearest."""
        if self.paid is None or self.receive_local is None or not self.paid.low:
            return None
        return (1 - self.receive_local / self.paid.low, 1 - self.receive_local / self.paid.high)

    def cheapest(self) -> CoinPack:
        return min(self.packs, key=lambda p: p.price / p.coins)

    def dearest(self) -> CoinPack:
        return max(self.packs, key=lambda p: p.price / p.coins)


@dataclass(frozen=True)
class RegionRow:
    region: str
    name: str
    currency: str
    own: bool  # the account's region
    rates_used: tuple[RegionRates, ...]  # the entries in force on the period's days, oldest first
    rates: RegionRates  # in force today: the minimum and the daily cap
    gifts: int
    diamonds: Decimal
    usd: Decimal
    local: Decimal | None  # None when the currency has no exchange rate
    per_usd: Decimal | None  # today's
    best: MethodPlan | None  # the method that brings most home; None with nothing to withdraw
    fans: FanSide | None  # None when the region has no coin packs

    @property
    def unsourced(self) -> bool:
        return any(UNSOURCED_MARK in r.source.lower() for r in self.rates_used)

    @property
    def reaches_minimum(self) -> bool:
        return self.usd >= self.rates.min_withdrawal_usd

    @property
    def arrives_in_days(self) -> int | None:
        if self.best is None or self.best.arrives is None:
            return None
        return (self.best.arrives - self.best.withdrawals[0].day).days

    @property
    def costs_local(self) -> Decimal | None:
        """What the withdrawal loses to fees and the provider's rate, in the region's money
        (what stays on the balance, under the minimum, is not lost)."""
        if self.best is None or self.per_usd is None:
            return None
        return (self.usd - self.best.stays_usd) * self.per_usd - self.best.net_local


@dataclass(frozen=True)
class Comparison:
    handle: str
    region: str  # the account's
    period: Period
    first_day: date | None  # of the period's gifts
    last_day: date | None
    rows: tuple[RegionRow, ...]  # the account's region first, then by code

    def row(self, region: str) -> RegionRow:
        return next(r for r in self.rows if r.region == region.upper())


@dataclass(frozen=True)
class _Ledger:
    account: Account
    hourly: list[tuple[int, int, int]]
    sessions: list[SessionTotals]
    payouts: list[dict[str, Any]]


def compare(db: Database, period_key: str = DEFAULT_PERIOD, *, account: str | None = None,
            today: date | None = None, preset: str = "default") -> Comparison | None:
    """Every region's view of the account's gifts in the period; None while the ledger has no
    account or nothing to value."""
    if not queries.accounts(db):
        return None
    acct = accounts.resolve(db, account)
    ledger = _Ledger(acct, queries.hourly_totals(db, acct.id),
                     [SessionTotals(s["start_ts"], s["diamonds"], s["logged_coins"])
                      for s in queries.sessions(db, acct.id)],
                     queries.payouts(db, acct.id))
    if not ledger.hourly and not ledger.sessions and not ledger.payouts:
        return None
    today = today or date.today()
    p = period(period_key, today)
    rb = effective_book(db).with_preset(preset)
    own = str(acct.region).upper()
    codes = [own] + [c for c in rb.region_codes() if c != own]
    rows = tuple(region_row(ledger, rb, code, p, code == own) for code in codes)
    days = [d.day for d in _in_period(_days(ledger, rb, own), p) if d.gifts or d.diamonds]
    return Comparison(acct.handle, own, p, min(days, default=None), max(days, default=None),
                      rows)


def _days(ledger: _Ledger, rb: RateBook, code: str) -> list[DayTotal]:
    def rates_on(day: date) -> RegionRates:
        return rb.region(code, day)
    return earnings_by_day(ledger.hourly, ledger.sessions, ledger.account.timezone, rates_on)


def _in_period(days: Sequence[DayTotal], p: Period) -> list[DayTotal]:
    return [d for d in days if p.holds(d.day)]


def _per_usd(rb: RateBook, currency: str, day: date) -> Decimal | None:
    try:
        return rb.per_usd(currency, day)
    except KeyError:
        return None


def _local(days: Sequence[DayTotal], rb: RateBook, currency: str) -> Decimal | None:
    """The days' USD in `currency` at each day's exchange rate."""
    total = ZERO
    for d in days:
        rate = _per_usd(rb, currency, d.day)
        if rate is None:
            return None
        total += d.usd * rate
    return total


def region_row(ledger: _Ledger, rb: RateBook, code: str, p: Period, own: bool) -> RegionRow:
    days = _in_period(_days(ledger, rb, code), p)
    rates = rb.region(code, p.end)
    used = sorted({rb.region(code, d.day) for d in days} or {rates},
                  key=lambda r: r.valid_from)
    usd = sum((d.usd for d in days), ZERO)
    per_usd = _per_usd(rb, rates.currency, p.end)
    return RegionRow(code, region_name(code), rates.currency, own, tuple(used), rates,
                     sum(d.gifts for d in days), sum((d.diamonds for d in days), ZERO), usd,
                     _local(days, rb, rates.currency), per_usd,
                     best_method(rb, rates, usd, p.end, per_usd),
                     fan_side(days, rb, code, rates, p))


def best_method(rb: RateBook, rates: RegionRates, usd: Decimal, day: date,
                per_usd: Decimal | None) -> MethodPlan | None:
    """The region's payout method that brings most of `usd` home, withdrawn from `day` one
    withdrawal a day under the cap (each quoted on its own: fixed fees apply to each)."""
    if usd <= 0 or per_usd is None:
        return None
    plans = [method_plan(m, usd, day, rates, rb) for m in rb.payout_methods(rates.region, day)]
    return max(plans, key=lambda m: m.net_local, default=None)


def coins_behind(days: Sequence[DayTotal], rb: RateBook, code: str) -> int:
    """The coins fans spent for the days' diamonds (a LIVE's official total counts: the log
    may have missed gifts, the fans still paid for them)."""
    coins = sum((d.diamonds / rb.region(code, d.day).diamonds_per_coin for d in days), ZERO)
    return int(round_money(coins, 0))


def _convert(spend: FanSpend, rb: RateBook, currency: str, day: date) -> FanSpend | None:
    """Pack prices in another currency, in `currency` at the exchange rates of `day`."""
    if spend.currency == currency:
        return spend
    source, target = _per_usd(rb, spend.currency, day), _per_usd(rb, currency, day)
    if source is None or target is None:
        return None
    factor = target / source
    return FanSpend(spend.coins, currency, spend.low * factor, spend.high * factor)


def fan_side(days: Sequence[DayTotal], rb: RateBook, code: str, rates: RegionRates,
             p: Period) -> FanSide | None:
    packs = rb.coin_packs(code)
    if not packs:
        return None
    coins = coins_behind(days, rb, code)
    paid = _convert(fan_spend(coins, packs), rb, rates.currency, p.end)
    by_month: dict[date, list[DayTotal]] = defaultdict(list)
    for d in days:
        by_month[d.day.replace(day=1)].append(d)
    months = []
    for month, group in sorted(by_month.items()):
        n = coins_behind(group, rb, code)
        last = min(max(d.day for d in group), p.end)
        months.append(MonthSpend(month, n, _convert(fan_spend(n, packs), rb, rates.currency, last),
                                 _local(group, rb, rates.currency)))
    return FanSide(coins, tuple(packs), packs[0].currency, paid, _local(days, rb, rates.currency),
                   tuple(months))

