"""Withdrawal planning from the creator's own days: when, how much, and what a goal takes.

The forecast follows the weekday pattern of the recent weeks (Fridays are not Tuesdays): the
expected path adds each weekday's mean; the band comes from resampling, drawing every future
day from the same weekday's observed days, many times (a bootstrap), and taking the 10th and
90th percentile of the crossing day. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from app.core.money import ZERO
from app.core.valuation import DayTotal

HORIZON_DAYS = 365
STALE_DAYS = 14  # no earnings for this many days before today: no forecast (a wrong one is worse)
WEEKS = 4
SAMPLES = 400
METHOD = ("weekday means of the last {weeks} weeks; band: 10th-90th percentile of "
          "{samples} resampled futures (each day drawn from the same weekday's past days)")


def weekday_history(days: Sequence[DayTotal], end: date, weeks: int = 4) -> list[list[Decimal]]:
    """For Monday..Sunday, the USD of each of that weekday's dates in the `weeks` weeks ending
    at `end` (a quiet day counts as zero)."""
    by_day = {d.day: d.usd for d in days}
    out: list[list[Decimal]] = [[] for _ in range(7)]
    for offset in range(weeks * 7):
        day = end - timedelta(days=offset)
        out[day.weekday()].append(by_day.get(day, ZERO))
    return out


@dataclass(frozen=True)
class Forecast:
    expected: date | None  # None: the recent weeks earned nothing
    low: date | None  # the early end of the band (busy weeks)
    high: date | None  # the late end of the band (quiet weeks); None beyond the horizon
    daily_usd: tuple[Decimal, ...]  # Monday..Sunday means used for the expected path
    method: str
    last_day: date | None = None  # the last day with earnings: the pattern's weeks end there
    quiet_days: int | None = None  # days without earnings up to today, when that is too many

    @property
    def stale(self) -> bool:
        """No earnings for STALE_DAYS or more: no pattern to project, the balance stays."""
        return self.quiet_days is not None

    @property
    def note(self) -> str:
        """Why there is no day, in plain words ("" when there is one)."""
        if self.expected is not None:
            return ""
        if self.quiet_days is not None:
            return f"no earnings for {self.quiet_days} days: no forecast"
        if self.last_day is None:
            return "no earnings yet: no forecast"
        return "not reached within a year at the recent pace: no forecast"


def _crossing(balance: Decimal, threshold: Decimal, start: date,
              per_day: Sequence[Sequence[Decimal]], pick: random.Random | None) -> date | None:
    total = balance
    for offset in range(1, HORIZON_DAYS + 1):
        day = start + timedelta(days=offset)
        options = per_day[day.weekday()]
        total += options[pick.randrange(len(options))] if pick else options[0]
        if total >= threshold:
            return day
    return None


def last_earning(days: Sequence[DayTotal], today: date) -> date | None:
    return max((d.day for d in days if d.day <= today and d.usd > 0), default=None)


def threshold_forecast(balance_usd: Decimal, threshold_usd: Decimal, days: Sequence[DayTotal],
                       today: date) -> Forecast:
    """The one answer to "when can I withdraw?": from today's balance (pending payouts
    already gone), the first day after today on which the weekday pattern of the WEEKS weeks
    up to the last earnings reaches the threshold; today when the balance is already there.
    No day when the last earnings are STALE_DAYS or more before today: the pattern is stale.
    """
    last = last_earning(days, today)
    quiet = (today - last).days if last else None
    stale = quiet is not None and quiet >= STALE_DAYS
    if not stale:
        f = forecast(balance_usd, threshold_usd, days, last or today, today)
        return replace(f, last_day=last)
    # no pace either: nothing grows on a stale pattern (a balance already over the minimum is
    # withdrawable today, and stays as it is rather than growing along weeks long gone)
    now = today if balance_usd >= threshold_usd else None
    return Forecast(now, now, now, (ZERO,) * 7, METHOD.format(weeks=WEEKS, samples=SAMPLES),
                    last, quiet)


def weekday_means(history: Sequence[Sequence[Decimal]]) -> tuple[Decimal, ...]:
    return tuple(sum(v, ZERO) / len(v) for v in history)


def forecast(balance_usd: Decimal, threshold_usd: Decimal, days: Sequence[DayTotal],
             end: date, start: date, *, weeks: int = WEEKS, samples: int = SAMPLES,
             seed: int = 2026) -> Forecast:
    """When the balance reaches the threshold, counting from `start` (days after `end`, the
    last day with data, follow the pattern of the `weeks` weeks up to `end`)."""
    history = weekday_history(days, end, weeks)
    means = weekday_means(history)
    method = METHOD.format(weeks=weeks, samples=samples)
    if balance_usd >= threshold_usd:
        return Forecast(start, start, start, means, method)
    if not any(means):
        return Forecast(None, None, None, means, method)
    expected = _crossing(balance_usd, threshold_usd, start, [[m] for m in means], None)
    pick = random.Random(seed)
    ordinal_far = date.max.toordinal()
    crossings = sorted(
        (c.toordinal() if c else ordinal_far)
        for c in (_crossing(balance_usd, threshold_usd, start, history, pick)
                  for _ in range(samples)))
    low, high = crossings[samples // 10], crossings[(samples * 9) // 10]
    return Forecast(expected, date.fromordinal(low) if low != ordinal_far else None,
                    date.fromordinal(high) if high != ordinal_far else None, means, method)


def expected_balance(f: Forecast, balance_usd: Decimal, today: date, day: date) -> Decimal:
    """The balance on `day` along the forecast's expected path (weekday means) from today."""
    return balance_usd + sum((f.daily_usd[(today + timedelta(days=i)).weekday()]
                              for i in range(1, (day - today).days + 1)), ZERO)


