"""Columns that fit their table's width: figures, days and short words as wide as they read,
free text (a title, a file name, a note) sharing what is left and ending in "…".

A table wider than its viewport scrolls sideways inside the page, its last columns cut off,
and a free-text column stretched by Qt alone shrinks to a few pixels once the others are laid
out. Here every column but the free-text ones keeps its natural width (its contents or its
sample text, and its title); the free-text columns share the rest of the viewport, each at
least its own least width, in proportion to how much more they would like. Only when even
that does not fit (a window narrower than the layouts are made for) does the table scroll
sideways, the free-text columns at their least width, still readable scrolled to.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

TITLE_PADDING = 12  # a column title's 5 px padding each side (the themes), its margins
Least = Callable[[int], int]  # a column's least width in px, 0 for a column of figures
Natural = Callable[[int], int]  # a column's width from its sample text (lazy models)


class FitTable(QTableView):
    """A table whose ColumnFit refits its columns whenever its viewport's width changes (the
    window's, or the vertical scroll bar coming and going). An override rather than an
    event filter: Qt still sends a dying viewport events while Python shuts down, and a
    filter object's Python method then crashes the interpreter on its way out."""

    fit: ColumnFit | None = None

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and self.fit is not None:
            self.fit.fit()  # at once: the next paint shows the columns fitted
        return super().viewportEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self.fit:
            self.fit.measures_changed()  # a theme's font and paddings: other widths


class ColumnFit(QObject):
    """Keeps `view`'s columns fitted. `least(column)` names the free-text columns (a least
    width above 0). The others are as wide as their contents (Qt measures them) or, given
    `natural`, as wide as it says and their title (a lazy model cannot be measured)."""

    def __init__(self, view: FitTable, least: Least, natural: Natural | None = None) -> None:
        super().__init__(view)
        self.view = view
        view.fit = self
        self.least = least
        self.natural = natural
        self._fitting = False
        # each column's contents as Qt measures them (up to 1,000 rows, ~2 ms a column),
        # kept until its rows, titles or font change: a first show resizes the viewport a
        # dozen times while the page settles (the Rates page spent 36 of an 80 ms stall
        # re-measuring the same rows)
        self._measured: dict[int, int] = {}
        # the viewport width the columns were last fitted to, None once anything changed: a
        # height-only resize (the page settling, a scroll bar below) needs no refit
        self._fitted_for: int | None = None
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.refit)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.sectionCountChanged.connect(self.columns_changed)
        self.watch_model()
        self.columns_changed()

    def watch_model(self) -> None:
        """Refit when the rows change (their contents change the widths); call again after
        the view gets a new model."""
        model = self.view.model()
        model.modelReset.connect(self.columns_changed)
        model.headerDataChanged.connect(self.measures_changed)  # a sort arrow in a title
        for signal in (model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged):
            signal.connect(self.measures_changed)

    def measures_changed(self, *_args: object) -> None:
        """The columns' widths are measured again, and fitted."""
        self._measured.clear()
        self._later.start()

    def columns_changed(self, *_args: object) -> None:
        """Which columns are free text, and how the others are sized (a new set of columns:
        the account's currency added one)."""
        self._measured.clear()
        header = self.view.horizontalHeader()
        # nothing to elide: the last column takes what is left (Qt keeps its contents' width)
        header.setStretchLastSection(not any(self.least(c) for c in range(header.count())))
        # every width is set here, each measured once per change of the rows: Qt's own
        # ResizeToContents measured every column of figures again (up to 1,000 rows) after
        # each resize of a free-text one, a dozen times on a first show
        for column in range(header.count()):
            if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Fixed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self._later.start()

    # ---- the widths ---------------------------------------------------------------------

    def shown(self) -> list[int]:
        header = self.view.horizontalHeader()
        return [c for c in range(header.count()) if not header.isSectionHidden(c)]

    def title_width(self, column: int) -> int:
        """Its title's width (with the sort arrow the models put in the sorted one's). A
        sortable view's header reserves room for Qt's own indicator in every column: where
        the model sizes nothing itself, the title is measured instead."""
        header = self.view.horizontalHeader()
        if self.natural is None:
            return header.sectionSizeHint(column)
        title = self.view.model().headerData(column, Qt.Orientation.Horizontal)
        return self.view.fontMetrics().horizontalAdvance(str(title or "")) + TITLE_PADDING

    def contents_width(self, column: int) -> int:
        """Its rows' widest text: the sample's (lazy models) or Qt's measure, of the rows Qt
        looks at (those in view and up to the header's precision around them)."""
        if self.natural is not None:
            return self.natural(column)
        width = self._measured.get(column)
        if width is None:
            width = self._measured[column] = self.view.sizeHintForColumn(column)
        return width

    def natural_width(self, column: int) -> int:
        """A column of figures: its contents or its title, the wider."""
        return max(self.contents_width(column), self.title_width(column))

    def least_width(self, column: int) -> int:
        return max(self.least(column), self.title_width(column))

    def wanted_width(self, column: int) -> int:
        """What a free-text column would take to show its rows whole."""
        return max(self.contents_width(column), self.least_width(column))

    def needed(self) -> int:
        """The narrowest the table's viewport can be without scrolling sideways."""
        return sum(self.least_width(c) if self.least(c) else self.natural_width(c)
                   for c in self.shown())

    def refit(self) -> None:
        """Fit again whatever the width: the rows, the columns or a measure changed."""
        self._fitted_for = None
        self.fit()

    def fit(self) -> None:
        width = self.view.viewport().width()
        if self._fitting or width == self._fitted_for:
            return
        self._fitting = True
        try:
            self._fit()
            self._fitted_for = width
        finally:
            self._fitting = False

    def _fit(self) -> None:
        header = self.view.horizontalHeader()
        shown = self.shown()
        for column in shown:
            if not self.least(column):
                header.resizeSection(column, self.natural_width(column))
        free = [c for c in shown if self.least(c)]
        room = self.view.viewport().width() - sum(header.sectionSize(c) for c in shown
                                                  if c not in free)
        for column, width in zip(free, share(room, [self.least_width(c) for c in free],
                                             [self.wanted_width(c) for c in free]),
                                 strict=True):
            header.resizeSection(column, width)


def share(room: int, least: list[int], wanted: list[int]) -> list[int]:
    """`room` px shared by columns that need `least` and would like `wanted`: each gets
    what it would like when there is room (the last one what is left over too); else each its
    least, and the rest in equal parts, a column that needs less than its part getting just
    what it needs (a short method name shows whole rather than two texts both cut); never
    less than its least."""
    if not least:
        return []
    if room >= sum(wanted):
        return [*wanted[:-1], wanted[-1] + room - sum(wanted)]
    widths = list(least)
    spare = room - sum(least)
    lacking = sorted(range(len(least)), key=lambda i: wanted[i] - least[i])
    for n, i in enumerate(lacking):
        part = spare // (len(lacking) - n) if spare > 0 else 0
        give = min(part, wanted[i] - least[i])
        widths[i] += give
        spare -= give
    return widths
