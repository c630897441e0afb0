"""LIVEs: one row per LIVE (official diamonds next to what the gift log caught), diamonds per
LIVE over time, and a weekday x hour heat map of when going live pays best."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.lives import HOURS, WEEKDAYS, Heatmap, LiveBars, LiveRow
from app.core.money import round_money
from app.services.lives import LivesView, lives
from app.ui import format as fmt
from app.ui.charts.axes import DAY, DayAxis
from app.ui.charts.earnings_chart import style_plot
from app.ui.page_reads import PageReads, busy_label, say_busy
from app.ui.tablemodels import Column, RowsModel, fit_columns, keep_rows, table_view
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import (
    card,
    empty_or_content,
    page_layout,
    rates_line,
    scrolling_down,
    title_block,
)

COLORS = {"caught": "#7880f5", "missed": "#e11d48", "axis": "#6b7280", "line": "#d1d5db"}
# Stops crowd the low end: one big gift would otherwise leave every other slot pale (the
# colour bar shows the same scale, so the map stays honest).
HEAT_STOPS = [0.0, 0.03, 0.12, 0.4, 1.0]
HEAT_COLORS = [(245, 246, 250), (224, 231, 255), (165, 180, 252), (79, 70, 229), (30, 27, 75)]
BAR_WIDTH_S = DAY * 0.6
AXIS_WIDTH = 56
DASH = "\u2014"
# the heat map's seven day labels stay apart on a low window (the page scrolls down instead)
CHART_MIN_HEIGHT = 150
EMPTY_HEADING = "No LIVEs in this ledger yet"
EMPTY_BODY = ("Import TikTok's LIVE list (Go Live History, or the LIVE section of "
              "<i>Download your data</i>) and a gift log: each LIVE then shows its official "
              "diamonds next to what the log caught, and the heat map when going live pays.")


# ---- how a LIVE reads ---------------------------------------------------------------------------

def start_text(start: datetime) -> str:
    """As the Gifts page's times read; the weekday is in its tooltip (and the heat map)."""
    return f"{fmt.day(start.date())}  {start:%H:%M}"


def start_tip(row: LiveRow) -> str:
    return f"{row.start:%A}, {fmt.day(row.start.date())}, {row.start:%H:%M}"


