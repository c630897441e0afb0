"""Withdrawal planning from the creator's own days: when, how much, and what a goal takes.

The forecast follows the weekday pattern of the recent weeks (Fridays are not Tuesdays): the
expected path adds each weekday's mean; the band comes from resampling, drawing every future
day from the same weekday's observed days, many times (a bootstrap), and taking the 10th and
90th percentile of the crossing day. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from app.core.conversion import PayoutQuote, quote_payout
from app.core.money import ZERO
from app.core.rates import PayoutMethod
from app.core.valuation import DayTotal

HORIZON_DAYS = 365
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


def forecast(balance_usd: Decimal, threshold_usd: Decimal, days: Sequence[DayTotal],
             end: date, start: date, *, weeks: int = 4, samples: int = 400,
             seed: int = 2026) -> Forecast:
    """When the balance reaches the threshold, counting from `start` (days after `end`, the
    last day with data, follow the pattern of the `weeks` weeks up to `end`)."""
    history = weekday_history(days, end, weeks)
    means = tuple(sum(v, ZERO) / len(v) for v in history)
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


@dataclass(frozen=True)
class WaitChoice:
    """Withdrawing the balance now against withdrawing everything on a later day."""

    now: PayoutQuote
    later: PayoutQuote
    later_day: date
    gain_usd: Decimal  # what waiting adds to what arrives (earnings minus nothing: fees once)


def now_or_later(balance_usd: Decimal, daily_usd: Decimal, later_day: date, today: date,
                 method: PayoutMethod, currency: str, per_usd: Decimal) -> WaitChoice:
    """Fixed fees make fewer, larger withdrawals cheaper: compare one now and one later."""
    grown = balance_usd + daily_usd * (later_day - today).days
    now = quote_payout(balance_usd, method, currency, per_usd)
    later = quote_payout(grown, method, currency, per_usd)
    return WaitChoice(now, later, later_day, later.net_usd - now.net_usd)


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
                 length: int, *, weeks: int = 4, samples: int = 400,
                 seed: int = 2026) -> BalancePath:
    """`length` + 1 days of balance from `start` (the balance itself on `start`), following
    the same weekday pattern and resampling as `forecast`."""
    history = weekday_history(days, end, weeks)
    means = [sum(v, ZERO) / len(v) for v in history]
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
    return BalancePath(dates, tuple(expected), low, high)


def daily_pace(f: Forecast) -> Decimal:
    """The forecast's mean USD per calendar day (the mean of its weekday means)."""
    return sum(f.daily_usd, ZERO) / len(f.daily_usd) if f.daily_usd else ZERO
