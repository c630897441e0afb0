"""Render every page of the main window to PNG files, offscreen, without an event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from app.services.paths import default_db_path
from app.services.settings import current_account
from app.ui.dialogs.import_dialog import render_import_dialog, sample_gift_log
from app.ui.dialogs.settings_dialog import SettingsDialog
from app.ui.resources import apply_theme, theme_charts
from app.ui.window import PAGES, MainWindow


def _quiet(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # the offscreen platform warns on every show; everything else still goes to stderr
    if "propagateSizeHints" not in message:
        sys.stderr.write(f"{message}\n")


def render_pages(window: MainWindow, folder: Path, size: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    previous = qInstallMessageHandler(_quiet)
    try:
        return _render(window, folder, size)
    finally:
        qInstallMessageHandler(previous)


def _render(window: MainWindow, folder: Path, size: tuple[int, int]) -> list[Path]:
    window.resize(*size)
    window.show()
    written = []
    for index, name in enumerate(PAGES):
        window.show_page(index)
        QApplication.processEvents()
        path = folder / f"{name.lower()}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    # the import dialog on the sample gift log (already in the demo ledger: all duplicates)
    written.append(render_import_dialog(window.db, sample_gift_log(), folder / "import.png"))
    written.append(_grab(_settings_dialog(window), folder / "settings.png"))
    written.append(_dark_overview(window, folder / "dark.png"))
    return written


def _grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _settings_dialog(window: MainWindow) -> QWidget:
    dialog = SettingsDialog(current_account(window.db), "light", str(default_db_path()), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    QApplication.processEvents()
    dialog.deleteLater()
    return dialog


def _dark_overview(window: MainWindow, path: Path) -> Path:
    """The Overview in the dark theme; the window is light again afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    theme_charts(window, "dark")
    window.show_page(0)
    try:
        return _grab(window, path)
    finally:
        apply_theme(app, "light")
        theme_charts(window, "light")
