"""The window on the demo ledger and on an empty one, as a creator would see it (offscreen)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import __version__  # noqa: E402
from app.core.charts import BUCKETS, midnight  # noqa: E402
from app.services import accounts, importing, money_views  # noqa: E402
from app.services.dashboard import overview  # noqa: E402
from app.store import queries  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui import format as fmt  # noqa: E402
from app.ui.main import run_window  # noqa: E402
from app.ui.window import PAGES, MainWindow, about_text  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


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
    earning_days = [d for d in money_views.ledger_view(demo_db, account).days if d.usd]
    chart = window.overview.chart
    assert len(chart.bars.opts["height"]) == len(earning_days) > 30
    assert chart.threshold.value() == 100
    assert "$100.00" in chart.threshold.label.toPlainText()
    xs, ys = chart.balance.getData()
    assert ys[-1] == pytest.approx(361.04)
    assert len(chart.payouts.data) == 2  # the two sample payouts


def test_range_buttons_narrow_the_view(window, qtbot):
    chart = window.overview.chart
    window.overview.range_button("30 d").click()
    x0, x1 = chart.daily_plot.viewRange()[0]
    assert 30 <= (x1 - x0) / 86400 <= 32
    window.overview.range_button("All").click()
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
    qtbot.waitUntil(window.isActiveWindow)  # a real X server gives the focus a moment later
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
        assert "Open the demo" in page.empty.text()
        assert "Import" in page.empty.text()
        win.close()
    finally:
        db.close()


def test_screenshot_mode_writes_every_page_and_returns(qapp, tmp_path):
    out = tmp_path / "shots"
    assert run_window(db_path=None, demo=True, screenshot=str(out)) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{p.lower()}.png" for p in PAGES]
                           + ["import.png", "settings.png", "dark.png"])
    assert all(p.stat().st_size > 5_000 for p in out.iterdir())
    assert not any(isinstance(w, MainWindow) for w in QApplication.topLevelWidgets())


# ---- forecast, crosshair, buckets, presets, accounts --------------------------------------------

LAST_DEMO_DAY = date(2026, 10, 30)


def _big_payout(db, usd: str) -> None:
    """A payout on the demo's last day that takes the balance under the threshold."""
    account = accounts.resolve(db, None)
    ts = int(datetime(2026, 10, 30, 20, tzinfo=UTC).timestamp())
    queries.add_payout(db, account.id, {"requested_ts": ts, "amount": usd, "currency": "USD",
                                           "method": "PayPal", "status": "pending",
                                           "reference": "TEST"})


@pytest.fixture
def below_threshold(window, demo_db):
    """The Overview of the demo after a $300 payout ($61.04 left), as on its last day."""
    _big_payout(demo_db, "300")
    page = window.overview
    page.show_dashboard(overview(demo_db, today=LAST_DEMO_DAY))
    return page


def test_forecast_reaches_the_threshold_on_the_forecast_day(below_threshold):
    page = below_threshold
    plan = page.dashboard.plan
    assert page.balance_card.value.text() == "$61.04"
    xs, ys = page.chart.forecast_line.getData()
    balance_xs, balance_ys = page.chart.balance.getData()
    assert (xs[0], ys[0]) == (balance_xs[-1], pytest.approx(balance_ys[-1]))
    tz = ZoneInfo(accounts.resolve(page._db, None).timezone)
    assert xs[-1] == midnight(plan.threshold_date, tz)
    assert ys[-1] >= 100 > ys[-2]
    day_text = f"{plan.threshold_date:%b} {plan.threshold_date.day}"
    assert page.forecast_card.value.text().startswith(day_text)
    assert page.chart.crossing_label.isVisible()
    assert day_text in page.chart.crossing_label.toPlainText()
    assert page.caption.isVisible() and "weekday means of the last 4 weeks" in page.caption.text()


def test_forecast_band_low_curve_never_above_the_high_one(below_threshold):
    chart = below_threshold.chart
    low_x, low = chart.forecast_low.getData()
    high_x, high = chart.forecast_high.getData()
    _, line = chart.forecast_line.getData()
    assert list(low_x) == list(high_x) and len(low) > 2
    assert all(lo <= mid <= hi for lo, mid, hi in zip(low, line, high, strict=True))
    assert chart.forecast_band.path().boundingRect().height() > 0


def test_withdrawable_balance_forecasts_thirty_days_and_names_no_crossing(window):
    chart = window.overview.chart
    xs, _ys = chart.forecast_line.getData()
    assert round((xs[-1] - xs[0]) / 86400) == 30
    assert not chart.crossing_label.isVisible()


