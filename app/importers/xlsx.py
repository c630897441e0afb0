"""Excel workbooks (.xlsx, as Excel, LibreOffice Calc and Google Sheets save them) as a Table.

A workbook goes the way a CSV goes: its cells become text, the header is found among the first
rows by how well its cells match known column names (a merged title cell above it is junk,
skipped and kept), and the readers, mapping profiles, duplicate keys and rejected rows work on
it unchanged. Only the cell values differ from CSV text, and are written here as the readers
read them:

- a number is a float in the file; it is written with at most 15 significant digits, which is
  what Excel shows and computes with (0.1+0.2 stored as 0.30000000000000004 becomes 0.3). The
  cell's number format is not used: a rate formatted `0.00` that holds 0.005 is 0.005.
- a date is a serial number of days (since 1899-12-30, or 1904-01-01 when the workbook says
  date1904); openpyxl turns the ones styled as dates into datetimes, written as ISO text, and
  a serial in a date column that was saved without a date style is turned here, by the
  workbook's own date system. Dates stored as text stay text, read like a CSV's.

Which sheet: the first visible worksheet, in tab order, whose first rows hold a header of known
column names (a cover or notes sheet in front is passed over); the other sheets are named in
the notes, never imported (a summary sheet of the same gifts would count them twice).

An .xlsx is a zip: its members go through the zip budgets (files.ZipBudget) before openpyxl
opens it, so a zip bomb or a damaged member is a one-line refusal, and its XML is parsed with
defusedxml (entity expansion refused). The file is read in openpyxl's read-only mode, which
streams the sheet's rows; the worksheet's stated dimension is ignored (LibreOffice states
1,024 columns, some writers `A1`, both wrong).
"""

from __future__ import annotations

import hashlib
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, BinaryIO

import openpyxl
from openpyxl.utils.datetime import MAC_EPOCH, from_excel, to_excel

from app.importers.base import ImportRefused, storable
from app.importers.fields import SYNONYMS, norm
from app.importers.files import ZipBudget
from app.importers.sources import BLOCK, HEADER_SEARCH_LINES, Block, best_header_row

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_PART_BYTES = 256 * 1024**2  # shared strings, styles, workbook: read whole by openpyxl
MAX_SHEET_BYTES = 1024**3  # a worksheet's XML, streamed
SIGNIFICANT = 15  # digits of a float that are written: Excel's own precision
SERIAL_FIRST, SERIAL_LAST = 32000, 74000  # serials of 1987..2102 in either date system

Opener = Callable[[], BinaryIO]

# headers of date columns whose plain numbers are date serials
_TIME_NAMES = frozenset(name for kind in SYNONYMS.values()
                        for fld in ("time", "start", "end", "requested", "paid")
                        for name in kind.get(fld, ()))


