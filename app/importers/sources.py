"""Tables from files: a header and numbered rows of text cells, streamed.

A CSV is sniffed from its first 64 KiB (encoding, delimiter, where the header is) and then
read again from the start as a stream, hashing its bytes on the way, so a file of any size
costs the same memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import BinaryIO, Protocol

from app.importers.base import ImportRefused
from app.importers.fields import score_header

SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(16 * 1024 * 1024)

Opener = Callable[[], BinaryIO]
Block = tuple[list[int], list[list[str]]]  # physical line numbers and the cells of each row
BLOCK = 2048


class Table(Protocol):
    name: str
    header: list[str]
    info: dict[str, str]

    def rows(self) -> Iterator[tuple[int, list[str]]]: ...
    def progress(self) -> tuple[int, int]: ...
    def sha256(self) -> str: ...
    def decoded_cleanly(self) -> bool: ...


def table_blocks(table: Table, size: int | None = None) -> Iterator[Block]:
    """A table's rows a block at a time (see CsvTable.blocks)."""
    size = size or BLOCK
    blocks = getattr(table, "blocks", None)
    if blocks is not None:
        yield from blocks(size)
        return
    rows = table.rows()
    while chunk := list(islice(rows, size)):
        lines, cells = zip(*chunk, strict=True)
        yield list(lines), list(cells)


def first_rows(table: Table, count: int = 20) -> list[list[str]]:
    """The cells of the table's first `count` records (the file is read no further)."""
    rows = table.rows()
    try:
        return [cells for _line, cells in islice(rows, count)]
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


MAX_LINE_BYTES = 32 * 1024 * 1024  # twice csv's field limit: no record line is longer


class _HashingReader(io.RawIOBase):
    """The file's bytes on their way to the text decoder: hashed, counted, and refused when
    MAX_LINE_BYTES pass without a line break. The decoder would gather such a line whole
    (a 2 GB sparse file is one line of NULs: 4 GB of memory), so it never gets one."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.done = 0
        self._since_break = 0  # bytes read since the last line break

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.done += n
        last = max(data.rfind(b"\n"), data.rfind(b"\r"))  # UTF-16 breaks hold one too
        self._since_break = n - 1 - last if last >= 0 else self._since_break + n
        if self._since_break > MAX_LINE_BYTES:
            raise ImportRefused(f"a line runs over {MAX_LINE_BYTES // 2**20} MB without a line "
                                f"break (at byte {self.done:,}): not a table of records")
        return n


_undecodable = [0]  # times _escape_or_replace ran, in any file: see CsvTable.decoded_cleanly
_undecodable_lock = threading.Lock()


def _escape_or_replace(exc: UnicodeError) -> tuple[str | bytes, int]:
    """Undecodable bytes as surrogates (the row holding them is rejected, its raw text kept);
    bytes that cannot be escaped so (an odd last byte of UTF-16) as U+FFFD."""
    with _undecodable_lock:
        _undecodable[0] += 1
    try:
        return codecs.lookup_error("surrogateescape")(exc)
    except UnicodeError:
        if not isinstance(exc, UnicodeDecodeError):
            raise
        return "\ufffd", exc.end


_UNDECODABLE = "diamond-ledger-undecodable"
codecs.register_error(_UNDECODABLE, _escape_or_replace)


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        # UTF-16 without a BOM, or not text at all
        even, odd = head[0:4096:2].count(0), head[1:4096:2].count(0)
        if odd > len(head[:4096]) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head[:4096]) // 4 and odd == 0:
            return "utf-16-be"
        raise ImportRefused("this is not a text file (it holds binary data)")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if exc.start >= len(head) - 3 and exc.reason in ("unexpected end of data",):
            return "utf-8"
        # a UTF-8 file with a few corrupt bytes is still UTF-8 (those rows are rejected);
        # reading it all as cp1252 would garble every accented name and emoji in it
        text = head.decode("utf-8", errors="surrogateescape")
        bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
        good = sum(1 for ch in text if ch > "\x7f" and not "\udc80" <= ch <= "\udcff")
        return "utf-8" if good > bad else "cp1252"


def _decode_head(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False)


@dataclass
class Layout:
    encoding: str
    delimiter: str
    header_index: int  # 0-based physical line of the header
    header: list[str]
    junk_above: list[tuple[int, str]] = field(default_factory=list)


HEADER_SEARCH_LINES = 30  # the header is looked for among this many first lines


def sniff_layout(text: str, encoding: str, header_line: int | None = None) -> Layout:
    """Delimiter and header of a sample. The header is the line among the first ones whose
    cells best match column names we know (not the first line of the common width: a title
    row padded with delimiters, `Gift report;;;;`, has that width too); `header_line` (1-based)
    is the user's choice instead."""
    lines = text.splitlines()
    if len(text) >= SNIFF_BYTES // 2 and lines:
        lines = lines[:-1]  # the last line of a sample may be cut
    lines = lines[:200]
    if not any(line.strip() for line in lines):
        raise ImportRefused("the file is empty")
    if header_line is not None and not 1 <= header_line <= min(len(lines), 200):
        raise ImportRefused(f"there is no line {header_line} to take as the header "
                            f"(the file's first {len(lines)} lines were read)")
    best: tuple[tuple[int, int, int, int], str, int, list[str]] | None = None
    for delim in DELIMITERS:
        found = _best_header(lines, delim, header_line)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], delim, found[1], found[2])
    if best is None or (header_line is None and best[0][0] < 1):
        first = next(line for line in lines if line.strip())[:80]
        raise ImportRefused(
            f"no header row found: the first line is {first!r}; expected column names such as "
            "time, sender, gift, coins (or choose the columns with a mapping profile)")
    _, delim, index, cells = best
    junk = [(i + 1, lines[i]) for i in range(index) if lines[i].strip()]
    return Layout(encoding, delim, index, [c.strip() for c in cells], junk)


