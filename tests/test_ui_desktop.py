"""The window behaves like a desktop app: a status bar, F5, Ctrl+F, header tooltips."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import GIFT_HEADER, write
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QFrame, QLineEdit, QTableView

from app.services import importing
from app.services.money_views import summary
from app.ui import format as fmt
from app.ui.dialogs import confirm
from app.ui.geometry import FRAME, fit_on_screen, fitting_size
from app.ui.header_tips import TIPS
from app.ui.settings import Settings
from app.ui.tablemodels import Column, RowsModel, table_view
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.side_by_side import SideBySide
from app.ui.window import DEFAULT_SIZE, PAGES, WATCH_MS, MainWindow
from app.ui.worker import busy, wait_for_workers


def focus(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # a real X server gives the focus a moment later


def gift_log(folder: Path, coins: int = 5000) -> Path:
    """A one-gift log, new to the demo ledger."""
    return write(folder / f"whale-{coins}.csv",
                 f"{GIFT_HEADER}\n2026-08-03 12:00:00,NewWhale,Universe,{coins}\n")


def test_the_status_bar_shows_the_ledger_file_and_the_balance_the_cli_reports(
        qtbot, demo_db, db_path):
    window = MainWindow(demo_db, f"Ledger: {db_path}")
    qtbot.addWidget(window)
    window.show()
    assert window.ledger_label.full_text() == f"Ledger: {db_path}"
    assert window.ledger_label.toolTip() == f"Ledger: {db_path}"
    s, _ = summary(demo_db)
    assert fmt.balance(s.balance_usd) in window.balance_label.text()
    assert fmt.diamonds(s.balance_diamonds) in window.balance_label.text()


def test_a_long_ledger_path_is_shortened_not_widening_the_window(qtbot, demo_db):
    long_path = "Ledger: /" + "/".join(["a-very-long-folder-name"] * 20) + "/ledger.sqlite3"
    short, long = MainWindow(demo_db, "Ledger: /l.sqlite3"), MainWindow(demo_db, long_path)
    for window in (short, long):
        qtbot.addWidget(window)
        window.show()
    assert long.minimumSizeHint().width() == short.minimumSizeHint().width()
    assert "\u2026" in long.ledger_label.text()
    assert long.ledger_label.full_text() == long_path


def test_an_empty_ledger_says_so_in_the_status_bar(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.balance_label.text() == "No earnings yet"


def test_f5_reloads_the_shown_page_and_the_balance(window, qtbot, demo_db, tmp_path):
    focus(window, qtbot)
    window.show_page(PAGES.index("Gifts"))
    gifts = window.page(PAGES.index("Gifts"))
    qtbot.waitUntil(lambda: gifts.model.rowCount() > 0)
    before = gifts.model.rowCount()
    balance = window.balance_label.text()
    importing.import_files(demo_db, [gift_log(tmp_path)], kind="gifts")  # the window is not told
    assert gifts.model.rowCount() == before
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: gifts.model.rowCount() == before + 1)
    assert window.balance_label.text() != balance


def test_ctrl_f_puts_the_cursor_in_the_shown_pages_search(window, qtbot):
    focus(window, qtbot)
    rates = window.page(PAGES.index("Rates"))
    rates.show_section(1)  # the gift catalogue, which has a search
    for name in ("Gifts", "Rates"):
        window.show_page(PAGES.index(name))
        page = window.page(PAGES.index(name))
        qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        box = QApplication.focusWidget()
        assert isinstance(box, QLineEdit) and box.objectName() == "searchBox"
        assert page.isAncestorOf(box) and box.isVisible()
        qtbot.keyClicks(box, "rose")
        assert box.text() == "rose"
    gifts = window.page(PAGES.index("Gifts"))  # its search runs once typing pauses
    qtbot.waitUntil(lambda: not gifts._search_timer.isActive() and busy() == 0)


def test_ctrl_f_on_a_page_without_search_says_so(window, qtbot):
    focus(window, qtbot)
    window.show_page(PAGES.index("Payouts"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "This page has no search field"


def test_every_column_title_of_every_table_has_a_tooltip(window):
    explained = 0
    for page in window.pages:
        for view in page.findChildren(QTableView):
            if view.objectName() not in ("dataTable", "giftTable", "gifterTable"):
                continue  # a date edit's calendar
            model = view.model()
            for column in range(model.columnCount()):
                title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
                tip = model.headerData(column, Qt.Orientation.Horizontal,
                                       Qt.ItemDataRole.ToolTipRole)
                if not title.strip():
                    continue
                assert tip, f"{type(page).__module__}: column {title!r} has no tooltip"
                explained += any(tip.startswith(t) for t in TIPS.values())
    assert explained > 60  # most titles are explained, not merely repeated


def test_the_gifts_tables_titles_say_what_the_figures_are(window):
    gifts = window.pages[PAGES.index("Gifts")].model
    titles = {gifts.columns[i].title: gifts.headerData(i, Qt.Orientation.Horizontal,
                                                       Qt.ItemDataRole.ToolTipRole)
              for i in range(gifts.columnCount())}
    assert titles["Diamonds"].startswith("Diamonds you received")
    assert "Click to sort" in titles["Coins"]


# ---- live refresh --------------------------------------------------------------------------

def test_an_import_from_the_command_line_shows_in_the_open_window_within_2_s(
        window, qtbot, db_path, tmp_path):
    window.show_page(PAGES.index("Gifts"))
    gifts = window.page(PAGES.index("Gifts"))
    qtbot.waitUntil(lambda: gifts.model.rowCount() > 0)
    before, balance = gifts.model.rowCount(), window.balance_label.text()
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(db_path), "import",
                           str(gift_log(tmp_path)), "--kind", "gifts", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imports"][0]["inserted"] == 1
    qtbot.waitUntil(lambda: gifts.model.rowCount() == before + 1, timeout=2000)
    assert window.balance_label.text() != balance


def test_the_windows_own_change_reloads_once_not_again_when_the_watch_sees_it(
        window, qtbot, monkeypatch):
    monkeypatch.setattr(confirm, "ask", lambda *_args: True)  # "Delete payout?" Yes
    reloads = []
    overview_refresh = window.overview.refresh
    window.overview.refresh = lambda: (reloads.append(1), overview_refresh())
    window.show_page(PAGES.index("Payouts"))
    payouts_page = window.page(PAGES.index("Payouts"))
    payouts_page.table.selectRow(0)
    payouts_page.delete_button.click()
    wait_for_workers()  # the delete is written on the worker, then every page reloads
    assert reloads == [1]
    qtbot.wait(4 * WATCH_MS)  # the watch looked several times meanwhile
    assert reloads == [1]


def test_a_change_made_while_the_window_is_closed_shows_when_it_opens_again(
        window, qtbot, demo_db, tmp_path):
    window.close()
    importing.import_files(demo_db, [gift_log(tmp_path, 7000)], kind="gifts")
    balance = window.balance_label.text()
    window.show()
    qtbot.waitUntil(lambda: window.balance_label.text() != balance, timeout=2000)


# ---- any screen ----------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(x=st.integers(-5000, 5000), y=st.integers(-5000, 5000), w=st.integers(1, 6000),
       h=st.integers(1, 6000), ax=st.integers(-2000, 2000), ay=st.integers(-2000, 2000),
       aw=st.integers(640, 4000), ah=st.integers(480, 3000))
def test_a_fitted_window_lies_inside_the_screen_and_one_already_inside_stays_put(
        x, y, w, h, ax, ay, aw, ah):
    available, frame = QRect(ax, ay, aw, ah), QRect(x, y, w, h)
    fitted = fit_on_screen(frame, available)
    assert available.contains(fitted)
    assert fitted.width() == min(w, aw) and fitted.height() == min(h, ah)
    if available.contains(frame):
        assert fitted == frame


def test_a_window_saved_off_screen_comes_back_on_the_screen(qtbot, demo_db):
    settings = Settings()
    first = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(first)
    first.setGeometry(6000, 4000, 2600, 1900)  # on a big screen since unplugged
    first.close()
    second = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(second)
    second.show()
    available = second.screen().availableGeometry()
    placed = second.geometry()
    assert available.contains(placed.topLeft())
    assert placed.width() <= max(available.width(), second.minimumSizeHint().width())
    assert placed.height() <= max(available.height(), second.minimumSizeHint().height())
    second.setGeometry(available.right() + 500, available.bottom() + 500, 900, 500)
    second.keep_on_screen()  # what restoring does after Qt's own placement
    assert available.contains(second.geometry().topLeft())
    assert available.contains(second.geometry().bottomLeft())
    second.close()


def test_a_first_start_opens_a_window_that_fits_its_screen(qtbot, demo_db):
    """No size saved yet (a first start): the window opens at its default 1,280 x 800 only
    where the screen has room, else at the screen's size less a frame (a 1,024 x 600 netbook
    had the status bar under its edge). Offscreen the screen is 800 x 800: the window is
    made smaller; on CI's 1,920 x 1,080 X server it keeps the default."""
    window = MainWindow(demo_db, settings=Settings())
    qtbot.addWidget(window)
    window.show()
    available = window.screen().availableGeometry()
    wanted = QSize(min(DEFAULT_SIZE.width(), available.width() - FRAME[0]),
                   min(DEFAULT_SIZE.height(), available.height() - FRAME[1]))
    assert window.size() == wanted.expandedTo(window.minimumSizeHint())
    window.close()
    assert fitting_size(DEFAULT_SIZE, QRect(0, 0, 1024, 600)) == QSize(1008, 552)
    assert fitting_size(DEFAULT_SIZE, QRect(0, 0, 1920, 1080)) == DEFAULT_SIZE


