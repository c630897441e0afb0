"""The Gifters leaderboard: every gifter in memory (tens of thousands at most), sorted here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.browse import Gifter
from app.ui import format as fmt
from app.ui.header_tips import header_tip
from app.ui.models.gift_table import LEFT, RIGHT, first_order, header_title

Index = QModelIndex | QPersistentModelIndex


def seen_text(g: Gifter, last: bool) -> str:
    return fmt.day((g.last_seen if last else g.first_seen).date())


class Column(NamedTuple):
    title: str
    text: Callable[[Gifter], str]
    key: Callable[[Gifter], Any]
    numeric: bool = True


COLUMNS = (
    Column("#", lambda g: str(g.rank), lambda g: g.rank),
    Column("Gifter", lambda g: g.name, lambda g: g.name.casefold(), False),
    Column("Coins", lambda g: f"{g.coins:,}", lambda g: g.coins),
    Column("Diamonds", lambda g: fmt.diamonds(g.diamonds), lambda g: g.diamonds),
    Column("USD", lambda g: fmt.usd(g.usd), lambda g: g.usd),
    Column("Gifts", lambda g: f"{g.gifts:,}", lambda g: g.gifts),
    Column("LIVEs", lambda g: f"{g.lives:,}" if g.lives else "\u2014", lambda g: g.lives),
    Column("First seen", lambda g: seen_text(g, False), lambda g: g.first_seen),
    Column("Last seen", lambda g: seen_text(g, True), lambda g: g.last_seen),
)


class Orders:
    """The rows of a leaderboard (in rank order) sorted by each column, worked out when first
    asked and kept: a sort by name of 60,000 gifters took 100 ms on the GUI thread when it
    sorted the rows themselves twice and mapped every sender to its new row (a stall a user
    feels); sorting positions by a key list made once takes a fifth of that, and the same
    column again costs nothing (tests/benchmarks/bench_stalls.py)."""

    def __init__(self, by_rank: Sequence[Gifter]) -> None:
        self._rows = by_rank
        self._keys: dict[int, list[Any]] = {}
        self._orders: dict[tuple[int, bool], list[int]] = {}

    def of(self, column: int, order: Qt.SortOrder) -> list[int]:
        """Positions in rank order, sorted by `column`: stable, so ties keep rank order both
        ways (Python's sort with reverse=True keeps equal items in their order)."""
        descending = order == Qt.SortOrder.DescendingOrder
        if column == 0:  # by rank: the rows' own order
            n = len(self._rows)
            return list(range(n - 1, -1, -1) if descending else range(n))
        found = self._orders.get((column, descending))
        if found is None:
            keys = self._keys.get(column)
            if keys is None:
                key = COLUMNS[column].key
                keys = self._keys[column] = [key(g) for g in self._rows]
            found = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
            self._orders[(column, descending)] = found
        return found


class GifterTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._by_rank: list[Gifter] = []
        self._orders = Orders(self._by_rank)
        self._order: list[int] = []  # row -> position in rank order
        self._rows: list[Gifter] = []
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_gifters(self, gifters: Sequence[Gifter]) -> None:
        """`gifters` as the leaderboard gives them, in rank order (re-sorted if not)."""
        self.beginResetModel()
        ranks = [g.rank for g in gifters]
        in_rank = all(a < b for a, b in zip(ranks, ranks[1:], strict=False))
        self._by_rank = list(gifters) if in_rank else sorted(gifters, key=lambda g: g.rank)
        self._orders = Orders(self._by_rank)
        self._order = self._orders.of(*self._sort)
        self._rows = [self._by_rank[i] for i in self._order]
        self.endResetModel()

    def gifter_at(self, row: int) -> Gifter | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, sender: str) -> int:
        return next((i for i, g in enumerate(self._rows) if g.sender == sender), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.numeric else LEFT)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return header_title(column.title, column.numeric,
                                self._sort[1] if self._sort[0] == section else None)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.numeric else LEFT)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return first_order(column.numeric and section != 0)  # rank 1 first
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tip(column.title, sortable=True)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder in place, keeping the selection on the same gifters."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()  # the selection, the current row: a few
        positions = [self._order[i.row()] for i in before]
        wanted = set(positions)
        self._order = self._orders.of(column, order)
        self._rows = [self._by_rank[i] for i in self._order]
        where = {position: row for row, position in enumerate(self._order) if position in wanted}
        after = [self.index(where[p], i.column()) for p, i in zip(positions, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
