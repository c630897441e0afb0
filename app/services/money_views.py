"""Summary, conversion and withdrawal plan: the ledger valued with the region's rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.conversion import Conversion, PayoutQuote, convert, quote_payout
from app.core.planner import Pace, recent_pace, threshold_date, withdrawal_schedule
from app.core.rates import RateBook, RegionRates
from app.core.valuation import (
    DayTotal,
    PayoutValue,
    SessionTotals,
    Summary,
    earnings_by_day,
    summarize,
    value_payout,
)
from app.services import accounts
from app.services.rates import effective_book
from app.store import queries


def book(preset: str = "default", db: Database | None = None) -> RateBook:
    """The rates to value with: shipped defaults, plus the ledger's own entries given `db`."""
    return effective_book(db).with_preset(preset)


@dataclass(frozen=True)
class Valued:
    """An account's whole history valued day by day, with what was used to value it."""

    account: dict[str, Any]
    rates: RegionRates  # in force today
    days: list[DayTotal]
    payouts: list[PayoutValue]


def valued(db: Database, account: dict[str, Any], preset: str = "default") -> Valued:
    rb = book(preset, db)
    region, tz = account["region"], account["timezone"]

    def rates_on(day: date) -> RegionRates:
        return rb.region(region, day)

    hourly = queries.hourly_totals(db, account["id"])
    sessions = [SessionTotals(s["start_ts"], s["diamonds"], s["logged_coins"])
                for s in queries.sessions(db, account["id"])]
    days = earnings_by_day(hourly, sessions, tz, rates_on)
    payouts = [value_payout(p, tz, rates_on, rb.per_usd)
               for p in queries.payouts(db, account["id"])]
    return Valued(account, rates_on(date.today()), days, payouts)


def summary(db: Database, *, account: str | None = None, start: date | None = None,
            end: date | None = None, preset: str = "default") -> tuple[Summary, Valued]:
    v = valued(db, accounts.resolve(db, account), preset)
    return summarize(v.days, v.payouts, v.rates.min_withdrawal_usd, start, end), v


def conversion(coins: int, region: str = "US", preset: str = "default",
               day: date | None = None, db: Database | None = None) -> Conversion:
    """`coins` valued with the region's rates of `day`; with `db`, the ledger's own entries
    count (without it, the shipped defaults)."""
    if coins < 0:
        raise ValueError("coins must not be negative")
    rb = book(preset, db)
    day = day or date.today()
    rates = rb.region(region, day)
    return convert(coins, rates, rb.per_usd(rates.currency, day))


@dataclass(frozen=True)
class Plan:
    summary: Summary
    pace: Pace
    threshold_date: date | None
    method: PayoutQuote
    schedule: list[tuple[date, Decimal]]
    quotes: list[PayoutQuote]  # one per withdrawal of the schedule
    rates: RegionRates
    today: date

    @property
    def forecast_passed(self) -> bool:
        """The pace says the threshold was reached before today: newer data would tell."""
        return (not self.summary.withdrawable and self.threshold_date is not None
                and self.threshold_date < self.today)


def plan(db: Database, *, account: str | None = None, method: str | None = None,
         today: date | None = None, preset: str = "default",
         history: Valued | None = None) -> Plan:
    """Balance now, the day the threshold is reached at the recent pace, and what arrives.

    The pace is the mean per calendar day over the 28 days ending at the last day with
    earnings (so an old export still gives a pace), and the forecast continues from that
    last day, as the Overview chart draws it: with an old ledger the threshold day can be in
    the past (`forecast_passed`), which says "import your newer gifts to check". `history`
    spares valuing the ledger again when the caller has already done it.
    """
    today = today or date.today()
    v = history or valued(db, accounts.resolve(db, account), preset)
    s = summarize(v.days, v.payouts, v.rates.min_withdrawal_usd, None, today)
    rb = book(preset, db)
    rates = rb.region(v.account["region"], today)
    methods = rb.payout_methods(rates.region, today)
    if not methods:
        raise ValueError(f"region {rates.region} has no payout methods")
    chosen = rb.payout_method(rates.region, method, today) if method else methods[0]
    last = max((d.day for d in v.days if d.day <= today), default=today)
    pace = recent_pace(v.days, last)
    reach = threshold_date(s.balance_usd, s.threshold_usd, pace.usd_per_day, last)
    amount = s.balance_usd if s.withdrawable else s.threshold_usd
    first_day = today if s.withdrawable else (max(reach, today) if reach else None)
    schedule = withdrawal_schedule(amount, rates.daily_cap_usd, first_day) if first_day else []
    per_usd = rb.per_usd(rates.currency, today)
    quotes = [quote_payout(usd, chosen, rates.currency, per_usd) for _, usd in schedule]
    total = quote_payout(amount, chosen, rates.currency, per_usd)
    if quotes:
        total = PayoutQuote(chosen.name, amount, sum((q.fee_usd for q in quotes), Decimal(0)),
                            sum((q.spread_usd for q in quotes), Decimal(0)),
                            sum((q.net_usd for q in quotes), Decimal(0)),
                            sum((q.net_local for q in quotes), Decimal(0)),
                            rates.currency, chosen.processing_days)
    return Plan(s, pace, reach, total, schedule, quotes, rates, today)


def day_bounds(day: date, tz_name: str) -> tuple[int, int]:
    """Epoch seconds of the start of `day` and of the next day, in the account's zone."""
    zone = ZoneInfo(tz_name)
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return int(start.astimezone(UTC).timestamp()), int(end.astimezone(UTC).timestamp())
