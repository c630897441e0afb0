"""One reader per kind: table rows in, record tuples out, bad rows reported with line and reason.

Readers never raise for a bad row. A row with the wrong number of fields is held back: if a
good row follows, it was a bad row (rejected); if the file ends first, it was junk below the
data such as a totals line (skipped, and kept with the reason like any other).
"""

from __future__ import annotations

import csv
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, compress, islice, repeat
from typing import Any

from app.core.catalogue import Catalogue, Gift, GiftLookupError
from app.core.money import plain
from app.core.records import PAYOUT_STATUSES
from app.importers.base import Feedback, ImportRefused, storable
from app.importers.fields import Mapping, norm
from app.importers.sources import Block, Table, table_blocks
from app.importers.values import (
    INT64_MAX,
    NUMERIC_RE,
    DateFormat,
    detect_date_format,
    detect_decimal_mark,
    make_block_time_parser,
    make_time_parser,
    parse_amount,
    parse_bool,
    parse_count,
    parse_duration,
    parse_id,
)

SAMPLE_ROWS = 500
MAX_COINS = 100_000_000  # more than a whole stream of Universes: a misread number
MAX_REPEAT = 1_000_000
_SMALL_INTS = {str(i): i for i in range(10_000)}  # a dict lookup: a third of int()'s time


def _ints(texts: Sequence[str]) -> list[int]:
    """int() of every text (ValueError as int() gives it), small plain numbers by lookup."""
    try:
        return list(map(_SMALL_INTS.__getitem__, texts))
    except KeyError:
        return list(map(int, texts))


@dataclass
class ReadContext:
    catalogue: Catalogue
    timezone: str  # for times written without an offset
    day_first: bool  # the region's convention for dates such as 03/08/2026
    feedback: Feedback
    currency: str = "USD"  # for payouts that name no currency


Row = tuple[Any, ...]


