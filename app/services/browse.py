"""Browsing the ledger: every gift a page at a time, the gift mix, the gifter leaderboard and
one gifter's history, valued with the account's rates. Plain data, no Qt: the Gifts and
Gifters pages show what these return.

A gift keeps the rates of its local day (rates are effective-dated); aggregates are summed by
rate period in SQL and valued here, so no total is valued at today's rate by mistake.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account, NewAccount
from app.core.charts import Series
from app.core.conversion import coins_to_diamonds, diamonds_to_usd
from app.core.money import ZERO
from app.core.rates import RegionRates
from app.services import accounts, money_views
from app.store import browse as store

PAGE_ROWS = 200
INDEXED_SORTS = frozenset({"time"})  # the others page by an order of ids read once
SORTS = tuple(store.SORT_KEYS)
TOP = 10  # gifters in the headline share; gifts named in the mix before "other"
WEEKLY_AFTER_DAYS = 120  # a gifter's history in weeks once it spans more days than this


# ---- rates and LIVEs ------------------------------------------------------------------------

@dataclass(frozen=True)
class RatePeriods:
    """The account's rates over time: rates[i] applies from cuts[i - 1] (a local midnight)."""

    cuts: tuple[int, ...]
    rates: tuple[RegionRates, ...]

    def at(self, ts: int) -> RegionRates:
        return self.rates[bisect_right(self.cuts, ts)]

    def value(self, period_coins: Sequence[int]) -> tuple[Decimal, Decimal]:
        """(diamonds, USD) of coins split by period as the store returns them."""
        diamonds = usd = ZERO
        for coins, rates in zip(period_coins, self.rates, strict=True):
            d = coins_to_diamonds(coins, rates)
            diamonds += d
            usd += diamonds_to_usd(d, rates)
        return diamonds, usd


def rate_periods(account: NewAccount, preset: str = "default",
                 db: Database | None = None) -> RatePeriods:
    """The account region's rate entries as time cuts; the ledger's own entries count."""
    history = money_views.book(preset, db).region_history(account.region)
    cuts = tuple(money_views.day_bounds(r.valid_from, account.timezone)[0]
                 for r in history[1:])
    return RatePeriods(cuts, tuple(history))


@dataclass(frozen=True)
class Live:
    start: datetime  # local time
    title: str
    room_id: str


@dataclass(frozen=True)
class Lives:
    """The account's LIVEs, to name the one a gift was sent in (by room id, else by time)."""

    starts: tuple[int, ...] = ()
    ends: tuple[int | None, ...] = ()
    lives: tuple[Live, ...] = ()
    by_room: dict[str, Live] = field(default_factory=dict)

    def find(self, ts: int, room_id: str) -> Live | None:
        if room_id:
            return self.by_room.get(room_id)
        i = bisect_right(self.starts, ts) - 1
        end = self.ends[i] if i >= 0 else None
        return self.lives[i] if end is not None and ts < end else None


def lives_of(db: Database, account: Account) -> Lives:
    spans = store.live_spans(db, account.id)
    zone = ZoneInfo(account.timezone)
    lives = tuple(Live(datetime.fromtimestamp(s["start_ts"], zone), s["title"], s["room_id"])
                  for s in spans)
    return Lives(tuple(s["start_ts"] for s in spans), tuple(s["end_ts"] for s in spans), lives,
                 {live.room_id: live for live in lives if live.room_id})


def _account(db: Database, handle: str | None) -> Account | None:
    try:
        return accounts.resolve(db, handle)
    except accounts.AccountError:
        return None


# ---- the gift list ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GiftQuery:
    """What the Gifts page asks for: filters (None / '' = any) and the sort."""

    text: str = ""
    start: date | None = None  # local days, both inclusive
    end: date | None = None
    gift: str | None = None
    sender: str | None = None  # a sender key (Gifter.sender, GiftRow.sender_key)
    sort: str = "time"
    descending: bool = True


@dataclass(frozen=True)
class GiftRow:
    id: int
    time: datetime  # in the account's zone
    sender: str
    sender_key: str
    gift: str
    count: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    room_id: str
    live: Live | None
    key: tuple[Any, ...]  # its sort key: where the next page starts


@dataclass(frozen=True)
class GiftList:
    """A query over the account's gifts, counted and valued, ready to page through."""

    account: Account
    query: GiftQuery
    filter: store.GiftFilter
    periods: RatePeriods
    lives: Lives
    count: int  # gifts in the filter
    coins: int
    diamonds: Decimal
    usd: Decimal
    ledger_gifts: int  # gifts of the account, whatever the filter
    order: Sequence[int] | None = None  # the ids in order, when no index serves the query

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.account.timezone)