SCREEN_FIT = Path(__file__).with_name("screen_fit.py")
# The columns a creator reads a table by, in the order shown: at 1,024 px each lies wholly
# inside its table, the table scrolled fully left.
KEY_COLUMNS = {
    "Gifts": ["Time", "Sender", "Gift", "Coins", "Diamonds", "USD"],
    "Gifters": ["#", "Gifter", "Coins", "Diamonds", "USD", "Gifts"],
    "LIVEs": ["Start", "Length", "Official", "Logged", "Gap", "USD"],
    "Payouts": ["Requested", "Paid", "Status", "Amount", "USD"],
    "Imports": ["Import", "File", "Kind", "When", "Status", "New", "Duplicate", "Rejected"],
    "Planner": ["Method", "Net USD", "Arrives", "Costs"],
    "Regions": ["Region", "Local", "Arrives", "Method", "Fees"],  # USD: the same everywhere
}
# At 1,024 px every column of every table fits its table, also where the account's currency
# adds a column after each USD one (the narrow side panel leaves them room); at 960 x 540
# too in USD (there a GB account's Gifts and LIVEs need their table's scroll bar, 64 and
# 48 px short: not a case here).
# where the account's currency (when not USD) has a column: after which, and titled how
LOCAL_COLUMNS = {"Gifts": ("USD", "{}"), "LIVEs": ("USD", "{}"), "Payouts": ("USD", "{}"),
                 "Planner": ("Net USD", "Net {}")}
