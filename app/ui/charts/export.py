"""Export any chart of the window as PNG or SVG, and the right-click action that offers it.

A chart is a pyqtgraph view (PlotWidget, GraphicsLayoutWidget): its scene is drawn through a
QPainter, so PNG comes out at twice the screen size and SVG (QSvgGenerator) as vectors. The
window calls `install(page)` when it builds a page: every chart under it gets "Export chart as
PNG…" and "Export chart as SVG…" in its context menu.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.dialogs import errors

FORMATS = (".png", ".svg")
PNG_SCALE = 2.0
_INSTALLED = "_chart_export_installed"


class ExportError(ValueError):
    pass


def _source(view: pg.GraphicsView) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect()


def _background(view: pg.GraphicsView) -> QColor:
    color = view.backgroundBrush().color()
    return color if color.alpha() else QColor("white")


def paint(view: pg.GraphicsView, painter: QPainter, target: QRectF) -> None:
    """Draw what the view shows into `target` of `painter`, at any scale (vectors stay vectors:
    the scene is drawn again, not the screen's pixels)."""
    painter.fillRect(target, _background(view))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    view.scene().render(painter, target, _source(view), Qt.AspectRatioMode.IgnoreAspectRatio)


def image(view: pg.GraphicsView, scale: float = PNG_SCALE) -> QImage:
    size = view.viewport().size()
    out = QImage(round(size.width() * scale), round(size.height() * scale),
                 QImage.Format.Format_ARGB32_Premultiplied)
    out.fill(QColor("white"))
    painter = QPainter(out)
    paint(view, painter, QRectF(out.rect()))
    painter.end()
    return out


def export_chart(view: pg.GraphicsView, path: Path, scale: float = PNG_SCALE) -> Path:
    """Write the chart to `path`: PNG (at `scale` times its size on screen) or SVG, by the
    file's extension. Raises ExportError for another extension or a file it cannot write."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"a chart is exported as .png or .svg, not {path.name!r}")
    if suffix == ".png":
        if not image(view, scale).save(str(path)):  # PNG by the name
            raise ExportError(f"could not write {path}")
        return path
    size = view.viewport().size()
    from PySide6.QtSvg import QSvgGenerator  # on first use: QtSvg is not needed to start

    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle("Diamond Ledger chart")
    painter = QPainter()
    if not painter.begin(generator):
        raise ExportError(f"could not write {path}")
    paint(view, painter, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    return path


def charts_under(root: QWidget) -> list[pg.GraphicsView]:
    return list(root.findChildren(pg.GraphicsView))


# tests replace this to skip the modal file dialog
def choose_path(parent: QWidget, kind: str) -> Path | None:
    suffix = kind.lower()
    path, _ = QFileDialog.getSaveFileName(parent, f"Export chart as {kind}", f"chart.{suffix}",
                                          f"{kind} image (*.{suffix})")
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == f".{suffix}" else chosen.with_name(
        chosen.name + f".{suffix}")


def _export_slot(view: pg.GraphicsView, kind: str) -> Callable[[], None]:
    def run() -> None:
        path = choose_path(view, kind)
        if path is None:
            return
        try:
            export_chart(view, path)
        except ExportError as exc:
            errors.report(view, "The chart was not exported", str(exc))
    return run


def install(root: QWidget) -> list[pg.GraphicsView]:
    """Give every chart under `root` its export actions (once); returns the charts."""
    views = charts_under(root)
    for view in views:
        if getattr(view, _INSTALLED, False):
            continue
        for kind in ("PNG", "SVG"):
            action = QAction(f"Export chart as {kind}\u2026", view)
            action.triggered.connect(_export_slot(view, kind))
            view.addAction(action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        setattr(view, _INSTALLED, True)
    return views


def export_actions(view: pg.GraphicsView) -> list[QAction]:
    return [a for a in view.actions() if a.text().startswith("Export chart as")]