def gift_filter(account: Account, q: GiftQuery) -> store.GiftFilter:
    tz = account.timezone
    start = money_views.day_bounds(q.start, tz)[0] if q.start else None
    end = money_views.day_bounds(q.end, tz)[1] if q.end else None
    return store.GiftFilter(account.id, q.text.strip(), start, end, q.gift, q.sender)


def gift_list(db: Database, query: GiftQuery | None = None, *, account: str | None = None,
              preset: str = "default") -> GiftList | None:
    """The gifts matching `query` (count and value); None when the ledger has no account."""
    acct = _account(db, account)
    if acct is None:
        return None
    q = query or GiftQuery()
    f = gift_filter(acct, q)
    periods = rate_periods(acct, preset, db)
    totals = store.gift_totals(db, f, periods.cuts)
    diamonds, usd = periods.value(totals.period_coins)
    listing = GiftList(acct, q, f, periods, lives_of(db, acct), totals.gifts, totals.coins,
                       diamonds, usd, store.account_gift_count(db, acct.id))
    return _with_order(db, listing)


def sorted_list(db: Database, listing: GiftList, sort: str, descending: bool) -> GiftList:
    """The same gifts in another order (no recount)."""
    if sort not in store.SORT_KEYS:
        raise ValueError(f"unknown sort {sort!r}; known: {', '.join(SORTS)}")
    return _with_order(db, replace(listing, query=replace(listing.query, sort=sort,
                                                          descending=descending)))


def _with_order(db: Database, listing: GiftList) -> GiftList:
    if served_by_index(listing.query):
        return replace(listing, order=None)
    q = listing.query
    return replace(listing, order=store.ordered_ids(db, listing.filter, q.sort, q.descending))


def served_by_index(q: GiftQuery) -> bool:
    """Whether pages of `q` are read straight from the time index: the time order over an
    account, its days and nothing else. A search, a gift or a gifter can match one row in a
    million: finding the 200 of a page would then walk the whole index, page after page."""
    return q.sort in INDEXED_SORTS and not q.text.strip() and q.gift is None and q.sender is None


def gift_page(db: Database, listing: GiftList, offset: int, limit: int = PAGE_ROWS,
              after: tuple[Any, ...] | None = None) -> list[GiftRow]:
    """Rows offset..offset+limit of the list; `after` (the key of row offset-1, when known)
    makes the read a seek instead of a walk past `offset` rows."""
    q = listing.query
    if listing.order is not None:
        found = store.rows_by_ids(db, listing.order[offset:offset + limit])
    else:
        found = store.gift_page(db, listing.filter, q.sort, q.descending, offset=offset,
                                limit=limit, after=after)
    return [_gift_row(listing, r) for r in found]


def _gift_row(listing: GiftList, r: dict[str, Any]) -> GiftRow:
    rates = listing.periods.at(r["ts"])
    diamonds = coins_to_diamonds(r["coins_total"], rates)
    return GiftRow(r["id"], datetime.fromtimestamp(r["ts"], listing.zone), r["sender_name"],
                   r["sender_id"] or r["sender_name"], r["gift_name"], r["repeat_count"],
                   r["coins_total"], diamonds, diamonds_to_usd(diamonds, rates), r["room_id"],
                   listing.lives.find(r["ts"], r["room_id"]),
                   store.sort_key(r, listing.query.sort))


# ---- gift mix ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class MixSlice:
    gift: str  # "Other (n gifts)" for the rest
    coins: int
    gifts: int
    share: Decimal  # of the coins of the list
    other: bool = False


def gift_mix(db: Database, listing: GiftList, top: int = TOP) -> list[MixSlice]:
    """Coins by gift for the list's filter: the `top` gifts, then one "other" slice."""
    mix = store.gift_mix(db, listing.filter)
    total = sum(coins for _, coins, _ in mix)

    def share(coins: int) -> Decimal:
        return Decimal(coins) / total if total else ZERO

    out = [MixSlice(name, coins, n, share(coins)) for name, coins, n in mix[:top]]
    rest = mix[top:]
    if rest:
        coins = sum(c for _, c, _ in rest)
        out.append(MixSlice(f"Other ({len(rest)} gifts)", coins, sum(n for *_, n in rest),
                            share(coins), other=True))
    return out


def gift_names(db: Database, listing: GiftList) -> list[str]:
    return store.gift_names(db, listing.account.id)


# ---- gifters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gifter:
    rank: int
    sender: str  # the key: sender id, or the name when the source has no ids
    name: str
    coins: int
    diamonds: Decimal
    usd: Decimal
    gifts: int
    lives: int  # distinct LIVEs (room ids, or LIVE spans when the log has no room id)
    first_seen: datetime  # local
    last_seen: datetime