class _Frame:
    """The parts every reader shares: sampling, column indexes, width checks, progress."""

    def __init__(self, table: Table, mapping: Mapping, ctx: ReadContext) -> None:
        self.table, self.mapping, self.ctx, self.fb = table, mapping, ctx, ctx.feedback
        missing = mapping.missing()
        if missing:
            raise ImportRefused(f"the {mapping.kind} columns are not all mapped: missing "
                                + "; ".join(missing)
                                + f" (file columns: {', '.join(table.header)})")
        by_norm = {norm(h): i for i, h in enumerate(table.header)}
        self.index: dict[str, int] = {}
        for fld, col in mapping.columns.items():
            if norm(col) not in by_norm:
                raise ImportRefused(f"column {col!r} (for {fld}) is not in this file")
            self.index[fld] = by_norm[norm(col)]
        self.width = len(table.header)
        self._blocks = table_blocks(table)
        lines: list[int] = []
        cells: list[list[str]] = []
        for block_lines, block_cells in self._blocks:
            lines += block_lines
            cells += block_cells
            if len(lines) >= SAMPLE_ROWS:
                break
        self._first: Block = (lines, cells)
        self.head = list(zip(lines[:SAMPLE_ROWS], cells[:SAMPLE_ROWS], strict=True))
        self.delimiter = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}.get(
            table.info.get("delimiter", ""), ",")
        self._held: list[tuple[int, str, str]] = []
        for line, text in getattr(getattr(table, "layout", None), "junk_above", ()):
            self.fb.skip(line, "above the header, not a record", text)

    def sample(self, fld: str) -> list[str]:
        i = self.index.get(fld)
        if i is None:
            return []
        return [cells[i] for _, cells in self.head if i < len(cells)]

    def time_parser(self, *fields: str) -> Callable[[str], int]:
        values = [v for f in fields for v in self.sample(f)]
        if self.mapping.date_format != "auto":
            fmt = DateFormat(self.mapping.date_format)
        else:
            detected = detect_date_format(values, self.ctx.day_first)
            if detected is None and not self.head:
                raise ImportRefused("the file has column names but no rows below them")
            if detected is None:
                shown = next((v for v in values if v.strip()), "")
                column = next(self.mapping.columns[f] for f in fields
                              if f in self.mapping.columns)
                raise ImportRefused(f"cannot read the dates in column {column!r} "
                                    f"(first value {shown!r})")
            fmt = detected
        if fmt.note:
            self.fb.notes.append(f"dates: {fmt.note}")
        self.fb.decided["date_format"] = fmt.kind
        example = _undecided_example(values) if fmt.ambiguous else None
        if example:
            self.fb.decided["ambiguous_date"] = example  # to ask the creator about
        tz = self.mapping.timezone or self.ctx.timezone
        self.time_format = (fmt, tz)
        return make_time_parser(fmt, tz)

    def decimal_mark(self, *fields: str) -> str:
        if self.mapping.decimal in (".", ","):
            return self.mapping.decimal
        return detect_decimal_mark(v for f in fields for v in self.sample(f))

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Rows of the right width; the rest held back or rejected as the docstring says."""
        for lines, cells in self.record_blocks():
            yield from zip(lines, cells, strict=True)

    def record_blocks(self) -> Iterator[Block]:
        """records() a block at a time. A block whose rows all have the header's width, with
        nothing held back before it, passes through as it is (checked in C)."""
        width, fb = self.width, self.fb
        for lines, cells in chain((self._first,), self._blocks):
            fb.tick(*self.table.progress())
            if not self._held and set(map(len, cells)) == {width}:
                yield lines, cells
                if self._held:  # the reader held back rows that read like totals lines
                    self._release_held(lines, cells)
                continue
            kept_lines: list[int] = []
            kept: list[list[str]] = []
            for line, row in _split_runaway_quotes(zip(lines, cells, strict=True), width,
                                                   self.delimiter, fb):
                if len(row) != width:
                    if len(row) > width and not any(c.strip() for c in row[width:]):
                        row = row[:width]
                    else:
                        self._held.append((line, self._odd_reason(row), self.raw(row)))
                        continue
                if self._held and not any(_TOTALS_RE.match(c) for c in row):
                    for held in self._held:
                        fb.reject(*held)
                    self._held.clear()
                kept_lines.append(line)
                kept.append(row)
            if kept_lines:
                yield kept_lines, kept
                if self._held:
                    self._release_held(kept_lines, kept)
        for line, reason, raw in self._held:
            fb.skip(line, f"below the data, not a record: {reason}", raw)
        self._held.clear()
        fb.tick(*self.table.progress())

    def _release_held(self, lines: list[int], cells: list[list[str]]) -> None:
        """Rows held back while the reader read this block are rejected after all when a
        row that is not a totals line follows them in it (as records() would have done)."""
        last_good = next((line for line, row in zip(reversed(lines), reversed(cells),
                                                     strict=True)
                          if not any(_TOTALS_RE.match(c) for c in row)), None)
        if last_good is None:
            return
        for held in [h for h in self._held if h[0] < last_good]:
            self.fb.reject(*held)
        self._held[:] = [h for h in self._held if h[0] > last_good]

    def reject(self, line: int, reason: str, cells: list[str]) -> None:
        """A bad row; one that reads like a totals line is held back like a short row."""
        if any(_TOTALS_RE.match(c) for c in cells):
            self._held.append((line, f"a totals line? {reason}", self.raw(cells)))
        else:
            self.fb.reject(line, reason, self.raw(cells))

    def _odd_reason(self, cells: list[str]) -> str:
        if len(cells) == 1 and cells[0].startswith("\x00csv error: "):
            return cells[0][1:]
        return f"has {len(cells)} fields where the header has {self.width}"

    def raw(self, cells: list[str]) -> str:
        return storable(self.delimiter.join(cells))

    def cell(self, cells: list[str], fld: str) -> str:
        i = self.index.get(fld)
        return "" if i is None else _text(cells[i].strip())


def _undecided_example(values: list[str]) -> str | None:
    """A date such as 03/11/2026 when no value decides day/month order (none has a number
    above 12 in either place); None when one does, or none is written so."""
    found = [(v.strip(), m) for v in values if (m := NUMERIC_RE.match(v.strip()))]
    if not found or any(int(m["a"]) > 12 or int(m["b"]) > 12 for _v, m in found):
        return None
    return next((v for v, m in found if m["a"] != m["b"]), found[0][0])


_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def _split_runaway_quotes(rows: Iterator[tuple[int, list[str]]], width: int, delimiter: str,
                          fb: Feedback) -> Iterator[tuple[int, list[str]]]:
    """Rows as read, except a record of the wrong width that spans several lines: an opening
    quote that is never closed swallowed the lines below it. That line is rejected and the
    lines it swallowed are read again one by one, so their records are not lost."""
    for line, cells in rows:
        if len(cells) == width or not any("\n" in c or "\r" in c for c in cells):
            yield line, cells
            continue
        pieces = _LINE_BREAK_RE.split(delimiter.join(cells))
        fb.reject(line, "an opening quote (\") that is never closed: this line is rejected "
                  "and the lines below it are read on their own", storable(pieces[0]))
        for offset, piece in enumerate(pieces[1:], 1):
            if piece.strip():
                yield line + offset, _split_line(piece, delimiter)


def _split_line(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error as exc:
        return [f"\x00csv error: {exc}"]


_TOTALS_RE = re.compile(r"\s*(?:grand\s*|sub)?(?:totals?|sum|summe|gesamt)\b", re.IGNORECASE)


def _text(value: str) -> str:
    """A text cell, refused when it holds bytes the file's encoding could not decode."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"'{storable(value[:60])}' holds bytes that are not valid in "
                             "the file's encoding, or a lone surrogate (a \\ud800 escape)"
                             ) from None
    return value


