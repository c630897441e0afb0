"""The Planner page shows the service's figures: cards, the method table, the schedule,
now-or-later, the goal and calibration (offscreen, warnings as errors)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt

from app.services import rates as rates_service
from app.services.planner import GOAL_GIFTS
from app.services.reference import rate_book
from app.ui.dialogs import confirm
from app.ui.pages.planner import Page
from tests.test_planner import TODAY, demo, whale_ledger

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("no_leaked_windows")]


def cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def table_texts(model) -> list[list[str]]:
    return [[cell(model, r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def gb_page(qtbot, tmp_path):
    db, _ = demo(tmp_path, "GB")
    page = Page(db, today=TODAY)
    qtbot.addWidget(page)
    page.refresh()
    yield page
    db.close()


def test_where_you_stand_and_one_row_per_method(gb_page, qtmodeltester):
    page = gb_page
    assert page.balance_card.value.text() == "$361.04"
    assert "\u00a3270.78" in page.balance_card.detail.text()  # 361.04 x 0.75 = 270.78
    assert page.minimum_card.value.text() == "$100.00"
    assert "$1,000.00 a day" in page.minimum_card.detail.text()
    assert page.when_card.value.text() == "Now"
    # the sample's last earnings are 23 days before TODAY: a stale pattern, nothing grows
    assert "nothing was earned in the 23 days since Oct 30, 2026" in page.method_note.text()
    model = page.methods_model
    assert model.rowCount() == len(rate_book().payout_methods("GB", TODAY)) == 2
    rows = {r[0]: r for r in table_texts(model)}
    # the hand figures of tests/test_planner.py
    assert rows["PayPal"][1:] == ["$343.20", "\u00a3257.40", "Dec 7, 2026", "$17.83", "2%",
                                  "3%", "15"]
    assert rows["Bank transfer"][1:] == ["$352.84", "\u00a3264.63", "Dec 7, 2026", "$8.20",
                                         "$1.00", "2%", "15"]
    assert not page.schedule_table.isVisibleTo(page)
    qtmodeltester.check(model)


def test_a_big_balance_shows_a_schedule_with_a_fee_each(qtbot, tmp_path, qtmodeltester):
    db, _ = whale_ledger(tmp_path, "BR")
    page = Page(db, today=TODAY)
    qtbot.addWidget(page)
    page.refresh()
    assert page.balance_card.value.text() == "$2,160.98"
    assert page.schedule_table.isVisibleTo(page)
    # Bank transfer pays the most, so its schedule shows first
    assert "3 withdrawals by Bank transfer" in page.schedule_note.text()
    assert "fixed fees apply to each withdrawal" in page.schedule_note.text()
    bank = table_texts(page.schedule_model)
    assert [r[0] for r in bank] == ["Nov 22, 2026", "Nov 23, 2026", "Nov 24, 2026"]
    assert [r[1] for r in bank] == ["$1,000.00", "$1,000.00", "$160.98"]
    assert [r[2] for r in bank] == ["$1.00"] * 3
    # $1,000 - $1 - 2% spread = $979.02, x 5.40 = R$5,286.708
    assert bank[0][4:7] == ["$979.02", "R$5,286.71", "Dec 7, 2026"]
    qtmodeltester.check(page.schedule_model)
    page.methods_table.selectRow(1)  # PayPal: 2% of each $1,000
    assert "by PayPal" in page.schedule_note.text()
    assert [r[2] for r in table_texts(page.schedule_model)] == ["$20.00", "$20.00", "$3.22"]
    db.close()


def test_changing_the_goal_updates_the_result(gb_page):
    page = gb_page
    page.goal_by.setDate(QDate(2026, 12, 22))  # 30 days
    page.goal_amount.setValue(2000)
    text = page.goal_result.text()
    assert "15,371 diamonds a day" in text
    for name in GOAL_GIFTS:
        assert name in text
    assert "3,075 Finger Heart" in text and "52 Corgi" in text
    page.goal_amount.setValue(1000)
    # 1,000 GBP / 0.75 - 361.04 = 972.29 missing: / 0.005 / 30 = 6,481.9 -> 6,482
    assert "6,482 diamonds a day" in page.goal_result.text()
    assert page.goal_amount.suffix() == " GBP"


def test_waiting_shows_both_amounts_and_the_gain(gb_page):
    page = gb_page
    page.wait_method.setCurrentText("Bank transfer")
    page.wait_until.setDate(QDate(2026, 12, 6))
    text = page.wait_result.text()
    assert "$352.84" in text and "\u00a3264.63" in text  # now, as in the method table
    assert "Waiting adds" in text and "Dec 6, 2026" in text


def test_calibration_shows_the_rate_and_fee_share(gb_page):
    page = gb_page
    page.ledger_changed.connect(page.refresh)  # as the window does (it reloads every page)
    page.cal_diamonds.setValue(20_000)
    page.cal_cash.setValue(90)
    assert "$0.0045 per diamond" in page.cal_result.text()
    assert "10% of the nominal value" in page.cal_result.text()


def test_the_chart_draws_the_path_band_and_threshold(gb_page):
    chart = gb_page.chart
    xs, ys = chart.expected.getData()
    assert len(xs) == len(gb_page.plan.path.days)
    assert ys[0] == pytest.approx(361.04)
    assert chart.threshold.value() == pytest.approx(100)
    assert chart.today.isVisible()


def test_an_empty_ledger_shows_the_empty_state(qtbot, tmp_path):
    from app.store.db import open_db
    db = open_db(tmp_path / "empty.sqlite3")
    page = Page(db, today=TODAY)
    qtbot.addWidget(page)
    page.refresh()
    assert page.empty.isVisibleTo(page) and not page.scroller.isVisibleTo(page)
    db.close()


def test_a_calibration_saved_from_its_day_revalues_the_plan(qtbot, gb_page, monkeypatch):
    page = gb_page
    page.ledger_changed.connect(page.refresh)  # as the window does (it reloads every page)
    page.cal_diamonds.setValue(20_000)
    page.cal_cash.setValue(90)
    page.cal_day.setDate(QDate(2026, 10, 1))
    assert page.cal_save.isEnabled()
    assert page.cal_save.text() == "Save as my GB rate from Oct 1, 2026\u2026"
    asked: list[str] = []
    replies = iter([False, True])
    monkeypatch.setattr(confirm, "ask",
                        lambda parent, title, text, action="Yes": asked.append(text)
                        or next(replies))
    qtbot.mouseClick(page.cal_save, Qt.MouseButton.LeftButton)
    assert page.balance_card.value.text() == "$361.04"  # declined: nothing saved
    assert rates_service.user_entries(page._db).total == 0
    qtbot.mouseClick(page.cal_save, Qt.MouseButton.LeftButton)
    assert "From Oct 1, 2026 on" in asked[1] and "$0.0045 per diamond" in asked[1]
    assert "until then $0.005" in asked[1]
    # 150,631 diamonds before Oct 1 keep $0.005; the 52,577 from Oct 1 on are worth $0.0045:
    # 753.155 + 236.5965 - 655 withdrawn = 334.7515 (= 361.04 - 52,577 x 0.0005)
    assert page.balance_card.value.text() == "$334.75"
    entry = rates_service.view(page._db, region="GB", today=TODAY).in_force
    assert entry.edited and entry.value.valid_from == date(2026, 10, 1)
    assert entry.value.usd_per_diamond == Decimal("0.0045")
    # the plan now compares against the saved rate: nothing of this payout went to fees
    assert "(nominal $0.0045): 0% of the nominal" in page.cal_result.text()


def test_calibration_cannot_be_saved_without_cash(gb_page):
    page = gb_page
    page.ledger_changed.connect(page.refresh)  # as the window does (it reloads every page)
    page.cal_diamonds.setValue(20_000)
    page.cal_cash.setValue(0)
    assert not page.cal_save.isEnabled()
    assert page.cal_day.maximumDate() == QDate(TODAY.year, TODAY.month, TODAY.day)


def test_the_forecast_charts_minimum_label_fits_a_narrow_card(qtbot):
    """Seen at 1,024 x 600: the When card's chart cut "Minimum $100.00" to "nimum $100.00"."""
    from datetime import timedelta

    from app.core.forecast import BalancePath
    from app.ui.pages.planner import ForecastChart
    chart = ForecastChart()
    qtbot.addWidget(chart)
    day = date(2026, 12, 3)
    days = tuple(day + timedelta(days=i) for i in range(20))
    values = tuple(Decimal(300 + i) for i in range(20))
    chart.resize(600, 300)
    chart.show()
    chart.show_path(BalancePath(days, values, values, values), Decimal(100), None, day)
    qtbot.waitUntil(lambda: chart.threshold.label.textItem.toPlainText() == "Minimum $100.00")
    chart.resize(150, 300)
    qtbot.waitUntil(lambda: chart.threshold.label.textItem.toPlainText() == "$100.00")
    label = chart.threshold.label
    assert label.mapRectToScene(label.boundingRect()).left() >= chart.getPlotItem(
        ).getViewBox().sceneBoundingRect().left() - 1  # whole inside the plot


def test_the_forecast_charts_today_label_lies_inside_the_plot(qtbot):
    """Today is the path's first day, at the plot's left edge: its label was drawn left of
    the line, outside the plot, and showed as "y"."""
    from datetime import timedelta

    from app.core.forecast import BalancePath
    from app.ui.pages.planner import ForecastChart
    chart = ForecastChart()
    qtbot.addWidget(chart)
    day = date(2026, 12, 3)
    days = tuple(day + timedelta(days=i) for i in range(30))
    values = tuple(Decimal(40 + 3 * i) for i in range(30))
    chart.resize(500, 260)
    chart.show()
    chart.show_path(BalancePath(days, values, values, values), Decimal(100), days[20], day)
    qtbot.waitExposed(chart)
    label = chart.today.label
    plot = chart.getPlotItem().getViewBox().sceneBoundingRect()
    # placed once the view's range is applied (until then it sits at its x in seconds)
    qtbot.waitUntil(lambda: abs(label.mapRectToScene(label.boundingRect()).left()) < 10_000)
    drawn = label.mapRectToScene(label.boundingRect())
    assert label.isVisible() and label.toPlainText() == "today"
    assert plot.left() - 1 <= drawn.left() and drawn.right() <= plot.right() + 1