def is_workbook(name: str, head: bytes) -> bool:
    """Whether a file is an Excel workbook, from its name and first bytes: a zip named .xlsx,
    or any zip whose first members are a workbook's parts (Excel writes [Content_Types].xml
    first, LibreOffice _rels/ and docProps/)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    return (name.lower().endswith(WORKBOOK_SUFFIXES)
            or any(part in head[30:4096] for part in _WORKBOOK_PARTS))


_WORKBOOK_PARTS = (b"[Content_Types].xml", b"xl/workbook.xml", b"xl/worksheets/",
                   b"xl/_rels/")


def disguised(name: str, head: bytes) -> str | None:
    """For a file named like a workbook (.xlsx, .xlsm, .xls) that is no zip: None when it is
    text to read as a CSV (some tools save CSV under a spreadsheet name), else raises
    ImportRefused saying what it is. The note to show is returned for the CSV case."""
    lower = name.lower()
    if not lower.endswith((*WORKBOOK_SUFFIXES, ".xls")) or head.startswith(b"PK\x03\x04"):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    shown = _shown(name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(f"{shown} is an Excel 97-2003 workbook (.xls) or a password-"
                            "protected one: open it in the spreadsheet program and save it as "
                            ".xlsx (without a password) or CSV")
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
            b"<html" in text[:2048] or b"<table" in text[:2048]):
        raise ImportRefused(f"{shown} is a web page (HTML) saved under a spreadsheet name, "
                            "not a workbook: open it in the spreadsheet program and save it "
                            "as .xlsx or CSV")
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        raise ImportRefused(f"{shown} is an XML file (Excel 2003 XML or another), not an "
                            ".xlsx workbook: open it in the spreadsheet program and save it "
                            "as .xlsx or CSV")
    return (f"{shown} is a text file under a spreadsheet name: read as CSV "
            "(as some tools save it)")


@dataclass
class SheetLayout:
    """Where the header is on the chosen sheet, and the rows above it (titles, notes)."""

    header_index: int  # 0-based row of the header (row 1 of the sheet is 0)
    header: list[str]
    junk_above: list[tuple[int, str]] = field(default_factory=list)


def is_time_header(header: str) -> bool:
    key = norm(header)
    return key in _TIME_NAMES or (("date" in key or "time" in key) and "duration" not in key)


def float_text(value: float) -> str:
    """A float as text with at most SIGNIFICANT significant digits, plain (no exponent)
    within 30 digits either side of the point; beyond that the exponent is kept so that the
    bounded number parser refuses it with a reason."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    number = Decimal(format(value, f".{SIGNIFICANT}g"))
    if number == 0:
        return "0"
    if -30 <= number.adjusted() <= 30:
        text = format(number, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(number)


def cell_text(value: object) -> str:
    """A cell's value as the readers read text: numbers as float_text, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, datetime):
        shown = value.replace(microsecond=0).isoformat(sep=" ")
        return shown + (f".{value.microsecond // 1000:03d}" if value.microsecond >= 1000 else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


class XlsxTable:
    """One worksheet of a workbook as a Table; see the module's docstring for the rules."""

    def __init__(self, name: str, opener: Opener, size: int,
                 header_line: int | None = None) -> None:
        self.name = name
        self._opener = opener
        self._size = size
        self._done = 0
        self._digest = _sha256(opener)
        self.notes: list[str] = []
        with self._workbook() as book:
            self._epoch = book.epoch
            self._spans_before = datetime(self._epoch.year + 1, 3, 1)
            sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
            if not sheets:
                raise ImportRefused(f"{_shown(name)} has no visible worksheet")
            chosen, self.layout = _choose_sheet(sheets, header_line)
            self._sheet = chosen.title
            others = [ws.title for ws in book.worksheets if ws.title != chosen.title]
        self.header = self.layout.header
        self._width = len(self.header)
        self._serial = [i for i, h in enumerate(self.header) if is_time_header(h)]
        self.info = {"format": "xlsx", "sheet": storable(self._sheet),
                     "header_line": str(self.layout.header_index + 1),
                     "date_system": "1904" if self._epoch == MAC_EPOCH else "1900"}
        if others:
            self.info["other_sheets"] = ", ".join(storable(t) for t in others)
            self.notes.append(f"sheet {storable(self._sheet)!r} read (the first with column "
                              "names); not read: " + ", ".join(repr(storable(t)) for t in others))

    @contextmanager
    def _workbook(self) -> Iterator[Any]:
        """The workbook open in read-only mode, its zip checked against the budgets first;
        whatever openpyxl or zipfile raise on a damaged file becomes one ImportRefused."""
        with self._opener() as handle:
            try:
                _check_zip(handle, self.name, self._size)
                with _quiet():
                    book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                try:
                    yield book
                finally:
                    book.close()
            except (ImportRefused, GeneratorExit):
                raise
            except Exception as exc:  # noqa: BLE001 - a third-party parser of a hostile file
                raise ImportRefused(_damaged(self.name, exc)) from None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(sheet row number, cells) for every non-blank row below the header."""
        for lines, cells in self.blocks():
            yield from zip(lines, cells, strict=True)

    def blocks(self, size: int | None = None) -> Iterator[Block]:
        """The rows a block at a time, each padded to the header's width (Excel leaves out
        the empty cells at the end of a row) and cut of empty cells beyond it."""
        size = size or BLOCK
        self._done = 0
        with self._workbook() as book:
            sheet = book[self._sheet]
            sheet.reset_dimensions()
            values = sheet.iter_rows(values_only=True)
            number = 0
            while True:
                with _quiet():
                    chunk = list(islice(values, size))
                if not chunk:
                    break
                lines: list[int] = []
                cells: list[list[str]] = []
                for row in chunk:
                    number += 1
                    if number <= self.layout.header_index + 1 or not any(
                            v is not None and v != "" for v in row):
                        continue
                    lines.append(number)
                    cells.append(self._cells(row))
                self._done = _position(book)
                if lines:
                    yield lines, cells
        self._done = self._size

    def _cells(self, row: tuple[object, ...]) -> list[str]:
        texts = [cell_text(v) for v in row]
        for i, value in enumerate(row):
            if isinstance(value, datetime) and value < self._spans_before:
                texts[i] = self._span_text(value)
        for i in self._serial:
            if i < len(row):
                texts[i] = self._serial_text(row[i], texts[i])
        if len(texts) < self._width:
            texts += [""] * (self._width - len(texts))
        elif len(texts) > self._width:
            end = len(texts)
            while end > self._width and not texts[end - 1].strip():
                end -= 1
            del texts[end:]
        return texts

    def _span_text(self, value: datetime) -> str:
        """A date-styled serial under 60 days (a date before March of the epoch's year, which
        no TikTok record has) is a span of time styled h:mm:ss that ran past a day: the
        hours as the value holds them (26:00:00), not as the clock face shows them."""
        seconds = round(float(to_excel(value, self._epoch)) * 86400)
        return cell_text(timedelta(seconds=seconds))

    def _serial_text(self, value: object, text: str) -> str:
        """A plain number in a date column, read as a date serial when it is one of a
        plausible day (the other numbers stay as they are: epoch seconds, or misreadings
        that the reader rejects with the value shown)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text
        if not SERIAL_FIRST <= value <= SERIAL_LAST:
            return text
        return cell_text(from_excel(value, self._epoch))

    def progress(self) -> tuple[int, int]:
        return self._done, self._size

    def sha256(self) -> str:
        return self._digest

    def decoded_cleanly(self) -> bool:
        """Never promised, as for any table that is not a CSV read by this program."""
        return False