def read_gifts(table: Table, mapping: Mapping, ctx: ReadContext) -> Iterator[Row]:
    f = _Frame(table, mapping, ctx)
    parse_time = f.time_parser("time")
    mark = f.decimal_mark("repeat_count", "coins_each", "coins_total")
    checked = _coins_each_or_total(f, parse_time, mark)
    return chain.from_iterable(_gift_blocks(
        f, parse_time, make_block_time_parser(*f.time_format), mark, checked))


def _catalogue_price(cat: Catalogue, gift_id: int, name: str, day: date) -> Gift | None:
    """The catalogue's gift for this id or name on that day; None when it is not known."""
    gift = cat.by_id(gift_id, day) if gift_id else None
    if gift is None and name:
        try:
            gift = cat.by_name(name, day)
        except GiftLookupError:
            return None
    return gift


def _coins_each_or_total(f: _Frame, parse_time: Callable[[str], int], mark: str) -> bool:
    """A single coins column beside a count holds either each gift's price or the row's total.
    The catalogue decides, per file, from the first rows: coins = price x count for most rows
    with a count above 1 means totals (the column is then read as coins_total). True when the
    rows told, so that each row is checked against the reading (see _coins_problem)."""
    ix = f.index
    if "coins_each" not in ix or "coins_total" in ix or "repeat_count" not in ix:
        return False
    forced = f.mapping.options.get("coins")  # as decided for the whole file (a retry)
    if forced in ("each", "total"):
        return _read_coins_as(f, forced)
    known = as_total = as_each = telling = 0
    for _line, cells in f.head:
        try:
            rep = parse_count(cells[ix["repeat_count"]].strip() or "1", mark)
            coins = parse_count(cells[ix["coins_each"]].strip(), mark)
            gid_text = f.cell(cells, "gift_id")
            gift = _catalogue_price(f.ctx.catalogue, int(gid_text) if gid_text else 0,
                                    f.cell(cells, "gift_name"), _day(parse_time(cells[ix["time"]])))
        except (ValueError, IndexError):
            continue
        if gift is None:
            continue
        known += 1
        as_total += coins == gift.coins * rep
        as_each += coins == gift.coins
        telling += rep > 1 and coins in (gift.coins, gift.coins * rep)
    if not telling:
        return False
    column = f.mapping.columns["coins_each"]
    if as_total > as_each:
        f.fb.notes.append(f"Coins are row totals: {as_total} of {known} rows match price x "
                          f"quantity (column {column!r})")
        return _read_coins_as(f, "total")
    f.fb.notes.append(f"Coins are per gift: {as_each} of {known} rows match the "
                      f"catalogue price (column {column!r})")
    return _read_coins_as(f, "each")


