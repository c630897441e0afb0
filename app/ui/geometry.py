"""Where a window may go: inside the screen's available area, whatever was saved."""

from __future__ import annotations

from PySide6.QtCore import QRect


def fit_on_screen(frame: QRect, available: QRect) -> QRect:
    """`frame` moved (and shrunk where it is bigger) to lie inside `available`: a window
    saved on a bigger or scaled screen, or on one since unplugged, comes back whole."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    x = min(max(frame.x(), available.x()), available.x() + available.width() - width)
    y = min(max(frame.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)
