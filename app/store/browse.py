"""Gift rows for browsing: counts, one filtered and sorted page at a time, the gift mix, the
gifter leaderboard and one gifter's history. Nothing here reads every row into Python.

Paging: a page after a known row seeks past that row's sort key (keyset, as cheap at row
900,000 as at row 0); a jump (a scrollbar dragged to the middle) falls back to OFFSET over
the index that orders the sort, which costs ~40 ms at the end of 1M rows.

Money stays in coins here. Aggregates that the caller values can be split at rate-change
boundaries (`cuts`, epoch seconds): the coins of each rate period come back separately, so a
gift keeps the rates of its day without the store knowing any rate.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.store.queries import rows

# Every sort ends in columns that make it total, so a page boundary is a single row. The time
# order is the dedup key's (unique), so it pages over gifts_key without another index; every
# other sort pages by its order of ids (below): an index per sort would slow every import.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "time": ("ts", "sender_id", "sender_name", "gift_id", "gift_name", "repeat_count",
             "coins_total", "room_id", "occurrence"),
    "sender": ("sender_name", "id"),
    "gift": ("gift_name", "coins_total", "id"),  # by gift, then by value
    "count": ("repeat_count", "id"),
    "coins": ("coins_total", "id"),
    "live": ("room_id", "ts", "id"),
}
PAGE_COLUMNS = ("id, ts, sender_id, sender_name, gift_id, gift_name, repeat_count, coins_each,"
                " coins_total, room_id, occurrence")
SENDER_KEY = "CASE WHEN sender_id != '' THEN sender_id ELSE sender_name END"


@dataclass(frozen=True)
class GiftFilter:
    """Which gifts of one account: all conditions must hold; None / '' means any."""

    account_id: int
    text: str = ""  # part of the sender's name or of the gift's name, any case (ASCII)
    start_ts: int | None = None  # inclusive
    end_ts: int | None = None  # exclusive
    gift: str | None = None  # a gift name
    sender: str | None = None  # a sender key: the sender id, or the name when there is no id


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where(f: GiftFilter) -> tuple[str, list[Any]]:
    parts: list[str] = ["account_id = ?"]
    params: list[Any] = [f.account_id]
    if f.start_ts is not None:
        parts.append("ts >= ?")
        params.append(f.start_ts)
    if f.end_ts is not None:
        parts.append("ts < ?")
        params.append(f.end_ts)
    if f.gift is not None:
        parts.append("gift_name = ?")
        params.append(f.gift)
    if f.sender is not None:
        parts.append("(sender_id = ? OR (sender_id = '' AND sender_name = ?))")
        params += [f.sender, f.sender]
    if f.text:
        parts.append("(sender_name LIKE ? ESCAPE '\\' OR gift_name LIKE ? ESCAPE '\\')")
        params += [_like(f.text)] * 2
    return " AND ".join(parts), params


def _period_sums(cuts: Sequence[int]) -> tuple[str, list[int]]:
    """sum(coins_total) of each rate period: before cuts[0], [cuts[0], cuts[1]), ..."""
    bounds: list[int | None] = [None, *cuts, None]
    exprs, params = [], []
    for i, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        conds = []
        if lo is not None:
            conds.append("ts >= ?")
            params.append(lo)
        if hi is not None:
            conds.append("ts < ?")
            params.append(hi)
        cond = f" FILTER (WHERE {' AND '.join(conds)})" if conds else ""
        exprs.append(f"coalesce(sum(coins_total){cond}, 0) AS p{i}")
    return ", ".join(exprs), params


def _ints(values: Sequence[Any]) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


# ---- gift rows --------------------------------------------------------------------------------

@dataclass(frozen=True)
class GiftTotals:
    gifts: int
    period_coins: tuple[int, ...]  # one per rate period (see _period_sums)

    @property
    def coins(self) -> int:
        return sum(self.period_coins)


def gift_totals(db: Database, f: GiftFilter, cuts: Sequence[int] = ()) -> GiftTotals:
    rolled = _rollup_totals(db, f, cuts)
    if rolled is not None:
        return rolled
    cond, params = where(f)
    sums, sum_params = _period_sums(cuts)
    row = db.execute(f"SELECT count(*), {sums} FROM gifts WHERE {cond}",
                     (*sum_params, *params)).fetchone()
    return GiftTotals(int(row[0]), _ints(row[1:]))


def _rollup_totals(db: Database, f: GiftFilter, cuts: Sequence[int]) -> GiftTotals | None:
    """The totals from an hourly rollup (1 ms instead of 140 over 1M rows) when the filter
    is at most a time range and a gift, and every bound falls on a whole hour (local midnights
    do, but in zones such as Asia/Kolkata)."""
    rollup = _rollup(f, cuts)
    if rollup is None:
        return None
    table, cond, params = rollup
    sums, sum_params = _period_sums([c // 3600 for c in cuts])
    row = db.execute(f"SELECT coalesce(sum(gifts), 0), {sums.replace('coins_total', 'coins')}"
                     f" FROM (SELECT hour AS ts, gifts, coins FROM {table} WHERE {cond})",
                     (*sum_params, *params)).fetchone()
    return GiftTotals(int(row[0]), _ints(row[1:]))


def _rollup(f: GiftFilter, cuts: Sequence[int] = ()) -> tuple[str, str, list[Any]] | None:
    """(rollup table, condition, parameters) selecting the filter's hours, or None when the
    filter needs the gift rows (a text or sender condition, a bound inside an hour)."""
    bounds = [b for b in (f.start_ts, f.end_ts, *cuts) if b is not None]
    if f.text or f.sender is not None or any(b % 3600 for b in bounds):
        return None
    lo = -(2**62) if f.start_ts is None else f.start_ts // 3600
    hi = 2**62 if f.end_ts is None else f.end_ts // 3600
    cond, params = "account_id = ? AND hour >= ? AND hour < ?", [f.account_id, lo, hi]
    if f.gift is None:
        return "gift_hourly", cond, params
    return "gift_mix_hourly", cond + " AND gift_name = ?", [*params, f.gift]


def count_gifts(db: Database, f: GiftFilter) -> int:
    cond, params = where(f)
    return int(db.execute(f"SELECT count(*) FROM gifts WHERE {cond}", params).fetchone()[0])


def sort_key(row: dict[str, Any], sort: str) -> tuple[Any, ...]:
    """The values a row sorts by, to ask for the page after it."""
    return tuple(row[c] for c in SORT_KEYS[sort])


def gift_page(db: Database, f: GiftFilter, sort: str = "time", descending: bool = False, *,
              offset: int = 0, limit: int = 200,
              after: tuple[Any, ...] | None = None) -> list[dict[str, Any]]:
    """`limit` rows in the sort order, from row `offset`, or right after the row whose sort
    key is `after` (then `offset` is ignored)."""
    cols = SORT_KEYS[sort]
    cond, params = where(f)
    if after is not None:
        if len(after) != len(cols):
            raise ValueError(f"a {sort!r} key has {len(cols)} values, not {len(after)}")
        marks = ", ".join("?" * len(cols))
        cond += f" AND ({', '.join(cols)}) {'<' if descending else '>'} ({marks})"
        params += list(after)
        offset = 0
    order = ", ".join(f"{c} {'DESC' if descending else 'ASC'}" for c in cols)
    # the inner query walks only the index; the table is read for the page's rows alone
    return rows(db, f"SELECT {PAGE_COLUMNS} FROM gifts WHERE id IN (SELECT id FROM gifts"
                    f" WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
                (*params, limit, offset))


def gift_mix(db: Database, f: GiftFilter) -> list[tuple[str, int, int]]:
    """(gift name, coins, gifts) of every gift in the filter, by coins, most first."""
    rollup = _rollup(f)
    if rollup is not None:  # from the per-gift hours: ~5 ms instead of 300 over 1M rows
        _table, cond, params = rollup  # conditions on account, hour and gift name only
        return [(str(r[0]), int(r[1]), int(r[2])) for r in db.execute(
            f"SELECT gift_name, sum(coins), sum(gifts) FROM gift_mix_hourly WHERE {cond}"
            " GROUP BY gift_name ORDER BY 2 DESC, 1", params)]
    cond, params = where(f)
    # the covering dedup key holds every column the sums and conditions read
    return [(str(r[0]), int(r[1]), int(r[2])) for r in db.execute(
        f"SELECT gift_name, sum(coins_total), count(*) FROM gifts INDEXED BY gifts_key"
        f" WHERE {cond} GROUP BY gift_name ORDER BY 2 DESC, 1", params)]


def gift_names(db: Database, account_id: int) -> list[str]:
    """The account's gift names in order, from the per-gift hourly rollup."""
    return [str(r[0]) for r in db.execute(
        "SELECT DISTINCT gift_name FROM gift_mix_hourly WHERE account_id = ? ORDER BY 1",
        (account_id,))]


