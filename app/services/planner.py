"""The Planner page's figures: where the balance stands, when it reaches the threshold, what
each payout method of the region pays and when, waiting, a goal, and calibration.

Built on money_views.plan, the one plan the Overview and `plan` show too: the same forecast
from today's balance and the same withdrawals. Every figure comes from the region's rate
tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from app.core.conversion import Calibration, calibrate
from app.core.forecast import BalancePath, Forecast, Goal, balance_path, expected_balance, goal
from app.core.money import ZERO
from app.core.planner import WaitChoice, Withdrawal, WithdrawalPlan, now_or_later
from app.core.rates import RegionRates
from app.core.valuation import Summary
from app.services import currency
from app.services.catalogue import effective_catalogue
from app.services.money_views import LedgerView, Plan, method_plan, plan, view_of
from app.store import queries

MethodPlan = WithdrawalPlan  # one method's withdrawals, as the method table shows them
__all__ = ["MethodPlan", "Withdrawal", "method_plan"]

GOAL_GIFTS = ("Rose", "Finger Heart", "Doughnut", "Corgi", "Lion")
CHART_DAYS = (21, 120)  # the forecast chart's shortest and longest span
CHART_MARGIN_DAYS = 7  # drawn past the late end of the band


@dataclass(frozen=True)
class Planner:
    handle: str
    rates: RegionRates  # in force today
    per_usd: Decimal  # the region's currency per USD today
    today: date
    last_day: date | None  # the last day with earnings: the weekday pattern's weeks end there
    summary: Summary  # pending payouts already count as withdrawn
    pending_usd: Decimal
    pending_count: int
    forecast: Forecast
    path: BalancePath  # from today's balance
    plan: Plan  # the one plan: the Overview and `plan` show the same
    history: LedgerView
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
        return self.plan.daily_usd

    @property
    def methods(self) -> tuple[MethodPlan, ...]:
        return self.plan.methods

    @property
    def amount_usd(self) -> Decimal:
        """What the method table withdraws: the balance, or the minimum on the forecast day."""
        return self.plan.amount_usd

    @property
    def request_day(self) -> date | None:
        """Today, the forecast day, or None (no forecast)."""
        return self.plan.first_day

    def method(self, name: str) -> MethodPlan:
        return next(m for m in self.methods if m.method.name == name)


def planner(db: Database, *, account: str | None = None, today: date | None = None,
            preset: str = "default") -> Planner | None:
    """The plan of an account (the default one); None when the ledger has no data yet."""
    if not queries.accounts(db):
        return None
    v = view_of(db, account, preset, today)
    if not v.days and not v.payouts:
        return None
    p = plan(db, history=v)
    today, rates, s, rb = v.today, v.rates, v.balance, v.book
    pending = [x for x in v.payouts if x.status == "pending" and x.day <= today]
    days = [d.day for d in v.days] + [today]
    return Planner(v.account.handle, rates, rb.per_usd(rates.currency, today), today,
                   p.forecast.last_day, s, sum((x.usd for x in pending), ZERO), len(pending),
                   p.forecast, _path(s.balance_usd, v, today, p.forecast), p, v,
                   tuple(goal_gifts(today, db)),
                   currency.rates_line(rb, rates.region, days, today))


def _path(balance: Decimal, v: LedgerView, today: date, f: Forecast) -> BalancePath:
    """From today's balance, long enough to show the crossing's band, within CHART_DAYS;
    flat when there is no forecast (stale data is no pattern to draw)."""
    far = max(f.high or f.expected or today, today)
    shortest, longest = CHART_DAYS
    span = max(shortest, min((far - today).days + CHART_MARGIN_DAYS, longest))
    if f.expected is None or f.stale:
        return balance_path(balance, (), today, today, span)
    return balance_path(balance, v.days, f.last_day or today, today, span)


def wait(p: Planner, method: str, later_day: date) -> WaitChoice:
    """The whole balance now against the balance grown along the forecast on `later_day`,
    both withdrawn under the same rules as the method table."""
    m = p.method(method).method
    s = p.summary
    later = expected_balance(p.forecast, s.balance_usd, p.today, later_day)
    return now_or_later(s.balance_usd, later, p.today, later_day, p.rates, m,
                        p.plan.per_usd_on)


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

