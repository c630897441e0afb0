"""The report's charts: real pyqtgraph widgets, drawn offscreen and rendered to images.

Earnings per month with the balance over the period (the Overview's chart with monthly bars,
its x range cut to the period), top gifters and the gift mix as horizontal bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.core.charts import midnight
from app.services.reports import Report
from app.ui import format as fmt
from app.ui.charts import export
from app.ui.charts.earnings_chart import COLORS, EarningsChartWidget, style_plot

OTHER_BRUSH = "#cbd5e1"
LABEL_COLOR = "#374151"


class HBarChart(pg.PlotWidget):
    """Values as horizontal bars, the first on top, each named on the left and labelled at its
    end."""

    def __init__(self, parent: QWidget | None = None, name_width: int = 120) -> None:
        super().__init__(parent, background="w")
        plot = self.getPlotItem()
        style_plot(plot, name_width, grid=False, axes=("left",), text=LABEL_COLOR)
        plot.hideAxis("bottom")
        plot.getAxis("left").setStyle(tickLength=0)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.64, pen=pg.mkPen(None))
        plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []

    def set_bars(self, names: Sequence[str], values: Sequence[float], labels: Sequence[str],
                 other_last: bool = False) -> None:
        n = len(values)
        ys = [n - 1 - i for i in range(n)]
        brushes = [COLORS["bars"]] * n
        if other_last and n:
            brushes[-1] = OTHER_BRUSH
        self.bars.setOpts(x0=[0] * n, y=ys, width=list(values), height=0.64, brushes=brushes)
        self.getPlotItem().getAxis("left").setTicks([list(zip(ys, names, strict=True))])
        widest = max(values, default=0) or 1
        plot = self.getPlotItem()
        for y, value, text in zip(ys, values, labels, strict=True):
            label = pg.TextItem(text, anchor=(0, 0.5), color="#4b5563")
            label.setPos(value + widest * 0.015, y)
            plot.addItem(label)
            self.labels.append(label)
        plot.setXRange(0, widest * 2.1, padding=0)
        plot.setYRange(-0.6, max(n, 1) - 0.4, padding=0)


def short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "\u2026"


def earnings_widget(report: Report) -> EarningsChartWidget:
    """The balance over the period (with threshold and payouts) above earnings per month."""
    widget = EarningsChartWidget()
    widget.set_series(report.chart, None)
    widget.set_bucket("month")
    widget.crosshair.hide()
    zone = ZoneInfo(report.timezone)
    start = midnight(report.period.start, zone)
    end = midnight(report.period.end, zone) + 86_400
    widget.daily_plot.setXRange(start, end, padding=0.01)
    for plot in (widget.balance_plot, widget.daily_plot):
        plot.enableAutoRange(axis="y")
    return widget


def gifters_widget(report: Report) -> HBarChart:
    chart = HBarChart(name_width=118)
    gifters = report.gifters
    chart.set_bars([short(g.name) for g in gifters], [float(g.usd) for g in gifters],
                   [f"{fmt.usd(g.usd)} \u00b7 {fmt.percent(g.share)}" for g in gifters])
    return chart


def mix_widget(report: Report) -> HBarChart:
    chart = HBarChart(name_width=96)
    mix = report.gift_mix
    chart.set_bars([short(g.name, 14) for g in mix], [g.coins for g in mix],
                   [f"{g.coins:,} coins \u00b7 {fmt.percent(g.share)}" for g in mix],
                   other_last=bool(mix) and mix[-1].name == "Other gifts")
    return chart


def render(widget: pg.GraphicsView, size: QSize, scale: float = 3.0) -> QImage:
    """The chart laid out at `size` (logical pixels) and drawn `scale` times as large, so lines
    and text stay sharp on paper; it is laid out without showing on screen."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(size)
    widget.show()
    QApplication.processEvents()
    out = export.image(widget, scale)
    widget.hide()
    return out


def chart_images(report: Report, width: int = 680, scale: float = 3.0) -> dict[str, QImage]:
    """Name -> image of each chart with something to draw (none for an empty period)."""
    if report.empty:
        return {}
    half = width // 2 - 6
    wanted: list[tuple[str, pg.GraphicsView, QSize]] = [
        ("earnings", earnings_widget(report), QSize(width, 330))]
    if report.gifters:
        rows = len(report.gifters)
        wanted.append(("gifters", gifters_widget(report), QSize(half, 40 + 24 * rows)))
    if report.gift_mix:
        rows = len(report.gift_mix)
        wanted.append(("mix", mix_widget(report), QSize(half, 40 + 24 * rows)))
    images = {}
    for name, widget, size in wanted:
        images[name] = render(widget, size, scale)
        widget.deleteLater()
    return images
