"""The pages that show cash show it in the account's currency too (GBP for the demo moved to
the United Kingdom, at 0.75 per USD), say which rates they used, and show USD only for a US
account. Read from labels and model data, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from app.services import payouts as payout_service  # noqa: E402
from app.services.demo import DEMO_HANDLE  # noqa: E402
from app.store import queries  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")
GB_RATES = "Rates used: GB rates from 2020-01-01 \u00b7 $0.005 per diamond \u00b7 GBP at 0.75"


def move_demo(db, region: str) -> None:
    account = queries.account_by_handle(db, DEMO_HANDLE)
    assert account is not None
    queries.update_account(db, account.id, region, account.timezone)


def open_window(qtbot, db) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def gb_window(qtbot, demo_db) -> Iterator[MainWindow]:
    move_demo(demo_db, "GB")
    win = open_window(qtbot, demo_db)
    yield win
    win.close()


@pytest.fixture
def us_window(qtbot, demo_db) -> Iterator[MainWindow]:
    win = open_window(qtbot, demo_db)
    yield win
    win.close()


def page(window: MainWindow, name: str):
    index = PAGES.index(name)
    window.show_page(index)
    return window.pages[index]


def titles(model) -> list[str]:
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def column(model, title: str) -> list[str]:
    at = [t.strip(" \u25b4\u25be") for t in titles(model)].index(title)
    return [model.data(model.index(r, at)) for r in range(model.rowCount())]


def test_overview_cards_show_pounds_and_the_rates_line(gb_window):
    o = gb_window.overview
    assert o.balance_card.value.text() == "$361.04"
    assert o.balance_card.detail.text().startswith("\u00a3270.78 at today's rate")  # x 0.75
    # Oct 1-30: $262.885 x 0.75 = 197.16375
    assert o.period_card.detail.text().startswith("\u00a3197.16 \u00b7 ")
    assert o.rates.text() == GB_RATES + " (shipped 2026-01-01)"


def test_overview_crosshair_reads_pounds(gb_window):
    chart = gb_window.overview.chart
    point = next(p for p in chart.series.points if p.day == date(2026, 10, 29))
    html = chart.describe(point)
    assert "Earned $36.28 \u00b7 \u00a327.21" in html  # 7,256 diamonds x $0.005 x 0.75


def test_lives_table_has_a_pound_column(gb_window):
    live = page(gb_window, "LIVEs")
    usd, gbp = column(live.model, "USD"), column(live.model, "GBP")
    assert len(gbp) == 45
    # the first LIVE of the sample (Aug 2, 3,014 official diamonds) = $15.07 = 11.3025 GBP
    starts = column(live.model, "Start")
    first = starts.index(next(s for s in starts if "Aug 2, 2026" in s))
    assert (usd[first], gbp[first]) == ("$15.07", "\u00a311.30")
    assert live.rates.text().startswith(GB_RATES)


def test_payouts_keep_their_currency_and_mark_converted_usd(gb_window):
    form = payout_service.PayoutForm(date(2026, 9, 15), None, "200", "EUR", "paid", "PayPal")
    payout_service.add_payout(gb_window.overview._db, form)
    pay = page(gb_window, "Payouts")
    pay.refresh()
    model = pay.model
    rows = {a: i for i, a in enumerate(column(model, "Amount"))}
    eur = rows["\u20ac200.00"]  # in the currency it was paid in
    assert column(model, "USD")[eur] == "\u2248 $232.56"  # 200 / 0.86 EUR per USD
    assert column(model, "GBP")[eur] == "\u00a3174.42"  # x 0.75
    usd_at = [t.strip(" \u25b4\u25be") for t in titles(model)].index("USD")
    tip = model.data(model.index(eur, usd_at), Qt.ItemDataRole.ToolTipRole)
    assert "0.86 EUR per USD, the rate of 2026-01-01" in tip
    assert column(model, "USD")[rows["$290.00"]] == "$290.00"  # stored: no mark
    assert column(model, "GBP")[rows["$290.00"]] == "\u00a3217.50"
    # paid: 217.50 + 273.75 + 174.42 (unrounded: 174.4186...)
    assert pay.paid_card.detail.text().startswith("\u00a3665.67 \u00b7 3 paid")
    assert pay.rates.text().startswith(GB_RATES)


def test_gifts_table_and_totals_show_pounds(gb_window):
    gifts = page(gb_window, "Gifts")
    model = gifts.model
    assert "GBP" in [t.strip(" \u25b4\u25be") for t in titles(model)]
    usd_at = [t.strip(" \u25b4\u25be") for t in titles(model)].index("USD")
    row = model.row_at(0)
    assert row is not None
    gbp = model.data(model.index(0, usd_at + 1))
    assert gbp.startswith("\u00a3") and row.usd > 0
    assert "\u00a3" in gifts.totals.text()
    assert gifts.rates.text().startswith(GB_RATES)


def test_a_us_account_shows_usd_only(us_window):
    o = us_window.overview
    assert "\u00a3" not in o.balance_card.detail.text()
    assert o.rates.text() == "Rates used: US rates from 2025-02-10 \u00b7 $0.005 per diamond"
    live = page(us_window, "LIVEs")
    pay = page(us_window, "Payouts")
    gifts = page(us_window, "Gifts")
    for model in (live.model, pay.model, gifts.model):
        assert titles(model).count("GBP") == 0
        assert sum(1 for t in titles(model) if t.strip(" \u25b4\u25be") == "USD") == 1
    assert "\u00a3" not in gifts.totals.text()