def _read_coins_as(f: _Frame, reading: str) -> bool:
    if reading == "total":
        f.index["coins_total"] = f.index.pop("coins_each")
    f.fb.decided["coins"] = reading
    return True


def _coins_problem(coins: int, rep: int, gift: Gift, totals: bool) -> str | None:
    """Why a row's coins do not fit the file's reading (each or total), or None."""
    price, whole = gift.coins, gift.coins * rep
    if coins == (whole if totals else price):
        return None
    name = gift.name
    if totals and coins == price:
        return (f"coins {coins:,} is the price of one {name}, but this file's coins are row "
                f"totals ({rep} x {price:,} = {whole:,})")
    if not totals and coins == whole:
        return (f"coins {coins:,} is {rep} x {price:,} (a row total), but this file's coins "
                f"are per gift ({name} = {price:,})")
    return (f"coins {coins:,} fit neither the price of one {name} ({price:,}) nor price x "
            f"quantity ({rep} x {price:,} = {whole:,})")


FAST_BLOCKS = True  # tests turn it off to check that both ways give the same rows


def _gift_blocks(f: _Frame, parse_time: Callable[[str], int],
                 parse_times: Callable[[Sequence[str]], list[int]],
                 mark: str, checked: bool = False) -> Iterator[list[Row]]:
    """Gift rows a block at a time. Each block is first tried whole (_GiftBlock: C-level
    checks); a block with anything unusual in it is read row by row (one_row), which is
    where every bad row gets its reason. Both ways give the same rows."""
    fb, cat = f.fb, f.ctx.catalogue
    ix = f.index
    i_time = ix["time"]
    i_sid, i_sname = ix.get("sender_id"), ix.get("sender_name")
    i_gid, i_gname, i_rep = ix.get("gift_id"), ix.get("gift_name"), ix.get("repeat_count")
    i_each, i_total, i_room = ix.get("coins_each"), ix.get("coins_total"), ix.get("room_id")
    i_streaking, i_end = ix.get("streaking"), ix.get("repeat_end")
    i_streakable = ix.get("streakable")
    folds = i_streaking is not None or i_end is not None
    streaks: dict[tuple[str, str, str], Row] = {}
    order = _Occurrences(fb)
    price_cache: dict[tuple[int, str, int], tuple[int, str, int]] = {}
    whole = None if folds or (i_total is None and i_each is None) or not FAST_BLOCKS else (
        _GiftBlock(ix, parse_times, order, f.table.decoded_cleanly,
                   _PriceCache(cat) if checked else None))

    def price(gift_id: int, name: str, ts: int) -> tuple[int, str, int]:
        key = (gift_id, name, ts // 86400)
        found = price_cache.get(key)
        if found is None:
            day = _day(ts)
            gift = cat.by_id(gift_id, day) if gift_id else None
            if gift is None and gift_id and not name:
                raise GiftLookupError(f"unknown gift id {gift_id}: not in the gift catalogue")
            if gift is None:
                gift = cat.by_name(name, day)
            found = (gift.gift_id, gift.name, gift.coins)
            price_cache[key] = found
        return found

    def one_row(line: int, cells: list[str]) -> Row | None:
        """The row's record, or None when it is rejected or folded into a streak."""
        try:
            if not cells[i_time]:
                raise ValueError("the time is empty")
            ts = parse_time(cells[i_time])
            sid = cells[i_sid].strip() if i_sid is not None else ""
            sname = cells[i_sname].strip() if i_sname is not None else ""
            if not sid and not sname:
                raise ValueError("no sender: id and name are empty")
            gid_text = cells[i_gid].strip() if i_gid is not None else ""
            gname = cells[i_gname].strip() if i_gname is not None else ""
            try:
                gid = parse_id(gid_text) if gid_text else 0
            except ValueError as exc:
                raise ValueError(f"gift id {exc}") from None
            if not gid and not gname:
                raise ValueError("no gift: id and name are empty")
            rep_text = cells[i_rep].strip() if i_rep is not None else ""
            rep = parse_count(rep_text, mark) if rep_text else 1
            if rep < 1 or rep > MAX_REPEAT:
                raise ValueError(f"repeat count {rep} is out of range (1..{MAX_REPEAT:,})")
            total_text = cells[i_total].strip() if i_total is not None else ""
            each_text = cells[i_each].strip() if i_each is not None else ""
            if total_text:
                total = parse_count(total_text, mark)
                each = total // rep
            elif each_text:
                each = parse_count(each_text, mark)
                total = each * rep
            else:
                gid, cat_name, each = price(gid, gname, ts)
                gname = gname or cat_name
                total = each * rep
            if total < 0 or each < 0:
                raise ValueError(f"negative coins ({total})")
            if checked:
                gift = _catalogue_price(cat, gid, gname, _day(ts))
                problem = gift and (total_text or each_text) and _coins_problem(
                    total if total_text else each, rep, gift, bool(total_text))
                if problem:
                    raise ValueError(problem)
            if total > MAX_COINS:
                raise ValueError(f"{total:,} coins in one event is not plausible")
            room = cells[i_room].strip() if i_room is not None else ""
            if not (sid + sname + gname + room).isascii():
                _text(sid), _text(sname), _text(gname), _text(room)
            row = (line, ts, room, sid, sname, gid, gname, rep, each, total)
            if folds:
                intermediate = False
                if i_streaking is not None:
                    intermediate = parse_bool(cells[i_streaking])
                elif i_end is not None:
                    streakable = (i_streakable is None or
                                  cells[i_streakable].strip().casefold() in ("1", "true", "yes"))
                    intermediate = streakable and not parse_bool(cells[i_end])
                key = (sid or sname, str(gid) if gid else gname.casefold(), room)
                if intermediate:
                    if key in streaks:
                        fb.folded += 1
                    streaks[key] = row
                    return None
                if streaks.pop(key, None) is not None:
                    fb.folded += 1
        except (ValueError, GiftLookupError) as exc:
            f.reject(line, str(exc), cells)
            return None
        return row

    for lines, cells in f.record_blocks():
        rows = whole.read(lines, cells) if whole is not None else None
        if rows is None:
            rows = [order.number(row) for line, row_cells in zip(lines, cells, strict=True)
                    if (row := one_row(line, row_cells)) is not None]
        yield rows
    if streaks:
        fb.notes.append(f"{len(streaks)} streak(s) had no final event (the file ends mid-streak); "
                        "their last count was used")
        fb.in_time_order = False
        yield [order.number(row) for row in sorted(streaks.values())]


class _GiftBlock:
    """A whole block of gift rows read column by column with C-level map/set/min/max.

    read() returns the block's numbered rows exactly as one_row + _Occurrences.number would,
    or None, changing nothing, when anything in the block needs a closer look: an empty or
    unusual cell, a number out of range, bytes the encoding could not decode, a step back in
    time. Those blocks are read row by row. Files with streaks, or with no coins column (the
    price comes from the catalogue), are always read row by row."""

    def __init__(self, index: dict[str, int], parse_times: Callable[[Sequence[str]], list[int]],
                 order: _Occurrences, decoded_cleanly: Callable[[], bool],
                 prices: _PriceCache | None = None) -> None:
        self.decoded_cleanly = decoded_cleanly
        self.prices = prices  # set: every row's coins must be its catalogue price x count
        self.i_time = index["time"]
        self.i_sid, self.i_sname, self.i_gname, self.i_room = (
            index.get(k) for k in ("sender_id", "sender_name", "gift_name", "room_id"))
        self.i_gid, self.i_rep, self.i_total, self.i_each = (
            index.get(k) for k in ("gift_id", "repeat_count", "coins_total", "coins_each"))
        self.parse_times = parse_times
        self.order = order

    def read(self, lines: list[int], cells: list[list[str]]) -> list[Row] | None:
        n = len(lines)
        if not n:
            return []
        columns = list(zip(*cells, strict=True))
        times = columns[self.i_time]
        if "" in times:
            return None
        try:
            ts = self.parse_times(times)
        except ValueError:
            return None
        blank = [""] * n
        sid, sname, gname, room = (blank if i is None else list(map(str.strip, columns[i]))
                                   for i in (self.i_sid, self.i_sname, self.i_gname, self.i_room))
        # numbers are not stripped first: int() ignores the same surrounding spaces, and a
        # cell of spaces alone fails it, which sends the block row by row like an empty one
        gid_text, rep_text, total_text, each_text = (
            blank if i is None else columns[i]
            for i in (self.i_gid, self.i_rep, self.i_total, self.i_each))
        if ("" in sid and "" in sname) or "" in gid_text and gid_text is not blank:
            return None
        if gid_text is blank and "" in gname:
            return None
        try:
            gid = [0] * n if gid_text is blank else _ints(gid_text)
            rep = [1] * n if rep_text is blank else (
                None if "" in rep_text else _ints(rep_text))
            if rep is None or min(rep) < 1 or max(rep) > MAX_REPEAT or (
                    0 in gid and "" in gname):
                return None
            if total_text is not blank:
                if "" in total_text:
                    return None
                total = _ints(total_text)
                each = list(map(operator.floordiv, total, rep))
            else:
                if "" in each_text:
                    return None
                each = _ints(each_text)
                total = list(map(operator.mul, each, rep))
        except ValueError:
            return None
        if min(total) < 0 or min(each) < 0 or max(total) > MAX_COINS or (
                max(gid) > INT64_MAX or min(gid) < 0):
            return None
        if self.prices is not None:
            days = map(operator.floordiv, ts, repeat(86400))
            keys = zip(gid, gname, days, strict=False)  # days: a map, not sized
            expected = map(operator.mul, map(self.prices.__getitem__, keys), rep)
            if not all(map(operator.eq, expected, total)):
                return None  # a row off the catalogue, or a gift it lacks: row by row
        if not self.decoded_cleanly():
            text = "".join(chain(sid, sname, gname, room))
            if not text.isascii():
                try:
                    text.encode("utf-8")  # a surrogate: bytes the encoding could not decode
                except UnicodeEncodeError:
                    return None
        occurrence = self._occurrences(ts, room, sid, sname, gid, gname, rep, each, total)
        if occurrence is None:
            return None
        return list(zip(lines, ts, room, sid, sname, gid, gname, rep, each, total, occurrence,
                        strict=True))

    def _occurrences(self, ts: list[int], *content: list[Any]) -> list[int] | None:
        """The occurrence numbers _Occurrences.number would give, and its state moved on; None
        (state untouched) when the block steps back against the file's direction in time."""
        order = self.order
        previous = order.ts
        series = ts if previous is None else [previous, *ts]
        rising = all(map(operator.le, series, islice(series, 1, None)))
        falling = all(map(operator.ge, series, islice(series, 1, None)))
        direction = order.direction
        if direction == 0:
            direction = 0 if rising and falling else 1 if rising else -1 if falling else 2
        if direction == 2 or (direction == 1 and not rising) or (
                direction == -1 and not falling):
            return None
        keys = list(zip(ts, *content, strict=True))
        n = len(keys)
        carried = order.seen if previous == ts[0] else {}
        occurrence = [1] * n
        # identical rows share their second: only rows next to one of the same second (or
        # to the previous block's last second) can be anything but the first of their kind
        tied = list(compress(range(n - 1), map(operator.eq, ts, islice(ts, 1, None))))
        if tied or carried:
            rows = sorted({*tied, *(i + 1 for i in tied),
                           *(range(next((i for i, t in enumerate(ts) if t != previous), n))
                             if carried else ())})
            if carried or len({keys[i] for i in rows}) != len(rows):
                seen = {(previous, *key): count for key, count in carried.items()}
                for i in rows:
                    key = keys[i]
                    count = seen.get(key, 0) + 1
                    seen[key] = count
                    occurrence[i] = count
        last = ts[-1]
        tail: dict[Row, int] = {}
        i = n - 1
        while i >= 0 and ts[i] == last:
            tail.setdefault(keys[i][1:], occurrence[i])
            i -= 1
        if last == previous:
            tail = {**carried, **tail}
        order.ts, order.direction, order.seen = last, direction, tail
        return occurrence


class _PriceCache(dict[tuple[int, str, int], int]):
    """(gift id, name, UTC day number) -> the catalogue's price that day, -1 when unknown: a
    dict, so that a block looks its rows up with map() in C."""

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue

    def __missing__(self, key: tuple[int, str, int]) -> int:
        gift_id, name, day = key
        gift = _catalogue_price(self.catalogue, gift_id, name, _day(day * 86400))
        price = -1 if gift is None else gift.coins
        self[key] = price
        return price


class _Occurrences:
    """Numbers identical gifts (same content, same second) 1, 2, 3... while reading.

    Identical rows share a timestamp, so in a file in time order (either direction) they sit
    together and a dict of the current second's rows is enough. The first step backwards in
    time marks the file as out of order; the store then numbers the rows itself with a sort.
    """

    def __init__(self, fb: Feedback) -> None:
        self.fb = fb
        self.ts: int | None = None
        self.direction = 0
        self.seen: dict[Row, int] = {}

    def number(self, row: Row) -> Row:
        ts = row[1]
        if ts != self.ts:
            if self.ts is not None:
                step = 1 if ts > self.ts else -1
                if self.direction == 0:
                    self.direction = step
                elif step != self.direction:
                    self.fb.in_time_order = False
            self.ts = ts
            self.seen.clear()
        key = row[2:]
        n = self.seen.get(key, 0) + 1
        self.seen[key] = n
        return (*row, n)


def _day(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def _opt_count(text: str, mark: str, what: str) -> int | None:
    if not text:
        return None
    value = parse_count(text, mark)
    if value < 0:
        raise ValueError(f"negative {what} ({value})")
    return value


def read_sessions(table: Table, mapping: Mapping, ctx: ReadContext) -> Iterator[Row]:
    f = _Frame(table, mapping, ctx)
    unit = 60 if "min" in norm(mapping.columns.get("duration", "")) else 1
    return _session_rows(f, f.time_parser("start", "end"),
                         f.decimal_mark("diamonds", "viewers", "likes"), unit)


def _session_rows(f: _Frame, parse_time: Callable[[str], int], mark: str,
                  unit: int) -> Iterator[Row]:
    for line, cells in f.records():
        try:
            start_text, end_text = f.cell(cells, "start"), f.cell(cells, "end")
            if not start_text:
                raise ValueError("the start time is empty")
            start = parse_time(start_text)
            end = parse_time(end_text) if end_text else None
            dur_text = f.cell(cells, "duration")
            duration = parse_duration(dur_text, unit) if dur_text else None
            if end is None and duration is not None:
                end = start + duration
            if end is not None and end < start:
                raise ValueError("the LIVE ends before it starts")
            if duration is None and end is not None:
                duration = end - start
            if duration is not None and duration > 7 * 86400:
                raise ValueError(f"a LIVE of {duration // 3600} hours is not plausible")
            diamonds = _opt_count(f.cell(cells, "diamonds"), mark, "diamonds")
            if diamonds is not None and diamonds > MAX_COINS:
                raise ValueError(f"{diamonds:,} diamonds in one LIVE is not plausible")
            row = (line, start, end, duration, f.cell(cells, "room_id"), f.cell(cells, "title"),
                   diamonds, _opt_count(f.cell(cells, "gifters"), mark, "gifters"),
                   _opt_count(f.cell(cells, "viewers"), mark, "viewers"),
                   _opt_count(f.cell(cells, "likes"), mark, "likes"))
        except ValueError as exc:
            f.reject(line, str(exc), cells)
            continue
        yield row


_STATUS = {
    "paid": "paid", "completed": "paid", "complete": "paid", "success": "paid",
    "successful": "paid", "done": "paid", "settled": "paid", "sent": "paid", "": "paid",
    "pending": "pending", "processing": "pending", "inreview": "pending", "review": "pending",
    "requested": "pending", "inprogress": "pending", "underreview": "pending",
    "failed": "failed", "rejected": "failed", "cancelled": "failed", "canceled": "failed",
    "returned": "failed", "declined": "failed", "error": "failed",
}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "₱": "PHP", "₺": "TRY", "R$": "BRL", "Rp": "IDR"}


def read_payouts(table: Table, mapping: Mapping, ctx: ReadContext) -> Iterator[Row]:
    f = _Frame(table, mapping, ctx)
    return _payout_rows(f, f.time_parser("requested", "paid"),
                        f.decimal_mark("amount", "usd", "fee"), ctx.currency)


def _payout_rows(f: _Frame, parse_time: Callable[[str], int], mark: str,
                 currency: str) -> Iterator[Row]:
    for line, cells in f.records():
        try:
            req_text, paid_text = f.cell(cells, "requested"), f.cell(cells, "paid")
            if not req_text and not paid_text:
                raise ValueError("no date: requested and paid are empty")
            paid = parse_time(paid_text) if paid_text else None
            requested = parse_time(req_text) if req_text else paid
            diamonds = _opt_count(f.cell(cells, "diamonds"), mark, "diamonds")
            amount_text = f.cell(cells, "amount")
            amount = parse_amount(amount_text, mark) if amount_text else None
            if amount is None and diamonds is None:
                raise ValueError("no amount and no diamonds")
            if amount is not None and amount < 0:
                amount = -amount  # wallet ledgers write withdrawals as negative amounts
            cur = f.cell(cells, "currency").upper() or _symbol_currency(amount_text) or currency
            if len(cur) != 3 or not cur.isalpha():
                raise ValueError(f"currency {cur!r} is not a 3-letter code")
            usd_text = f.cell(cells, "usd")
            usd = parse_amount(usd_text, mark) if usd_text else (
                amount if cur == "USD" else None)
            fee_text = f.cell(cells, "fee")
            fee = abs(parse_amount(fee_text, mark)) if fee_text else None
            status_text = norm(f.cell(cells, "status"))
            status = _STATUS.get(status_text)
            if status is None:
                raise ValueError(f"status {f.cell(cells, 'status')!r} is not one of "
                                 + "/".join(PAYOUT_STATUSES))
            if amount is not None and amount > Decimal(10_000_000):
                raise ValueError(f"a payout of {amount} is not plausible")
            row = (line, requested, paid, diamonds, _s(amount), cur, _s(usd), _s(fee),
                   f.cell(cells, "method"), status, f.cell(cells, "reference"))
        except ValueError as exc:
            f.reject(line, str(exc), cells)
            continue
        yield row


def _s(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def _symbol_currency(text: str) -> str | None:
    for symbol, code in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if symbol in text:
            return code
    return None


READERS: dict[str, Callable[[Table, Mapping, ReadContext], Iterator[Row]]] = {
    "gifts": read_gifts, "sessions": read_sessions, "payouts": read_payouts,
}
