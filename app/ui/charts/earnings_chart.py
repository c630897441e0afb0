"""The running balance with the threshold and payouts (top), earnings per day (bottom).

Two panels sharing the date axis, so daily bars of $10 stay readable next to a balance of
$1,000. The widget keeps its items and refreshes them with setData/setOpts; it draws an
app.core.charts.EarningsChart and computes nothing itself.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.core.charts import DAY_S, EarningsChart
from app.ui.charts.axes import DayAxis, UsdAxis

BAR_WIDTH_S = DAY_S * 0.7
AXIS_WIDTH = 64
COLORS = {"bars": "#818cf8", "balance": "#4338ca", "fill": (67, 56, 202, 30),
          "threshold": "#d97706", "payout": "#e11d48", "axis": "#6b7280", "line": "#d1d5db"}


class ThresholdLine(pg.InfiniteLine):
    """A horizontal line that auto-range keeps in view (pyqtgraph's only keeps 0)."""

    def dataBounds(self, axis: int, frac: float = 1.0,
                   orthoRange: object = None) -> tuple[float, float] | None:
        return None if axis == 0 else (self.value(), self.value())


def _payout_tip(x: float, y: float, data: object) -> str:
    return f"Payout requested: ${data:,.2f}" if isinstance(data, float) else "Payout"


def _style(plot: pg.PlotItem) -> None:
    plot.showGrid(x=False, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setAutoVisible(y=True)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(COLORS["line"]))
        axis.setTextPen(pg.mkPen(COLORS["axis"]))
    plot.getAxis("left").setWidth(AXIS_WIDTH)


class EarningsChartWidget(pg.GraphicsLayoutWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.series: EarningsChart | None = None
        self.date_axis = DayAxis("bottom")
        self.balance_plot = self.addPlot(0, 0, axisItems={"left": UsdAxis("left")})
        self.daily_plot = self.addPlot(1, 0, axisItems={"left": UsdAxis("left"),
                                                        "bottom": self.date_axis})
        self._layout_panels()
        self._add_items()

    def _layout_panels(self) -> None:
        for plot in (self.balance_plot, self.daily_plot):
            _style(plot)
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
            labelOpts={"position": 0.99, "color": COLORS["threshold"], "fill": (255, 255, 255, 210),
                       "anchors": [(1, 1), (1, 1)]})
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH_S,
                                    brush=COLORS["bars"], pen=pg.mkPen(None))
        for item in (self.balance, self.threshold, self.payouts):
            self.balance_plot.addItem(item)
        self.daily_plot.addItem(self.bars)

    def set_series(self, chart: EarningsChart, days: int | None) -> None:
        self.series = chart
        self.date_axis.utcOffset = -chart.utc_offset_s  # pyqtgraph counts seconds west
        self.bars.setOpts(x=list(chart.bars.x), height=list(chart.bars.y))
        self.balance.setData(chart.balance.x, chart.balance.y)
        self.payouts.setData(x=chart.payouts.x, y=chart.payouts.y, data=chart.payout_usd)
        self.threshold.setValue(chart.threshold_usd)
        self.threshold.label.setFormat(f"Withdrawal threshold ${chart.threshold_usd:,.2f}")
        self.show_last(days)

    def show_last(self, days: int | None) -> None:
        """Show the last `days` days of data (all when None); y follows what is visible."""
        if self.series is None:
            return
        self.daily_plot.setXRange(*self.series.window(days), padding=0)
        for plot in (self.balance_plot, self.daily_plot):
            plot.enableAutoRange(axis="y")


def legend_html() -> str:
    """The chart's key, for a label above it (a legend inside the plot would hide data)."""
    keys = [("\u25a0", COLORS["bars"], "Earned per day"), ("\u2501", COLORS["balance"], "Balance"),
            ("\u25bc", COLORS["payout"], "Payout requested"),
            ("\u2504", COLORS["threshold"], "Withdrawal threshold")]
    return "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{color}">{mark}</span>&nbsp;{text}' for mark, color, text in keys)
