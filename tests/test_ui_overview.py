"""The window on the demo ledger and on an empty one, as a creator would see it (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import __version__  # noqa: E402
from app.services import accounts, money_views  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui.main import run_window  # noqa: E402
from app.ui.window import PAGES, MainWindow, about_text  # noqa: E402


@pytest.fixture(autouse=True)
def _no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


@pytest.fixture
def demo_db(db_path: Path) -> Iterator[object]:
    db = open_db(db_path)
    load_demo(db)
    yield db
    db.close()


@pytest.fixture
def window(qtbot, demo_db) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_balance_card_shows_the_sample_balance(window):
    card = window.overview.balance_card
    assert card.value.text() == "$361.04"
    assert "72,208 diamonds" in card.detail.text()
    assert not window.overview.showing_empty_state


def test_demo_is_withdrawable_and_the_cards_say_so(window):
    page = window.overview
    assert page.threshold_card.value.text() == "Withdrawable now"
    assert page.threshold_card.bar.value() == 100
    assert page.period_card.value.text().startswith("$")
    assert "vs previous 30 days" in page.period_card.detail.text()


def test_chart_has_one_bar_per_day_with_earnings_and_the_threshold(window, demo_db):
    account = accounts.resolve(demo_db, None)
    earning_days = [d for d in money_views.valued(demo_db, account).days if d.usd]
    chart = window.overview.chart
    assert len(chart.bars.opts["height"]) == len(earning_days) > 30
    assert chart.threshold.value() == 100
    assert "$100.00" in chart.threshold.label.toPlainText()
    xs, ys = chart.balance.getData()
    assert ys[-1] == pytest.approx(361.04)
    assert len(chart.payouts.data) == 2  # the two sample payouts


def test_range_buttons_narrow_the_view(window, qtbot):
    chart = window.overview.chart
    buttons = window.overview.range_buttons
    buttons.button(0).click()  # 30 d
    x0, x1 = chart.daily_plot.viewRange()[0]
    assert 30 <= (x1 - x0) / 86400 <= 32
    buttons.button(3).click()  # all
    x0, x1 = chart.daily_plot.viewRange()[0]
    assert (x1 - x0) / 86400 > 85


def test_every_page_is_a_real_page_that_refreshes(window):
    for i, name in enumerate(PAGES):
        window.show_page(i)
        assert window.stack.currentWidget() is window.pages[i]
        assert type(window.pages[i]).__module__ == f"app.ui.pages.{name.lower()}"
        assert callable(window.pages[i].refresh)


def test_ctrl_digit_switches_pages(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 2
    assert window.sidebar.currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.overview
    shortcuts = {a.shortcut().toString() for a in window.findChildren(QAction)}
    assert {f"Ctrl+{i}" for i in range(1, 7)} | {"Ctrl+Q"} <= shortcuts


def test_about_names_the_version():
    assert __version__ in about_text()


def test_empty_ledger_shows_what_to_do(qtbot, db_path):
    db = open_db(db_path)
    try:
        win = MainWindow(db)
        qtbot.addWidget(win)
        page = win.overview
        assert page.showing_empty_state
        assert page.stack.currentWidget().isVisibleTo(win)
        assert "diamond-ledger --demo" in page.empty.text()
        assert "Import" in page.empty.text()
        win.close()
    finally:
        db.close()


def test_screenshot_mode_writes_every_page_and_returns(qapp, tmp_path):
    out = tmp_path / "shots"
    assert run_window(db_path=None, demo=True, screenshot=str(out)) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{p.lower()}.png" for p in PAGES] + ["import.png"])
    assert all(p.stat().st_size > 5_000 for p in out.iterdir())
    assert not any(isinstance(w, MainWindow) for w in QApplication.topLevelWidgets())
