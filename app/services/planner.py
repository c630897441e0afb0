"""The Planner page's figures: where the balance stands, when it reaches the threshold, what
each payout method of the region pays and when, waiting, a goal, and calibration.

The ledger is valued by money_views.valued; the forecast continues from the last day with
earnings, as money_views.plan does. Every figure comes from the region's rate tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlite_utils import Database

from app.core.conversion import Calibration, PayoutQuote, calibrate, quote_payout
from app.core.forecast import (
    BalancePath,
    Forecast,
    Goal,
    WaitChoice,
    balance_path,
    daily_pace,
    forecast,
    goal,
    now_or_later,
)
from app.core.money import ZERO
from app.core.planner import withdrawal_schedule
from app.core.rates import PayoutMethod, RateBook, RegionRates
from app.core.valuation import Summary, summarize
from app.services import accounts, currency
from app.services.catalogue import effective_catalogue
from app.services.money_views import Valued, book, valued
from app.store import queries

GOAL_GIFTS = ("Rose", "Finger Heart", "Doughnut", "Corgi", "Lion")
CHART_DAYS = (21, 120)  # the forecast chart's shortest and longest span
CHART_MARGIN_DAYS = 7  # drawn past the late end of the band


@dataclass(frozen=True)
class Withdrawal:
    day: date  # requested
    quote: PayoutQuote
    arrives: date  # requested + the method's processing days


@dataclass(frozen=True)
class MethodPlan:
    """Withdrawing the planned amount by one method: one withdrawal per day under the cap."""

    method: PayoutMethod
    withdrawals: tuple[Withdrawal, ...]  # empty when the threshold is never reached

    def _total(self, field: str) -> Decimal:
        return sum((getattr(w.quote, field) for w in self.withdrawals), ZERO)

    @property
    def fee_usd(self) -> Decimal:
        return self._total("fee_usd")

    @property
    def spread_usd(self) -> Decimal:
        return self._total("spread_usd")

    @property
    def net_usd(self) -> Decimal:
        return self._total("net_usd")

    @property
    def net_local(self) -> Decimal:
        return self._total("net_local")

    @property
    def arrives(self) -> date | None:
        return self.withdrawals[-1].arrives if self.withdrawals else None


@dataclass(frozen=True)
class Planner:
    handle: str
    rates: RegionRates  # in force today
    per_usd: Decimal  # the region's currency per USD today
    today: date
    last_day: date  # the last day with earnings: the forecast starts there
    summary: Summary  # pending payouts already count as withdrawn
    pending_usd: Decimal
    pending_count: int
    forecast: Forecast
    path: BalancePath
    amount_usd: Decimal  # what the method table withdraws: the balance, or the threshold
    request_day: date | None  # today, the forecast day, or None (never at this pace)
    methods: tuple[MethodPlan, ...]
    history: Valued
    goal_gifts: tuple[tuple[str, int], ...] = ()  # (name, coins) at the ledger's prices
    rates_line: str = ""

    @property
    def currency(self) -> str:
        return self.rates.currency

    @property
    def balance_local(self) -> Decimal:
        return self.summary.balance_usd * self.per_usd

    @property
    def pace_usd(self) -> Decimal:
        return daily_pace(self.forecast)

    def method(self, name: str) -> MethodPlan:
        return next(m for m in self.methods if m.method.name == name)


def planner(db: Database, *, account: str | None = None, today: date | None = None,
            preset: str = "default") -> Planner | None:
    """The plan of an account (the default one); None when the ledger has no data yet."""
    if not queries.accounts(db):
        return None
    v = valued(db, accounts.resolve(db, account), preset)
    if not v.days and not v.payouts:
        return None
    today = today or date.today()
    rb = book(preset, db)  # the creator's own rate entries count, as in valued()
    rates = rb.region(v.account["region"], today)
    s = summarize(v.days, v.payouts, rates.min_withdrawal_usd, None, today)
    last = max((d.day for d in v.days if d.day <= today), default=today)
    f = forecast(s.balance_usd, s.threshold_usd, v.days, last, last)
    pending = [p for p in v.payouts if p.status == "pending" and p.day <= today]
    amount = s.balance_usd if s.withdrawable else s.threshold_usd
    request = today if s.withdrawable else (max(f.expected, today) if f.expected else None)
    methods = tuple(method_plan(m, amount, request, rates, rb)
                    for m in rb.payout_methods(rates.region, today))
    days = [d.day for d in v.days] + [today]
    return Planner(v.account["handle"], rates, rb.per_usd(rates.currency, today), today, last,
                   s, sum((p.usd for p in pending), ZERO), len(pending), f,
                   _path(s.balance_usd, v, last, today, f), amount, request, methods, v,
                   tuple(goal_gifts(today, db)),
                   currency.rates_line(rb, rates.region, days, today))


def method_plan(method: PayoutMethod, amount_usd: Decimal, request: date | None,
                rates: RegionRates, rb: RateBook) -> MethodPlan:
    """The daily-cap schedule from `request`, each withdrawal quoted on its own (fixed fees
    apply to each), at the exchange rate of its day."""
    if request is None:
        return MethodPlan(method, ())
    out = []
    for day, usd in withdrawal_schedule(amount_usd, rates.daily_cap_usd, request):
        quote = quote_payout(usd, method, rates.currency, rb.per_usd(rates.currency, day))
        out.append(Withdrawal(day, quote, day + timedelta(days=method.processing_days)))
    return MethodPlan(method, tuple(out))


def _path(balance: Decimal, v: Valued, last: date, today: date, f: Forecast) -> BalancePath:
    """Long enough to show the crossing's band and today, within CHART_DAYS."""
    far = max(f.high or f.expected or today, today)
    shortest, longest = CHART_DAYS
    span = (far - last).days + CHART_MARGIN_DAYS
    return balance_path(balance, v.days, last, last, max(shortest, min(span, longest)))


def wait(p: Planner, method: str, later_day: date) -> WaitChoice:
    """The whole balance now against the grown balance on `later_day` (the forecast's pace)."""
    m = p.method(method).method
    return now_or_later(p.summary.balance_usd, p.pace_usd, later_day, p.today, m, p.currency,
                        p.per_usd)


def goal_gifts(day: date, db: Database | None = None) -> list[tuple[str, int]]:
    """The goal's gifts at their prices of `day`: the creator's price changes count."""
    gifts = effective_catalogue(db)
    return [(name, gifts.by_name(name, day).coins) for name in GOAL_GIFTS]


def goal_for(p: Planner, target_local: Decimal, by_day: date) -> Goal:
    """"I want `target_local` (the region's currency) by `by_day`"; ValueError for a past day.
    The gifts are priced as `planner` read them from the ledger's catalogue."""
    return goal(target_local, p.per_usd, by_day, p.today, p.summary.balance_usd,
                p.rates.usd_per_diamond, p.rates.diamonds_per_coin,
                list(p.goal_gifts) or goal_gifts(p.today))


def calibration(p: Planner, diamonds: int, cash_usd: Decimal) -> Calibration:
    """The true rate of a real payout, against the region's nominal rate."""
    return calibrate(diamonds, cash_usd, p.rates)

