"""The Regions page on the demo ledger and on an empty one, driven as a creator would
(offscreen, warnings as errors)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402

from app.ui.models.region_table import OWN_MARK, UNSOURCED  # noqa: E402
from app.ui.pages.regions import Page  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402
from tests.test_compare import TODAY  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("no_leaked_windows")]


def column(model, title: str) -> int:
    return [c.title for c in model.columns].index(title)


def cell(model, row: int, title: str, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column(model, title)), role)


def row_of(model, name: str) -> int:
    return next(r for r in range(model.rowCount()) if name in cell(model, r, "Region"))


@pytest.fixture
def page(qtbot, demo_db) -> Iterator[Page]:
    shown = Page(demo_db, today=TODAY)
    qtbot.addWidget(shown)
    shown.refresh()  # the window does this when it builds a page
    shown.resize(1080, 780)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def test_every_region_with_the_account_region_first_and_marked(page, qtmodeltester):
    model = page.model
    assert not page.showing_empty_state
    assert model.rowCount() == 10
    assert cell(model, 0, "Region") == f"{OWN_MARK} United States"
    assert not any(cell(model, r, "Region").startswith(OWN_MARK) for r in range(1, 10))
    font = cell(model, 0, "Region", Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert cell(model, 1, "Region", Qt.ItemDataRole.FontRole) is None
    assert "your region: United States (US)" in page.subtitle.text()
    qtmodeltester.check(model)


def test_the_figures_read_as_the_hand_computations(page):
    """tests/test_compare.py: $1,016.04 in every region; £762.03 in GB, of which £734.27
    arrives by bank transfer ($16.04 stays: under the minimum); the US rates are the sourced
    2025 entry, the others defaults."""
    model = page.model
    us, gb = row_of(model, "United States"), row_of(model, "United Kingdom")
    assert cell(model, us, "USD") == cell(model, gb, "USD") == "$1,016.04"
    assert cell(model, gb, "Local") == "\u00a3762.03"
    assert cell(model, gb, "Arrives") == "\u00a3734.27"
    assert "$16.04 stays: under the $100.00 minimum" in cell(
        model, gb, "Arrives", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, gb, "Method") == "Bank transfer"
    assert cell(model, us, "Fees") == "$1.00"
    assert cell(model, us, "Minimum") == "\u2713 $100"
    assert "at most $1,000.00 a day" in cell(model, us, "Minimum", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, us, "Days") == "15"
    # the rates' days in the region's tooltip; the generic defaults marked on the name
    assert cell(model, us, "Region") == f"{OWN_MARK} United States"
    assert "Rates from Feb 10, 2025" in cell(model, us, "Region", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, gb, "Region") == f"United Kingdom {UNSOURCED}"
    assert "no regional source" in cell(model, gb, "Region", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, row_of(model, "Indonesia"), "Local") == "Rp 16,866,264"
    # the diamonds and their dollars are the same everywhere: said once, in the subtitle
    assert page.table.isColumnHidden(column(model, "Diamonds"))
    assert page.table.isColumnHidden(column(model, "USD"))
    assert "203,208 diamonds, $1,016.04 in every region" in page.subtitle.text()


def test_the_fan_card_shows_the_account_region_and_follows_the_selection(page):
    assert page.fan_heading.text().endswith("United States (US)")
    text = page.fan_text()
    assert "Fans paid $2,148.20 \u2013 $3,095.01 for 203,208 coins" in text
    assert "You receive $1,016.04" in text
    assert "TikTok keeps 53% \u2013 67%" in text
    assert page.chart.bar_count() == 3  # Aug, Sep, Oct
    page.table.selectRow(row_of(page.model, "Brazil"))
    assert page.fan_heading.text().endswith("Brazil (BR)")
    assert "R$5,486.62" in page.fan_text()
    assert "converted to BRL" in page.packs_note.text()


def test_changing_the_period_changes_the_figures(page, qtbot):
    model = page.model
    page.table.selectRow(row_of(model, "Brazil"))
    button = next(b for b in page.periods.buttons() if b.text() == "30 days")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.period_key == "30d" and button.isChecked()
    us = row_of(model, "United States")
    assert cell(model, us, "USD") == "$80.16"  # Oct 24 - Nov 22: 16,032 diamonds
    assert cell(model, us, "Minimum").startswith("\u2717")  # under $100
    assert "last 30 days" in page.subtitle.text()
    assert page.chart.bar_count() == 1
    # the chosen region stays chosen
    assert page.fan_heading.text().endswith("Brazil (BR)")
    page.choose_period("all")
    assert cell(model, us, "USD") == "$1,016.04"


def test_an_empty_ledger_shows_what_to_do(qtbot, db):
    empty = Page(db, today=TODAY)
    qtbot.addWidget(empty)
    empty.refresh()
    assert empty.showing_empty_state
    assert "Open the demo" in empty.empty.text()


def test_the_window_lists_regions_after_the_planner(qtbot, demo_db):
    assert PAGES.index("Regions") == PAGES.index("Planner") + 1
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    win.show_page(PAGES.index("Regions"))
    shown = win.stack.currentWidget()
    assert isinstance(shown, Page) and not shown.showing_empty_state
    assert shown.model.rowCount() == 10
    win.close()


def test_the_chart_legend_follows_the_bars_into_the_dark_theme(page):
    from PySide6.QtWidgets import QLabel

    from app.ui.resources import DARK_SERIES, theme_charts

    legend = page.findChild(QLabel, "chartLegend")
    light = legend.text()
    assert all(colour in light for colour in DARK_SERIES)
    theme_charts(page, "dark")
    bars = page.chart.paid_more.opts["brushes"] + page.chart.received.opts["brushes"]
    dark = legend.text()
    for colour, swapped in DARK_SERIES.items():
        assert colour not in dark and swapped in dark
        assert swapped in bars  # the swatch shows what the bars now show
    theme_charts(page, "light")
    assert legend.text() == light
