"""Shared fixtures. Qt (when a test needs it) runs offscreen; nothing touches the user's files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the developer's real ledger or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("DIAMOND_LEDGER_DB", raising=False)


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings in a temporary folder, as an INI file on every platform (the registry and
    macOS plists ignore HOME): a test never sees or changes the developer's settings."""
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:  # the pure tests run without Qt installed
        return
    folder = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, folder)
    QCoreApplication.setOrganizationName("DiamondLedger")
    QCoreApplication.setApplicationName("DiamondLedger")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[object]:
    from app.store.db import open_db
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Any]:
    """A new ledger with one account, @me in the US on UTC (what the first-run setup makes)."""
    from app.services import accounts
    from app.store.db import open_db
    database = open_db(db_path)
    accounts.add(database, "me", "US", "UTC")
    yield database
    database.close()


@pytest.fixture
def demo_db(db_path: Path) -> Iterator[object]:
    """A ledger file holding the shipped sample data (imported as a user would)."""
    from app.services.demo import load_demo
    from app.store.db import open_db
    database = open_db(db_path)
    load_demo(database)
    yield database
    database.close()


@pytest.fixture
def window(qtbot: Any, demo_db: object) -> Iterator[Any]:
    """The main window on the demo ledger, shown (offscreen) and closed after the test."""
    from helpers import shown_window
    win = shown_window(qtbot, demo_db)
    yield win
    win.close()


@pytest.fixture
def no_leaked_windows(qapp: object) -> Iterator[None]:
    """Qt tests: every top-level window a test opened is closed when it ends."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


@pytest.fixture
def nothing_left_running(qapp: object) -> Iterator[None]:
    """Qt tests that start jobs: every job ended and every window closed when a test ends."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from app.ui import worker
    yield
    assert worker.wait_for_workers(), "a background job was still running"
    assert worker.busy() == 0
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Figures a test recorded as a `*_summary` property (the mutation fuzzer's counts),
    printed whether or not output is captured."""
    lines = [str(value) for reports in terminalreporter.stats.values() for report in reports
             for name, value in getattr(report, "user_properties", ())
             if name.endswith("_summary")]
    for line in dict.fromkeys(lines):
        terminalreporter.write_line(line)
