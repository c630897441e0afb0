"""Gifts: every gift of the ledger in one table, filtered and sorted by the database, with the
gift mix of what the filters select. The table reads only the rows it shows (see
app/ui/models/gift_table.py), so a ledger of a million gifts scrolls like one of a thousand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.importers.base import CancelFn, ProgressFn
from app.services import browse, gift_views
from app.services.browse import GiftList, GiftQuery, MixSlice
from app.services.currency import GiftsLocal
from app.services.gift_views import GiftsView
from app.services.preview import in_ledger
from app.ui import format as fmt
from app.ui.charts.earnings_chart import COLORS, style_plot
from app.ui.column_fit import ColumnFit, FitTable
from app.ui.models.gift_table import GiftTableModel
from app.ui.page_reads import INLINE_GIFTS, ledger_file
from app.ui.tablemodels import keep_rows, sample_widths, style_rows
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import (
    LoadsWhenShown,
    empty_or_content,
    page_layout,
    rates_line,
    scrolling_down,
    title_block,
)
from app.ui.worker import Latest

EMPTY_HEADING = "No gifts in this ledger yet"
EMPTY_BODY = ("Import a gift log (a gift logger's CSV or TikTok's data download) and every "
              "gift shows up here, searchable by day, gifter and gift. Or try the app on "
              "sample data, without touching this ledger:")
ANY_DAY = QDate(2000, 1, 1)  # a date edit at its minimum shows "Any day"
SEARCH_DELAY_MS = 250
COPY_LIMIT = 10_000
# The widest text each column usually holds (a lazy model cannot size to its contents); the
# names and the LIVE share what the figures leave, each keeping LEAST px (then "…")
SAMPLES = {"Time": "Sep 30, 2026  22:59", "Sender": "Quinnvibes_tv", "Gift": "Interstellar",
           "Coins": "29,999", "Diamonds": "29,999", "USD": "$1,000.00", "Count": "9,999",
           "LIVE": "Sep 30 \u00b7 Friday night chat"}
LOCAL_SAMPLE = "\u00a31,000.00"  # the account's currency, after USD
LEAST = {"Sender": 120, "Gift": 90, "LIVE": 80}
MIX_HEIGHT = 206
OTHER_BRUSH = "#cbd5e1"


class MixChart(pg.PlotWidget):
    """Coins by gift as horizontal bars, biggest on top, each labelled with coins and share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        plot = self.getPlotItem()
        style_plot(plot, 126, grid=False, axes=("left",), text="#374151")
        plot.hideAxis("bottom")
        plot.getAxis("left").setStyle(tickLength=0)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.64, pen=pg.mkPen(None))
        plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        self.slices: list[MixSlice] = []

    def set_mix(self, mix: list[MixSlice]) -> None:
        self.slices = mix
        n = len(mix)
        ys = [n - 1 - i for i in range(n)]
        self.bars.setOpts(x0=[0] * n, y=ys, width=[s.coins for s in mix], height=0.64,
                          brushes=[OTHER_BRUSH if s.other else COLORS["bars"] for s in mix])
        self.getPlotItem().getAxis("left").setTicks([[(y, s.gift) for y, s in zip(ys, mix,
                                                                                  strict=True)]])
        self._label(mix, ys)
        widest = max((s.coins for s in mix), default=1) or 1
        self.getPlotItem().setXRange(0, widest * 1.3, padding=0)
        self.getPlotItem().setYRange(-0.6, max(n, 1) - 0.4, padding=0)

    def _label(self, mix: list[MixSlice], ys: list[int]) -> None:
        while len(self.labels) < len(mix):
            label = pg.TextItem(anchor=(0, 0.5), color="#4b5563")
            self.getPlotItem().addItem(label)
            self.labels.append(label)
        pad = max((s.coins for s in mix), default=0) * 0.012
        for i, label in enumerate(self.labels):
            label.setVisible(i < len(mix))
            if i < len(mix):
                label.setText(f"{mix[i].coins:,}  \u00b7  {fmt.percent(mix[i].share)}")
                label.setPos(mix[i].coins + pad, ys[i])


