"""Themes and icons: plain files under resources/, read once through importlib.resources."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QIcon, QPixmap

PACKAGE = "app.resources"


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
