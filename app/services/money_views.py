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
class LedgerView:
    """One account's ledger valued as of one day: built once (per refresh of a page, per
    command) and handed to every part that shows a figure of it, as Fava hands its filtered
    ledger around, so that no two parts of one screen read the account, the rates or the
    balance apart (two reads had given the Overview's card and chart different days).

    The balance model: `days` are what the gifts earned, valued at the rates of their day;
    `payouts` take their own cash off (paid and pending alike once requested; failed ones
    nothing) and their diamonds off the diamond balance; a booked check-in's adjustment moves
    the cash only. So the cash balance and diamonds x today's rate differ when a payout's
    cash was not its diamonds x the rate of today (services.checkin.balance_note says why)."""

    account: Account
    book: RateBook  # the shipped rates, the ledger's own entries and the preset
    today: date
    rates: RegionRates  # in force today
    days: list[DayTotal]
    payouts: list[PayoutValue]  # and booked check-ins' adjustments (status ADJUSTMENT)
    balance: Summary  # everything up to today; its threshold is today's minimum

    def rates_on(self, day: date) -> RegionRates:
        return self.book.region(self.account.region, day)

    def per_usd(self, day: date) -> Decimal:
        """The account's currency per USD on `day`."""
        return self.book.per_usd(self.rates.currency, day)


def ledger_view(db: Database, account: Account, preset: str = "default",
                today: date | None = None) -> LedgerView:
    """`account`'s history valued day by day with the ledger's effective rates."""
    rb = book(preset, db)
    today = today or date.today()
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
    rates = rates_on(today)
    moves = payouts + booked
    balance = summarize(days, moves, rates.min_withdrawal_usd, None, today)
    return LedgerView(account, rb, today, rates, days, moves, balance)


def view_of(db: Database, account: str | None = None, preset: str = "default",
            today: date | None = None) -> LedgerView:
    """The view of the named account (the default one)."""
    return ledger_view(db, accounts.resolve(db, account), preset, today)


def summary(db: Database, *, account: str | None = None, start: date | None = None,
            end: date | None = None, preset: str = "default") -> tuple[Summary, LedgerView]:
    v = view_of(db, account, preset)
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
         history: LedgerView | None = None) -> Plan:
    """Balance today, the day the threshold is reached, and how each method pays it out.

    `history` is the view the caller has already built (its day is the plan's today)."""
    v = history or view_of(db, account, preset, today)
    today, rb, rates, s = v.today, v.book, v.rates, v.balance
    methods = rb.payout_methods(rates.region, today)
    if not methods:
        raise ValueError(f"region {rates.region} has no payout methods")
    chosen = rb.payout_method(rates.region, method, today) if method else methods[0]
    f = threshold_forecast(s.balance_usd, s.threshold_usd, v.days, today)
    amount, first_day = proposal(s, f, today)
    plans = tuple(method_plan(m, amount, first_day, rates, rb) for m in methods)
    mine = next(p for p in plans if p.method.name == chosen.name)
    return Plan(s, f, mine, plans, rates, today, amount, first_day, v.per_usd)


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
