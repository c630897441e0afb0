"""Where a window may go: inside the screen's available area, whatever was saved."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

FRAME = (16, 48)  # px: about what a window manager's border and title bar take


def fit_on_screen(frame: QRect, available: QRect) -> QRect:
    """`frame` moved (and shrunk where it is bigger) to lie inside `available`: a window
    saved on a bigger or scaled screen, or on one since unplugged, comes back whole."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    x = min(max(frame.x(), available.x()), available.x() + available.width() - width)
    y = min(max(frame.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def fitting_size(wanted: QSize, available: QRect) -> QSize:
    """`wanted`, or the screen's available size less a window's frame where that is smaller:
    a first start on a 1,024 x 600 screen opened a 1,280 x 800 window, its status bar and
    lower cards under the screen's edge."""
    return QSize(min(wanted.width(), available.width() - FRAME[0]),
                 min(wanted.height(), available.height() - FRAME[1]))