class DayEdit(QDateEdit):
    """A day, or "Any day" at its minimum; its calendar opens on this month, not on that
    minimum."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterDate")
        self.setCalendarPopup(True)
        self.setDisplayFormat("MMM d, yyyy")
        self.setMinimumDate(ANY_DAY)
        self.setSpecialValueText("Any day")
        self.setDate(ANY_DAY)
        self.calendarWidget().installEventFilter(self)

    def day(self) -> date | None:
        value = self.date()
        return None if value == self.minimumDate() else date(value.year(), value.month(),
                                                            value.day())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.day() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


def column_widths(metrics: QFontMetrics, titles: Sequence[str]) -> list[int]:
    """The widths of the columns titled `titles` from their samples; a title SAMPLES lacks
    is the account's currency."""
    return sample_widths(metrics, [SAMPLES.get(t, LOCAL_SAMPLE) for t in titles])


class GiftTable(FitTable):
    """The table of gifts; Ctrl+C copies the selected rows with a header line."""

    def __init__(self, model: GiftTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("giftTable")
        self.setModel(model)
        style_rows(self, QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.horizontalHeader()
        self.widths: list[int] = []
        self.set_widths()
        self.fit = ColumnFit(self, self._least, lambda c: self.widths[c])
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.setSortingEnabled(True)

    def set_widths(self) -> None:
        """Widths from the table's font and SAMPLES; the local currency's column, when
        there is one, sits after USD."""
        self.ensurePolished()  # the theme's font size
        self.widths = column_widths(self.fontMetrics(), self._titles())
        fit = getattr(self, "fit", None)
        if fit is not None:
            fit.columns_changed()

    def _titles(self) -> list[str]:
        return [column.title for column in self.gift_model().columns]

    def _least(self, column: int) -> int:
        titles = self._titles()
        return LEAST.get(titles[column], 0) if 0 <= column < len(titles) else 0

    def gift_model(self) -> GiftTableModel:
        model = self.model()
        assert isinstance(model, GiftTableModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_rows()
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_rows(self, limit: int = COPY_LIMIT) -> list[int]:
        rows: set[int] = set()
        for span in self.selectionModel().selection():
            rows.update(range(span.top(), min(span.bottom() + 1, span.top() + limit)))
        return sorted(rows)[:limit]

    def copy_rows(self) -> int:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText(self.gift_model().rows_text(rows))
        return len(rows)


class Page(LoadsWhenShown, QWidget):
    """Every read of a big ledger (the list, a search, a sort) runs on the ledger's worker
    (app.ui.worker) on its own connection, as the Gifters page does; the rows on screen are
    then read a page at a time here (a few hundred primary-key lookups, ~1 ms)."""

    view_loaded = Signal()  # the list asked for last (or the empty state) is on screen

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 inline_below: int | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._ledger = ledger_file(db)
        self._inline_below = INLINE_GIFTS if inline_below is None else inline_below
        self._sender: tuple[str, str] | None = None  # (key, name) of the sender filter
        self.view: GiftsView | None = None
        self.reads = Latest(self)
        self.reads.finished.connect(self._view_read)
        self.reads.failed.connect(self._read_failed)
        self.model = GiftTableModel(db, self)
        self.model.sort_requested.connect(self._sort_requested)
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        self.stack = empty_or_content(self, self.empty,
                                      scrolling_down(self._content(), "giftsScroll"))
        self.busy = named(QLabel(), "busyLabel")
        self.busy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.busy.setWordWrap(True)
        self.stack.addWidget(self.busy)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)

    # ---- layout -----------------------------------------------------------------------------

    def _content(self) -> QWidget:
        content = QWidget()
        layout, self.subtitle = page_layout(content, "Gifts", spacing=14)
        self.rates = rates_line(title_block(layout))
        layout.addLayout(self._filter_bar())
        layout.addWidget(self._mix_card())
        layout.addWidget(self._table_card(), 1)
        return content

    def _filter_bar(self) -> QHBoxLayout:
        self.search = named(QLineEdit(), "searchBox")
        self.search.setPlaceholderText("Search sender or gift")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.start_edit, self.end_edit = self._date_edit(), self._date_edit()
        self.gift_box = named(QComboBox(), "filterBox")
        self.gift_box.setMinimumContentsLength(12)
        self.gift_box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.sender_chip = named(QPushButton(), "filterChip")
        self.sender_chip.setToolTip("Show every gifter again")
        self.sender_chip.clicked.connect(lambda: self.filter_sender(None))
        self.sender_chip.hide()
        self.clear_button = named(QPushButton("Clear filters"), "linkButton")
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        for text, widget in (("From", self.start_edit), ("To", self.end_edit),
                             ("Gift", self.gift_box)):
            bar.addWidget(named(QLabel(text), "filterLabel"))
            bar.addWidget(widget)
        bar.addWidget(self.sender_chip)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        return bar

    def _date_edit(self) -> DayEdit:
        edit = DayEdit()
        edit.dateChanged.connect(lambda _d: self._search_timer.start())
        return edit

    def _mix_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.mix_chart = MixChart(card)
        self.mix_chart.setFixedHeight(MIX_HEIGHT - 44)
        self.totals = named(QLabel(), "cardDetail")
        header = QHBoxLayout()
        header.addWidget(named(QLabel("Gift mix"), "cardHeading"))
        header.addWidget(named(QLabel("coins by gift, top 10"), "cardDetail"))
        header.addStretch(1)
        header.addWidget(self.totals)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 12, 18, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.mix_chart)
        card.setFixedHeight(MIX_HEIGHT)
        return card

    def _table_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.table = GiftTable(self.model, card)
        keep_rows(self.table, 5)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.no_match = named(QLabel("No gifts match these filters."), "cardDetail")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = named(QLabel(), "cardDetail")  # "Sorting 1,000,000 gifts..."
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.hide()
        layout = QVBoxLayout(card)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_match)
        return card

    # ---- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        self._stale = False
        self.apply_filters("Loading")

    @property
    def loading(self) -> bool:
        """A list is being read in the background."""
        return self.reads.running

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _read(self, work: Callable[[Database], GiftsView], doing: str) -> None:
        """Show what `work` reads: here on a small ledger (a few ms, less than a busy state
        would flash for), else on the ledger's worker while the page says what it is doing
        and keeps what it showed; a newer read supersedes this one."""
        gifts = browse.gift_count(self._db)
        if self._ledger is None or gifts < self._inline_below:
            self.reads.discard()
            self.show_view(work(self._db))
            return
        self._show_busy(f"{doing} {gifts:,} gifts\u2026")
        self.reads.start(in_ledger(self._ledger, view_job(work)))

    def _show_busy(self, text: str) -> None:
        if self.view is None or self.view.empty_ledger:
            self.busy.setText(text)
            self.stack.setCurrentWidget(self.busy)
        else:  # the rows on screen stay, and scroll, until the new ones are ready
            self.status.setText(text)
            self.status.show()

    def _view_read(self, view: GiftsView) -> None:
        self.show_view(view)

    def _read_failed(self, message: str) -> None:
        self._stale = True  # try again when next shown
        self._show_busy(f"Could not read the gifts: {message}")
        self.view_loaded.emit()

    def _sort_requested(self) -> None:
        """A header click: only the order is read again, unless a read is under way (its
        filters are newer than the list shown)."""
        view = self.view
        if view is None or view.listing is None or self.reads.running:
            self.apply_filters("Sorting")
            return
        sort, descending = self.model.sort_order()
        self._read(lambda db: gift_views.resorted(db, view, sort, descending), "Sorting")

    def show_view(self, view: GiftsView) -> None:
        self.view = view
        self.status.hide()
        listing, local = view.listing, view.local
        if listing is None or local is None or view.empty_ledger:
            self.model.show_list(listing)
            self.stack.setCurrentWidget(self.empty)
            self.view_loaded.emit()
            return
        self._fill_gift_box(view.names)
        columns_before = self.model.columnCount()
        self.model.show_list(listing, local.converter)
        if self.model.columnCount() != columns_before:
            self.table.set_widths()
        self.stack.setCurrentIndex(1)
        acct = listing.account
        self.subtitle.setText(f"@{acct.handle} \u00b7 times in {acct.timezone}")
        self.rates.setText(f"Rates used: {local.rates_line}")
        self.totals.setText(totals_text(listing, local))
        self.no_match.setVisible(listing.count == 0)
        self.mix_chart.set_mix(view.mix)
        self.view_loaded.emit()

    def _fill_gift_box(self, names: list[str]) -> None:
        current = self.gift_box.currentData()
        self.gift_box.blockSignals(True)
        self.gift_box.clear()
        self.gift_box.addItem("All gifts", None)
        for name in names:
            self.gift_box.addItem(name, name)
        self.gift_box.setCurrentIndex(max(self.gift_box.findData(current), 0))
        self.gift_box.blockSignals(False)

    # ---- filters ----------------------------------------------------------------------------

    def query(self) -> GiftQuery:
        sort, descending = self.model.sort_order()
        return GiftQuery(self.search.text(), self.start_edit.day(), self.end_edit.day(),
                         self.gift_box.currentData(), self._sender[0] if self._sender else None,
                         sort, descending)

    def apply_filters(self, doing: str = "Searching") -> None:
        self._search_timer.stop()
        query = self.query()
        self._read(lambda db: gift_views.gifts_view(db, query), doing)

    def filter_sender(self, sender: str | None, name: str = "") -> None:
        """Only the gifts of one gifter (a sender key), or of everyone again (None)."""
        self._sender = (sender, name or sender) if sender else None
        self.sender_chip.setText(f"Gifter: {name or sender}  \u2715" if sender else "")
        self.sender_chip.setVisible(sender is not None)
        self.apply_filters()

    def filter_gift(self, gift: str | None) -> None:
        self.gift_box.setCurrentIndex(max(self.gift_box.findData(gift), 0))

    def clear_filters(self) -> None:
        for widget in (self.search, self.start_edit, self.end_edit, self.gift_box):
            widget.blockSignals(True)
        self.search.clear()
        self.start_edit.setDate(ANY_DAY)
        self.end_edit.setDate(ANY_DAY)
        self.gift_box.setCurrentIndex(0)
        for widget in (self.search, self.start_edit, self.end_edit, self.gift_box):
            widget.blockSignals(False)
        self.filter_sender(None)

    def _context_menu(self, pos: QPoint) -> None:
        row = self.model.row_at(self.table.indexAt(pos).row())
        menu = QMenu(self)
        copy = QAction("Copy rows", menu, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        copy.triggered.connect(self.table.copy_rows)
        menu.addAction(copy)
        if row is not None:
            menu.addSeparator()
            menu.addAction(f"Only gifts from {row.sender}",
                           lambda: self.filter_sender(row.sender_key, row.sender))
            menu.addAction(f"Only {row.gift} gifts", lambda: self.filter_gift(row.gift))
        menu.exec(self.table.viewport().mapToGlobal(pos))


def totals_text(listing: GiftList, local: GiftsLocal | None = None) -> str:
    if listing.count == 0:
        return "no gifts match"
    gifts = (f"{listing.count:,} gifts" if listing.count == listing.ledger_gifts
             else f"{listing.count:,} of {listing.ledger_gifts:,} gifts")
    text = f"{gifts} \u00b7 {listing.coins:,} coins \u00b7 {fmt.usd(listing.usd)}"
    conv = local.converter if local is not None else None
    if local is None or conv is None or conv.usd_only or not conv.entries:
        return text
    if local.total is None:
        return text + f" \u00b7 {conv.currency} total: pick a shorter date range"
    return text + f" \u00b7 {fmt.money(local.total, conv.currency)}"



def view_job(work: Callable[[Database], GiftsView]
             ) -> Callable[[Database, ProgressFn, CancelFn], GiftsView]:
    """`work` on the worker's connection; a superseded read stops within milliseconds."""
    def read(db: Database, _progress: ProgressFn, cancel: CancelFn) -> GiftsView:
        browse.stop_when(db, cancel)
        return work(db)
    return read
