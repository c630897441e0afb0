"""Themes and icons: plain files under resources/, read once through importlib.resources.

A theme is a stylesheet (resources/themes/<name>.qss) plus a palette for the widgets the
stylesheet leaves alone (dialogs, combo boxes) and the colours of the charts, which
pyqtgraph paints itself. `apply_theme` sets all three; `theme_charts` recolours the charts
already built (they are drawn in the light theme's colours).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QGraphicsView, QLabel, QWidget

PACKAGE = "app.resources"
THEMES = ("light", "dark")


def _read(*parts: str) -> bytes:
    return resources.files(PACKAGE).joinpath(*parts).read_bytes()


@cache
def stylesheet(theme: str = "light") -> str:
    return _read("themes", f"{theme}.qss").decode("utf-8")


@cache
def pixmap(name: str) -> QPixmap:
    """An SVG icon rendered at the size its file declares (needs a QGuiApplication)."""
    pix = QPixmap()
    pix.loadFromData(_read("icons", f"{name}.svg"), "SVG")
    return pix


def icon(name: str) -> QIcon:
    return QIcon(pixmap(name))


# ---- themes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartColors:
    background: str
    text: str  # tick labels and neutral text items
    line: str  # axes and grid
    label_fill: tuple[int, int, int, int]  # behind a label drawn over the data


CHART_COLORS = {"light": ChartColors("#ffffff", "#6b7280", "#d1d5db", (255, 255, 255, 210)),
                "dark": ChartColors("#1f2937", "#aeb6c2", "#4b5563", (31, 41, 55, 220))}
# the dark palette: canvas, surface, text, muted text, line, accent (dark.qss uses the same)
DARK_HEAT = ("#1f2937", "#312e81", "#4f46e5", "#a5b4fc", "#eef2ff")  # none .. most
DARK = {"canvas": "#111827", "surface": "#1f2937", "raised": "#273244", "text": "#f3f4f6",
        "muted": "#9ca3af", "line": "#374151", "accent": "#6366f1", "link": "#a5b4fc"}


def system_theme() -> str:
    """"dark" when the desktop asks for dark colours (Qt >= 6.5 can tell), else "light"."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return "dark" if scheme is not None and scheme() == Qt.ColorScheme.Dark else "light"


def resolve_theme(choice: str) -> str:
    """The theme to paint for a setting of "system", "light" or "dark"."""
    return choice if choice in THEMES else system_theme()


def current_theme() -> str:
    app = QApplication.instance()
    theme = app.property("theme") if app is not None else None
    return theme if theme in THEMES else "light"


def dark_palette() -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, DARK["canvas"]), (roles.WindowText, DARK["text"]),
                         (roles.Base, DARK["surface"]), (roles.AlternateBase, DARK["raised"]),
                         (roles.Text, DARK["text"]), (roles.Button, DARK["raised"]),
                         (roles.ButtonText, DARK["text"]), (roles.BrightText, "#ffffff"),
                         (roles.Highlight, DARK["accent"]), (roles.HighlightedText, "#ffffff"),
                         (roles.ToolTipBase, DARK["raised"]), (roles.ToolTipText, DARK["text"]),
                         (roles.PlaceholderText, "#6b7280"), (roles.Link, DARK["link"]),
                         (roles.Light, "#4b5563"), (roles.Midlight, "#374151"),
                         (roles.Mid, "#2b3544"), (roles.Dark, "#0b1020"),
                         (roles.Shadow, "#000000")):
        pal.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7280"))
    return pal


def apply_theme(app: QApplication, choice: str) -> str:
    """Paint the application in the chosen theme; returns the theme painted."""
    theme = resolve_theme(choice)
    if app.property("theme") == theme and app.styleSheet() == stylesheet(theme):
        return theme  # re-styling repolishes every widget: only when something changed
    if theme == "dark" and app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")  # the native Windows style ignores a dark palette
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    app.setStyleSheet(stylesheet(theme))
    app.setProperty("theme", theme)
    colors = CHART_COLORS[theme]
    pg.setConfigOption("background", colors.background)
    pg.setConfigOption("foreground", colors.text)
    return theme


# ---- charts ---------------------------------------------------------------------------------

def theme_charts(root: QWidget, theme: str | None = None) -> None:
    """Recolour every chart under `root`: backgrounds, axes, neutral labels, heat maps.

    Each item remembers the colours its chart gave it, so going back to light restores them
    exactly; run this again after pages refresh (they may add labels)."""
    theme = theme or current_theme()
    colors = CHART_COLORS[theme]
    for view in root.findChildren(QGraphicsView):
        if not isinstance(view, pg.GraphicsView):
            continue
        original = _remember(view, lambda v: v._background)
        view.setBackground(colors.background if theme == "dark" else original)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                _theme_axis(item, theme, colors)
            elif isinstance(item, pg.TextItem):
                _theme_text(item, theme, colors)
            elif isinstance(item, pg.ColorBarItem):
                _theme_colorbar(item, theme)
            elif _is_series(item):
                _theme_series(item, theme)
    for legend in root.findChildren(QLabel, "chartLegend"):
        _theme_legend(legend, theme)