def live_spans(db: Database, account_id: int) -> list[dict[str, Any]]:
    """The account's LIVEs in start order, to name the LIVE a gift was sent in."""
    return rows(db, "SELECT id, start_ts, end_ts, room_id, title FROM sessions"
                    " WHERE account_id = ? ORDER BY start_ts, id", (account_id,))


# ---- gifters ----------------------------------------------------------------------------------

# The LIVE of a gift: its room id, else the LIVE whose span holds its time (gift loggers
# often write no room id, while TikTok's LIVE list has the spans).
LIVE_OF_GIFT = """CASE WHEN g.room_id != '' THEN g.room_id ELSE (
    SELECT CASE WHEN s.end_ts > g.ts THEN coalesce(nullif(s.room_id, ''), 'live:' || s.id) END
      FROM sessions s WHERE s.account_id = g.account_id AND s.start_ts <= g.ts
     ORDER BY s.start_ts DESC LIMIT 1) END"""


def gifter_totals(db: Database, account_id: int,
                  cuts: Sequence[int] = ()) -> list[dict[str, Any]]:
    """Every gifter of the account, most coins first: sender (key), name (the latest one),
    gifts, lives, first_ts, last_ts and period_coins (one per rate period)."""
    sums, sum_params = _period_sums(cuts)
    lives = LIVE_OF_GIFT if has_sessions(db, account_id) else "nullif(g.room_id, '')"
    found = rows(db, f"""
        WITH t AS (
            SELECT {SENDER_KEY} AS sender, max(sender_id) AS sender_id, sum(coins_total) AS coins,
                   count(*) AS gifts, count(DISTINCT {lives}) AS lives,
                   min(ts) AS first_ts, max(ts) AS last_ts, {sums}
              FROM gifts g WHERE account_id = ? GROUP BY 1)
        SELECT t.*, (SELECT n.sender_name FROM gifts n WHERE n.account_id = ? AND n.ts = t.last_ts
                       AND n.sender_id = t.sender_id
                       AND (t.sender_id != '' OR n.sender_name = t.sender) LIMIT 1) AS name
          FROM t ORDER BY coins DESC, sender""", (*sum_params, account_id, account_id))
    names = [f"p{i}" for i in range(len(cuts) + 1)]
    for row in found:
        row["period_coins"] = _ints([row.pop(name) for name in names])
    return found


