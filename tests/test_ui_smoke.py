"""`diamond-ledger --demo --smoke`: the start-up check CI runs on the standalone build.

It must end by itself with exit 0 when the window paints and every page loads, with exit 1
and one line when it does not, and it must never touch the creator's ledger or settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel

from app.ui.smoke import run_smoke

REPO = Path(__file__).parent.parent


def test_the_smoke_start_opens_the_demo_window_and_exits_0_leaving_home_untouched(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data")}
    env.pop("DIAMOND_LEDGER_DB", None)
    done = subprocess.run([sys.executable, "-m", "app", "--demo", "--smoke"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert list(home.rglob("*")) == []  # no ledger, no settings written


def test_a_page_that_fails_to_load_fails_the_smoke_start_in_one_line(qapp, capsys) -> None:
    window = QLabel("window")

    def broken_page() -> None:
        raise ModuleNotFoundError("No module named 'app.ui.pages.gifts'")

    assert run_smoke(qapp, window, visit=broken_page) == 1
    err = capsys.readouterr().err
    assert err == ("diamond-ledger --smoke: ModuleNotFoundError: "
                   "No module named 'app.ui.pages.gifts'\n")
    window.close()


def test_a_window_that_never_paints_fails_the_smoke_start_after_the_timeout(qapp,
                                                                          capsys) -> None:
    window = QLabel("never drawn")
    window.setUpdatesEnabled(False)  # shown, but Qt never sends it a paint event
    assert run_smoke(qapp, window, timeout_ms=300) == 1
    assert capsys.readouterr().err == ("diamond-ledger --smoke: the window did not paint "
                                       "within 0.3 s\n")
    window.close()


CLOSE_WHILE_WORKING = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui import worker
from app.ui.main import application, run_window

app = application()
done = Path(sys.argv[1])
jobs = []

def write_slowly(_progress, _cancel):
    time.sleep(0.8)  # a write under way (a payout saved on a slow disk)
    done.write_text("committed")

def close_while_working():
    jobs.append(worker.Worker(write_slowly).start())
    for window in QApplication.topLevelWidgets():
        window.close()

QTimer.singleShot(500, close_while_working)
sys.exit(run_window(demo=True))
"""


def test_closing_the_window_while_a_job_runs_lets_it_end_and_exits_cleanly(
        tmp_path: Path) -> None:
    """The window closed while the worker writes: the app waits for the write, then exits 0
    with nothing on stderr (no traceback from a job reporting to a hub already gone)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DIAMOND_LEDGER_DB", None)
    marker = tmp_path / "written"
    done = subprocess.run([sys.executable, "-c", CLOSE_WHILE_WORKING, str(marker)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert marker.read_text() == "committed"
