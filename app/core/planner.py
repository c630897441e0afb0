"""When the threshold is reached at the recent pace, and how a balance leaves under the cap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from app.core.money import ZERO
from app.core.valuation import DayTotal

PACE_WINDOW_DAYS = 28


@dataclass(frozen=True)
class Pace:
    usd_per_day: Decimal
    window_start: date | None
    window_end: date | None


def recent_pace(days: Sequence[DayTotal], end: date, window: int = PACE_WINDOW_DAYS) -> Pace:
    """Mean USD per calendar day over the `window` days ending at `end` (quiet days count)."""
    start = end - timedelta(days=window - 1)
    total = sum((d.usd for d in days if start <= d.day <= end), ZERO)
    return Pace(total / window, start, end)


def threshold_date(balance_usd: Decimal, threshold_usd: Decimal, pace: Decimal,
                   from_day: date) -> date | None:
    """The first day the balance reaches the threshold; None when the pace never gets there."""
    if balance_usd >= threshold_usd:
        return from_day
    if pace <= 0:
        return None
    days = ((threshold_usd - balance_usd) / pace).to_integral_value(rounding=ROUND_CEILING)
    return from_day + timedelta(days=int(days))


def withdrawal_schedule(amount_usd: Decimal, daily_cap_usd: Decimal,
                        start: date) -> list[tuple[date, Decimal]]:
    """One withdrawal a calendar day, each at most the cap, until `amount_usd` is out."""
    if amount_usd <= 0:
        return []
    if daily_cap_usd <= 0:
        raise ValueError("the daily cap must be positive")
    out = []
    left, day = amount_usd, start
    while left > 0:
        part = min(left, daily_cap_usd)
        out.append((day, part))
        left -= part
        day += timedelta(days=1)
    return out