def _theme_legend(label: QLabel, theme: str) -> None:
    """A chart's legend (HTML swatches beside the chart) follows its series' colours."""
    light = _remember(label, lambda lb: lb.text())
    text = light
    if theme == "dark":
        for colour, dark in DARK_SERIES.items():
            text = text.replace(colour, dark)
    label.setText(text)


def _remember(obj: Any, read: Any) -> Any:
    """The light colours of `obj`, read the first time it is themed."""
    if not hasattr(obj, "_light_colors"):
        obj._light_colors = read(obj)
    return obj._light_colors


def _theme_axis(axis: pg.AxisItem, theme: str, colors: ChartColors) -> None:
    pen, text = _remember(axis, lambda a: (pg.mkPen(a.pen()), pg.mkPen(a.textPen())))
    if theme == "dark":
        axis.setPen(pg.mkPen(colors.line))
        axis.setTextPen(pg.mkPen(colors.text))
    else:
        axis.setPen(pen)
        axis.setTextPen(text)


def _theme_text(item: pg.TextItem, theme: str, colors: ChartColors) -> None:
    color, fill = _remember(item, lambda t: (QColor(t.color), pg.mkBrush(t.fill)))
    if theme == "dark":
        if color.hsvSaturation() < 100:  # grey text; a coloured label keeps its colour
            item.setColor(colors.text)
        if fill.style() != Qt.BrushStyle.NoBrush and fill.color().lightness() > 200:
            item.fill = pg.mkBrush(colors.label_fill)
    else:
        item.setColor(color)
        item.fill = fill
    item.update()


# light-theme series colours that are too dim (or too bright) on the dark background
DARK_SERIES = {"#4338ca": "#a5b4fc", "#cbd5e1": "#4b5563"}


def _is_series(item: Any) -> bool:
    """A data line or bars; a curve inside a PlotDataItem is themed through its owner."""
    if isinstance(item, pg.PlotDataItem | pg.BarGraphItem):
        return True
    return isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(),
                                                                 pg.PlotDataItem)


def _theme_series(item: Any, theme: str) -> None:
    """A curve's pen or a bar's brush whose light colour is listed in DARK_SERIES. A line
    drawn through a PlotDataItem gets its pen there: the curve inside takes that pen again
    at every setData (a range button, a refresh), so a pen set on the curve alone is lost."""
    if isinstance(item, pg.PlotDataItem):
        light = _remember(item, lambda d: pg.mkPen(d.opts["pen"]))
        swap = DARK_SERIES.get(light.color().name())
        if swap is not None:
            dark = pg.mkPen(light)
            dark.setColor(QColor(swap))
            item.setPen(dark if theme == "dark" else light)
        return
    if isinstance(item, pg.PlotCurveItem):
        pen = _remember(item, lambda c: pg.mkPen(c.opts["pen"]))
        swap = DARK_SERIES.get(pen.color().name())
        if swap is None:
            return
        dark = pg.mkPen(pen)
        dark.setColor(QColor(swap))
        item.setPen(dark if theme == "dark" else pen)
        return
    brushes = item.opts.get("brushes")
    if isinstance(brushes, list) and all(isinstance(b, str) for b in brushes):
        # bars are re-created on refresh: remember per list, not per item
        if theme == "dark" and any(b in DARK_SERIES for b in brushes):
            item._light_brushes = list(brushes)
            item.setOpts(brushes=[DARK_SERIES.get(b, b) for b in brushes])
        elif theme != "dark" and getattr(item, "_light_brushes", None):
            item.setOpts(brushes=item._light_brushes)
            item._light_brushes = None


def _theme_colorbar(bar: pg.ColorBarItem, theme: str) -> None:
    cmap = _remember(bar, lambda b: b.colorMap())
    bar.setColorMap(dark_colormap(cmap) if theme == "dark" else cmap)


def dark_colormap(cmap: pg.ColorMap) -> pg.ColorMap:
    """The heat map on a dark background: each stop keeps its place, and its darkness in the
    light map (how much ink it puts on white) picks its colour on DARK_HEAT, which runs from
    the chart background to light, so "little" fades into the background in both themes."""
    positions, colours = cmap.getStops(mode=pg.ColorMap.BYTE)
    ink = [1 - colorsys.rgb_to_hls(r / 255, g / 255, b / 255)[1] for r, g, b, *_ in colours]
    low, high = min(ink), max(ink)
    spread = (high - low) or 1.0
    ramp = pg.ColorMap(None, list(DARK_HEAT))
    return pg.ColorMap(positions, [ramp.map((v - low) / spread, mode=pg.ColorMap.BYTE)
                                   for v in ink])
