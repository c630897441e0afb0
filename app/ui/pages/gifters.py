"""Gifters: the leaderboard across all LIVEs, how much the top 10 weigh, and the history of
the gifter selected in the table."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.charts import DAY_S
from app.importers.base import CancelFn, ProgressFn
from app.services import browse
from app.services.browse import Gifter, GifterHistory, Leaderboard
from app.services.preview import in_ledger
from app.ui import format as fmt
from app.ui.charts.axes import DayAxis
from app.ui.charts.earnings_chart import COLORS, style_plot
from app.ui.column_fit import ColumnFit, FitTable
from app.ui.models.gifter_table import GifterTableModel
from app.ui.page_reads import INLINE_GIFTS, ledger_file
from app.ui.tablemodels import keep_rows, sample_widths, style_rows
from app.ui.widgets.cards import StatCard
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import LoadsWhenShown, empty_or_content, page_layout, scrolling_down
from app.ui.worker import Latest

EMPTY_HEADING = "No gifters yet"
EMPTY_BODY = ("Once a gift log is imported, everyone who sent you a gift is ranked here: "
              "coins, diamonds and dollars sent, LIVEs joined, first and last gift. Or try "
              "the app on sample data, without touching this ledger:")
# The widest text each column usually holds (a lazy model cannot size to its contents); the
# name takes what the figures leave and keeps NAME_LEAST px (then "…")
SAMPLES = ("999", "Quinnvibes_tv", "299,999", "299,999", "$1,000.00", "9,999", "999",
           "Sep 30, 2026", "Sep 30, 2026")
NAME_COLUMN, NAME_LEAST = 1, 120
HISTORY_HEIGHT = 230
LOADING_OPACITY = 0.3


class CoinAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{v:,.0f}" for v in values]


class HistoryChart(pg.PlotWidget):
    """One gifter's coins per day (or week) as bars on a date axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.date_axis = DayAxis("bottom")
        super().__init__(parent, background="w",
                         axisItems={"bottom": self.date_axis, "left": CoinAxis("left")})
        plot = self.getPlotItem()
        style_plot(plot, 56)
        self.bars = pg.BarGraphItem(x=[], height=[], width=DAY_S * 0.7, brush=COLORS["bars"],
                                    pen=pg.mkPen(None))
        plot.addItem(self.bars)
        self.history: GifterHistory | None = None

    def set_history(self, history: GifterHistory) -> None:
        self.history = history
        s = history.series
        span = DAY_S * (7 if history.bucket == "week" else 1)
        self.date_axis.utcOffset = -history.utc_offset_s  # pyqtgraph counts seconds west
        self.bars.setOpts(x=list(s.x), height=list(s.y), width=span * 0.7)
        if s.x:
            plot = self.getPlotItem()
            plot.setXRange(s.x[0] - span * 0.8, s.x[-1] + span * 0.8, padding=0)
            plot.setYRange(0, max(s.y) * 1.08, padding=0)