def duration_text(seconds: int | None) -> str:
    """2h 05m, 45m: short, as the column of figures beside it is."""
    if seconds is None:
        return DASH
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def duration_tip(row: LiveRow) -> str:
    if row.duration_s is None:
        return "No end time in the LIVE list"
    hours, minutes = divmod(round(row.duration_s / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def whole(value: Decimal | int | None) -> str:
    return DASH if value is None else fmt.diamonds(round_money(Decimal(value), 0))


def difference_text(row: LiveRow) -> str:
    diff = row.difference
    if diff is None:
        return DASH
    if diff == 0:
        return "0"
    sign = "+" if diff > 0 else "\u2212"
    return sign + whole(abs(diff))


def difference_tone(row: LiveRow) -> str:
    diff = row.difference
    if diff is None or diff == 0:
        return "muted"
    return "bad" if diff > 0 else "warn"


def difference_tip(row: LiveRow) -> str:
    diff = row.difference
    if diff is None:
        return "No official total, or no end time to match the gift log against."
    if diff > 0:
        return (f"The gift log missed {whole(diff)} diamonds of this LIVE (the logger was "
                "disconnected or started late). The official total counts.")
    if diff < 0:
        return f"The gift log holds {whole(-diff)} diamonds more than TikTok's total."
    return "The gift log caught every diamond of this LIVE."


def cash_columns(view: LivesView | None) -> list[Column[LiveRow]]:
    """The LIVE's value in USD at its day's rate, and in the account's currency (unless
    USD) at its day's exchange rate."""
    if view is None:
        return []
    usd = Column[LiveRow]("USD", lambda r: fmt.usd(view.value(r).usd), True,
                          key=lambda r: view.value(r).usd,
                          tip=lambda r: "The LIVE's diamonds at its day's USD per diamond")
    if view.currency == "USD":
        return [usd]
    code = view.currency
    local = Column[LiveRow](
        code, lambda r: fmt.local(view.value(r).local, code, view.value(r).rate.fallback),
        True, key=lambda r: view.value(r).local, tip=lambda r: view.value(r).rate.note())
    return [usd, local]


def columns(view: LivesView | None = None) -> list[Column[LiveRow]]:
    return [
        Column("Start", lambda r: start_text(r.start), key=lambda r: r.start_ts, tip=start_tip),
        Column("Length", lambda r: duration_text(r.duration_s), True,
               key=lambda r: r.duration_s, tip=duration_tip),
        Column("Official", lambda r: whole(r.official), True, key=lambda r: r.official,
               tip=lambda r: "Diamonds in TikTok's LIVE summary"),
        Column("Logged", lambda r: whole(r.logged), True, key=lambda r: r.logged,
               tip=lambda r: "Gift log coins in the LIVE's span \u00d7 diamonds per coin"),
        Column("Gap", difference_text, True, key=lambda r: r.difference,
               tone=difference_tone, tip=difference_tip),
        *cash_columns(view),
        Column("Gifters", lambda r: whole(r.gifters), True, key=lambda r: r.gifters),
        Column("Viewers", lambda r: whole(r.viewers), True, key=lambda r: r.viewers),
        Column("Hourly", lambda r: whole(r.per_hour), True, key=lambda r: r.per_hour),
        Column("Title", lambda r: r.title or DASH, fill=64),
    ]


# ---- charts ------------------------------------------------------------------------------------

class DiamondAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{v:,.0f}" for v in values]


def compact_ticks(values: list[float], scale: float, spacing: float) -> list[str]:
    """30k, 2.5k, 800: the colour bar's labels, short enough for its narrow axis."""
    return [f"{v / 1000:g}k" if abs(v) >= 1000 else f"{v:g}" for v in values]


class LiveBarsChart(pg.PlotWidget):
    """Diamonds per LIVE: what the gift log caught, and stacked on it in red what it missed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.date_axis = DayAxis("bottom")
        super().__init__(parent, background="w",
                         axisItems={"bottom": self.date_axis, "left": DiamondAxis("left")})
        plot = self.getPlotItem()
        style_plot(plot, AXIS_WIDTH, fixed=False)
        plot.setMouseEnabled(x=True, y=False)  # LIVEs scroll sideways
        self.caught = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH_S,
                                      brush=COLORS["caught"], pen=pg.mkPen(None))
        self.missed = pg.BarGraphItem(x=[], y0=[], height=[], width=BAR_WIDTH_S,
                                      brush=COLORS["missed"], pen=pg.mkPen(None))
        # a short red cap is easy to overlook next to a big LIVE: mark it with a triangle too
        self.marks = pg.ScatterPlotItem(symbol="t", size=10, pen=pg.mkPen("w", width=1),
                                        brush=COLORS["missed"])
        for item in (self.caught, self.missed, self.marks):
            plot.addItem(item)

    def set_bars(self, bars: LiveBars, utc_offset_s: int) -> None:
        self.date_axis.utcOffset = -utc_offset_s  # pyqtgraph counts seconds west
        self.caught.setOpts(x=list(bars.x), height=list(bars.logged))
        gaps = [i for i, v in enumerate(bars.missed) if v > 0]
        xs = [bars.x[i] for i in gaps]
        tops = [bars.logged[i] + bars.missed[i] for i in gaps]
        self.missed.setOpts(x=xs, y0=[bars.logged[i] for i in gaps],
                            height=[bars.missed[i] for i in gaps])
        self.marks.setData(x=xs, y=tops)
        plot = self.getPlotItem()
        if bars.x:
            plot.setXRange(bars.x[0] - DAY, bars.x[-1] + DAY, padding=0)
        plot.enableAutoRange(axis="y")


def heat_colormap() -> pg.ColorMap:
    return pg.ColorMap(pos=np.array(HEAT_STOPS), color=HEAT_COLORS)


class HeatmapChart(pg.GraphicsLayoutWidget):
    """Diamonds earned per local weekday (rows, Monday on top) and hour (columns)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.plot = self.addPlot(0, 0)
        style_plot(self.plot, AXIS_WIDTH, grid=False, fixed=False)
        self.plot.getAxis("left").setWidth(40)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self._fix_view()
        self._label_axes()
        self.colorbar = pg.ColorBarItem(values=(0, 1), width=10, colorMap=heat_colormap(),
                                        interactive=False, colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.colorbar.axis.tickStrings = compact_ticks  # the bar's axis is narrow
        self.colorbar.axis.setTextPen(pg.mkPen(COLORS["axis"]))

    def _fix_view(self) -> None:
        self.plot.invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setRange(xRange=(0, HOURS), yRange=(0, len(WEEKDAYS)), padding=0)

    def _label_axes(self) -> None:
        self.plot.getAxis("left").setTicks([[(i + 0.5, d) for i, d in enumerate(WEEKDAYS)]])
        hours = [(h + 0.5, str(h)) for h in range(HOURS)]
        self.plot.getAxis("bottom").setTicks([hours[::3], hours])
        self.plot.setLabel("bottom", "hour of the day (local time)", color=COLORS["axis"])

    def set_heatmap(self, heat: Heatmap) -> None:
        values = np.array([[float(v) for v in row] for row in heat.diamonds])
        top = max(float(values.max()), 1.0)
        self.image.setImage(values, levels=(0, top))
        self.image.setRect(QRectF(0, 0, HOURS, len(WEEKDAYS)))  # needs the image's size
        self.colorbar.setLevels(values=(0, top))


# ---- the page ------------------------------------------------------------------------------------

def best_text(heat: Heatmap) -> str:
    best = heat.best()
    if best is None:
        return "No gifts logged yet: the map fills as gift logs are imported."
    wd, hour, value = best
    return (f"Best slot: <b>{WEEKDAYS[wd]} {hour:02d}:00\u2013{(hour + 1) % 24:02d}:00</b>, "
            f"{whole(value)} diamonds in all")


def legend_html() -> str:
    keys = [(COLORS["caught"], "Caught by the gift log"),
            (COLORS["missed"], "Missed by the gift log (official total is higher)")]
    return "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{c}">\u25a0</span>&nbsp;{t}' for c, t in keys)


def _card(heading: str, *widgets: QWidget, stretch_last: bool = True) -> QFrame:
    card = named(QFrame(), "card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 12)
    layout.setSpacing(6)
    layout.addWidget(named(QLabel(heading), "cardHeading"))
    for i, widget in enumerate(widgets):
        last = i == len(widgets) - 1
        layout.addWidget(widget, 1 if last and stretch_last else 0)
    return card


class Page(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.view: LivesView | None = None
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY)
        self.stack = empty_or_content(self, self.empty,
                                      scrolling_down(self._content(), "livesScroll"))
        self.busy = busy_label(self.stack)
        self.reads = PageReads(self, db, self.show_view, self._show_busy)

    def _content(self) -> QWidget:
        content = QWidget()
        layout, self.subtitle = page_layout(content, "LIVEs", spacing=14)
        self.subtitle.setWordWrap(True)
        self.rates = rates_line(title_block(layout))
        layout.addLayout(self._charts(), 5)
        layout.addWidget(self._table_card(), 6)
        return content

    def _charts(self) -> QHBoxLayout:
        self.bars_chart = LiveBarsChart()
        self.heatmap_chart = HeatmapChart()
        for chart in (self.bars_chart, self.heatmap_chart):
            chart.setMinimumHeight(CHART_MIN_HEIGHT)
        self.best = named(QLabel(), "chartLegend")
        legend = named(QLabel(legend_html()), "chartLegend")
        for label in (self.best, legend):
            label.setWordWrap(True)  # a narrow window wraps the legends, the charts shrink
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(_card("Diamonds per LIVE", legend, self.bars_chart), 1)
        row.addWidget(_card("When going live pays", self.best, self.heatmap_chart), 1)
        return row

    def _table_card(self) -> QFrame:
        self.model: RowsModel[LiveRow] = RowsModel(columns(), parent=self)
        self.table = table_view(self.model, sort_column=0, sortable=True)  # newest first
        keep_rows(self.table, 5)
        header = QHBoxLayout()
        header.addWidget(named(QLabel("Every LIVE"), "cardHeading"))
        return card(header, self.table)

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def refresh(self) -> None:
        """Read the LIVEs again: on a big ledger on the worker (1M gifts: ~30 ms of SQL)."""
        self.reads.start(lives)

    @property
    def loading(self) -> bool:
        return self.reads.running

    def _show_busy(self, text: str) -> None:
        say_busy(self.stack, self.busy, self.subtitle, text, self.view is not None)

    def show_view(self, view: LivesView | None) -> None:
        self.view = view
        if view is None or (not view.rows and view.heatmap.total_coins == 0):
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self.subtitle.setText(self._subtitle(view))
        self.rates.setText(f"Rates used: {view.rates_line}")
        self._set_columns(view)
        self.model.set_rows(view.rows)
        self.bars_chart.set_bars(view.bars, view.utc_offset_s)
        self.heatmap_chart.set_heatmap(view.heatmap)
        self.best.setText(best_text(view.heatmap))

    def _set_columns(self, view: LivesView) -> None:
        """The cash columns read this view (and its currency): new columns, same model."""
        self.model.beginResetModel()
        self.model.columns = columns(view)
        self.model.endResetModel()
        fit_columns(self.table)

    def _subtitle(self, view: LivesView) -> str:
        parts = [f"@{view.handle}", f"{len(view.rows):,} LIVEs",
                 f"times in {view.timezone.replace('_', ' ')}"]
        gap = view.missed
        if gap.lives:
            parts.append(f"the gift log missed {whole(gap.diamonds)} diamonds in "
                         f"{gap.lives} LIVE{'s' if gap.lives != 1 else ''} (in red)")
        return " \u00b7 ".join(parts)
