"""Chart series as plain data: what the Overview chart draws, built from valued days.

x values are epoch seconds of local midnight in the account's zone, y values are USD as
floats: a chart coordinate is display, not money, so the Decimal stops here (as in Fava's
core/charts.py, the front end only draws). What a tooltip reads as money (DayPoint) stays
Decimal, so it rounds like the cards.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from app.core.forecast import BalancePath
from app.core.forecast import Forecast as ThresholdForecast
from app.core.money import ZERO
from app.core.valuation import ADJUSTMENT, DayTotal, PayoutValue

DAY_S = 86_400
BAR_FILL = 0.7  # a bar covers this share of its bucket; the rest is the gap to the next
FORECAST_DAYS = 30  # how far the forecast runs when the balance is already over the threshold

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[Bucket, ...] = ("day", "week", "month")


@dataclass(frozen=True)
class Series:
    """Points of one chart item: parallel tuples of x (epoch s) and y (USD)."""

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class Bars(Series):
    """Earnings per bucket: x is the bucket's first midnight, `width` its length in seconds."""

    width: tuple[float, ...] = ()

    @property
    def centers(self) -> tuple[float, ...]:
        # a day's bar sits on its midnight, under the balance point of that day; a longer
        # bucket's bar spans the places of its days (from half a day before its start)
        return tuple(x + (w - DAY_S) / 2 for x, w in zip(self.x, self.width, strict=True))

    @property
    def drawn_widths(self) -> tuple[float, ...]:
        return tuple(w * BAR_FILL for w in self.width)


@dataclass(frozen=True)
class DayPoint:
    """One calendar day as the crosshair reads it: earned that day, balance at its end."""

    day: date
    x: float
    earned_usd: Decimal
    balance_usd: Decimal


@dataclass(frozen=True)
class Crossing:
    day: date
    x: float
    y: float


@dataclass(frozen=True)
class Forecast:
    """The balance ahead from today along the weekday pattern, and its band (10th-90th
    percentile of the resampled futures). Empty when there is no forecast."""

    line: Series = field(default_factory=Series)
    low: Series = field(default_factory=Series)
    high: Series = field(default_factory=Series)
    crossing: Crossing | None = None  # where the line reaches the threshold

    @property
    def empty(self) -> bool:
        return not self.line


@dataclass(frozen=True)
class EarningsChart:
    """Earnings bars per day, week and month, the running balance line, the payouts that
    made it drop, and the forecast."""

    bars: Bars
    week_bars: Bars
    month_bars: Bars
    balance: Series
    payouts: Series  # y: the balance left on the day the payout was requested
    payout_usd: tuple[float, ...]  # the amount of each payout, for its tooltip
    threshold_usd: float
    utc_offset_s: int  # seconds east of UTC of the account's zone on the last day
    points: tuple[DayPoint, ...] = ()  # every calendar day of the balance line
    forecast: Forecast = field(default_factory=Forecast)

    @property
    def empty(self) -> bool:
        return not self.bars and not self.payouts

    def bars_for(self, bucket: Bucket) -> Bars:
        return {"day": self.bars, "week": self.week_bars, "month": self.month_bars}[bucket]

    def window(self, days: int | None) -> tuple[float, float]:
        """The x range of the last `days` days of the chart (all when None), forecast included
        but cut to a third of `days`, so a long history keeps most of the view.

        Points sit on local midnight; half a day of margin keeps the first and last bars whole.
        """
        xs = self.balance.x or self.bars.x
        if not xs:
            return (0.0, float(DAY_S))
        end = self.forecast.line.x[-1] if self.forecast.line else xs[-1]
        if days is not None:
            end = min(end, xs[-1] + days * DAY_S / 3)
        start = xs[0] if days is None else max(xs[0], end - (days - 1) * DAY_S)
        return (start - 0.6 * DAY_S, end + 0.6 * DAY_S)

    def point_at(self, x: float) -> DayPoint | None:
        """The calendar day nearest to `x` (the first or last day beyond the ends)."""
        if not self.points:
            return None
        i = bisect_left(self.points, x, key=lambda p: p.x)
        if i == len(self.points):
            return self.points[-1]
        if i > 0 and x - self.points[i - 1].x < self.points[i].x - x:
            return self.points[i - 1]
        return self.points[i]


def midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), zone).timestamp())


