"""Regions: the account's gifts of a period valued under every region's rates and withdrawal
rules, and what those gifts cost the fans against what the creator receives.

Every figure comes from app.services.compare; choosing a period asks it again, choosing a row
shows that region's fan spend.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.money import format_money, round_money
from app.core.rates import CoinPack
from app.services import compare as service
from app.services.compare import Comparison, FanSide, RegionRow
from app.ui import format as fmt
from app.ui.charts.earnings_chart import style_plot
from app.ui.models.region_table import (
    DIAMONDS_COLUMN,
    OWN_MARK,
    UNSOURCED,
    USD_COLUMN,
    RegionModel,
)
from app.ui.page_reads import PageReads, busy_label, say_busy
from app.ui.tablemodels import ROW_HEIGHT, table_view
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import card, empty_or_content, page_layout

EMPTY_HEADING = "Nothing to compare yet"
EMPTY_BODY = ("Import a gift log or LIVE list with <b>File \u203a Import</b> (Ctrl+I); this "
              "page then values your gifts under every region's rates. Or try it on sample "
              "data:")
PERIOD_BUTTONS = {"30d": "30 days", "90d": "90 days", "year": "This year", "all": "All"}
PAID, PAID_MORE, RECEIVED = "#94a3b8", "#cbd5e1", "#4338ca"
BAR = 0.34  # of a month's slot, per bar
MIN_SLOTS = 3
CHART_HEIGHT = 140


def _money_tick(value: float, currency: str) -> str:
    """An axis label in the region's money, without cents ("R$1,200")."""
    text = format_money(round_money(Decimal(str(value)), 0), currency)
    return text.replace(".00", "")


class MoneyAxis(pg.AxisItem):
    currency = "USD"

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [_money_tick(v, self.currency) for v in values]