@dataclass(frozen=True)
class GiftEquivalent:
    name: str
    coins: int
    count: int  # how many of this gift per day


@dataclass(frozen=True)
class Goal:
    target_usd: Decimal
    missing_usd: Decimal
    days: int
    diamonds_per_day: Decimal
    gifts_per_day: tuple[GiftEquivalent, ...]


def goal(target_local: Decimal, per_usd: Decimal, by_day: date, today: date,
         balance_usd: Decimal, usd_per_diamond: Decimal, diamonds_per_coin: Decimal,
         gifts: Sequence[tuple[str, int]]) -> Goal:
    """"I want X in my currency by day D": diamonds a day from tomorrow, and in gifts."""
    days = (by_day - today).days
    if days <= 0:
        raise ValueError("the goal's day must be after today")
    target_usd = target_local / per_usd
    missing = max(target_usd - balance_usd, ZERO)
    diamonds = (missing / usd_per_diamond / days).to_integral_value(rounding=ROUND_CEILING)
    equivalents = tuple(
        GiftEquivalent(name, coins, int((diamonds / (coins * diamonds_per_coin))
                                        .to_integral_value(rounding=ROUND_CEILING)))
        for name, coins in gifts)
    return Goal(target_usd, missing, days, diamonds, equivalents)


@dataclass(frozen=True)
class BalancePath:
    """The balance day by day from `days[0]`: the expected path (weekday means) and the
    10th-90th percentile of the resampled futures on each day, as the crossing band is."""

    days: tuple[date, ...]
    expected: tuple[Decimal, ...]
    low: tuple[Decimal, ...]
    high: tuple[Decimal, ...]


def _percentile_rows(runs: Sequence[Sequence[Decimal]], samples: int,
                     ) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    low, high = [], []
    for column in zip(*runs, strict=True):
        ordered = sorted(column)
        low.append(ordered[samples // 10])
        high.append(ordered[(samples * 9) // 10])
    return tuple(low), tuple(high)


def balance_path(balance_usd: Decimal, days: Sequence[DayTotal], end: date, start: date,
                 length: int, *, weeks: int = WEEKS, samples: int = SAMPLES,
                 seed: int = 2026) -> BalancePath:
    """`length` + 1 days of balance from `start` (the balance itself on `start`), following
    the same weekday pattern and resampling as `forecast`; the band always holds the
    expected path."""
    history = weekday_history(days, end, weeks)
    means = weekday_means(history)
    dates = tuple(start + timedelta(days=i) for i in range(length + 1))
    expected = [balance_usd]
    for day in dates[1:]:
        expected.append(expected[-1] + means[day.weekday()])
    pick = random.Random(seed)
    runs = []
    for _ in range(samples):
        run = [balance_usd]
        for day in dates[1:]:
            options = history[day.weekday()]
            run.append(run[-1] + options[pick.randrange(len(options))])
        runs.append(run)
    low, high = _percentile_rows(runs, samples)
    return BalancePath(dates, tuple(expected),
                       tuple(map(min, low, expected)), tuple(map(max, high, expected)))


def daily_pace(f: Forecast) -> Decimal:
    """The forecast's mean USD per calendar day (the mean of its weekday means)."""
    return sum(f.daily_usd, ZERO) / len(f.daily_usd) if f.daily_usd else ZERO
