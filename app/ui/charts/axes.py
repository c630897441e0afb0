"""Axes for money over days: "$1,200" on y, "Oct 5" (weeks) or "Oct" (months) on x."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems import DateAxisItem as date_axis

DAY = date_axis.DAY_SPACING
# Whole days, every 1, 2, 7 or 14 of them: "Aug 30, Sep 1" never collide, unlike
# pyqtgraph's default day level that mixes a bare day number with a month name.
DAY_LEVEL = date_axis.ZoomLevel([
    date_axis.TickSpec(DAY, date_axis.makeSStepper(DAY), "%b %d", autoSkip=[1, 2, 7, 14]),
], "Mmm 00")


class DayAxis(pg.DateAxisItem):
    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.zoomLevels = OrderedDict([
            (np.inf, date_axis.YEAR_MONTH_ZOOM_LEVEL),
            (16 * DAY, DAY_LEVEL),
            (6 * 3600, date_axis.DAY_HOUR_ZOOM_LEVEL),
            (15 * 60, date_axis.HOUR_MINUTE_ZOOM_LEVEL),
        ])

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [s.replace(" 0", " ") for s in super().tickStrings(values, scale, spacing)]


class UsdAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"${v:,.0f}" if v >= 0 else f"\u2212${-v:,.0f}" for v in values]
