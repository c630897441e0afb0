"""Start the window: the Qt application, the ledger (or a throwaway demo ledger), the theme.

`--screenshot DIR` renders every page offscreen to DIR/<page>.png and returns, for the
README and for checking the layout without a display.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlite_utils import Database

from app.services.demo import load_demo
from app.services.paths import default_db_path
from app.store.db import open_db

SIZE = (1280, 800)
DEMO_LABEL = "Demo data in a temporary ledger: your own ledger is not touched."


def open_ledger(stack: ExitStack, db_path: str | None, demo: bool) -> tuple[Database, str]:
    """The ledger and a line saying which one it is; a demo never touches the user's file."""
    if demo:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="diamond-ledger-demo-"))
        path = Path(folder) / "demo.sqlite3"
    else:
        path = default_db_path(db_path)
    db = open_db(path)
    stack.callback(db.close)
    if demo:
        load_demo(db)
    return db, DEMO_LABEL if demo else f"Ledger: {path}"


def application() -> QApplication:
    from app.ui.resources import icon, stylesheet

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Diamond Ledger")
    app.setOrganizationName("DiamondLedger")
    app.setStyleSheet(stylesheet("light"))
    app.setWindowIcon(icon("diamond"))
    return app


def dispose(window: QWidget) -> None:
    """Close and delete the window now, before its ledger closes."""
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_window(db_path: str | None = None, demo: bool = False,
               screenshot: str | None = None) -> int:
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    from app.ui.screenshots import render_pages
    from app.ui.window import MainWindow

    with ExitStack() as stack:
        db, label = open_ledger(stack, db_path, demo)
        window = MainWindow(db, label)
        stack.callback(dispose, window)
        if screenshot:
            render_pages(window, Path(screenshot), SIZE)
            return 0
        window.show()
        return app.exec()
