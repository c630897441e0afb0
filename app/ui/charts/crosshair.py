"""A vertical line that follows the mouse over linked plots, with a text box that reads the day
under it. What the box says comes from a lookup the owner passes in (no data lives here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QPointF

from app.core.charts import DayPoint

MOUSE_RATE_HZ = 60  # enough for a smooth line, and a lookup at most this often


class Crosshair:
    def __init__(self, scene: pg.GraphicsScene, plots: Sequence[pg.PlotItem],
                 lookup: Callable[[float], DayPoint | None],
                 describe: Callable[[DayPoint], str], color: str, text_color: str) -> None:
        self._plots = list(plots)
        self._lookup = lookup
        self._describe = describe
        self.lines = [pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(color, width=1)) for _ in self._plots]
        for plot, line in zip(self._plots, self.lines, strict=True):
            plot.addItem(line, ignoreBounds=True)
        self.text = pg.TextItem(color=text_color, anchor=(0, 0), fill=(255, 255, 255, 235),
                                border=pg.mkPen(color))
        self.text.setZValue(100)
        self._plots[0].addItem(self.text, ignoreBounds=True)
        self.point: DayPoint | None = None
        self.hide()
        # keep the proxy: it is what stays connected to the scene
        self._proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=MOUSE_RATE_HZ,
                                     slot=self._mouse_moved)

    def _mouse_moved(self, args: tuple[QPointF]) -> None:
        pos = args[0]
        inside = [p for p in self._plots if p.vb.sceneBoundingRect().contains(pos)]
        if not inside:
            self.hide()
            return
        # the box follows the mouse in the upper plot, and waits at its top below it
        at = self._plots[0].vb.mapSceneToView(pos)
        self.show_at(at.x(), at.y() if inside[0] is self._plots[0] else None)

    def show_at(self, x: float, y: float | None = None) -> DayPoint | None:
        """Snap to the day nearest to `x` and describe it beside (`x`, `y`) in the upper plot
        (at its top without a `y`); hidden when there is no day."""
        self.point = self._lookup(x)
        if self.point is None:
            self.hide()
            return None
        for line in self.lines:
            line.setPos(self.point.x)
            line.show()
        self.text.setHtml(self._describe(self.point))
        self._place_text(self.point.x, y)
        self.text.show()
        return self.point

    def _place_text(self, x: float, y: float | None) -> None:
        # on the side of the line and of the mouse with more room
        (x0, x1), (y0, y1) = self._plots[0].viewRange()
        top = y is None or y > (y0 + y1) / 2
        right = x > (x0 + x1) / 2
        self.text.setAnchor((1.04 if right else -0.04, -0.06 if top else 1.06))
        self.text.setPos(x, y1 if y is None else y)

    def hide(self) -> None:
        self.point = None
        for line in self.lines:
            line.hide()
        self.text.hide()
