"""The demo ends in the week before the day it is opened (a whole-week shift keeps each LIVE's
weekday), for `demo` and the window's --demo; the tests' fixed ledger loads as shipped."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.services import money_views
from app.services.demo import DEMO_FILES, last_live_day, load_demo, shift_for
from app.services.reference import sample_path
from app.store import queries
from app.store.db import open_db

SHIPPED_LAST = date(2026, 10, 30)


def sample_files():
    from importlib import resources
    from pathlib import Path
    with resources.as_file(resources.files("app.data.sample")) as folder:
        return [Path(folder) / name for name in DEMO_FILES]


def test_the_shipped_sample_ends_on_october_30():
    assert last_live_day(sample_files()[1]) == SHIPPED_LAST
    assert sample_path("sessions.csv").is_file()


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_the_shift_is_whole_weeks_ending_in_the_week_before_today(today):
    by = shift_for(sample_files(), today)
    assert by.days % 7 == 0
    last = SHIPPED_LAST + by
    assert today - timedelta(days=7) <= last <= today - timedelta(days=1)
    assert last.weekday() == SHIPPED_LAST.weekday()


def test_a_demo_loaded_today_ends_yesterday_or_in_the_week_before(db):
    today = date.today()
    reports = load_demo(db, today)
    assert [r.inserted for r in reports] == [1974, 45, 2]
    s, _v = money_views.summary(db)
    assert s.last_day is not None and today - timedelta(days=7) <= s.last_day < today
    assert s.last_day.weekday() == SHIPPED_LAST.weekday()  # a Friday, as in the sample
    # the same totals as the shipped sample, moved in time
    assert (s.gifts, s.diamonds, s.balance_diamonds) == (1974, 203_208, 72_208)
    first_payout = min(p["requested_ts"] for p in queries.payouts(db, 1))
    assert first_payout > int((date(2026, 8, 29) - date(1970, 1, 1)).total_seconds())


def test_demo_command_ends_the_sample_before_the_day_given(tmp_path, capsys):
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--today", "2026-11-25"]) == 0
    capsys.readouterr()
    assert main(["summary", "--db", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # three weeks later: the last LIVE on Friday 2026-11-20, within the week before Nov 25
    assert (data["first_day"], data["last_day"]) == ("2026-08-23", "2026-11-20")
    assert (data["gifts"], data["diamonds"]) == (1974, "203208")


def test_demo_command_defaults_to_today(tmp_path, capsys):
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["summary", "--db", str(db), "--json"]) == 0
    last = date.fromisoformat(json.loads(capsys.readouterr().out)["last_day"])
    assert date.today() - timedelta(days=7) <= last < date.today()


def test_the_windows_demo_ledger_ends_in_the_week_before_today(qapp):
    pytest.importorskip("pytestqt")
    from contextlib import ExitStack

    from app.ui.main import open_ledger
    with ExitStack() as stack:
        ledger, label = open_ledger(stack, None)
        s, _v = money_views.summary(ledger)
        assert "Demo" in label and s.last_day is not None
        assert date.today() - timedelta(days=7) <= s.last_day < date.today()


def test_the_fixture_ledger_loads_as_shipped(tmp_path):
    db = open_db(tmp_path / "l.sqlite3")
    try:
        load_demo(db)
        s, _v = money_views.summary(db)
        assert (s.first_day, s.last_day) == (date(2026, 8, 2), SHIPPED_LAST)
    finally:
        db.close()
