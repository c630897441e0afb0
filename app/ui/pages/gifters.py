"""Gifters: the leaderboard across all LIVEs, how much the top 10 weigh, and the history of
the gifter selected in the table."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.charts import DAY_S
from app.services import browse
from app.services.browse import Gifter, GifterHistory, Leaderboard
from app.ui import format as fmt
from app.ui.charts.axes import DayAxis
from app.ui.charts.earnings_chart import COLORS
from app.ui.models.gifter_table import GifterTableModel
from app.ui.widgets.cards import StatCard
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import LoadsWhenShown, empty_or_content, page_layout

EMPTY_HEADING = "No gifters yet"
EMPTY_BODY = ("Once a gift log is imported, everyone who sent you a gift is ranked here: "
              "coins, diamonds and dollars sent, LIVEs joined, first and last gift. Or try "
              "the app on sample data, without touching this ledger:")
EMPTY_COMMAND = "diamond-ledger --demo"
COLUMN_WIDTHS = (56, 0, 96, 96, 96, 72, 66, 118, 118)  # the gifter's name takes the rest
ROW_HEIGHT = 30
HISTORY_HEIGHT = 230


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
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=False, y=True, alpha=0.2)
        for name in ("left", "bottom"):
            plot.getAxis(name).setPen(pg.mkPen(COLORS["line"]))
            plot.getAxis(name).setTextPen(pg.mkPen(COLORS["axis"]))
        plot.getAxis("left").setWidth(56)
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


class LeaderboardTable(QTableView):
    def __init__(self, model: GifterTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gifterTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by rank
        self.setSortingEnabled(True)


class Page(LoadsWhenShown, QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.board: Leaderboard | None = None
        self.model = GifterTableModel(self)
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, EMPTY_COMMAND)
        self.stack = empty_or_content(self, self.empty, self._content())

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
        self._stale = False
        self.show_board(browse.gifters(self._db))

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def show_board(self, board: Leaderboard | None) -> None:
        self.board = board
        if board is None or not board.gifters:
            self.model.set_gifters([])
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self.subtitle.setText(f"@{board.handle} \u00b7 {len(board.gifters):,} gifters across "
                              f"all LIVEs \u00b7 {board.region} rates")
        self._fill_cards(board)
        self.model.set_gifters(board.gifters)
        self.table.selectRow(0)

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
        history = browse.gifter_history(self._db, gifter.sender)
        per = "week" if history.bucket == "week" else "day"
        self.history_heading.setText(f"{gifter.name} \u00b7 coins per {per}")
        active = len(history.series)
        self.history_detail.setText(f"{gifter.coins:,} coins on {active:,} "
                                    f"{per}{'s' if active != 1 else ''} \u00b7 first "
                                    f"{fmt.day(gifter.first_seen.date())}, last "
                                    f"{fmt.day(gifter.last_seen.date())}")
        self.history_chart.set_history(history)


def share_text(board: Leaderboard) -> str:
    share = board.top_share
    return "\u2014" if share is None else fmt.percent(share)
