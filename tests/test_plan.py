"""The withdrawal plan over a real ledger: one forecast rule for the card, the chart and the CLI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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
    queries.add_payout(db, account.id, {"requested_ts": 1_793_000_000, "amount": "300",
                                           "usd": "300", "currency": "USD", "status": "paid",
                                           "method": "PayPal"})
    return db


def test_the_threshold_day_is_after_today_and_stale_data_gives_no_day(tmp_path):
    db = below_threshold_ledger(tmp_path / "l.sqlite3")
    on_last_day = plan(db, today=LAST_DAY)
    weeks_later = plan(db, today=date(2026, 11, 22))
    assert on_last_day.summary.balance_usd == Decimal("61.04")
    reach = on_last_day.threshold_date
    assert reach is not None and reach > LAST_DAY
    assert on_last_day.schedule == [(reach, Decimal(100))]
    # 23 days without earnings: no day rather than one in the past
    assert weeks_later.threshold_date is None and weeks_later.schedule == []
    assert weeks_later.forecast.note == "no earnings for 23 days: no forecast"
    db.close()
