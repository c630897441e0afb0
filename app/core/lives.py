"""LIVEs as the creator reads them: official diamonds next to what the gift log caught, and
when going live pays best (a weekday x hour matrix in the account's time zone).

Which number is the truth: the official total wins (see valuation.py); the logged figure is
the gift log's coins inside the LIVE's span at the day's diamonds per coin, and a positive
difference means the logger missed gifts (it disconnected, or started late).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.core.money import ZERO
from app.core.rates import RegionRates

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
RatesOn = Callable[[date], RegionRates]


@dataclass(frozen=True)
class LiveRecord:
    """One LIVE as the ledger stores it, with the gift log's coins inside its span."""

    session_id: int
    start_ts: int
    end_ts: int | None
    duration_s: int | None
    title: str
    official_diamonds: int | None
    logged_coins: int
    gifters: int | None
    viewers: int | None


@dataclass(frozen=True)
class LiveRow:
    session_id: int
    start_ts: int
    start: datetime  # local time of the account's zone
    duration_s: int | None
    title: str
    official: int | None
    logged: Decimal | None  # None when the LIVE has no end, so no span to look in
    gifters: int | None
    viewers: int | None

    @property
    def difference(self) -> Decimal | None:
        """Official minus logged: above 0 when the logger missed gifts."""
        if self.official is None or self.logged is None:
            return None
        return Decimal(self.official) - self.logged

    @property
    def missed(self) -> bool:
        diff = self.difference
        return diff is not None and diff > 0

    @property
    def diamonds(self) -> Decimal:
        """The LIVE's diamonds: the official total when there is one, else the log's."""
        if self.official is not None:
            return Decimal(self.official)
        return self.logged or ZERO

    @property
    def per_hour(self) -> Decimal | None:
        if not self.duration_s or self.duration_s <= 0:
            return None
        return self.diamonds * 3600 / self.duration_s


def _duration(record: LiveRecord) -> int | None:
    if record.duration_s is not None:
        return record.duration_s
    if record.end_ts is not None:
        return record.end_ts - record.start_ts
    return None


def live_row(record: LiveRecord, zone: ZoneInfo, rates_on: RatesOn) -> LiveRow:
    start = datetime.fromtimestamp(record.start_ts, UTC).astimezone(zone)
    logged = None
    if record.end_ts is not None:
        logged = Decimal(record.logged_coins) * rates_on(start.date()).diamonds_per_coin
    return LiveRow(record.session_id, record.start_ts, start, _duration(record), record.title,
                   record.official_diamonds, logged, record.gifters, record.viewers)


def live_rows(records: Iterable[LiveRecord], tz_name: str, rates_on: RatesOn) -> list[LiveRow]:
    zone = ZoneInfo(tz_name)
    return [live_row(r, zone, rates_on) for r in records]


@dataclass(frozen=True)
class Missed:
    lives: int
    diamonds: Decimal


def missed(rows: Iterable[LiveRow]) -> Missed:
    """How many LIVEs the log under-counted, and by how many diamonds in all."""
    gaps = [d for d in (r.difference for r in rows) if d is not None and d > 0]
    return Missed(len(gaps), sum(gaps, ZERO))


@dataclass(frozen=True)
class LiveBars:
    """Diamonds per LIVE as stacked bars: what the log caught, and on top what it missed.

    x is the LIVE's start (epoch s); y values are floats (chart coordinates, not money).
    """

    x: tuple[float, ...]
    logged: tuple[float, ...]
    missed: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.x)


def live_bars(rows: Sequence[LiveRow]) -> LiveBars:
    logged = [r.logged if r.logged is not None else r.diamonds for r in rows]
    gaps = [max(r.diamonds - caught, ZERO) for r, caught in zip(rows, logged, strict=True)]
    return LiveBars(tuple(float(r.start_ts) for r in rows),
                    tuple(float(v) for v in logged), tuple(float(v) for v in gaps))


@dataclass(frozen=True)
class Heatmap:
    """Earnings by local weekday (rows, Monday first) and hour of day (columns)."""

    coins: tuple[tuple[int, ...], ...]
    diamonds: tuple[tuple[Decimal, ...], ...]

    @property
    def total_coins(self) -> int:
        return sum(sum(row) for row in self.coins)

    @property
    def total_diamonds(self) -> Decimal:
        return sum((sum(row, ZERO) for row in self.diamonds), ZERO)

    def best(self) -> tuple[int, int, Decimal] | None:
        """(weekday, hour, diamonds) of the slot that earned most; None when all is 0."""
        cells = [(v, -wd, -h) for wd, row in enumerate(self.diamonds) for h, v in enumerate(row)]
        value, wd, h = max(cells)
        return None if value <= 0 else (-wd, -h, value)


def heatmap(hourly: Iterable[tuple[int, int, int]], tz_name: str,
            rates_on: RatesOn) -> Heatmap:
    """From (hour since epoch, gifts, coins) rollup rows: each hour goes to the local weekday
    and hour its start falls in (a zone with a half-hour offset puts it in the earlier one)."""
    zone = ZoneInfo(tz_name)
    coins = [[0] * HOURS for _ in WEEKDAYS]
    diamonds = [[ZERO] * HOURS for _ in WEEKDAYS]
    for hour, _gifts, c in hourly:
        local = datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone)
        wd, h = local.weekday(), local.hour
        coins[wd][h] += c
        diamonds[wd][h] += Decimal(c) * rates_on(local.date()).diamonds_per_coin
    return Heatmap(tuple(tuple(r) for r in coins), tuple(tuple(r) for r in diamonds))
