"""The Gifts table: a lazy model over every gift row of the ledger.

The model holds the count and a few pages of rows, never the whole list: the view asks for
the rows it paints, a missing page is read on demand (a keyset seek right after the cached
page before it, an offset read, or primary-key lookups in a list's order of ids) and the
least recently used pages are dropped. A new sort is not read here: the model says which
order is wanted (`sort_requested`) and the page reads it on the ledger's worker.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from sqlite_utils import Database

from app.core.money import plain, round_money
from app.services import browse
from app.services.browse import GiftList, GiftRow
from app.services.currency import Converter
from app.ui import format as fmt
from app.ui.header_tips import header_tip

Index = QModelIndex | QPersistentModelIndex
PAGE_ROWS = browse.PAGE_ROWS
MAX_PAGES = 50  # 10,000 rows at most in memory
DISPLAY, ALIGN, TIP = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                       Qt.ItemDataRole.ToolTipRole)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
DESCENDING, ASCENDING = "\u25be", "\u25b4"  # small down and up triangles


def first_order(newest_or_biggest_first: bool) -> Qt.SortOrder:
    """What the first click on a column title sorts by (Qt asks InitialSortOrderRole)."""
    return (Qt.SortOrder.DescendingOrder if newest_or_biggest_first
            else Qt.SortOrder.AscendingOrder)


def header_title(title: str, numeric: bool, order: Qt.SortOrder | None) -> str:
    """The column title with the sort arrow on the side away from the column's edge."""
    if order is None:
        return title
    arrow = DESCENDING if order == Qt.SortOrder.DescendingOrder else ASCENDING
    return f"{arrow} {title}" if numeric else f"{title} {arrow}"


def time_text(row: GiftRow) -> str:
    return f"{fmt.day(row.time.date())}  {row.time:%H:%M}"


def live_text(row: GiftRow) -> str:
    if row.live is not None:
        start = row.live.start
        return f"{start:%b} {start.day} \u00b7 {row.live.title}"
    return f"Room {row.room_id}" if row.room_id else "\u2014"


class Column(NamedTuple):
    title: str
    sort: str  # a browse sort name
    text: Callable[[GiftRow], str]  # on screen
    copy: Callable[[GiftRow], str]  # on the clipboard: plain values a spreadsheet reads
    numeric: bool = False  # right-aligned, and the first click on its title sorts descending


COLUMNS = (
    Column("Time", "time", time_text, lambda r: f"{r.time:%Y-%m-%d %H:%M:%S}", False),
    Column("Sender", "sender", lambda r: r.sender, lambda r: r.sender),
    Column("Gift", "gift", lambda r: r.gift, lambda r: r.gift),
    Column("Coins", "coins", lambda r: f"{r.coins:,}", lambda r: str(r.coins), True),
    Column("Diamonds", "coins", lambda r: fmt.diamonds(r.diamonds),
           lambda r: plain(r.diamonds), True),
    Column("USD", "coins", lambda r: fmt.usd(r.usd), lambda r: str(round_money(r.usd)), True),
    # after the cash (and the account's currency): what a gift was worth is read first
    Column("Count", "count", lambda r: f"{r.count:,}", lambda r: str(r.count), True),
    Column("LIVE", "live", live_text, live_text),
)
LOCAL_AFTER = "USD"  # the account's currency comes right after the USD column


def local_column(conv: Converter) -> Column:
    """The gift's USD at its local day's exchange rate, in the account's currency."""
    def text(row: GiftRow) -> str:
        day = row.time.date()
        return fmt.local(conv.local(row.usd, day), conv.currency, conv.rate(day).fallback)

    def copy(row: GiftRow) -> str:
        local = conv.local(row.usd, row.time.date())
        return "" if local is None else str(round_money(local))

    return Column(conv.currency, "coins", text, copy, True)


def columns_for(conv: Converter | None) -> tuple[Column, ...]:
    """Every column; with a converter to another currency than USD, its column too."""
    if conv is None or conv.usd_only:
        return COLUMNS
    at = next(i for i, c in enumerate(COLUMNS) if c.title == LOCAL_AFTER) + 1
    return (*COLUMNS[:at], local_column(conv), *COLUMNS[at:])