class FanSpendChart(pg.PlotWidget):
    """Per month: what fans paid (cheapest packs, and on top up to the dearest) next to what
    the creator receives. The items are kept; set_side refreshes them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.money_axis = MoneyAxis("left")
        super().__init__(parent, background="w", axisItems={"left": self.money_axis})
        plot = self.getPlotItem()
        style_plot(plot)
        none = pg.mkPen(None)
        self.paid = pg.BarGraphItem(x=[], height=[], width=BAR, brushes=[], pen=none)
        self.paid_more = pg.BarGraphItem(x=[], y0=[], height=[], width=BAR, brushes=[],
                                         pen=none)
        self.received = pg.BarGraphItem(x=[], height=[], width=BAR, brushes=[], pen=none)
        for item in (self.paid, self.paid_more, self.received):
            plot.addItem(item)

    def set_side(self, side: FanSide | None, currency: str) -> None:
        months = [m for m in side.months if m.paid is not None] if side else []
        self.money_axis.currency = currency
        xs = list(range(len(months)))
        low = [float(m.paid.low) if m.paid else 0.0 for m in months]
        high = [float(m.paid.high) if m.paid else 0.0 for m in months]
        got = [float(m.receive_local or 0) for m in months]
        n = len(months)
        self.paid.setOpts(x=[x - BAR / 2 for x in xs], height=low, brushes=[PAID] * n)
        self.paid_more.setOpts(x=[x - BAR / 2 for x in xs], y0=low,
                               height=[h - lo for h, lo in zip(high, low, strict=True)],
                               brushes=[PAID_MORE] * n)
        self.received.setOpts(x=[x + BAR / 2 for x in xs], height=got, brushes=[RECEIVED] * n)
        years = {m.month.year for m in months}
        labels = [f"{m.month:%b}" if len(years) == 1 else f"{m.month:%b %Y}" for m in months]
        plot = self.getPlotItem()
        plot.getAxis("bottom").setTicks([list(enumerate(labels))])
        half = max(n, MIN_SLOTS) / 2  # one month alone keeps a bar's width, centred
        plot.setXRange((n - 1) / 2 - half, (n - 1) / 2 + half, padding=0)
        plot.setYRange(0, max(high + got + [1.0]), padding=0.06)
        self.money_axis.picture = None  # the currency changed: redraw the labels
        self.money_axis.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # pyqtgraph asks for 480 px; the page would scroll for a chart that fits in 140
        return QSize(420, CHART_HEIGHT)

    def bar_count(self) -> int:
        return len(self.received.opts["x"])


def legend_html() -> str:
    keys = [(PAID, "Fans paid (cheapest packs)"), (PAID_MORE, "up to (dearest packs)"),
            (RECEIVED, "You receive")]
    return "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{c}">\u25a0</span>&nbsp;{t}' for c, t in keys)


def _pack(p: CoinPack) -> str:
    return f"{p.coins:,} coins for {format_money(p.price, p.currency)} ({p.channel})"


FanLine = tuple[str, str, str]  # title, value, detail


def fan_lines(row: RegionRow) -> list[FanLine] | str:
    """What fans paid, what the creator receives, what the platform keeps; or why not."""
    side = row.fans
    if side is None:
        return f"No coin-pack prices for {row.name}: add them in Rates to see what fans paid."
    if side.paid is None or side.receive_local is None:
        return f"No exchange rate to {row.currency}: add one in Rates."
    cur = row.currency
    paid = (format_money(side.paid.low, cur) if side.paid.low == side.paid.high else
            f"{format_money(side.paid.low, cur)} \u2013 {format_money(side.paid.high, cur)}")
    lines = [("Fans paid", paid, f"for {side.coins:,} coins"),
             ("You receive", format_money(side.receive_local, cur), "before payout fees")]
    kept = side.kept()
    if kept is not None:
        low, high = (fmt.percent(k) for k in kept)
        lines.append(("TikTok keeps", low if low == high else f"{low} \u2013 {high}",
                      "cheapest \u2013 dearest packs" if low != high else ""))
    return lines


def packs_text(row: RegionRow) -> str:
    side = row.fans
    if side is None or not side.packs:
        return ""
    text = (f"At {row.region}'s coin packs: cheapest per coin {_pack(side.cheapest())}, "
            f"dearest {_pack(side.dearest())}.")
    if side.converted and row.per_usd is not None:
        text += (f" Packs priced in {side.pack_currency}, converted to {row.currency} at "
                 "today's exchange rate (each month's own in the chart).")
    return text + " Coin packs are soft, editable data."


class Page(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.today = today  # None: the real today (tests fix it)
        self.period_key = service.DEFAULT_PERIOD
        self.comparison: Comparison | None = None
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        # a scroll area: on a short window the table keeps its rows instead of being squeezed
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._content())
        self.stack = empty_or_content(self, self.empty, scroll)
        self.busy = busy_label(self.stack)
        self.reads = PageReads(self, db, self.show_comparison, self._show_busy)

    def _content(self) -> QWidget:
        content = named(QWidget(), "regionsContent")
        layout, self.subtitle = page_layout(content, "Regions", spacing=14)
        self.subtitle.setWordWrap(True)
        layout.addWidget(self._table_card())
        layout.addWidget(self._fan_card(), 1)
        return content

    def _table_card(self) -> QFrame:
        self.model = RegionModel(parent=self)
        self.table = table_view(self.model)
        self.table.selectionModel().selectionChanged.connect(self._row_chosen)
        self.periods = QButtonGroup(self)
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(named(QLabel("The same gifts in every region"), "cardHeading"))
        header.addStretch(1)
        for i, (key, text) in enumerate(PERIOD_BUTTONS.items()):
            button = named(QPushButton(text), "rangeButton")
            button.setCheckable(True)
            button.setChecked(key == self.period_key)
            self.periods.addButton(button, i)
            header.addWidget(button)
        self.periods.idClicked.connect(self._period_clicked)
        self.note = named(QLabel(), "cardDetail")
        self.note.setWordWrap(True)
        return card(header, self.table, self.note)

    def _fan_card(self) -> QFrame:
        self.fan_heading = named(QLabel("What fans paid"), "cardHeading")
        header = QHBoxLayout()
        header.addWidget(self.fan_heading)
        header.addStretch(1)
        self.fan_grid = QGridLayout()
        self.fan_grid.setHorizontalSpacing(14)
        self.fan_grid.setVerticalSpacing(6)
        self.fan_labels = [(named(QLabel(), "cardTitle"), QLabel(), named(QLabel(), "cardDetail"))
                           for _ in range(3)]
        for i, (title, value, detail) in enumerate(self.fan_labels):
            self.fan_grid.addWidget(title, i, 0)
            self.fan_grid.addWidget(value, i, 1)
            self.fan_grid.addWidget(detail, i, 2)
        self.fan_grid.setColumnStretch(2, 1)
        for _title, _value, detail in self.fan_labels:
            detail.setWordWrap(True)  # a narrow window wraps the details, not the page
        self.fan_message = named(QLabel(), "tableNote")
        self.fan_message.setWordWrap(True)
        self.packs_note = named(QLabel(), "cardDetail")
        self.packs_note.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(10)
        text.addLayout(self.fan_grid)
        text.addWidget(self.fan_message)
        text.addWidget(self.packs_note)
        text.addStretch(1)
        self.chart = FanSpendChart()
        self.chart.setMinimumHeight(CHART_HEIGHT - 20)
        chart_column = QVBoxLayout()
        chart_column.setSpacing(4)
        legend = named(QLabel(legend_html()), "chartLegend")
        legend.setWordWrap(True)
        chart_column.addWidget(legend)
        chart_column.addWidget(self.chart, 1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(20)
        row.addLayout(text, 2)
        row.addLayout(chart_column, 3)
        return card(header, body)

    # ---- showing ------------------------------------------------------------------------------

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def refresh(self) -> None:
        """Read the comparison again: on a big ledger on the worker (1M gifts: ~150 ms)."""
        period_key, today = self.period_key, self.today
        self.reads.start(lambda db: service.compare(db, period_key, today=today))

    @property
    def loading(self) -> bool:
        return self.reads.running

    def _show_busy(self, text: str) -> None:
        say_busy(self.stack, self.busy, self.subtitle, text, self.comparison is not None)

    def choose_period(self, key: str) -> None:
        self.period_key = key
        self.periods.button(list(PERIOD_BUTTONS).index(key)).setChecked(True)
        self.refresh()

    def _period_clicked(self, index: int) -> None:
        self.choose_period(list(PERIOD_BUTTONS)[index])

    def show_comparison(self, c: Comparison | None) -> None:
        chosen = self.chosen_region()
        self.comparison = c
        if c is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self.subtitle.setText(self._subtitle(c))
        self.note.setText(
            f"{OWN_MARK} your region \u00b7 {UNSOURCED} generic defaults, no regional figure "
            "known \u00b7 each row withdraws the period's earnings today by the best method")
        self.note.setToolTip(
            "Each row takes the period's earnings as one balance, valued with the region's "
            "rates in force on each day and its exchange rate of that day, and withdraws it "
            "today by the payout method that brings most home, one withdrawal a day under the "
            "region's daily cap (a fixed fee applies to each).")
        self.model.set_rows(list(c.rows))
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + ROW_HEIGHT * len(c.rows) + 2)
        rows = self.model.rows()
        for hidden in (DIAMONDS_COLUMN, USD_COLUMN):  # the same everywhere: in the subtitle
            self.table.setColumnHidden(hidden, self._uniform(hidden))
        again = next((i for i, r in enumerate(rows) if r.region == chosen), None)
        self.table.selectRow(again if again is not None else (self.model.own_row() or 0))
        self._row_chosen()

    def _uniform(self, column: int) -> bool:
        rows = self.model.rows()
        return len({self.model.columns[column].text(r) for r in rows}) == 1

    def _subtitle(self, c: Comparison) -> str:
        own = c.row(c.region)
        span = (f"gifts {fmt.day(c.first_day)} \u2013 {fmt.day(c.last_day)}"
                if c.first_day and c.last_day else "no gifts in this period")
        same = {fmt.usd(r.usd) for r in c.rows} == {fmt.usd(own.usd)}
        return (f"@{c.handle} \u00b7 {c.period.label.lower()} \u00b7 {span} \u00b7 "
                f"{own.gifts:,} gifts, {fmt.diamonds(own.diamonds)} diamonds"
                + (f", {fmt.usd(own.usd)} in every region" if same else "")
                + f" \u00b7 {OWN_MARK} your region: {own.name} ({own.region})")

    def chosen_region(self) -> str | None:
        picked = self.table.selectionModel().selectedRows()
        return self.model.row_at(picked[0].row()).region if picked else None

    def _row_chosen(self, *_args: object) -> None:
        if self.comparison is None:
            return
        region = self.chosen_region() or self.comparison.region
        self.show_fans(self.comparison.row(region))

    def show_fans(self, row: RegionRow) -> None:
        self.fan_heading.setText(f"What fans paid \u00b7 {row.name} ({row.region})")
        lines = fan_lines(row)
        self.fan_message.setText(lines if isinstance(lines, str) else "")
        self.fan_message.setVisible(isinstance(lines, str))
        shown = [] if isinstance(lines, str) else lines
        for i, labels in enumerate(self.fan_labels):
            texts = shown[i] if i < len(shown) else ("", "", "")
            for label, text in zip(labels, texts, strict=True):
                label.setText(text)
                label.setVisible(i < len(shown))
            labels[1].setText(f'<span style="font-size:17px; font-weight:600">{texts[1]}</span>')
        self.packs_note.setText(packs_text(row))
        self.chart.set_side(row.fans, row.currency)

    def fan_text(self) -> str:
        """The fan card's figures as plain text (what a reader sees, line by line)."""
        lines = [" ".join(label.text() for label in (t, v, d) if label.text())
                 for t, v, d in self.fan_labels if t.isVisibleTo(self)]
        text = "\n".join(lines) or self.fan_message.text()
        return re.sub("<[^>]+>", "", text)