NAME_COLUMNS = {"Sender": 120, "Gifter": 120, "File": 90}  # a name cut to "…" says nothing


def screen_fit(scale: int, theme: str, screen: tuple[int, int], tmp_path: Path,
               region: str = "US") -> dict[str, Any]:
    """The window started as the app starts (tests/screen_fit.py) in a fresh process, where
    QT_SCALE_FACTOR is read. Offscreen, on a screen of `screen` logical pixels (x `scale`
    device pixels); on a real display (QT_QPA_PLATFORM=xcb), the display's own screen. The
    window is sized to 1,024 x 600 or the screen's available geometry when smaller."""
    env = dict(os.environ, QT_SCALE_FACTOR=str(scale))
    if env.get("QT_QPA_PLATFORM", "offscreen").startswith("offscreen"):
        config = tmp_path / "screen.json"
        config.write_text(json.dumps({"screens": [{
            "name": "laptop", "x": 0, "y": 0, "width": screen[0] * scale,
            "height": screen[1] * scale,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    done = subprocess.run([sys.executable, str(SCREEN_FIT), "--theme", theme,
                           "--region", region], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


@pytest.mark.parametrize(("scale", "theme", "screen", "region"), [
    (1, "light", (1024, 600), "US"), (1, "dark", (1024, 600), "US"),
    (2, "light", (1024, 600), "US"),
    (2, "dark", (960, 540), "US"),  # 1,920 x 1,080 at 200 %: what Xvfb's default screen gives
    (1, "light", (1024, 600), "GB"),  # a column of pounds after each USD one
])
def test_every_page_fits_1024_by_600_without_scrolling_sideways(scale, theme, screen, region,
                                                                tmp_path):
    seen = screen_fit(scale, theme, screen, tmp_path, region)
    currency = {"US": None, "GB": "GBP"}[region]
    assert seen["scale"] == scale
    available = seen["available"]
    assert seen["asked"] == [min(1024, available[0]), min(600, available[1])]
    width, height = seen["asked"]
    assert seen["minimum"][0] <= width and seen["minimum"][1] <= height, seen["minimum"]
    assert seen["window"] == [width, height]
    assert seen["average_char_width"] < 10  # the emoji font is not in the app font's widths
    assert seen["cards_columns"] in (2, 4)  # the four cards in whole rows (or one)
    # the import dialog (1,280 x 800 where there is room) fits the screen with its frame
    dialog, narrowest = seen["import_dialog"], seen["import_dialog_minimum"]
    assert dialog[0] <= available[0] and dialog[1] <= available[1], dialog
    assert narrowest[0] <= available[0] and narrowest[1] <= available[1], narrowest
    # below 1,180 px the side panel is narrow: every page name still shows whole
    assert seen["side_panel"] < 120 and seen["sidebar_needs"] <= seen["sidebar_room"], seen
    for name, page in seen["pages"].items():
        assert page["problems"] == [], name
        for table in page["tables"]:  # a low window scrolls the page down, not the rows away
            shown = table["rows_shown"]
            assert shown >= min(table["rows"], 3), f"{name}: {shown} of {table['rows']} rows"
            for column in table["columns"]:  # figures, days, words: never cut to "…"
                cut = column["right"] - column["left"] < column["content"]
                assert column["free"] or not cut, f"{name}: {column['title']} is elided"
    if width < 1024:
        return  # a narrower screen: the key columns may need the table's scroll bar
    for name, titles in KEY_COLUMNS.items():
        keys = list(titles)
        if currency is not None and name in LOCAL_COLUMNS:
            after, title = LOCAL_COLUMNS[name]
            keys.insert(keys.index(after) + 1, title.format(currency))
        table = seen["pages"][name]["tables"][0]
        assert table["in_view"] >= 90, f"{name}: the table is below the fold"  # 2 rows
        columns = table["columns"]
        assert [c["title"] for c in columns[:len(keys)]] == keys, name
        for column in columns[:len(keys)]:
            assert column["right"] <= table["viewport"], f"{name}: {column['title']} is cut"
            width = column["right"] - column["left"]
            if column["title"] in NAME_COLUMNS:  # a long name may end in "…"; not every name
                assert width >= NAME_COLUMNS[column["title"]], f"{name}: {column['title']}"
            elif column["title"] != "Gift":  # figures and times: never cut to "…"
                assert width >= column["content"], f"{name}: {column['title']} is elided"


def test_a_table_fits_its_width_the_free_text_ending_in_dots_and_the_figures_whole(qtbot):
    """A LIVE's long title ends in "…" (whole in its tooltip) so that the table fits its
    width, its figures whole; on a wider window it shows whole; on one too narrow even for
    that the table scrolls sideways, the title kept at its least width (not a few pixels)."""
    long = "Late night chat with everyone who stayed up for the countdown " * 2
    model: RowsModel[tuple[str, int]] = RowsModel([
        Column("Title", lambda r: r[0], fill=90),
        Column("Official", lambda r: f"{r[1]:,}", True)])
    model.set_rows([(long, 123_456), ("Short", 7)])
    view = table_view(model)
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: header.length() == view.viewport().width())
    assert not view.horizontalScrollBar().isVisible()
    assert header.sectionSize(1) >= view.sizeHintForColumn(1)  # 123,456 whole
    assert header.sectionSize(0) < view.sizeHintForColumn(0)  # the title shortened...
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip == long  # ...and whole in its tooltip
    view.resize(view.sizeHintForColumn(0) + 300, 200)
    qtbot.waitUntil(lambda: header.sectionSize(0) >= view.sizeHintForColumn(0))
    assert header.length() == view.viewport().width()
    view.resize(110, 200)
    qtbot.waitUntil(view.horizontalScrollBar().isVisible)
    assert header.sectionSize(0) >= 90 and header.sectionSize(1) >= view.sizeHintForColumn(1)


def test_cards_side_by_side_stack_when_a_share_is_too_narrow(qtbot):
    chart, table = QFrame(), QFrame()
    row = SideBySide([chart, table], [lambda: 200, lambda: 400], [1, 2], spacing=10,
                     last_on_top=True)
    qtbot.addWidget(row)
    row.resize(700, 300)  # 230 and 460: both fit
    row.show()
    qtbot.waitExposed(row)
    assert not row.stacked and chart.x() < table.x()
    row.resize(500, 300)  # 163 and 326: stacked, the table on top, each the whole width
    qtbot.waitUntil(lambda: row.stacked and table.y() < chart.y())
    assert table.width() == chart.width() == 500
    assert row.minimumSizeHint().width() <= 500  # the window can still be that narrow


# ---- empty states --------------------------------------------------------------------------

def test_an_empty_ledgers_pages_offer_import_and_the_demo_as_buttons(qtbot, db, monkeypatch):
    from app.ui import window as window_module
    from app.ui.dialogs import import_dialog
    chosen, demos = [], []
    monkeypatch.setattr(import_dialog, "choose_files",
                        lambda parent, start="": chosen.append(1) or [])
    monkeypatch.setattr(window_module, "start_demo", lambda: demos.append(1) or True)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    for name in ("Overview", "Gifts", "Gifters", "Imports", "Planner", "Regions"):
        window.show_page(PAGES.index(name))
        empty = next(e for e in window.page(PAGES.index(name)).findChildren(EmptyState)
                     if e.isVisible())
        assert "diamond-ledger" not in empty.text()  # no command to type
        qtbot.mouseClick(empty.import_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(empty.demo_button, Qt.MouseButton.LeftButton)
    assert len(chosen) == len(demos) == 6