def test_crosshair_reads_the_day_under_the_mouse(window, demo_db, qtbot):
    account = accounts.resolve(demo_db, None)
    days = money_views.ledger_view(demo_db, account).days
    best = max((d for d in days if d.day > LAST_DEMO_DAY - timedelta(days=30)),
               key=lambda d: d.usd)
    chart = window.overview.chart
    x = midnight(best.day, ZoneInfo(account.timezone)) + 3 * 3600  # nearer that midnight
    y = sum(chart.balance_plot.viewRange()[1]) / 2
    scene = chart.balance_plot.vb.mapViewToScene(QPointF(x, y))
    qtbot.mouseMove(chart.viewport(), chart.mapFromScene(scene))
    qtbot.waitUntil(lambda: chart.crosshair.text.isVisible())
    text = chart.crosshair.text.toPlainText()
    assert fmt.day(best.day) in text
    assert f"Earned {fmt.usd(best.usd)}" in text
    assert chart.crosshair.lines[0].value() == midnight(best.day, ZoneInfo(account.timezone))
    summary, _ = money_views.summary(demo_db, end=best.day)
    assert f"Balance {fmt.balance(summary.balance_usd)}" in text


def test_week_bars_sum_to_the_same_total_as_day_bars(window):
    page = window.overview
    bars = page.chart.bars
    daily = list(bars.opts["height"])
    page.bucket_buttons.button(BUCKETS.index("week")).click()
    assert bars is page.chart.bars  # the same item, new data
    weekly = list(bars.opts["height"])
    assert sum(weekly) == pytest.approx(sum(daily))
    assert len(weekly) < len(daily) / 3
    assert min(bars.opts["width"]) > 4 * 86400
    page.bucket_buttons.button(BUCKETS.index("month")).click()
    assert sum(bars.opts["height"]) == pytest.approx(sum(daily))
    page.bucket_buttons.button(BUCKETS.index("day")).click()
    assert list(bars.opts["height"]) == daily


def test_seven_day_preset_sets_a_seven_day_range(window):
    page = window.overview
    page.range_button("7 d").click()
    x0, x1 = page.chart.daily_plot.viewRange()[0]
    assert 7 <= (x1 - x0) / 86400 <= 7.5
    last_x = page.chart.balance.getData()[0][-1]
    assert x0 < last_x - 4 * 86400 and last_x < x1  # mostly history, the last day in view


def test_account_picker_lists_accounts_and_switches_the_overview(window, demo_db, tmp_path):
    page = window.overview
    assert not page.account_picker.isVisibleTo(window)  # one account: nothing to pick
    accounts.add(demo_db, "second_creator", "US", "America/New_York")
    log = tmp_path / "second.csv"
    log.write_text("time,sender,gift,coins\n2026-10-20 20:00:00,Al,Lion,29999\n"
                   "2026-10-21 21:00:00,Bo,Rose,1\n", encoding="utf-8")
    importing.import_files(demo_db, [log], account="second_creator")
    page.refresh()
    picker = page.account_picker
    assert picker.isVisibleTo(window)
    assert picker.count() == 2
    assert [picker.itemData(i) for i in range(2)] == ["demo_creator", "second_creator"]
    assert picker.currentData() == "demo_creator"
    picker.setCurrentIndex(1)
    picker.activated.emit(1)
    expected, _ = money_views.summary(demo_db, account="second_creator")
    assert page.balance_card.value.text() == fmt.usd(expected.balance_usd) != "$361.04"
    assert "@second_creator" in page.subtitle.text()
    page.refresh()  # after a change to the ledger it stays on the account picked
    assert picker.currentData() == "second_creator"
    assert page.balance_card.value.text() == fmt.usd(expected.balance_usd)


def test_a_ledger_without_recent_earnings_does_not_call_its_period_the_last_30_days(
        qtbot, tmp_path):
    """Seen on Dec 3 with a log ending Oct 31: "Last 30 days: $259.80" though nothing was
    earned in the last 30 days; the card now names the days it adds up."""
    from datetime import date

    from helpers import gift_csv, ledger

    from app.services.dashboard import overview
    from app.services.importing import import_files
    from app.ui.pages.overview import OverviewPage
    db = ledger(tmp_path)
    import_files(db, [gift_csv(tmp_path / "g.csv", ["2026-10-31 20:00:00,Ann,Lion,1"])])
    page = OverviewPage(db)
    qtbot.addWidget(page)
    page.show_dashboard(overview(db, today=date(2026, 12, 3)))
    assert page.period_card.title.text() == "30 days to Oct 31, 2026"
    assert "Nothing was earned since Oct 31, 2026" in page.period_card.toolTip()
    # a week without earnings is not a stale ledger: the last 30 days run to today
    page.show_dashboard(overview(db, today=date(2026, 11, 7)))
    assert page.period_card.title.text() == "Last 30 days"
    assert page.period_card.toolTip() == ""


def test_the_overviews_last_30_days_are_the_regions_pages_30_days(tmp_path):
    """The demo ends in the week before today: the Overview counted the 30 days up to its last
    earnings, the Regions page the 30 days up to today, two sums under one name."""
    from datetime import date

    from app.services.compare import compare
    from app.services.dashboard import overview
    from app.services.demo import load_demo
    from app.services.ledger import open_db
    today = date(2026, 12, 3)
    demo_db = open_db(tmp_path / "demo.sqlite3")
    load_demo(demo_db, today)
    d = overview(demo_db, today=today)
    regions = compare(demo_db, "30d", today=today)
    assert d is not None and d.period is not None and regions is not None
    assert d.period.end == regions.period.end == today
    assert d.period.usd == regions.row(regions.region).usd