def _best_header(lines: list[str], delim: str, header_line: int | None
                 ) -> tuple[tuple[int, int, int, int], int, list[str]] | None:
    """((known names, rows of its width, width, -index), index, cells) of the line that
    reads best as the header with this delimiter; None when no line splits into cells."""
    return best_header_row([_split(line, delim) for line in lines], header_line)


def best_header_row(parsed: list[list[str]], header_line: int | None
                    ) -> tuple[tuple[int, int, int, int], int, list[str]] | None:
    """The row of `parsed` (the cells of a file's first rows, a CSV's or a sheet's) that
    reads best as the header, as _best_header says; `header_line` (1-based) the user's."""
    widths = Counter(len(cells) for cells in parsed if len(cells) > 1)
    if not widths:
        return None
    indexes = ([header_line - 1] if header_line is not None
               else range(min(len(parsed), HEADER_SEARCH_LINES)))
    best: tuple[tuple[int, int, int, int], int, list[str]] | None = None
    for index in indexes:
        cells = parsed[index]
        if len(cells) < 2 and header_line is None:
            continue
        score = (score_header(cells), widths[len(cells)], len(cells), -index)
        if best is None or score > best[0]:
            best = (score, index, cells)
    return best


def _split(line: str, delim: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delim), [])
    except csv.Error:
        return line.split(delim)


