"""The Gifts and Gifters pages on the demo ledger, as a creator would use them (offscreen).

Expectations come from plain SQL on the ledger file that the sample gift log was imported
into, never from the browse service the pages use."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, QItemSelectionModel, QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.store.db import open_db  # noqa: E402
from app.ui.models import gift_table  # noqa: E402
from app.ui.pages import gifters, gifts  # noqa: E402

GIFT, COINS = 2, 3  # columns of the Gifts table
NY = ZoneInfo("America/New_York")


pytestmark = pytest.mark.usefixtures("no_leaked_windows")


@pytest.fixture
def sql(db_path: Path, demo_db) -> Iterator[sqlite3.Connection]:
    """A separate, plain connection to the same ledger file."""
    conn = sqlite3.connect(db_path)
    yield conn
    conn.close()


def _shown(qtbot, page):
    qtbot.addWidget(page)
    page.resize(1080, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def gifts_page(qtbot, demo_db) -> gifts.Page:
    page = _shown(qtbot, gifts.Page(demo_db))
    yield page
    page.model.close()


@pytest.fixture
def gifters_page(qtbot, demo_db) -> gifters.Page:
    return _shown(qtbot, gifters.Page(demo_db))


def _column(model, column: int, rows: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(rows)]


# ---- Gifts --------------------------------------------------------------------------------------

def test_every_gift_is_a_row_newest_first(gifts_page, sql):
    model = gifts_page.model
    assert model.rowCount() == 1974 == sql.execute("SELECT count(*) FROM gifts").fetchone()[0]
    newest = sql.execute("SELECT max(ts) FROM gifts").fetchone()[0]
    local = datetime.fromtimestamp(newest, NY)
    assert model.data(model.index(0, 0)).endswith(f"{local:%H:%M}")
    assert "1,974 gifts" in gifts_page.totals.text() and "$1,013.52" in gifts_page.totals.text()
    assert not gifts_page.showing_empty_state


def test_the_table_reads_only_the_pages_it_shows(gifts_page, qtbot):
    model = gifts_page.model
    assert model.cached_rows <= 2 * gift_table.PAGE_ROWS
    gifts_page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.row_at(1973) is not None)
    assert model.cached_rows < 1974 and model.pages_read <= 4


def test_filtering_by_a_sender_leaves_exactly_their_gifts(gifts_page, sql):
    sender_id, name, count = sql.execute(
        "SELECT sender_id, sender_name, count(*) FROM gifts WHERE sender_name = 'Zoex'"
        " GROUP BY 1, 2").fetchone()
    gifts_page.filter_sender(sender_id, name)
    model = gifts_page.model
    assert model.rowCount() == count == 128
    assert set(_column(model, 1, count)) == {"Zoex"}
    assert gifts_page.sender_chip.isVisible() and "Zoex" in gifts_page.sender_chip.text()
    assert f"{count} of 1,974 gifts" in gifts_page.totals.text()
    gifts_page.sender_chip.click()
    assert model.rowCount() == 1974 and not gifts_page.sender_chip.isVisible()


def test_typing_in_search_filters_sender_or_gift(gifts_page, qtbot, sql):
    expected = sql.execute("SELECT count(*) FROM gifts WHERE sender_name LIKE '%leo%'"
                           " OR gift_name LIKE '%leo%'").fetchone()[0]
    qtbot.keyClicks(gifts_page.search, "Leo")
    qtbot.waitUntil(lambda: gifts_page.model.rowCount() == expected, timeout=2000)
    assert 0 < expected < 1974


def test_gift_and_date_filters(gifts_page, sql):
    roses = sql.execute("SELECT count(*) FROM gifts WHERE gift_name = 'Rose'").fetchone()[0]
    gifts_page.filter_gift("Rose")
    assert gifts_page.model.rowCount() == roses
    gifts_page.clear_filters()
    start, end = datetime(2026, 9, 1, tzinfo=NY), datetime(2026, 9, 8, tzinfo=NY)
    expected = sql.execute("SELECT count(*) FROM gifts WHERE ts >= ? AND ts < ?",
                           (start.timestamp(), end.timestamp())).fetchone()[0]
    gifts_page.start_edit.setDate(QDate(2026, 9, 1))
    gifts_page.end_edit.setDate(QDate(2026, 9, 7))
    gifts_page.apply_filters()
    assert gifts_page.model.rowCount() == expected > 0


def test_no_match_says_so(gifts_page):
    gifts_page.search.setText("no such gifter anywhere")
    gifts_page.apply_filters()
    assert gifts_page.model.rowCount() == 0
    assert gifts_page.no_match.isVisible() and "no gifts match" in gifts_page.totals.text()


def test_clicking_coins_sorts_the_lion_first(gifts_page, qtbot):
    header = gifts_page.table.horizontalHeader()
    x = header.sectionViewportPosition(COINS) + header.sectionSize(COINS) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    model = gifts_page.model
    assert (model.data(model.index(0, GIFT)), model.data(model.index(0, COINS))) == \
        ("Lion", "29,999")
    assert model.data(model.index(0, 5)) == "$150.00"
    assert model.headerData(COINS, Qt.Orientation.Horizontal).startswith("\u25be")
    coins = [int(c.replace(",", "")) for c in _column(model, COINS, 50)]
    assert coins == sorted(coins, reverse=True)


def test_sorting_by_sender_pages_through_everyone(gifts_page, sql):
    table = gifts_page.table
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    model = gifts_page.model
    names = sorted(r[0] for r in sql.execute("SELECT sender_name FROM gifts"))
    assert _column(model, 1, 1974) == names


def test_ctrl_c_copies_the_selected_rows_with_a_header(gifts_page, qtbot):
    table = gifts_page.table
    table.sortByColumn(COINS, Qt.SortOrder.DescendingOrder)
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 1, 5):
        selection.select(gifts_page.model.index(row, 0), flags)
    QApplication.clipboard().clear()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0] == "Time\tSender\tGift\tCoins\tDiamonds\tUSD\tCount\tLIVE"
    assert len(lines) == 4
    lion = lines[1].split("\t")
    assert lion[2:7] == ["Lion", "29999", "29999", "150.00", "1"]
    assert lion[0].count(":") == 2  # a full time a spreadsheet reads


def test_gift_mix_chart_shows_top_ten_and_other(gifts_page, sql):
    chart = gifts_page.mix_chart
    top = sql.execute("SELECT gift_name, sum(coins_total) FROM gifts GROUP BY 1"
                      " ORDER BY 2 DESC, 1 LIMIT 10").fetchall()
    assert [(s.gift, s.coins) for s in chart.slices[:10]] == top
    assert chart.slices[10].gift.startswith("Other")
    assert list(chart.bars.opts["width"]) == [s.coins for s in chart.slices]
    assert chart.labels[0].toPlainText().startswith("29,999")


def test_the_gift_model_passes_the_model_tester(gifts_page, qtmodeltester):
    qtmodeltester.check(gifts_page.model)
    gifts_page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # a snapshot sort
    qtmodeltester.check(gifts_page.model)
    gifts_page.search.setText("no such gifter anywhere")
    gifts_page.apply_filters()
    qtmodeltester.check(gifts_page.model)


# ---- Gifters ----------------------------------------------------------------------------------

def test_leaderboard_top_entry_is_the_biggest_gifter(gifters_page, sql):
    name, coins = sql.execute("SELECT sender_name, sum(coins_total) FROM gifts"
                              " GROUP BY sender_id ORDER BY 2 DESC LIMIT 1").fetchone()
    model = gifters_page.model
    assert model.rowCount() == sql.execute(
        "SELECT count(DISTINCT sender_id) FROM gifts").fetchone()[0]
    assert [model.data(model.index(0, c)) for c in range(3)] == ["1", name, f"{coins:,}"]
    usd = (Decimal(coins) / 200).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert model.data(model.index(0, 4)) == f"${usd:,}" == "$340.63"  # $0.005 a diamond
    assert gifters_page.top_card.value.text() == name


def test_top_ten_share_headline(gifters_page, sql):
    totals = [r[0] for r in sql.execute("SELECT sum(coins_total) FROM gifts GROUP BY sender_id"
                                        " ORDER BY 1 DESC")]
    share = Decimal(sum(totals[:10])) * 100 / sum(totals)
    expected = f"{share.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"
    assert gifters_page.share_card.value.text() == expected == "86%"
    assert f"{sum(totals):,} coins" in gifters_page.share_card.detail.text()


def test_selecting_a_gifter_shows_their_history(gifters_page, sql):
    model = gifters_page.model
    gifters_page.table.selectRow(1)
    gifter = model.gifter_at(1)
    coins_by_ts = sql.execute("SELECT ts, coins_total FROM gifts WHERE sender_id = ?",
                              (gifter.sender,)).fetchall()
    days = {datetime.fromtimestamp(t, NY).date() for t, _ in coins_by_ts}
    chart = gifters_page.history_chart
    assert len(chart.bars.opts["x"]) == len(days)
    assert sum(chart.bars.opts["height"]) == sum(c for _, c in coins_by_ts)
    assert gifter.name in gifters_page.history_heading.text()


def test_sorting_the_leaderboard_keeps_the_selected_gifter(gifters_page):
    model, table = gifters_page.model, gifters_page.table
    table.selectRow(0)
    top = model.gifter_at(0).name
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    names = [model.gifter_at(r).name.casefold() for r in range(model.rowCount())]
    assert names == sorted(names)
    selected = table.selectionModel().selectedRows()
    assert [model.gifter_at(i.row()).name for i in selected] == [top]


def test_the_gifter_model_passes_the_model_tester(gifters_page, qtmodeltester):
    qtmodeltester.check(gifters_page.model)


# ---- an empty ledger ----------------------------------------------------------------------------

def test_empty_ledger_pages_say_what_to_do(qtbot, db_path):
    db = open_db(db_path)
    try:
        for page_class in (gifts.Page, gifters.Page):
            page = _shown(qtbot, page_class(db))
            assert page.showing_empty_state
            assert "Open the demo" in page.empty.text()
            page.close()
    finally:
        db.close()


def test_a_hidden_page_loads_when_shown(qtbot, demo_db):
    page = gifters.Page(demo_db)
    qtbot.addWidget(page)
    page.refresh()
    assert page.model.rowCount() == 0  # not shown yet: nothing read
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == 78