class GiftTableModel(QAbstractTableModel):
    sort_requested = Signal()  # a header click asked for another order than the list's

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.listing: GiftList | None = None
        self._pages: OrderedDict[int, list[GiftRow]] = OrderedDict()
        self._texts: dict[int, tuple[str, ...]] = {}  # the cells of rows already painted
        self.sorted_by: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.DescendingOrder)
        self.converter: Converter | None = None
        self.columns: tuple[Column, ...] = COLUMNS
        self.pages_read = 0  # for tests and the benchmark

    # ---- what the model shows ---------------------------------------------------------------

    def show_list(self, listing: GiftList | None, converter: Converter | None = None) -> None:
        """Show another list (new filters, new data): a reset, as every row may change. With
        a `converter`, a column of the account's currency follows the USD one."""
        self.beginResetModel()
        self.listing = listing
        self.converter = converter
        self.columns = columns_for(converter)
        self._pages.clear()
        self._texts.clear()
        self.endResetModel()

    def close(self) -> None:
        self.show_list(None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.sorted_by = (column, order)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.listing is not None and not self.in_order():
            self.sort_requested.emit()  # ~0.7 s over 1M gifts: not on the GUI thread

    def in_order(self) -> bool:
        """Whether the rows shown are in the order the header asks for."""
        listing = self.listing
        return listing is None or (listing.query.sort, listing.query.descending) == (
            self.sort_order())

    def sort_order(self) -> tuple[str, bool]:
        """The browse sort of the column the table is sorted by, and whether descending."""
        column, order = self.sorted_by
        return self.columns[column].sort, order == Qt.SortOrder.DescendingOrder

    # ---- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.listing is None else self.listing.count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # the view asks ~10 roles of every painted cell: answer the others at once
        if role == DISPLAY:
            texts = self._row_texts(index.row()) if index.isValid() else None
            return texts[index.column()] if texts else None
        if role == ALIGN and index.isValid():
            return int(RIGHT if self.columns[index.column()].numeric else LEFT)
        if role == TIP and index.isValid():
            row = self.row_at(index.row())
            return self._tooltip(row, self.columns[index.column()]) if row else None
        return None

    def _row_texts(self, number: int) -> tuple[str, ...] | None:
        texts = self._texts.get(number)
        if texts is None:
            row = self.row_at(number)
            if row is None:
                return None
            if len(self._texts) >= MAX_PAGES * PAGE_ROWS:
                self._texts.clear()
            texts = self._texts[number] = tuple(c.text(row) for c in self.columns)
        return texts

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            column_sorted, order = self.sorted_by
            return header_title(column.title, column.numeric,
                                order if column_sorted == section else None)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.numeric else LEFT)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return first_order(column.numeric or column.sort == "time")
        if role == TIP:
            return header_tip(column.title, sortable=True)
        return None

    def _tooltip(self, row: GiftRow, column: Column) -> str | None:
        if column.title == "Time":
            return f"{row.time:%Y-%m-%d %H:%M:%S %Z}"
        if self.converter is not None and column.title == self.converter.currency:
            return self.converter.rate(row.time.date()).note()
        if column.title == "LIVE" and row.live is not None:
            return f"{row.live.title}, started {row.live.start:%Y-%m-%d %H:%M %Z}"
        return None

    # ---- rows, read a page at a time ------------------------------------------------------

    def row_at(self, row: int) -> GiftRow | None:
        if self.listing is None or not 0 <= row < self.listing.count:
            return None
        number = row // PAGE_ROWS
        page = self._pages.get(number)
        if page is None:
            page = self._read(number)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_ROWS
        return page[offset] if offset < len(page) else None

    def _read(self, number: int) -> list[GiftRow]:
        assert self.listing is not None
        before = self._pages.get(number - 1)
        after = before[-1].key if before and len(before) == PAGE_ROWS else None
        page = browse.gift_page(self._db, self.listing, number * PAGE_ROWS, PAGE_ROWS, after)
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    @property
    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    def rows_text(self, rows: Iterable[int]) -> str:
        """Tab-separated text of `rows` with a header line, for the clipboard."""
        lines = ["\t".join(c.title for c in self.columns)]
        for number in rows:
            row = self.row_at(number)
            if row is not None:
                lines.append("\t".join(c.copy(row).replace("\t", " ") for c in self.columns))
        return "\n".join(lines) + "\n"