class CsvTable:
    """A delimited text file as a Table."""

    def __init__(self, name: str, opener: Opener, size: int,
                 header_line: int | None = None) -> None:
        self.name = name
        self._opener = opener
        self._size = size
        self._reader: _HashingReader | None = None
        self._undecodable_before = -1  # no rows read yet
        self.notes: list[str] = []  # what the user should know about how it was read
        with opener() as raw:
            head = raw.read(SNIFF_BYTES)
        if not head.strip():
            raise ImportRefused("the file is empty")
        encoding = detect_encoding(head)
        self.layout = sniff_layout(_decode_head(head, encoding), encoding, header_line)
        self.header = self.layout.header
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.layout.delimiter]
        self.info = {"encoding": encoding, "delimiter": shown,
                     "header_line": str(self.layout.header_index + 1)}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(physical line number, cells) for every non-blank record after the header."""
        for lines, cells in self.blocks():
            yield from zip(lines, cells, strict=True)

    def blocks(self, size: int | None = None) -> Iterator[Block]:
        """The same records as rows(), a block of up to `size` at a time: (lines, cells).

        The readers work a block at a time so that most of their checks run once per block
        in C (map, set, min) instead of once per row in Python: files have millions of rows.
        Here, too: a block of physical lines goes through csv.reader whole, and when every
        record is one line its line numbers follow without a Python step per row. From the
        first record that spans lines (a quoted line break) or upsets the csv module on, the
        file is read record by record, as before.
        """
        size = size or BLOCK
        with _undecodable_lock:
            self._undecodable_before = _undecodable[0]
        with self._opener() as raw:
            self._reader = _HashingReader(raw)
            buffered = io.BufferedReader(self._reader, buffer_size=1 << 16)
            text = io.TextIOWrapper(buffered, encoding=self.layout.encoding,
                                    errors=_UNDECODABLE, newline="")
            for _ in range(self.layout.header_index + 1):
                text.readline()
            delimiter = self.layout.delimiter
            line = self.layout.header_index + 2  # physical line of the next line read
            while chunk := list(islice(text, size)):
                records = _one_line_records(chunk, delimiter)
                if records is None:
                    yield from _record_blocks(chain(chunk, text), delimiter, line, size)
                    break
                n = len(records)
                numbers = range(line, line + n)
                line += n
                # all(map(any, ...)): no record is all empty cells (`;;;;`, a blank row as
                # spreadsheets save it), checked in C
                if min(map(len, records)) > 1 and all(map(any, records)):
                    yield list(numbers), records
                    continue
                kept = [i for i, cells in enumerate(records) if _filled(cells)]
                if kept:
                    yield [numbers[i] for i in kept], [records[i] for i in kept]
            # drain so the hash covers every byte even if the csv reader stopped early
            while buffered.read(1 << 16):
                pass

    def decoded_cleanly(self) -> bool:
        """True while every byte read so far decoded: then no cell can hold the surrogates
        that stand for undecodable bytes, and the readers need not look for them. (The
        count is shared by all files: another file's bad bytes only make this say False.)"""
        with _undecodable_lock:
            return self._undecodable_before == _undecodable[0]

    def progress(self) -> tuple[int, int]:
        return (self._reader.done if self._reader else 0), self._size

    def sha256(self) -> str:
        if self._reader is None:
            raise RuntimeError("sha256 is known once the rows were read")
        return self._reader.digest.hexdigest()


def _filled(cells: list[str]) -> bool:
    """A record with something in it: not a blank line, not a row of empty cells (`;;;;`)."""
    return any(map(str.strip, cells))


def _one_line_records(lines: list[str], delimiter: str) -> list[list[str]] | None:
    """The records of these physical lines when each is exactly one whole record; None when a
    record spans lines (a quoted line break) or the csv module finds an error."""
    try:
        records = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return None
    if len(records) != len(lines):
        return None
    # the last line may open a quoted field that goes on in the next block: the csv module
    # then hands over the part it has, line break included
    if any("\n" in cell or "\r" in cell for cell in records[-1]):
        return None
    return records


def _record_blocks(lines: Iterator[str], delimiter: str, first_line: int,
                   size: int) -> Iterator[Block]:
    """Blocks read record by record: a record may span physical lines, and a record the csv
    module cannot read becomes one cell saying why (the reader rejects it with that reason)."""
    reader = csv.reader(lines, delimiter=delimiter)
    previous_end = 0
    numbers: list[int] = []
    cells_of: list[list[str]] = []
    while True:
        try:
            # a plain for loop: this runs once per row of files with millions of rows
            for cells in reader:
                start = previous_end + first_line
                previous_end = reader.line_num
                if _filled(cells):
                    numbers.append(start)
                    cells_of.append(cells)
                    if len(numbers) >= size:
                        yield numbers, cells_of
                        numbers, cells_of = [], []
            break
        except csv.Error as exc:
            start = previous_end + first_line
            previous_end = reader.line_num
            numbers.append(start)
            cells_of.append([f"\x00csv error: {exc}"])
    if numbers:
        yield numbers, cells_of


class RecordTable:
    """Records (dicts) from a JSON or TXT export as a Table; keys become the header."""

    def __init__(self, name: str, records: list[dict[str, object]], digest: str,
                 size: int, info: dict[str, str] | None = None,
                 lines: list[int] | None = None) -> None:
        self.name = name
        keys: dict[str, None] = {}
        for record in records:
            for key in record:
                keys.setdefault(str(key), None)
        self.header = list(keys)
        self._records = records
        self._lines = lines
        self._digest = digest
        self._size = size
        self._done = 0
        self.info = info or {}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        for index, record in enumerate(self._records):
            self._done = index + 1
            line = self._lines[index] if self._lines else index + 1
            yield line, ["" if record.get(k) is None else str(record.get(k))
                         for k in self.header]

    def progress(self) -> tuple[int, int]:
        total = max(len(self._records), 1)
        return self._done * self._size // total, self._size

    def sha256(self) -> str:
        return self._digest

    def decoded_cleanly(self) -> bool:
        """Never promised: JSON text can hold lone surrogates (\\udcff escapes)."""
        return False
