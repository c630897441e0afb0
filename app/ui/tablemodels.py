"""A read-only table model over a list of rows: each Column says how a row reads.

The model only does Qt's part (guarded indexes, roles, resets, sorting with persistent
indexes kept); what a cell says comes from the column's functions, so a page declares its
columns and hands over rows from a service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.ui.column_fit import ColumnFit, FitTable
from app.ui.header_tips import header_tip
from app.ui.resources import current_theme

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

# tone -> (text colour, cell background or None), per theme: good/bad/warn/muted
TONES: dict[str, tuple[str, str | None]] = {
    "bad": ("#b91c1c", "#fee2e2"),
    "warn": ("#b45309", "#fef3c7"),
    "good": ("#047857", None),
    "muted": ("#9ca3af", None),
}
DARK_TONES: dict[str, tuple[str, str | None]] = {
    "bad": ("#fca5a5", "#450a0a"),
    "warn": ("#fcd34d", "#422006"),
    "good": ("#6ee7b7", None),
    "muted": ("#6b7280", None),
}
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY, _ALIGNMENT, _TOOLTIP, _FONT = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole))
_ANSWERED = frozenset((_DISPLAY, _ALIGNMENT, _TOOLTIP, _FONT, int(Qt.ItemDataRole.ForegroundRole),
                       int(Qt.ItemDataRole.BackgroundRole)))


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    numeric: bool = False  # right-aligned, as figures are
    key: Callable[[R], Any] | None = None  # what sorting compares (the text when None)
    tone: Callable[[R], str] | None = None  # a TONES name or ""
    tip: Callable[[R], str] | None = None
    # free text (a title, a note, a file name): the least px it keeps. It shares the width
    # the other columns leave and ends in "…" where that is short; its tooltip has it whole
    fill: int = 0


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows of any type; `row_tone` greys or colours whole rows (an undone batch)."""

    def __init__(self, columns: Sequence[Column[R]],
                 row_tone: Callable[[R], str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.row_tone = row_tone
        self._rows: list[R] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        self.sort_arrows = True  # the sorted column's title shows the direction

    # ---- the rows ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted is not None:
            self._rows = [self._rows[i] for i in self._order(*self._sorted)]
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    # ---- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks each cell for about ten roles every time it sizes a column to its contents
        # (up to 1,000 rows) or paints it: the roles no cell answers return before anything
        # else is looked up, and a tone or a font only where some column or row has one
        # (sizing the Rates page's tables took 44 ms of a 52 ms stall in 9,136 calls here)
        if role not in _ANSWERED or not self._valid(index):
            return None
        if role == _DISPLAY:
            return self.columns[index.column()].text(self._rows[index.row()])
        column = self.columns[index.column()]
        if role == _ALIGNMENT:
            return int(RIGHT if column.numeric else LEFT)
        if role == _TOOLTIP:
            if column.tip:
                return column.tip(self._rows[index.row()])
            return column.text(self._rows[index.row()]) if column.fill else None
        if self.row_tone is None and (role == _FONT or column.tone is None):
            return None
        row = self._rows[index.row()]
        if role == _FONT:
            return self._font(row)
        return self._brush(row, column, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title + self._arrow(section)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self.columns[section].numeric else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tip(self.columns[section].title, self.sort_arrows)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sorted = (column, order)
        permutation = self._order(column, order)
        self._rows = [self._rows[i] for i in permutation]
        moved_to = {old: new for new, old in enumerate(permutation)}
        before = self.persistentIndexList()
        self.changePersistentIndexList(
            before, [self.index(moved_to[i.row()], i.column()) for i in before])
        self.layoutChanged.emit()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def toggle_sort(self, column: int) -> None:
        """A header click: the other direction on the sorted column; on a new column,
        figures biggest first and text from A."""
        if self._sorted is not None and self._sorted[0] == column:
            ascending = self._sorted[1] == Qt.SortOrder.AscendingOrder
            order = Qt.SortOrder.DescendingOrder if ascending else Qt.SortOrder.AscendingOrder
        elif 0 <= column < len(self.columns) and self.columns[column].numeric:
            order = Qt.SortOrder.DescendingOrder
        else:
            order = Qt.SortOrder.AscendingOrder
        self.sort(column, order)

    # ---- helpers ------------------------------------------------------------------------------

    def _arrow(self, section: int) -> str:
        """The sort direction in the title itself: Qt's indicator overlaps right-aligned
        titles under a style sheet and widens every column it could appear in."""
        if not self.sort_arrows or self._sorted is None or self._sorted[0] != section:
            return ""
        return " \u25b4" if self._sorted[1] == Qt.SortOrder.AscendingOrder else " \u25be"

    def _valid(self, index: Index) -> bool:
        return (index.isValid() and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < len(self.columns))

    def _order(self, column: int, order: Qt.SortOrder) -> list[int]:
        """Row positions in sorted order; rows without a value go last either way."""
        spec = self.columns[column]
        key = spec.key or spec.text
        keys = [key(r) for r in self._rows]
        present = [i for i, k in enumerate(keys) if k is not None]
        absent = [i for i, k in enumerate(keys) if k is None]
        present.sort(key=lambda i: keys[i], reverse=order == Qt.SortOrder.DescendingOrder)
        return present + absent

    def _tone(self, row: R, column: Column[R]) -> str:
        whole = self.row_tone(row) if self.row_tone else ""
        return whole or (column.tone(row) if column.tone else "")

    def _brush(self, row: R, column: Column[R], role: int) -> QBrush | None:
        tones = DARK_TONES if current_theme() == "dark" else TONES
        tone = tones.get(self._tone(row, column))
        if tone is None:
            return None
        colour = tone[0] if role == Qt.ItemDataRole.ForegroundRole else tone[1]
        return None if colour is None else QBrush(QColor(colour))

    def _font(self, row: R) -> QFont | None:
        if self.row_tone and self.row_tone(row) == "muted":
            font = QFont()
            font.setItalic(True)
            return font
        return None


ROW_HEIGHT = 30


def style_rows(view: QTableView, selection: QAbstractItemView.SelectionMode =
               QAbstractItemView.SelectionMode.SingleSelection) -> None:
    """The look every table of the app shares: whole rows selected, alternating colours, no
    grid or row numbers, one line per row of ROW_HEIGHT."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.horizontalHeader().setHighlightSections(False)


CELL_PADDING = 22  # a cell's 5 px padding each side (the themes), the style's text margins


def sample_widths(metrics: QFontMetrics, samples: Sequence[str]) -> list[int]:
    """Column widths from the table's font where the contents cannot say (a lazy model): each
    column as wide as its sample text, so that it is not cut to "…" in the system's own font
    (app.ui.column_fit widens it to its title)."""
    return [metrics.horizontalAdvance(sample) + CELL_PADDING for sample in samples]


def keep_rows(view: QTableView, rows: int) -> None:
    """The table is never lower than its header, `rows` rows and its sideways scroll bar: on
    a low window the page scrolls down (widgets.page.scrolling_down) instead."""
    height = (view.horizontalHeader().sizeHint().height() + rows * ROW_HEIGHT
              + view.horizontalScrollBar().sizeHint().height() + 2 * view.frameWidth())
    view.setMinimumHeight(height)


def fit_columns(view: QTableView) -> ColumnFit:
    """Every column as wide as its contents but the free-text ones (Column.fill), which
    share what is left and elide (app.ui.column_fit); a table without any stretches its last
    column. Once per view: later calls find the same fit, which follows the model's columns
    and rows by itself."""
    assert isinstance(view, FitTable)
    if view.fit is not None:
        view.fit.columns_changed()
        return view.fit
    model = view.model()
    assert isinstance(model, RowsModel)
    return ColumnFit(view, lambda c: model.columns[c].fill if 0 <= c < len(model.columns)
                     else 0)


def table_view(model: RowsModel[Any], sort_column: int | None = None,
               order: Qt.SortOrder = Qt.SortOrder.DescendingOrder,
               sortable: bool = False) -> QTableView:
    """A read-only, row-selecting table styled by the theme (#dataTable): sorted by
    `sort_column` when given, and by a click on a header when `sortable`."""
    view = FitTable()
    view.setObjectName("dataTable")
    view.setModel(model)
    style_rows(view)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = view.horizontalHeader()
    fit_columns(view)
    header.setSectionsClickable(sortable)
    model.sort_arrows = sortable
    if sortable:
        header.sectionClicked.connect(model.toggle_sort)
    if sort_column is not None:
        model.sort(sort_column, order)
    return view
