"""Chart series as plain data: what the Overview chart draws, built from valued days.

x values are epoch seconds of local midnight in the account's zone, y values are USD as
floats: a chart coordinate is display, not money, so the Decimal stops here (as in Fava's
core/charts.py, the front end only draws).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.core.money import ZERO
from app.core.valuation import DayTotal, PayoutValue

DAY_S = 86_400


@dataclass(frozen=True)
class Series:
    """Points of one chart item: parallel tuples of x (epoch s) and y (USD)."""

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class EarningsChart:
    """Daily earnings bars, the running balance line and the payouts that made it drop."""

    bars: Series
    balance: Series
    payouts: Series  # y: the balance left on the day the payout was requested
    payout_usd: tuple[float, ...]  # the amount of each payout, for its tooltip
    threshold_usd: float
    utc_offset_s: int  # seconds east of UTC of the account's zone on the last day

    @property
    def empty(self) -> bool:
        return not self.bars and not self.payouts

    def window(self, days: int | None) -> tuple[float, float]:
        """The x range showing the last `days` days up to the last point (all when None).

        Points sit on local midnight; half a day of margin keeps the first and last bars whole.
        """
        xs = self.balance.x or self.bars.x
        if not xs:
            return (0.0, float(DAY_S))
        end = xs[-1]
        start = xs[0] if days is None else max(xs[0], end - (days - 1) * DAY_S)
        return (start - 0.6 * DAY_S, end + 0.6 * DAY_S)


def midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), zone).timestamp())


def daily_bars(days: Sequence[DayTotal], zone: ZoneInfo) -> Series:
    """One bar per day with earnings (quiet days have no bar)."""
    kept = [d for d in days if d.usd != 0]
    return Series(tuple(float(midnight(d.day, zone)) for d in kept),
                  tuple(float(d.usd) for d in kept))


def _calendar(days: Sequence[DayTotal], payouts: Sequence[PayoutValue]) -> list[date]:
    known = [d.day for d in days] + [p.day for p in payouts]
    if not known:
        return []
    first, last = min(known), max(known)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def running_balance(days: Sequence[DayTotal], payouts: Sequence[PayoutValue],
                    zone: ZoneInfo) -> tuple[Series, dict[date, float]]:
    """The balance at the end of every calendar day; payouts (not failed ones) lower it.

    Returns the line and the balance on each day, to place the payout markers on the line.
    """
    earned: dict[date, Decimal] = defaultdict(Decimal)
    for d in days:
        earned[d.day] += d.usd
    withdrawn: dict[date, Decimal] = defaultdict(Decimal)
    for p in payouts:
        if p.status != "failed":
            withdrawn[p.day] += p.usd
    balance, xs, ys, by_day = ZERO, [], [], {}
    for day in _calendar(days, payouts):
        balance += earned[day] - withdrawn[day]
        xs.append(float(midnight(day, zone)))
        ys.append(float(balance))
        by_day[day] = ys[-1]
    return Series(tuple(xs), tuple(ys)), by_day


def earnings_chart(days: Sequence[DayTotal], payouts: Sequence[PayoutValue],
                   threshold_usd: Decimal, tz_name: str) -> EarningsChart:
    zone = ZoneInfo(tz_name)
    balance, by_day = running_balance(days, payouts, zone)
    shown = sorted((p for p in payouts if p.status != "failed"), key=lambda p: p.day)
    markers = Series(tuple(float(midnight(p.day, zone)) for p in shown),
                     tuple(by_day[p.day] for p in shown))
    last = max(by_day, default=date.today())
    offset = datetime.combine(last, time(), zone).utcoffset() or timedelta(0)
    return EarningsChart(daily_bars(days, zone), balance, markers,
                         tuple(float(p.usd) for p in shown), float(threshold_usd),
                         int(offset.total_seconds()))