class LeaderboardTable(FitTable):
    def __init__(self, model: GifterTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gifterTable")
        self.setModel(model)
        style_rows(self)
        header = self.horizontalHeader()
        self.ensurePolished()  # the theme's font size
        widths = sample_widths(self.fontMetrics(), SAMPLES)
        self.fit = ColumnFit(self, lambda c: NAME_LEAST if c == NAME_COLUMN else 0,
                             lambda c: widths[c])
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by rank
        self.setSortingEnabled(True)


class Page(LoadsWhenShown, QWidget):
    """The leaderboard and the selected gifter's history. On a big ledger both are read by the
    ledger's worker (app.ui.worker) on its own connection: adding up 1M gifts takes ~1.5 s,
    one gifter's history ~0.1 s, and the GUI thread keeps painting meanwhile. A newer request
    supersedes an older one, whose result is dropped. A ledger of fewer than `inline_below`
    gifts (or one in memory, which a second connection cannot open) is read right here: it
    takes a few ms, less than a busy state would flash."""

    board_loaded = Signal()  # the leaderboard (or the empty state) is on screen
    history_loaded = Signal()  # the selected gifter's history is on screen

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 inline_below: int | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._inline_below = INLINE_GIFTS if inline_below is None else inline_below
        self._ledger = ledger_file(db)
        self._inline = True  # how the current board was read; its histories are read alike
        self._read_ahead: GifterHistory | None = None  # read with the board, for its focus
        self.board: Leaderboard | None = None
        self.gifter: Gifter | None = None  # whose history is shown or loading
        self.boards = Latest(self)
        self.boards.finished.connect(self._board_read)
        self.boards.failed.connect(self._board_failed)
        self.histories = Latest(self)
        self.histories.finished.connect(self._history_ready)
        self.histories.failed.connect(self._history_failed)
        self.model = GifterTableModel(self)
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        self.stack = empty_or_content(self, self.empty,
                                      scrolling_down(self._content(), "giftersScroll"))
        self.busy = named(QLabel(), "busyLabel")
        self.busy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.busy.setWordWrap(True)
        self.stack.addWidget(self.busy)

    # ---- layout -----------------------------------------------------------------------------

    def _content(self) -> QWidget:
        content = QWidget()
        layout, self.subtitle = page_layout(content, "Gifters", spacing=14)
        layout.addLayout(self._cards())
        layout.addWidget(self._table_card(), 1)
        layout.addWidget(self._history_card())
        return content

    def _cards(self) -> QHBoxLayout:
        self.share_card = StatCard("Top 10 share")
        self.top_card = StatCard("Top gifter")
        self.count_card = StatCard("Gifters")
        row = QHBoxLayout()
        row.setSpacing(16)
        for card in (self.share_card, self.top_card, self.count_card):
            row.addWidget(card, 1)
        return row

    def _table_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.table = LeaderboardTable(self.model, card)
        keep_rows(self.table, 5)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.table)
        return card

    def _history_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.history_heading = named(QLabel(), "cardHeading")
        self.history_detail = named(QLabel(), "cardDetail")
        self.history_chart = HistoryChart(card)
        header = QHBoxLayout()
        header.addWidget(self.history_heading)
        header.addStretch(1)
        header.addWidget(self.history_detail)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 12, 18, 10)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.history_chart, 1)
        card.setFixedHeight(HISTORY_HEIGHT)
        return card

    # ---- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the leaderboard again (the ledger changed, or the page is first shown)."""
        self._stale = False
        gifts, ledger = browse.gift_count(self._db), self._ledger
        self._inline = ledger is None or gifts < self._inline_below
        if ledger is None or self._inline:
            self.boards.discard()
            self.show_board(browse.gifters(self._db))
            return
        self._show_busy(f"Adding up {gifts:,} gifts\u2026")
        selected = self.gifter.sender if self.gifter is not None else ""
        self.boards.start(in_ledger(ledger, board_job(selected)))

    @property
    def loading(self) -> bool:
        """A leaderboard or a history is being read in the background."""
        return self.boards.running or self.histories.running

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _show_busy(self, text: str) -> None:
        if self.board is None or not self.board.gifters:
            self.busy.setText(text)
            self.stack.setCurrentWidget(self.busy)
        else:  # the board on screen stays until the new one is ready
            self.subtitle.setText(text)

    def _board_failed(self, message: str) -> None:
        self._stale = True  # try again when next shown
        self._show_busy(f"Could not add up the gifts: {message}")
        self.board_loaded.emit()

    def _board_read(self, result: tuple[Leaderboard | None, GifterHistory | None]) -> None:
        board, self._read_ahead = result
        self.show_board(board)

    def show_board(self, board: Leaderboard | None) -> None:
        self.board = board
        if board is None or not board.gifters:
            self.histories.discard()
            self.gifter = None
            self.model.set_gifters([])
            self.stack.setCurrentWidget(self.empty)
            self.board_loaded.emit()
            return
        self.stack.setCurrentIndex(1)
        self.subtitle.setText(f"@{board.handle} \u00b7 {len(board.gifters):,} gifters across "
                              f"all LIVEs \u00b7 {board.region} rates")
        self._fill_cards(board)
        selected = focus(board, self.gifter.sender if self.gifter is not None else "")
        self.gifter = None  # the new board's figures: read the history again
        self.model.set_gifters(board.gifters)
        self.table.selectRow(self.model.row_of(selected.sender))
        self._read_ahead = None
        self.board_loaded.emit()

    def _fill_cards(self, board: Leaderboard) -> None:
        self.share_card.set_text(share_text(board),
                                 f"of {board.coins:,} coins came from the top "
                                 f"{min(board.top, len(board.gifters))} gifters")
        top = board.gifters[0]
        self.top_card.set_text(top.name, f"{top.coins:,} coins \u00b7 {fmt.usd(top.usd)} "
                                         f"\u00b7 {top.gifts:,} gifts")
        self.count_card.set_text(f"{len(board.gifters):,}",
                                 f"{board.coins:,} coins \u00b7 {fmt.usd(board.usd)} in all")

    # ---- the selected gifter ----------------------------------------------------------------

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        gifter = self.model.gifter_at(rows[0].row()) if rows else None
        if gifter is not None:
            self.show_gifter(gifter)

    def show_gifter(self, gifter: Gifter) -> None:
        if gifter == self.gifter:
            return  # the same gifter (a sort keeps the selection): shown or on its way
        self.gifter, ledger, ahead = gifter, self._ledger, self._read_ahead
        if ahead is not None and ahead.sender == gifter.sender:
            self.histories.discard()
            self._history_ready(ahead)
            return
        if ledger is None or self._inline:
            self.histories.discard()
            self._history_ready(browse.history_of(self._db, gifter))
            return
        self.history_heading.setText(gifter.name)
        self.history_detail.setText(f"Adding up {gifter.gifts:,} gifts\u2026")
        self.history_chart.bars.setOpacity(LOADING_OPACITY)  # the last gifter's, until then
        self.histories.start(in_ledger(ledger, history_job(gifter)))

    def _history_ready(self, history: GifterHistory) -> None:
        gifter = self.gifter
        if gifter is None or history.sender != gifter.sender:
            return
        per = "week" if history.bucket == "week" else "day"
        self.history_heading.setText(f"{gifter.name} \u00b7 coins per {per}")
        active = len(history.series)
        self.history_detail.setText(f"{gifter.coins:,} coins on {active:,} "
                                    f"{per}{'s' if active != 1 else ''} \u00b7 first "
                                    f"{fmt.day(gifter.first_seen.date())}, last "
                                    f"{fmt.day(gifter.last_seen.date())}")
        self.history_chart.set_history(history)
        self.history_chart.bars.setOpacity(1.0)
        self.history_loaded.emit()

    def _history_failed(self, message: str) -> None:
        self.history_detail.setText(f"Could not read this gifter's gifts: {message}")
        self.history_loaded.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.boards.discard()
        self.histories.discard()
        super().closeEvent(event)


