"""Earnings per local day, valued at the rates of each day, and the balance they leave.

Which number is the truth: a LIVE's official diamond total wins over the gift log. The gift
log gives the coins of each hour; for a LIVE with an official total, the difference between
that total and what the log caught in the LIVE's span is added on the LIVE's start day, so
totals equal the official figures and the day-by-day shape still comes from the log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.core.money import ZERO
from app.core.rates import RegionRates

RatesOn = Callable[[date], RegionRates]
PerUsdOn = Callable[[str, date], Decimal]


@dataclass(frozen=True)
class SessionTotals:
    start_ts: int
    official_diamonds: int | None
    logged_coins: int


@dataclass(frozen=True)
class DayTotal:
    day: date
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal


@dataclass(frozen=True)
class PayoutValue:
    day: date
    status: str
    usd: Decimal
    diamonds: Decimal


def local_day(ts: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, UTC).astimezone(zone).date()


def earnings_by_day(hourly: Iterable[tuple[int, int, int]], sessions: Iterable[SessionTotals],
                    tz_name: str, rates_on: RatesOn) -> list[DayTotal]:
    zone = ZoneInfo(tz_name)
    gifts: dict[date, int] = defaultdict(int)
    coins: dict[date, int] = defaultdict(int)
    extra: dict[date, Decimal] = defaultdict(Decimal)
    for hour, n, c in hourly:
        day = local_day(hour * 3600, zone)
        gifts[day] += n
        coins[day] += c
    for s in sessions:
        if s.official_diamonds is None:
            continue
        day = local_day(s.start_ts, zone)
        logged = Decimal(s.logged_coins) * rates_on(day).diamonds_per_coin
        extra[day] += Decimal(s.official_diamonds) - logged
    out = []
    for day in sorted(set(coins) | set(extra)):
        rates = rates_on(day)
        diamonds = Decimal(coins[day]) * rates.diamonds_per_coin + extra[day]
        out.append(DayTotal(day, gifts[day], coins[day], diamonds,
                            diamonds * rates.usd_per_diamond))
    return out


def value_payout(payout: dict[str, object], tz_name: str, rates_on: RatesOn,
                 per_usd_on: PerUsdOn) -> PayoutValue:
    """A payout's USD value and diamonds, from what the record states, at that day's rates."""
    ts = payout["requested_ts"]
    assert isinstance(ts, int)
    day = local_day(ts, ZoneInfo(tz_name))
    rates = rates_on(day)
    currency = str(payout.get("currency") or "USD")
    usd: Decimal | None = None
    if payout.get("usd") not in (None, ""):
        usd = Decimal(str(payout["usd"]))
    elif payout.get("amount") not in (None, ""):
        amount = Decimal(str(payout["amount"]))
        usd = amount if currency == "USD" else amount / per_usd_on(currency, day)
    diamonds_raw = payout.get("diamonds")
    diamonds = Decimal(str(diamonds_raw)) if diamonds_raw is not None else None
    if usd is None:
        usd = (diamonds or ZERO) * rates.usd_per_diamond
    if diamonds is None:
        diamonds = usd / rates.usd_per_diamond
    return PayoutValue(day, str(payout.get("status", "paid")), usd, diamonds)


@dataclass(frozen=True)
class Summary:
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    withdrawn_usd: Decimal
    balance_diamonds: Decimal
    balance_usd: Decimal
    threshold_usd: Decimal
    withdrawable: bool
    first_day: date | None
    last_day: date | None


def summarize(days: Sequence[DayTotal], payouts: Sequence[PayoutValue], threshold_usd: Decimal,
              start: date | None = None, end: date | None = None) -> Summary:
    """Totals of [start, end] and the balance at the end of `end` (all history up to it).

    Pending payouts count as withdrawn (the money has left the balance); failed ones do not.
    """
    def inside(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    period = [d for d in days if inside(d.day)]
    upto = [d for d in days if end is None or d.day <= end]
    out = [p for p in payouts if p.status != "failed"]
    withdrawn_period = sum((p.usd for p in out if inside(p.day)), ZERO)
    withdrawn_upto = [p for p in out if end is None or p.day <= end]
    balance_usd = sum((d.usd for d in upto), ZERO) - sum((p.usd for p in withdrawn_upto), ZERO)
    balance_diamonds = (sum((d.diamonds for d in upto), ZERO)
                        - sum((p.diamonds for p in withdrawn_upto), ZERO))
    active = [d.day for d in period if d.gifts or d.diamonds]
    return Summary(
        gifts=sum(d.gifts for d in period), coins=sum(d.coins for d in period),
        diamonds=sum((d.diamonds for d in period), ZERO), usd=sum((d.usd for d in period), ZERO),
        withdrawn_usd=withdrawn_period, balance_diamonds=balance_diamonds,
        balance_usd=balance_usd, threshold_usd=threshold_usd,
        withdrawable=balance_usd >= threshold_usd,
        first_day=min(active) if active else None, last_day=max(active) if active else None)
