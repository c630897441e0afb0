"""Everything the Overview shows, in one call: balance, threshold progress, period, forecast,
and the chart series. Pure data (no Qt), so the window can run it on a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlite_utils import Database

from app.core.charts import EarningsChart, earnings_chart, forecast_span
from app.core.forecast import BalancePath, balance_path
from app.core.money import ZERO
from app.core.valuation import Summary, summarize
from app.services import accounts, checkin, currency, money_views
from app.services.currency import Converter, Local
from app.services.money_views import LedgerView, Plan
from app.store import queries

PERIOD_DAYS = 30


@dataclass(frozen=True)
class Period:
    """Earnings of the `days` days ending at `end` against the `days` days before them."""

    days: int
    end: date
    usd: Decimal
    previous_usd: Decimal

    @property
    def change(self) -> Decimal | None:
        """Relative change as a fraction (0.12 is +12 %); None when there was nothing before."""
        if self.previous_usd == 0:
            return None
        return (self.usd - self.previous_usd) / self.previous_usd


@dataclass(frozen=True)
class AccountChoice:
    handle: str
    label: str


@dataclass(frozen=True)
class LocalOverview:
    """The Overview's cash in the account's currency, each day at that day's rate."""

    currency: str
    balance: Local  # the balance at today's rate
    period: Decimal | None  # the period's days, each at its rate (None: a day has no rate)
    previous: Decimal | None
    days: dict[date, tuple[Decimal, Decimal]]  # chart day -> (earned, balance at its end)
    fallback_days: int  # days before the currency's first rate (converted at that rate)


@dataclass(frozen=True)
class Dashboard:
    handle: str
    summary: Summary
    plan: Plan
    period: Period | None  # None when the account has no earnings yet
    chart: EarningsChart
    local: LocalOverview | None = None  # None for a USD account
    rates_line: str = ""  # which rates valued what the Overview shows
    balance_note: str = ""  # why the cash and diamond balances differ (services.checkin)

    @property
    def progress(self) -> Decimal:
        """Balance as a fraction of the threshold (above 1 when withdrawable)."""
        s = self.summary
        return s.balance_usd / s.threshold_usd if s.threshold_usd > 0 else Decimal(1)

    @property
    def missing_usd(self) -> Decimal:
        return max(self.summary.threshold_usd - self.summary.balance_usd, ZERO)


def period(v: LedgerView, threshold_usd: Decimal, end: date | None,
           days: int = PERIOD_DAYS) -> Period | None:
    if end is None:
        return None
    start = end - timedelta(days=days - 1)
    before = start - timedelta(days=days)
    now = summarize(v.days, v.payouts, threshold_usd, start, end)
    prev = summarize(v.days, v.payouts, threshold_usd, before, start - timedelta(days=1))
    return Period(days, end, now.usd, prev.usd)


def _period_local(v: LedgerView, conv: Converter, start: date, end: date) -> Decimal | None:
    return conv.total((d.day, d.usd) for d in v.days if start <= d.day <= end)


def local_overview(v: LedgerView, p: Period | None, chart: EarningsChart, balance_usd: Decimal,
                   conv: Converter, today: date) -> LocalOverview | None:
    """Per day, not per gift: the days of the valued history and of the chart."""
    if conv.usd_only:
        return None
    now, previous = None, None
    if p is not None:
        start = p.end - timedelta(days=p.days - 1)
        now = _period_local(v, conv, start, p.end)
        previous = _period_local(v, conv, start - timedelta(days=p.days),
                                 start - timedelta(days=1))
    days: dict[date, tuple[Decimal, Decimal]] = {}
    for point in chart.points:
        per_usd = conv.rate(point.day).per_usd
        if per_usd is not None:
            days[point.day] = (point.earned_usd * per_usd, point.balance_usd * per_usd)
    fallback = sum(1 for d in v.days if conv.rate(d.day).fallback)
    return LocalOverview(conv.currency, conv.value(balance_usd, today), now, previous, days,
                         fallback)


def forecast_path(p: Plan, v: LedgerView) -> tuple[BalancePath | None, date | None]:
    """The plan's forecast as the chart draws it: from today's balance to the plan's day."""
    f = p.forecast
    span = forecast_span(f, p.today, p.summary.withdrawable)
    if span is None:
        return None, None
    # a stale pattern draws flat: nothing grows along weeks long gone
    path = balance_path(p.summary.balance_usd, () if f.stale else v.days,
                        f.last_day or p.today, p.today, span)
    return path, None if p.summary.withdrawable else p.threshold_date


def accounts_for_picker(db: Database) -> tuple[list[AccountChoice], str | None]:
    """The ledger's accounts, in the order they were added, and the one shown by default."""
    rows = queries.accounts(db)
    if not rows:
        return [], None
    choices = [AccountChoice(a.handle, f"@{a.handle} \u00b7 {a.region}") for a in rows]
    return choices, accounts.resolve(db, None).handle


def overview(db: Database, *, account: str | None = None, today: date | None = None,
             preset: str = "default") -> Dashboard | None:
    """The Overview of an account (the default one); None when the ledger has no data yet."""
    if not queries.accounts(db):
        return None
    v = money_views.view_of(db, account, preset, today)
    if not v.days and not v.payouts:
        return None
    p = money_views.plan(db, history=v)
    s = p.summary
    chart = earnings_chart(v.days, v.payouts, s.threshold_usd, v.account.timezone,
                           *forecast_path(p, v))
    rb, region, today = v.book, v.account.region, v.today
    conv = currency.converter(rb, region, today)
    # the last 30 days up to today, as the Regions page counts them; on a stale ledger (no
    # earnings for STALE_DAYS) the 30 days up to the last earnings, which the card names
    per = period(v, s.threshold_usd, s.last_day if p.forecast.stale else
                 (today if s.last_day else None))
    local = local_overview(v, per, chart, s.balance_usd, conv, today)
    days = [d.day for d in v.days] + [x.day for x in v.payouts] + [today]
    line = currency.rates_line(rb, region, days, today)
    note = checkin.balance_note(s, v, p.rates.usd_per_diamond, today)
    return Dashboard(v.account.handle, s, p, per, chart, local, line, note)
