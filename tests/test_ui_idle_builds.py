"""Pages built while the window is idle (app.ui.idle_builds), on the demo ledger offscreen:
they are built without reading, each reads the ledger as it is when first shown, and nothing
is built while the window works. Expectations come from plain SQL on the ledger file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from helpers import hold_the_worker, shown_window

pytest.importorskip("pytestqt")

from app.ui import idle_builds, worker  # noqa: E402
from app.ui.window import PAGES  # noqa: E402

WAIT_MS = 20_000
PAYOUTS = PAGES.index("Payouts")

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


def payout_count(db_path: Path) -> int:
    with sqlite3.connect(db_path) as sql:
        return sql.execute("SELECT count(*) FROM payouts").fetchone()[0]


def test_an_idle_window_builds_every_page_and_each_reads_when_first_shown(window, qtbot,
                                                                          db_path):
    qtbot.waitUntil(lambda: window.idle_builds.done, timeout=WAIT_MS)
    page = window._built[PAYOUTS]
    assert page is not None and page.model.rowCount() == 0  # built, not read: the worker idles
    assert payout_count(db_path) > 0
    window.show_page(PAYOUTS)  # the demo's payouts, read now
    qtbot.waitUntil(lambda: page.model.rowCount() == payout_count(db_path), timeout=WAIT_MS)
    for i in range(len(PAGES)):  # every page opens on its figures, none on a stand-in
        window.show_page(i)
        assert window.stack.currentWidget() is window._built[i]
        assert window._built[i] not in window._unread


def test_nothing_is_built_while_the_worker_is_busy(qtbot, demo_db):
    release = hold_the_worker(WAIT_MS / 1000)
    try:
        window = shown_window(qtbot, demo_db)
        end = time.monotonic() + (idle_builds.START_MS + 3 * idle_builds.RETRY_MS) / 1000
        while time.monotonic() < end:
            qtbot.wait(50)
        assert [p is not None for p in window._built] == [True] + [False] * (len(PAGES) - 1)
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.idle_builds.done, timeout=WAIT_MS)
    window.close()
    assert worker.wait_for_workers()
