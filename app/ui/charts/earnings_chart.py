"""The running balance with the threshold, payouts and forecast (top), earnings per day, week
or month (bottom).

Two panels sharing the date axis, so daily bars of $10 stay readable next to a balance of
$1,000. The widget keeps its items and refreshes them with setData/setOpts; it draws an
app.core.charts.EarningsChart and computes nothing itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QWidget

from app.core.charts import Bucket, DayPoint, EarningsChart, Forecast
from app.ui import format as fmt
from app.ui.charts.axes import DayAxis, UsdAxis
from app.ui.charts.crosshair import Crosshair

AXIS_WIDTH = 64
COLORS: dict[str, Any] = {
    "bars": "#7880f5", "balance": "#4338ca", "fill": (67, 56, 202, 30),
    "band": (67, 56, 202, 22), "band_edge": (67, 56, 202, 70), "threshold": "#d97706",
    "payout": "#e11d48", "axis": "#6b7280", "line": "#d1d5db", "crosshair": "#9ca3af",
    "text": "#111827"}


# where the threshold's label sits at the right end: above the line, or below it when a
# forecast from above the threshold fills the space above
ABOVE = [(1, 1), (1, 1)]
BELOW = [(1, 0), (1, 0)]


class ThresholdLine(pg.InfiniteLine):
    """A horizontal line that auto-range keeps in view (pyqtgraph's only keeps 0)."""

    def dataBounds(self, axis: int, frac: float = 1.0,
                   orthoRange: object = None) -> tuple[float, float] | None:
        return None if axis == 0 else (self.value(), self.value())


def _dollars(value: float) -> str:
    """A chart coordinate as money text (the Decimal amounts go through app.ui.format)."""
    return f"${value:,.2f}"


def _payout_tip(x: float, y: float, data: object) -> str:
    return f"Payout requested: {_dollars(data)}" if isinstance(data, float) else "Payout"


LocalDays = Mapping[date, tuple[Decimal, Decimal]]  # day -> (earned, balance) in local money


def crosshair_html(point: DayPoint, local: LocalDays | None = None,
                   currency: str = "USD") -> str:
    """What the crosshair box says about a day: its date, what it earned, the balance after;
    with `local`, each also in the account's currency at that day's rate."""
    earned, balance = fmt.usd(point.earned_usd), fmt.balance(point.balance_usd)
    found = local.get(point.day) if local else None
    if found is not None:
        earned += f" \u00b7 {fmt.money(found[0], currency)}"
        balance += f" \u00b7 {fmt.balance(found[1], currency)}"
    return (f'<div style="font-size:9pt"><b>{point.day:%a}, {fmt.day(point.day)}</b><br>'
            f"Earned {earned}<br>Balance {balance}</div>")


def style_plot(plot: pg.PlotItem, axis_width: int = AXIS_WIDTH, *, grid: bool = True,
               fixed: bool = True, axes: tuple[str, ...] = ("left", "bottom"),
               text: str = COLORS["axis"]) -> None:
    """The app's chart look: no context menu or auto-range button, thin grey axes (the left
    one `axis_width` wide so charts stacked on a page line up), a light horizontal grid; a
    `fixed` chart neither zooms nor pans."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    if grid:
        plot.showGrid(x=False, y=True, alpha=0.2)
    if fixed:
        plot.setMouseEnabled(x=False, y=False)
    for name in axes:
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(COLORS["line"]))
        axis.setTextPen(pg.mkPen(text))
    plot.getAxis("left").setWidth(axis_width)


class EarningsChartWidget(pg.GraphicsLayoutWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.series: EarningsChart | None = None
        self.bucket: Bucket = "day"
        self.local: LocalDays | None = None
        self.currency = "USD"
        self.date_axis = DayAxis("bottom")
        self.balance_plot = self.addPlot(0, 0, axisItems={"left": UsdAxis("left")})
        self.daily_plot = self.addPlot(1, 0, axisItems={"left": UsdAxis("left"),
                                                        "bottom": self.date_axis})
        self._layout_panels()
        self._add_items()
        self._add_forecast_items()
        self.crosshair = Crosshair(self.scene(), [self.balance_plot, self.daily_plot],
                                   self._point_at, self.describe, COLORS["crosshair"],
                                   COLORS["text"])

    def _layout_panels(self) -> None:
        for plot in (self.balance_plot, self.daily_plot):
            style_plot(plot, fixed=False)
            plot.getViewBox().setAutoVisible(y=True)
        self.balance_plot.hideAxis("bottom")
        self.balance_plot.setXLink(self.daily_plot)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.ci.layout.setVerticalSpacing(4)

    def _add_items(self) -> None:
        self.balance = pg.PlotDataItem(antialias=True, fillLevel=0, brush=COLORS["fill"],
                                       pen=pg.mkPen(COLORS["balance"], width=2.5))
        self.payouts = pg.ScatterPlotItem(symbol="t", size=13, hoverable=True, tip=_payout_tip,
                                          pen=pg.mkPen("w", width=1.5), brush=COLORS["payout"])
        self.threshold = ThresholdLine(
            angle=0, movable=False, label="Withdrawal threshold",
            pen=pg.mkPen(COLORS["threshold"], width=1.5, style=Qt.PenStyle.DashLine),
            labelOpts={"position": 0.99, "color": COLORS["threshold"],
                       "fill": (255, 255, 255, 210), "anchors": ABOVE})
        self.bars = pg.BarGraphItem(x=[], height=[], width=[], brush=COLORS["bars"],
                                    pen=pg.mkPen(None))
        for item in (self.balance, self.threshold, self.payouts):
            self.balance_plot.addItem(item)
        self.daily_plot.addItem(self.bars)

    def _add_forecast_items(self) -> None:
        edge = pg.mkPen(COLORS["band_edge"], width=1)
        self.forecast_low = pg.PlotDataItem(pen=edge)
        self.forecast_high = pg.PlotDataItem(pen=edge)
        self.forecast_band = pg.FillBetweenItem(self.forecast_low, self.forecast_high,
                                                brush=COLORS["band"])
        self.forecast_line = pg.PlotDataItem(
            antialias=True, pen=pg.mkPen(COLORS["balance"], width=2, style=Qt.PenStyle.DashLine))
        self.crossing = pg.ScatterPlotItem(symbol="o", size=10, pen=pg.mkPen(COLORS["balance"],
                                                                             width=2), brush="w")
        # right-aligned above its marker: the forecast comes from below left
        self.crossing_label = pg.TextItem(color=COLORS["balance"], anchor=(1, 1.15),
                                          fill=(255, 255, 255, 210))
        for item in (self.forecast_low, self.forecast_high, self.forecast_line, self.crossing):
            self.balance_plot.addItem(item)
        # its curves give the y range of what is in view; the fill's own box is all of it
        self.balance_plot.addItem(self.forecast_band, ignoreBounds=True)
        self.balance_plot.addItem(self.crossing_label, ignoreBounds=True)
        self.balance_plot.sigXRangeChanged.connect(self._show_one_threshold_label)

    def describe(self, point: DayPoint) -> str:
        return crosshair_html(point, self.local, self.currency)

    def set_series(self, chart: EarningsChart, days: int | None,
                   local: LocalDays | None = None, currency: str = "USD") -> None:
        self.series = chart
        self.local, self.currency = local, currency
        self.crosshair.hide()
        self.date_axis.utcOffset = -chart.utc_offset_s  # pyqtgraph counts seconds west
        self._draw_bars()
        self.balance.setData(chart.balance.x, chart.balance.y)
        # the fill lies under the line: down to 0, or to its lowest point when a payout took
        # the balance below 0 (a fill to 0 would shade above the line there)
        self.balance.setFillLevel(min(0.0, *chart.balance.y))
        self.payouts.setData(x=chart.payouts.x, y=chart.payouts.y, data=chart.payout_usd)
        self.threshold.setValue(chart.threshold_usd)
        self.threshold.label.setFormat(f"Withdrawal threshold {_dollars(chart.threshold_usd)}")
        self._draw_forecast(chart.forecast, chart.threshold_usd)
        self.show_last(days)

    def _draw_forecast(self, forecast: Forecast, threshold_usd: float) -> None:
        self.forecast_line.setData(forecast.line.x, forecast.line.y)
        self.forecast_low.setData(forecast.low.x, forecast.low.y)
        self.forecast_high.setData(forecast.high.x, forecast.high.y)
        crossing = forecast.crossing
        self.crossing.setData([crossing.x] if crossing else [], [crossing.y] if crossing else [])
        rising_above = not forecast.empty and forecast.crossing is None
        self.threshold.label.anchors = BELOW if rising_above else ABOVE
        self.threshold.label.updatePosition()
        if crossing is not None:
            self.crossing_label.setText(f"Threshold {_dollars(threshold_usd)} "
                                        f"\u2248 {crossing.day:%b} {crossing.day.day}")
            self.crossing_label.setPos(crossing.x, crossing.y)
        self._show_one_threshold_label()

    def _show_one_threshold_label(self) -> None:
        # a crossing in view names the threshold in the place the line's own label takes
        crossing = self.series.forecast.crossing if self.series else None
        x0, x1 = self.balance_plot.viewRange()[0]
        in_view = crossing is not None and x0 <= crossing.x <= x1
        self.crossing_label.setVisible(in_view)
        self.threshold.label.setVisible(not in_view)

    def set_bucket(self, bucket: Bucket) -> None:
        """Bars per day, week or month: the same bar item, new data."""
        self.bucket = bucket
        self._draw_bars()

    def _draw_bars(self) -> None:
        if self.series is None:
            return
        bars = self.series.bars_for(self.bucket)
        self.bars.setOpts(x=list(bars.centers), height=list(bars.y),
                          width=list(bars.drawn_widths))
        self.daily_plot.enableAutoRange(axis="y")

    def show_last(self, days: int | None) -> None:
        """Show the last `days` days of data (all when None); y follows what is visible."""
        if self.series is None:
            return
        self.daily_plot.setXRange(*self.series.window(days), padding=0)
        for plot in (self.balance_plot, self.daily_plot):
            plot.enableAutoRange(axis="y")

    def _point_at(self, x: float) -> DayPoint | None:
        return None if self.series is None else self.series.point_at(x)

    def leaveEvent(self, event: QEvent) -> None:
        self.crosshair.hide()
        super().leaveEvent(event)


def legend_html() -> str:
    """The chart's key, for a label above it (a legend inside the plot would hide data)."""
    keys = [("\u25a0", COLORS["bars"], "Earned"), ("\u2501", COLORS["balance"], "Balance"),
            ("\u25bc", COLORS["payout"], "Payout requested"),
            ("\u2504", COLORS["threshold"], "Withdrawal threshold"),
            ("\u2504", COLORS["balance"], "Forecast")]
    return "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{color}">{mark}</span>&nbsp;{text}' for mark, color, text in keys)
