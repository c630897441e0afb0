"""Other windows on a ledger, as real processes: `diamond-ledger --db LEDGER` holding the
ledger's lock (offscreen), one that closes its window when told, and this process's window
opening the same ledger with File > Open, answering the lock question with its real buttons.
Shared by test_ui_lock.py and test_ui_lock_freed.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.services.demo import load_demo
from app.services.lock import lock_path, read_holder
from app.store.db import open_db
from app.ui import ledger_files
from app.ui.dialogs import lock_dialog
from app.ui.window import MainWindow

START_TIMEOUT = 90.0
# the app's own start-up, with its window closed when our end of its stdin closes (as the
# creator closes it: closeEvent, the lock let go and its file removed, the process ends)
CLOSES_ON_EOF = """
import sys
from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication
from app.ui.main import application, run_window

app = application()
notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

def close_windows() -> None:
    notifier.setEnabled(False)
    for window in QApplication.topLevelWidgets():
        window.close()

notifier.activated.connect(close_windows)
sys.exit(run_window(sys.argv[1]))
"""


def demo_ledger(path: Path) -> Path:
    db = open_db(path)
    load_demo(db)
    db.close()
    return path


def window_process(ledger: Path, home: Path, closable: bool = False) -> subprocess.Popen[bytes]:
    """`diamond-ledger --db LEDGER` in a process of its own (offscreen), once its window holds
    the ledger's lock. `closable`: its window closes when `close_window` is called."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
    args = ["-c", CLOSES_ON_EOF, str(ledger)] if closable else ["-m", "app", "--db", str(ledger)]
    proc = subprocess.Popen([sys.executable, *args], env=env,
                            stdin=subprocess.PIPE if closable else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_TIMEOUT
    while read_holder(lock_path(ledger)).pid != proc.pid:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"the other window did not start: {err.decode(errors='replace')}")
        time.sleep(0.1)
    return proc


def close_window(proc: subprocess.Popen[bytes]) -> None:
    """The window of a `closable` process closes, as the creator closes it; the process ends."""
    _, err = proc.communicate(b"", timeout=60)  # EOF on its stdin
    assert proc.returncode == 0, err.decode(errors="replace")


def end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def answer(button_text: str, asked: list[str]) -> None:
    """Press `button_text` in the lock question once it shows (the real modal box)."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.windowTitle() != lock_dialog.TITLE:
            QTimer.singleShot(20, press)
            return
        asked.append(box.text())
        button = next(b for b in box.findChildren(QPushButton) if b.text() == button_text)
        button.click()
    QTimer.singleShot(0, press)


def open_from_menu(qtbot, db, monkeypatch, ledger: Path, button_text: str | None
                   ) -> tuple[MainWindow, MainWindow | None, list[str]]:
    """A window on `db` opens `ledger` with File > Open Ledger, answering the question."""
    first = MainWindow(db)
    qtbot.addWidget(first)
    first.show()
    monkeypatch.setattr(ledger_files, "choose_existing", lambda *_args: ledger)
    asked: list[str] = []
    if button_text is not None:
        answer(button_text, asked)
    opened = first.ledger_files.open_ledger()
    return first, opened, asked
