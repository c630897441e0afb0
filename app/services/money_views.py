"""Summary, conversion and withdrawal plan: the ledger valued with the region's rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account
from app.core.conversion import Conversion, convert
from app.core.forecast import Forecast, daily_pace, threshold_forecast
from app.core.planner import WithdrawalPlan, plan_withdrawals
from app.core.rates import PayoutMethod, RateBook, RegionRates
from app.core.valuation import (
    DayTotal,
    PayoutValue,
    SessionTotals,
    Summary,
    earnings_by_day,
    reconcile,
    summarize,
    value_payout,
)
from app.services import accounts
from app.services.rates import effective_book
from app.store import checkins, queries


def book(preset: str = "default", db: Database | None = None) -> RateBook:
    """The rates to value with: shipped defaults, plus the ledger's own entries given `db`."""
    return effective_book(db).with_preset(preset)


@dataclass(frozen=True)
class Valued:
    """An account's whole history valued day by day, with what was used to value it."""

    account: Account
    rates: RegionRates  # in force today
    days: list[DayTotal]
    payouts: list[PayoutValue]  # and booked check-ins' adjustments (status ADJUSTMENT)


def valued(db: Database, account: Account, preset: str = "default") -> Valued:
    rb = book(preset, db)
    region, tz = account.region, account.timezone

    def rates_on(day: date) -> RegionRates:
        return rb.region(region, day)

    hourly = queries.hourly_totals(db, account.id)
    sessions = [SessionTotals(s["start_ts"], s["diamonds"], s["logged_coins"])
                for s in queries.sessions(db, account.id)]
    days = earnings_by_day(hourly, sessions, tz, rates_on)
    payouts = [value_payout(p, tz, rates_on, rb.per_usd)
               for p in queries.payouts(db, account.id)]
    checks = checkins.checkins(db, account.id)
    booked = [r.adjustment for r in reconcile(days, payouts, checks, rates_on)
              if r.checkin.booked]
    return Valued(account, rates_on(date.today()), days, payouts + booked)


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
    """The one withdrawal plan: the Overview, the Planner page and `plan` all show this."""

    summary: Summary  # as of today: pending payouts already off the balance
    forecast: Forecast  # from today's balance (core.forecast.threshold_forecast)
    chosen: WithdrawalPlan  # the chosen method's withdrawals
    methods: tuple[WithdrawalPlan, ...]  # every method of the region, same amount and day
    rates: RegionRates
    today: date
    amount_usd: Decimal  # what the methods withdraw: the balance, or the minimum
    first_day: date | None  # today, the forecast day, or None (no forecast)
    per_usd_on: Callable[[date], Decimal]  # the region's currency per USD on a day

    @property
    def threshold_date(self) -> date | None:
        """Today when the balance is withdrawable, else the forecast's day (never a past day)."""
        return self.today if self.summary.withdrawable else self.forecast.expected

    @property
    def daily_usd(self) -> Decimal:
        return daily_pace(self.forecast)

    @property
    def schedule(self) -> list[tuple[date, Decimal]]:
        return [(w.day, w.quote.gross_usd) for w in self.chosen.withdrawals]


def proposal(s: Summary, f: Forecast, today: date) -> tuple[Decimal, date | None]:
    """What to withdraw and from when: the whole balance today when it is withdrawable, else
    the minimum on the forecast's day (None: no day to plan for)."""
    if s.withdrawable:
        return s.balance_usd, today
    return s.threshold_usd, f.expected


def plan(db: Database, *, account: str | None = None, method: str | None = None,
         today: date | None = None, preset: str = "default",
         history: Valued | None = None) -> Plan:
    """Balance today, the day the threshold is reached, and how each method pays it out.

    `history` spares valuing the ledger again when the caller has already done it."""
    today = today or date.today()
    v = history or valued(db, accounts.resolve(db, account), preset)
    rb = book(preset, db)
    rates = rb.region(v.account.region, today)
    s = summarize(v.days, v.payouts, rates.min_withdrawal_usd, None, today)
    methods = rb.payout_methods(rates.region, today)
    if not methods:
        raise ValueError(f"region {rates.region} has no payout methods")
    chosen = rb.payout_method(rates.region, method, today) if method else methods[0]
    f = threshold_forecast(s.balance_usd, s.threshold_usd, v.days, today)
    amount, first_day = proposal(s, f, today)
    plans = tuple(method_plan(m, amount, first_day, rates, rb) for m in methods)
    mine = next(p for p in plans if p.method.name == chosen.name)
    return Plan(s, f, mine, plans, rates, today, amount, first_day,
                lambda day: rb.per_usd(rates.currency, day))


def method_plan(method: PayoutMethod, amount_usd: Decimal, first_day: date | None,
                rates: RegionRates, rb: RateBook) -> WithdrawalPlan:
    """`amount_usd` out by `method` from `first_day`, at the exchange rate of each day."""
    return plan_withdrawals(amount_usd, first_day, rates, method,
                            lambda day: rb.per_usd(rates.currency, day))


def day_bounds(day: date, tz_name: str) -> tuple[int, int]:
    """Epoch seconds of the start of `day` and of the next day, in the account's zone."""
    zone = ZoneInfo(tz_name)
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return int(start.astimezone(UTC).timestamp()), int(end.astimezone(UTC).timestamp())