def bucket_start(day: date, bucket: Bucket) -> date:
    """The first day of the bucket holding `day`: weeks start on Monday, months on the 1st."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def next_bucket(start: date, bucket: Bucket) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def bucketed_bars(days: Sequence[DayTotal], zone: ZoneInfo, bucket: Bucket = "day") -> Bars:
    """One bar per day, week or month with earnings (quiet buckets have no bar)."""
    sums: dict[date, Decimal] = defaultdict(Decimal)
    for d in days:
        sums[bucket_start(d.day, bucket)] += d.usd
    kept = sorted(start for start, usd in sums.items() if usd != 0)
    xs = [midnight(start, zone) for start in kept]
    widths = [midnight(next_bucket(start, bucket), zone) - x for start, x in zip(kept, xs,
                                                                                   strict=True)]
    return Bars(tuple(map(float, xs)), tuple(float(sums[s]) for s in kept),
                tuple(map(float, widths)))


def _calendar(days: Sequence[DayTotal], payouts: Sequence[PayoutValue]) -> list[date]:
    known = [d.day for d in days] + [p.day for p in payouts]
    if not known:
        return []
    first, last = min(known), max(known)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def day_points(days: Sequence[DayTotal], payouts: Sequence[PayoutValue],
               zone: ZoneInfo) -> tuple[DayPoint, ...]:
    """Every calendar day from the first record to the last, with what was earned on it and
    the balance at its end; payouts (not failed ones) lower the balance."""
    earned: dict[date, Decimal] = defaultdict(Decimal)
    for d in days:
        earned[d.day] += d.usd
    withdrawn: dict[date, Decimal] = defaultdict(Decimal)
    for p in payouts:
        if p.status != "failed":
            withdrawn[p.day] += p.usd
    balance, out = ZERO, []
    for day in _calendar(days, payouts):
        balance += earned[day] - withdrawn[day]
        out.append(DayPoint(day, float(midnight(day, zone)), earned[day], balance))
    return tuple(out)


def forecast_span(f: ThresholdForecast, today: date, withdrawable: bool) -> int | None:
    """How many days the chart's forecast runs from today: to the forecast day, FORECAST_DAYS
    when the balance is already over the threshold, None when there is no forecast."""
    if withdrawable:
        return FORECAST_DAYS
    return None if f.expected is None else (f.expected - today).days


def forecast(path: BalancePath, crossing: date | None, zone: ZoneInfo) -> Forecast:
    """The forecast's path from today's balance (its first day), a point a day, so the
    chart's y range can follow what is in view; the crossing is the forecast's own day."""
    if len(path.days) < 2:
        return Forecast()
    xs = tuple(float(midnight(d, zone)) for d in path.days)

    def series(values: Sequence[Decimal]) -> Series:
        return Series(xs, tuple(float(v) for v in values))

    line = series(path.expected)
    reached = None
    if crossing is not None and crossing in path.days[1:]:
        i = path.days.index(crossing)
        reached = Crossing(crossing, xs[i], line.y[i])
    return Forecast(line, series(path.low), series(path.high), reached)


def earnings_chart(days: Sequence[DayTotal], payouts: Sequence[PayoutValue],
                   threshold_usd: Decimal, tz_name: str, path: BalancePath | None = None,
                   crossing: date | None = None) -> EarningsChart:
    """Everything the chart draws; with a `path` (from today), the forecast and the day it
    crosses the threshold."""
    zone = ZoneInfo(tz_name)
    points = day_points(days, payouts, zone)
    by_day = {p.day: float(p.balance_usd) for p in points}
    balance = Series(tuple(p.x for p in points), tuple(by_day.values()))
    shown = sorted((p for p in payouts if p.status not in ("failed", ADJUSTMENT)),
                   key=lambda p: p.day)
    markers = Series(tuple(float(midnight(p.day, zone)) for p in shown),
                     tuple(by_day[p.day] for p in shown))
    last = max(by_day, default=date.today())
    offset = datetime.combine(last, time(), zone).utcoffset() or timedelta(0)
    ahead = forecast(path, crossing, zone) if path is not None else Forecast()
    bars = {b: bucketed_bars(days, zone, b) for b in BUCKETS}
    return EarningsChart(bars["day"], bars["week"], bars["month"], balance, markers,
                         tuple(float(p.usd) for p in shown), float(threshold_usd),
                         int(offset.total_seconds()), points, ahead)