# ---- background jobs (on the ledger's worker thread, with its own connection) ----------------

BoardRead = tuple[Leaderboard | None, GifterHistory | None]


def board_job(selected: str) -> Callable[[Database, ProgressFn, CancelFn], BoardRead]:
    """The leaderboard, and the history of the gifter it will select (one trip, not two)."""
    def read(db: Database, _progress: ProgressFn, cancel: CancelFn) -> BoardRead:
        browse.stop_when(db, cancel)
        board = browse.gifters(db)
        if board is None or not board.gifters:
            return board, None
        return board, browse.history_of(db, focus(board, selected))
    return read


def history_job(gifter: Gifter) -> Callable[[Database, ProgressFn, CancelFn], GifterHistory]:
    def read(db: Database, _progress: ProgressFn, cancel: CancelFn) -> GifterHistory:
        browse.stop_when(db, cancel)
        return browse.history_of(db, gifter)
    return read


def focus(board: Leaderboard, sender: str) -> Gifter:
    """The gifter a new leaderboard selects: the one selected before if still there, else the
    top one. `board` has gifters."""
    return next((g for g in board.gifters if g.sender == sender), board.gifters[0])


def share_text(board: Leaderboard) -> str:
    share = board.top_share
    return "\u2014" if share is None else fmt.percent(share)