def gifter_hours(db: Database, account_id: int, sender: str, start_ts: int | None = None,
                 end_ts: int | None = None) -> list[tuple[int, int]]:
    """(hour since the epoch, coins) of one gifter in [start_ts, end_ts], in time order.

    There is no sender index (it would cost +2 s per 1M imported rows): this walks the
    covering dedup key (account_id, ts, ...) without reading the table, 110 ms over 1M rows.
    The gifter's first and last gift, which the leaderboard knows, bound that walk: a fan who
    gifted during one week of a year costs ~2% of it."""
    lo = -(2**62) if start_ts is None else start_ts
    hi = 2**62 if end_ts is None else end_ts
    return [(int(r[0]), int(r[1])) for r in db.execute(
        "SELECT ts / 3600, sum(coins_total) FROM gifts INDEXED BY gifts_key"
        " WHERE account_id = ? AND ts >= ? AND ts <= ?"
        " AND (sender_id = ? OR (sender_id = '' AND sender_name = ?)) GROUP BY 1 ORDER BY 1",
        (account_id, lo, hi, sender, sender))]


# ---- sort orders ------------------------------------------------------------------------------

# A sort that no index serves (every one but time's), or a search an index cannot find, would
# re-sort or re-scan the whole filter for every page (~150 ms a page over 1M rows, 2 s for
# OFFSET 500,000). Its order is read once, as the ids in that order (~0.6 s and 8 MB for 1M
# gifts, on the ledger's worker: any connection can read it, unlike a TEMP table), and paged by
# position: a page is then a few hundred primary-key lookups.

def ordered_ids(db: Database, f: GiftFilter, sort: str, descending: bool = False,
                chunk: int = 50_000) -> array[int]:
    """The ids of the filter's gifts in the sort order."""
    cond, params = where(f)
    order = ", ".join(f"{c} {'DESC' if descending else 'ASC'}" for c in SORT_KEYS[sort])
    cursor = db.execute(f"SELECT id FROM gifts WHERE {cond} ORDER BY {order}", params)
    ids: array[int] = array("q")
    while batch := cursor.fetchmany(chunk):
        ids.extend(r[0] for r in batch)
    return ids


ID_CHUNK = 500  # under SQLite's limit of bound parameters


def rows_by_ids(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The page columns of gifts `ids`, in that order (an id no longer there is left out)."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = tuple(ids[start:start + ID_CHUNK])
        marks = ", ".join("?" * len(chunk))
        for r in rows(db, f"SELECT {PAGE_COLUMNS} FROM gifts WHERE id IN ({marks})", chunk):
            found[r["id"]] = r
    return [found[i] for i in ids if i in found]


def account_gift_count(db: Database, account_id: int) -> int:
    """All gifts of the account, from the hourly rollup (1 ms where COUNT(*) takes 45)."""
    return int(db.execute("SELECT coalesce(sum(gifts), 0) FROM gift_hourly WHERE account_id = ?",
                          (account_id,)).fetchone()[0])


def has_sessions(db: Database, account_id: int) -> bool:
    return db.execute("SELECT 1 FROM sessions WHERE account_id = ? LIMIT 1",
                      (account_id,)).fetchone() is not None