@dataclass(frozen=True)
class Leaderboard:
    handle: str
    region: str
    timezone: str
    gifters: tuple[Gifter, ...]
    coins: int  # all gifters
    usd: Decimal
    top_coins: int  # the first `top` gifters
    top: int = TOP

    @property
    def top_share(self) -> Decimal | None:
        """The top gifters' part of all coins (0.78 is 78 %); None without coins."""
        return Decimal(self.top_coins) / self.coins if self.coins else None


def gifters(db: Database, *, account: str | None = None,
            preset: str = "default") -> Leaderboard | None:
    """Every gifter of the account, most coins first; None when the ledger has no account."""
    acct = _account(db, account)
    if acct is None:
        return None
    periods = rate_periods(acct, preset, db)
    zone = ZoneInfo(acct.timezone)
    board = tuple(_gifter(rank, r, periods, zone) for rank, r in enumerate(
        store.gifter_totals(db, acct.id, periods.cuts), start=1))
    return Leaderboard(acct.handle, acct.region, acct.timezone, board,
                       sum(g.coins for g in board), sum((g.usd for g in board), ZERO),
                       sum(g.coins for g in board[:TOP]))


def _gifter(rank: int, r: dict[str, Any], periods: RatePeriods, zone: ZoneInfo) -> Gifter:
    diamonds, usd = periods.value(r["period_coins"])
    return Gifter(rank, r["sender"], r["name"] or r["sender"], r["coins"], diamonds, usd,
                  r["gifts"], r["lives"], datetime.fromtimestamp(r["first_ts"], zone),
                  datetime.fromtimestamp(r["last_ts"], zone))


@dataclass(frozen=True)
class GifterHistory:
    """Coins of one gifter per local day, or per week (from Monday) over a long span."""

    sender: str
    bucket: str  # "day" or "week"
    series: Series  # x: epoch s of each bucket's first local midnight, y: coins
    utc_offset_s: int  # seconds east of UTC of the zone at the last bucket

    @property
    def total(self) -> int:
        return int(sum(self.series.y))


def gifter_history(db: Database, sender: str, *, account: str | None = None,
                   seen: tuple[datetime, datetime] | None = None) -> GifterHistory:
    """One gifter's coins over time; `seen` (their first and last gift, as the leaderboard
    has them) bounds the read to that span."""
    acct = _account(db, account)
    if acct is None:
        return GifterHistory(sender, "day", Series(), 0)
    zone = ZoneInfo(acct.timezone)
    first, last = (None, None) if seen is None else (int(seen[0].timestamp()),
                                                     int(seen[1].timestamp()))
    return history_series(sender, store.gifter_hours(db, acct.id, sender, first, last), zone)


def history_of(db: Database, gifter: Gifter, *, account: str | None = None) -> GifterHistory:
    """The history of a gifter of the leaderboard, read over the span they gifted in."""
    return gifter_history(db, gifter.sender, account=account,
                          seen=(gifter.first_seen, gifter.last_seen))


def gift_count(db: Database, *, account: str | None = None) -> int:
    """Every gift of the account (from the hourly rollup, 1 ms): what a leaderboard adds up."""
    acct = _account(db, account)
    return 0 if acct is None else store.account_gift_count(db, acct.id)


def stop_when(db: Database, cancel: Callable[[], bool], every: int = 100_000) -> None:
    """Make a query on `db` stop (sqlite3.OperationalError "interrupted") soon after `cancel()`
    turns true: a superseded leaderboard frees the ledger's one worker in milliseconds instead
    of adding up a million gifts for nobody. `every` SQLite steps between checks (~10 ms)."""
    db.conn.set_progress_handler(lambda: 1 if cancel() else 0, every)


def history_series(sender: str, hours: Sequence[tuple[int, int]], zone: ZoneInfo,
                   weekly_after: int = WEEKLY_AFTER_DAYS) -> GifterHistory:
    by_day: dict[date, int] = defaultdict(int)
    for hour, coins in hours:
        by_day[datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone).date()] += coins
    if not by_day:
        return GifterHistory(sender, "day", Series(), 0)
    weekly = (max(by_day) - min(by_day)).days > weekly_after
    buckets: dict[date, int] = defaultdict(int)
    for day, coins in by_day.items():
        buckets[day - timedelta(days=day.weekday()) if weekly else day] += coins
    days = sorted(buckets)
    last = datetime.combine(days[-1], time(), zone)
    offset = last.utcoffset() or timedelta(0)
    return GifterHistory(
        sender, "week" if weekly else "day",
        Series(tuple(float(datetime.combine(d, time(), zone).timestamp()) for d in days),
               tuple(float(buckets[d]) for d in days)),
        int(offset.total_seconds()))