def _choose_sheet(sheets: list[Any], header_line: int | None) -> tuple[Any, SheetLayout]:
    """The first sheet whose first rows hold a header of known names (the user's header
    line when given), else a clear refusal naming the sheets looked at."""
    first_filled: tuple[Any, list[list[str]]] | None = None
    for sheet in sheets:
        sheet.reset_dimensions()
        with _quiet():
            head = [_trimmed([cell_text(v) for v in row]) for row in islice(
                sheet.iter_rows(values_only=True), max(HEADER_SEARCH_LINES, header_line or 0))]
        if not any(head):
            continue
        first_filled = first_filled or (sheet, head)
        if header_line is not None and header_line > len(head):
            continue
        found = best_header_row(head, header_line)
        if found is not None and (header_line is not None or found[0][0] >= 1):
            return sheet, _layout(head, found[1], found[2])
    names = ", ".join(repr(storable(s.title)) for s in sheets)
    if first_filled is None:
        raise ImportRefused(f"the workbook's sheets are empty ({names})")
    if header_line is not None:
        raise ImportRefused(f"there is no row {header_line} with cells to take as the header "
                            f"(sheets looked at: {names})")
    first = next(row for row in first_filled[1] if row)
    raise ImportRefused(
        f"no header row found on any sheet ({names}): the first row is "
        f"{', '.join(first)[:80]!r}; expected column names such as time, sender, gift, "
        "coins (or choose the columns with a mapping profile)")


def _layout(head: list[list[str]], index: int, cells: list[str]) -> SheetLayout:
    junk = [(i + 1, ",".join(row)) for i, row in enumerate(head[:index]) if row]
    return SheetLayout(index, [c.strip() for c in cells], junk)


def _trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _check_zip(handle: BinaryIO, name: str, size: int) -> None:
    """Every member of the workbook's zip against the budgets, before openpyxl reads any."""
    budget = ZipBudget(_shown(name), size)
    with zipfile.ZipFile(handle) as archive:
        members = budget.members(archive)
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names and not any(n.endswith("/workbook.xml")
                                                     for n in names):
            what = ("an OpenDocument spreadsheet (.ods)" if "content.xml" in names
                    else "a zip archive")
            raise ImportRefused(f"{_shown(name)} is {what}, not an Excel workbook: save it "
                                "from the spreadsheet program as .xlsx or CSV")
        for member in members:
            sheet = member.filename.startswith("xl/worksheets/")
            budget.reserve(member, MAX_SHEET_BYTES if sheet else MAX_PART_BYTES)
    handle.seek(0)


def _damaged(name: str, exc: Exception) -> str:
    detail = storable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:160]
    return (f"{_shown(name)} is not a readable Excel workbook (damaged or not an .xlsx: "
            f"{detail})")


def _position(book: Any) -> int:
    """How far into the file the zip has read: the progress of a streamed sheet."""
    try:
        return int(book._archive.fp.tell())
    except (AttributeError, OSError, ValueError):
        return 0


def _sha256(opener: Opener) -> str:
    digest = hashlib.sha256()
    with opener() as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _shown(name: str) -> str:
    return storable(name)


@contextmanager
def _quiet() -> Iterator[None]:
    """openpyxl warns about parts it does not keep (data validation, default styles): noise
    for a creator importing gifts, and errors under the test suite's warning filter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield

