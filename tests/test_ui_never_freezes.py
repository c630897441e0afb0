"""The window never freezes: what a 1M-gift ledger reads or writes for a click runs on the
ledger's worker, and the result is the same as reading it here would be.

Small real ledgers (the demo's 1,974 gifts, ten times the 200 rows the table reads at once)
with the pages told to use the worker whatever the size (`inline_below=0`). Where a test
must see the page while a job is under way, the worker is first held busy by a job that
waits for the test: nothing about the timing is left to chance. Expectations come from plain
SQL on the ledger file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent, QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.ui.dialogs import confirm  # noqa: E402
from app.ui.models import gift_table  # noqa: E402
from app.ui.pages import gifts, imports  # noqa: E402
from app.ui.worker import Worker, busy, wait_for_workers  # noqa: E402

SENDER, COINS = 1, 3  # columns of the Gifts table



@pytest.fixture(autouse=True)
def _nothing_left_running(qapp: QApplication) -> Iterator[None]:
    yield
    assert wait_for_workers(), "a background job was still running"
    assert busy() == 0
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


@pytest.fixture
def sql(db_path: Path, demo_db) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path)
    yield conn
    conn.close()


@contextmanager
def worker_held() -> Iterator[None]:
    """The ledger's one worker thread busy until the block ends: a job started inside it
    waits, as it would behind a long read."""
    release = threading.Event()
    started = threading.Event()

    def hold(_progress: object, _cancel: object) -> None:
        started.set()
        release.wait(10)
    held = Worker(hold).start()
    assert started.wait(5)
    try:
        yield
    finally:
        release.set()
        assert wait_for_workers()
        del held


@pytest.fixture
def page(qtbot, demo_db) -> Iterator[gifts.Page]:
    shown = gifts.Page(demo_db, inline_below=0)
    qtbot.addWidget(shown)
    shown.resize(1080, 760)
    with qtbot.waitSignal(shown.view_loaded, timeout=10_000):
        shown.show()
    yield shown
    shown.close()
    wait_for_workers()


def click_header(qtbot, page: gifts.Page, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def column(page: gifts.Page, number: int) -> list[str]:
    model = page.model
    return [model.data(model.index(r, number)) for r in range(model.rowCount())]


def test_a_big_ledger_opens_on_a_loading_state_not_an_empty_one(qtbot, demo_db):
    page = gifts.Page(demo_db, inline_below=0)
    qtbot.addWidget(page)
    with worker_held():
        page.show()
        assert page.loading and page.stack.currentWidget() is page.busy
        assert page.busy.text() == "Loading 1,974 gifts\u2026"
        assert not page.showing_empty_state
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.model.rowCount() == 1974 and page.stack.currentIndex() == 1
    page.close()


def test_sorting_sorts_every_gift_not_only_the_rows_read(page, qtbot, sql):
    assert page.model.cached_rows < 1974  # the table holds a few pages, not the list
    with qtbot.waitSignal(page.view_loaded, timeout=10_000):
        click_header(qtbot, page, SENDER)
    expected = [r[0] for r in sql.execute(
        "SELECT sender_name FROM gifts ORDER BY sender_name, id")]
    assert column(page, SENDER) == expected  # row 0 to row 1,973, read page by page
    assert page.model.headerData(SENDER, Qt.Orientation.Horizontal).endswith("\u25b4")
    assert not page.status.isVisible()


def test_the_page_stays_usable_while_a_sort_is_read(page, qtbot, sql):
    first = page.model.data(page.model.index(0, COINS))
    with worker_held():
        click_header(qtbot, page, COINS)
        assert page.loading and page.status.isVisible()
        assert page.status.text() == "Sorting 1,974 gifts\u2026"
        # the rows shown stay, scroll and read further pages meanwhile
        assert page.model.data(page.model.index(0, COINS)) == first
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda: page.model.row_at(1973) is not None)
        qtbot.keyClicks(page.search, "x")  # typing is not blocked either
        assert page.search.text() == "x"
        page.search.clear()
    qtbot.waitUntil(lambda: not page.loading and not page._search_timer.isActive(),
                    timeout=10_000)
    most = sql.execute("SELECT max(coins_total) FROM gifts").fetchone()[0]
    assert page.model.data(page.model.index(0, COINS)) == f"{most:,}"
    coins = [int(c.replace(",", "")) for c in column(page, COINS)]
    assert coins == sorted(coins, reverse=True) and len(coins) == 1974


def test_search_finds_gifts_beyond_the_first_page(page, qtbot, sql):
    # the sender of the oldest gift: with the newest first, far past the rows read at first
    name = sql.execute("SELECT sender_name FROM gifts ORDER BY ts LIMIT 1").fetchone()[0]
    oldest = name.encode("ascii", "ignore").decode()  # 'Luis' of 'Luis\U0001f339': typeable
    expected = sql.execute("SELECT count(*) FROM gifts WHERE sender_name LIKE ?"
                           " OR gift_name LIKE ?", (f"%{oldest}%",) * 2).fetchone()[0]
    last = sql.execute("SELECT count(*) FROM gifts WHERE ts > (SELECT min(ts) FROM gifts)"
                       ).fetchone()[0]
    assert last >= gift_table.PAGE_ROWS * 2
    with qtbot.waitSignal(page.view_loaded, timeout=10_000):
        qtbot.keyClicks(page.search, oldest)
    assert page.model.rowCount() == expected > 0
    assert all(oldest.casefold() in name.casefold() for name in column(page, SENDER))
    assert f"{expected:,} of 1,974 gifts" in page.totals.text()


def test_typing_a_word_reads_once_after_the_last_key(page, qtbot):
    reads: list[object] = []
    page.view_loaded.connect(lambda: reads.append(page.model.listing))
    qtbot.keyClicks(page.search, "rose")
    qtbot.waitUntil(lambda: bool(reads), timeout=10_000)
    qtbot.wait(gifts.SEARCH_DELAY_MS + 100)
    assert len(reads) == 1 and page.model.listing.query.text == "rose"


def test_a_new_search_supersedes_a_sort_still_being_read(page, qtbot, sql):
    with worker_held():
        click_header(qtbot, page, COINS)
        page.search.setText("Zoex")
        page.apply_filters()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    count = sql.execute("SELECT count(*) FROM gifts WHERE sender_name LIKE '%Zoex%'"
                        " OR gift_name LIKE '%Zoex%'").fetchone()[0]
    assert page.model.rowCount() == count
    coins = [int(c.replace(",", "")) for c in column(page, COINS)]
    assert coins == sorted(coins, reverse=True)  # the search, in the order asked for


def test_undoing_a_big_import_runs_in_the_background(qtbot, demo_db, sql, monkeypatch):
    monkeypatch.setattr(confirm, "ask", lambda *_args, **_kw: True)
    page = imports.Page(demo_db)
    page.inline_below = 0
    qtbot.addWidget(page)
    page.refresh()
    page.show()
    gifts_batch = sql.execute("SELECT import_id FROM gifts LIMIT 1").fetchone()[0]
    page.select_batch(gifts_batch)
    with qtbot.waitSignal(page.ledger_changed, timeout=10_000), worker_held():
        page.undo_button.click()
        assert page.loading and not page.undo_button.isEnabled()
        assert page.retry_status.text() == f"Undoing #{gifts_batch} (1,974 gifts)\u2026"
        assert sql.execute("SELECT count(*) FROM gifts").fetchone()[0] == 1974
    assert sql.execute("SELECT count(*) FROM gifts").fetchone()[0] == 0
    assert page.retry_status.text() == ""
    page.refresh()
    page.select_batch(gifts_batch)
    assert not page.undo_button.isEnabled()  # undone
    page.close()


# ---- pages read on the worker: Overview, LIVEs, Imports, Planner, Regions -------------------

def page_named(name: str, db):
    from app.ui.pages import lives, planner, regions
    from app.ui.pages.overview import OverviewPage
    return {"Overview": OverviewPage, "LIVEs": lives.Page, "Imports": imports.Page,
            "Planner": planner.Page, "Regions": regions.Page}[name](db)


def shown_text(page) -> str:
    return page.subtitle.text()


@pytest.mark.parametrize("name", ["Overview", "LIVEs", "Imports", "Planner", "Regions"])
def test_a_page_reads_a_big_ledger_on_the_worker(qtbot, demo_db, name):
    """The first visit says it is loading (not empty) while the worker reads; a refresh keeps
    what is shown until the new read is ready; either shows what reading here shows."""
    here = page_named(name, demo_db)
    qtbot.addWidget(here)
    here.refresh()  # the demo is small: read right here, at once
    expected = shown_text(here)
    assert expected and not here.loading
    page = page_named(name, demo_db)
    qtbot.addWidget(page)
    page.reads.inline_below = 0
    page.resize(1080, 760)
    page.show()
    with worker_held():
        page.refresh()
        assert page.loading  # nothing was read on the GUI thread
        assert page.busy.isVisible() and page.busy.text() == "Loading 1,974 gifts\u2026"
        assert not getattr(page, "showing_empty_state", False)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert not page.busy.isVisible() and shown_text(page) == expected
    with worker_held():
        page.refresh()
        assert page.loading and not page.busy.isVisible()  # the figures shown stay
        assert shown_text(page) == "Loading 1,974 gifts\u2026"
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert shown_text(page) == expected
    page.close()
    here.close()


def test_a_read_superseded_by_a_newer_one_is_dropped(qtbot, demo_db):
    from app.ui.pages import regions
    page = regions.Page(demo_db)
    qtbot.addWidget(page)
    page.reads.inline_below = 0
    page.show()
    shown: list[str] = []
    page.reads.loaded.connect(lambda: shown.append(page.comparison.period.key))
    with worker_held():
        page.choose_period("all")
        page.choose_period("year")  # the newer request
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    wait_for_workers()
    assert shown == ["year"] and page.comparison.period.key == "year"
    page.close()


def test_the_status_bar_balance_follows_the_overview_read_on_the_worker(qtbot, demo_db,
                                                                        monkeypatch):
    from app.ui import page_reads
    from app.ui.window import MainWindow

    inline = MainWindow(demo_db)
    qtbot.addWidget(inline)
    expected = inline.balance_label.text()
    assert expected.startswith("@") and "balance" in expected
    monkeypatch.setattr(page_reads, "INLINE_GIFTS", 0)
    with worker_held():
        window = MainWindow(demo_db)
        qtbot.addWidget(window)
        assert window.overview.loading and window.balance_label.text() == "No earnings yet"
    qtbot.waitUntil(lambda: not window.overview.loading, timeout=10_000)
    assert window.balance_label.text() == expected
    assert window.overview.subtitle.text() == inline.overview.subtitle.text()
    window.close()
    inline.close()
