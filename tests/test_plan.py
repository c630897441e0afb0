"""The withdrawal plan over a real ledger: one forecast rule for the card, the chart and the CLI."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from app.services.demo import load_demo
from app.services.money_views import plan
from app.store import queries
from app.store.db import open_db

LAST_DAY = date(2026, 10, 30)  # the sample's last day with earnings (New York time)


def below_threshold_ledger(path: Path):
    db = open_db(path)
    load_demo(db)
    account = queries.accounts(db)[0]
    # take the balance ($361.04) down to $61.04
    queries.add_payout(db, account["id"], {"requested_ts": 1_793_000_000, "amount": "300",
                                           "usd": "300", "currency": "USD", "status": "paid",
                                           "method": "PayPal"})
    return db


def test_the_threshold_day_does_not_move_with_today_and_a_passed_one_is_flagged(tmp_path):
    db = below_threshold_ledger(tmp_path / "l.sqlite3")
    on_last_day = plan(db, today=LAST_DAY)
    weeks_later = plan(db, today=date(2026, 11, 22))
    assert on_last_day.summary.balance_usd == Decimal("61.04")
    reach = on_last_day.threshold_date
    assert reach is not None and reach > LAST_DAY
    # $38.96 missing at the pace of the 28 days to Oct 30
    expected_days = (Decimal("38.96") / on_last_day.pace.usd_per_day).to_integral_value(
        rounding=ROUND_CEILING)
    assert (reach - LAST_DAY).days == expected_days
    assert weeks_later.threshold_date == reach
    assert not on_last_day.forecast_passed
    assert weeks_later.forecast_passed == (reach < date(2026, 11, 22))
    assert weeks_later.schedule[0][0] >= date(2026, 11, 22)  # never a withdrawal in the past
    db.close()
