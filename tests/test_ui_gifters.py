"""The Gifters page reading a big ledger in the background (offscreen), on the demo ledger.

The page reads on the GUI thread below `inline_below` gifts; these tests pass 0, so the demo
ledger goes through the ledger's worker as a 1M-gift ledger does. Expectations come from
plain SQL on the ledger file, never from the browse service the page uses."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import hold_the_worker
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.services import browse  # noqa: E402
from app.services.demo import DEMO_HANDLE  # noqa: E402
from app.services.importing import import_files  # noqa: E402
from app.ui import worker  # noqa: E402
from app.ui.models.gifter_table import COLUMNS, GifterTableModel  # noqa: E402
from app.ui.pages import gifters  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402

NY = ZoneInfo("America/New_York")
NAME, COINS = 1, 2  # columns of the leaderboard
WAIT_MS = 20_000

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


@pytest.fixture
def sql(db_path: Path, demo_db) -> Iterator[sqlite3.Connection]:
    """A separate, plain connection to the same ledger file."""
    conn = sqlite3.connect(db_path)
    yield conn
    conn.close()


@pytest.fixture
def page(qtbot, demo_db) -> Iterator[gifters.Page]:
    """The page, shown, with its leaderboard read in the background and on screen."""
    shown = gifters.Page(demo_db, inline_below=0)
    qtbot.addWidget(shown)
    shown.resize(1080, 760)
    with qtbot.waitSignal(shown.board_loaded, timeout=WAIT_MS):
        shown.show()
    yield shown
    shown.close()
    assert worker.wait_for_workers()


def top_gifter(sql: sqlite3.Connection) -> tuple[str, int]:
    return sql.execute("SELECT sender_name, sum(coins_total) FROM gifts GROUP BY sender_id"
                       " ORDER BY 2 DESC LIMIT 1").fetchone()


def row_text(page: gifters.Page, row: int) -> tuple[str, str]:
    model = page.model
    return model.data(model.index(row, NAME)), model.data(model.index(row, COINS))


def add_gifts(db, tmp_path: Path, rows: list[str]) -> None:
    """Import a small gift log, as a creator would, into the page's ledger."""
    path = tmp_path / "more_gifts.csv"
    path.write_text("timestamp,user_id,nickname,gift_id,gift_name,repeat_count,coins\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    reports = import_files(db, [path], account=DEMO_HANDLE)
    assert reports[0].inserted == len(rows)


def settle(qtbot) -> None:
    """Every job ran and reported; what it reported reached the page."""
    assert worker.wait_for_workers()
    QApplication.processEvents()


# ---- the leaderboard ---------------------------------------------------------------------------

def test_a_busy_state_shows_until_the_leaderboard_is_read(qtbot, demo_db, sql):
    page = gifters.Page(demo_db, inline_below=0)
    qtbot.addWidget(page)
    gifts = sql.execute("SELECT count(*) FROM gifts").fetchone()[0]
    with qtbot.waitSignal(page.board_loaded, timeout=WAIT_MS):
        page.show()
        # nothing has reached the GUI thread yet: the job's result waits in its event queue
        assert page.stack.currentWidget() is page.busy
        assert page.busy.text() == f"Adding up {gifts:,} gifts\u2026" == "Adding up 1,974 gifts…"
        assert page.model.rowCount() == 0 and page.loading
    assert page.stack.currentIndex() == 1 and not page.loading
    page.close()
    settle(qtbot)


def test_the_leaderboard_matches_the_ledger(page, sql):
    name, coins = top_gifter(sql)
    assert row_text(page, 0) == (name, f"{coins:,}")
    assert page.model.rowCount() == sql.execute(
        "SELECT count(DISTINCT sender_id) FROM gifts").fetchone()[0]
    assert page.top_card.value.text() == name
    assert f"{sql.execute('SELECT sum(coins_total) FROM gifts').fetchone()[0]:,} coins" in (
        page.count_card.detail.text())


def test_the_top_gifters_history_comes_with_the_leaderboard(page, sql):
    """The job that reads the board reads the selected gifter's history too: on screen at
    once, no second trip."""
    gifter = page.model.gifter_at(0)
    assert page.table.selectionModel().selectedRows()[0].row() == 0
    assert page.history_heading.text() == f"{gifter.name} \u00b7 coins per day"
    coins = sql.execute("SELECT sum(coins_total) FROM gifts WHERE sender_id = ?",
                        (gifter.sender,)).fetchone()[0]
    assert sum(page.history_chart.bars.opts["height"]) == coins


def test_selecting_a_gifter_reads_their_history_in_the_background(page, qtbot, sql):
    gifter = page.model.gifter_at(3)
    with qtbot.waitSignal(page.history_loaded, timeout=WAIT_MS):
        page.table.selectRow(3)
        assert page.history_heading.text() == gifter.name  # loading: no "coins per day" yet
        assert page.history_detail.text() == f"Adding up {gifter.gifts:,} gifts\u2026"
    coins_by_ts = sql.execute("SELECT ts, coins_total FROM gifts WHERE sender_id = ?",
                              (gifter.sender,)).fetchall()
    days = {datetime.fromtimestamp(t, NY).date() for t, _ in coins_by_ts}
    chart = page.history_chart
    assert len(chart.bars.opts["x"]) == len(days)
    assert sum(chart.bars.opts["height"]) == sum(c for _, c in coins_by_ts)
    assert page.history_heading.text() == f"{gifter.name} \u00b7 coins per day"
    assert chart.bars.opacity() == 1.0


def test_a_newer_selection_supersedes_the_older(page, qtbot):
    shown: list[str] = []
    page.history_loaded.connect(lambda: shown.append(page.history_heading.text()))
    older, newer = page.model.gifter_at(1), page.model.gifter_at(2)
    page.table.selectRow(1)
    page.table.selectRow(2)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    settle(qtbot)
    assert shown == [f"{newer.name} \u00b7 coins per day"]  # the older one never reached it
    assert older.name not in page.history_heading.text()


def test_a_refresh_after_an_import_shows_the_new_gifts(page, qtbot, demo_db, tmp_path, sql):
    _, top_coins = top_gifter(sql)
    before = page.model.rowCount()
    add_gifts(demo_db, tmp_path, ["2026-08-04T10:00:00+00:00,99,Newcomer,5660,Hand Hearts,"
                                  f"{top_coins // 100 + 1},100"])
    with qtbot.waitSignal(page.board_loaded, timeout=WAIT_MS):
        page.refresh()
        assert page.subtitle.text().startswith("Adding up 1,975 gifts")  # the old board stays
        assert page.model.rowCount() == before
    name, coins = top_gifter(sql)
    assert name == "Newcomer" and coins > top_coins
    assert row_text(page, 0) == ("Newcomer", f"{coins:,}")
    assert page.model.rowCount() == before + 1
    assert page.top_card.value.text() == "Newcomer"


def test_a_superseded_refresh_never_reaches_the_page(page, qtbot, demo_db, tmp_path, sql):
    """Two refreshes in a row (two imports back to back): only the second is shown, and it
    has the gifts of both."""
    boards: list[int] = []
    page.board_loaded.connect(lambda: boards.append(page.model.rowCount()))
    held = hold_the_worker(WAIT_MS / 1000)
    try:
        add_gifts(demo_db, tmp_path, ["2026-08-04T10:00:00+00:00,98,First,5655,Rose,1,1"])
        page.refresh()
        add_gifts(demo_db, tmp_path, ["2026-08-04T11:00:00+00:00,97,Second,5655,Rose,1,1"])
        page.refresh()
    finally:
        held.set()
    qtbot.waitUntil(lambda: bool(boards), timeout=WAIT_MS)
    settle(qtbot)
    senders = sql.execute("SELECT count(DISTINCT sender_id) FROM gifts").fetchone()[0]
    assert boards == [senders]
    names = {page.model.gifter_at(r).name for r in range(page.model.rowCount())}
    assert {"First", "Second"} <= names


def test_sorting_keeps_the_selected_gifter_and_reads_nothing(page, qtbot):
    page.table.selectRow(2)
    qtbot.waitUntil(lambda: not page.loading, timeout=WAIT_MS)
    gifter = page.model.gifter_at(2)
    page.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    assert not page.loading  # the same gifter: no second read
    rows = page.table.selectionModel().selectedRows()
    assert [page.model.gifter_at(i.row()) for i in rows] == [gifter]


def test_a_refresh_keeps_the_selected_gifter(page, qtbot):
    with qtbot.waitSignal(page.history_loaded, timeout=WAIT_MS):
        page.table.selectRow(4)
    gifter = page.model.gifter_at(4)
    with qtbot.waitSignal(page.board_loaded, timeout=WAIT_MS):
        page.refresh()
    rows = page.table.selectionModel().selectedRows()
    assert [page.model.gifter_at(i.row()).sender for i in rows] == [gifter.sender]
    assert page.history_heading.text() == f"{gifter.name} \u00b7 coins per day"


def test_the_gifter_model_passes_the_model_tester(page, qtmodeltester):
    qtmodeltester.check(page.model)


def test_a_small_ledger_is_read_at_once(qtbot, demo_db, sql):
    """Below INLINE_GIFTS the page reads on the GUI thread: no busy state flashes."""
    assert sql.execute("SELECT count(*) FROM gifts").fetchone()[0] < gifters.INLINE_GIFTS
    page = gifters.Page(demo_db)
    qtbot.addWidget(page)
    page.show()
    assert not page.loading and page.stack.currentIndex() == 1
    assert row_text(page, 0) == (top_gifter(sql)[0], f"{top_gifter(sql)[1]:,}")
    page.close()


def test_a_history_read_over_the_gifters_span_misses_no_gift(demo_db):
    """The history reads only between a gifter's first and last gift: both ends included."""
    board = browse.gifters(demo_db)
    assert board is not None
    for gifter in board.gifters:
        assert browse.history_of(demo_db, gifter).total == gifter.coins, gifter.name


# ---- closing while a job runs -------------------------------------------------------------------

def test_closing_the_page_while_it_loads_drops_the_result(qtbot, demo_db):
    page = gifters.Page(demo_db, inline_below=0)
    qtbot.addWidget(page)
    boards: list[object] = []
    page.board_loaded.connect(lambda: boards.append(page.board))
    page.show()
    assert page.loading
    page.close()
    settle(qtbot)
    assert boards == [] and worker.busy() == 0
    assert page.stack.currentWidget() is page.busy


def test_closing_the_window_while_the_gifters_page_loads(qtbot, demo_db, monkeypatch):
    monkeypatch.setattr(gifters, "INLINE_GIFTS", 0)
    window = MainWindow(demo_db)
    try:
        window.show()
        qtbot.waitExposed(window)
        window.show_page(PAGES.index("Gifters"))
        page = window.pages[PAGES.index("Gifters")]
        assert isinstance(page, gifters.Page) and page.loading
    finally:
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the page is gone now
    settle(qtbot)  # its job ends and reports to nobody
    assert worker.busy() == 0


# ---- the leaderboard's sort, against a plain one ---------------------------------------------

def _gifters(draw_rows: list[tuple[str, int, int, int]]) -> list[browse.Gifter]:
    from decimal import Decimal
    day = datetime(2026, 1, 1, tzinfo=NY)
    return [browse.Gifter(rank, f"id{rank}", name, coins, Decimal(coins) / 2,
                          Decimal(coins) / 200, gifts, lives,
                          day.replace(day=1 + gifts % 28), day.replace(day=1 + lives % 28))
            for rank, (name, coins, gifts, lives) in enumerate(draw_rows, start=1)]


_ROWS = st.lists(st.tuples(st.sampled_from(["ana", "Ana", "bo", "Zoë", "\U0001f48e", "c"]),
                           st.integers(0, 3), st.integers(1, 3), st.integers(0, 2)),
                 min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(rows=_ROWS, clicks=st.lists(st.tuples(st.integers(0, len(COLUMNS) - 1),
                                             st.booleans()), min_size=1, max_size=6),
       selected=st.integers(0, 29))
def test_any_sort_orders_like_a_plain_sort_and_keeps_the_selection(qapp, rows, clicks,
                                                                   selected):
    """Each sort of the leaderboard gives the rows a plain sort by the column gives, ties in
    rank order either way, and the selected gifter stays selected through every sort."""
    board = _gifters(rows)
    model = GifterTableModel()
    view = QTableView()
    view.setModel(model)
    model.set_gifters(board)
    chosen = board[selected % len(board)]
    view.selectRow(model.row_of(chosen.sender))
    for column, descending in clicks:
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        model.sort(column, order)
        key = COLUMNS[column].key
        plain = sorted(sorted(board, key=lambda g: g.rank), key=key, reverse=descending)
        shown = [model.gifter_at(r) for r in range(model.rowCount())]
        assert shown == plain, (COLUMNS[column].title, descending)
        picked = [model.gifter_at(i.row()) for i in view.selectionModel().selectedRows()]
        assert picked == [chosen]
    model.set_gifters(list(reversed(board)))  # a board given out of rank order is re-ranked
    assert [model.gifter_at(r) for r in range(model.rowCount())] == plain
