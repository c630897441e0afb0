"""The balance model and the balance check-in: what a creator sees when the ledger's balance
and TikTok's disagree, and how a check-in sets it right (service, CLI, properties)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import ledger, snapshot, write
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.core.rates import RegionRates
from app.core.valuation import (
    CheckIn,
    DayTotal,
    PayoutValue,
    reconcile,
    summarize,
)
from app.services import checkin, dashboard, money_views

SESSIONS = "Start,End,Room ID,Title,Diamonds,Gifters,Viewers,Likes\n"
PAYOUTS = "Requested,Paid,Diamonds,Amount,Currency,Method,Status,Reference\n"


@pytest.fixture(autouse=True)
def _no_default_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIAMOND_LEDGER_DB", str(tmp_path / "stray" / "default.sqlite3"))


def live(day: str, diamonds: int, n: int = 1) -> str:
    return (f"{day} 10:00:00 UTC,{day} 11:00:00 UTC,{700 + n},LIVE {n},{diamonds},"
            "3,40,100\n")


def payout(day: str, diamonds: int | str, amount: str, n: int = 1) -> str:
    return f"{day}T12:00:00Z,{day}T12:00:00Z,{diamonds},{amount},USD,PayPal,paid,R-{n}\n"


def make(tmp_path: Path, lives: list[str], payouts: list[str]) -> Path:
    """A ledger file with these LIVEs and payouts, imported as a creator would."""
    ledger(tmp_path).close()
    db_path = tmp_path / "ledger.sqlite3"
    files = [write(tmp_path / "lives.csv", SESSIONS + "".join(lives))]
    if payouts:
        files.append(write(tmp_path / "payouts.csv", PAYOUTS + "".join(payouts)))
    assert main(["import", *map(str, files), "--db", str(db_path)]) == 0
    return db_path


def cli(capsys: pytest.CaptureFixture[str], db_path: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*argv, "--db", str(db_path)])
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys: pytest.CaptureFixture[str], db_path: Path, *argv: str) -> Any:
    code, out, err = cli(capsys, db_path, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def money(data: dict[str, Any], *keys: str) -> tuple[Decimal, ...]:
    """JSON's decimal strings as numbers (their plain form drops trailing zeros)."""
    return tuple(Decimal(data[k]) for k in keys)


# ---- the balance model: why the two balances differ --------------------------------------------

def test_a_payout_paid_above_its_diamonds_value_is_explained(tmp_path, capsys):
    # 100,000 diamonds earned; 20,000 of them paid out as $102.00 instead of $100.00
    db_path = make(tmp_path, [live("2026-08-03", 100_000)],
                   [payout("2026-08-10", 20_000, "102.00")])
    s = cli_json(capsys, db_path, "summary")
    assert money(s, "balance_diamonds", "balance_usd") == (80_000, Decimal("398"))
    from app.store.db import open_db
    with open_db(db_path) as db:
        d = dashboard.overview(db)
    assert d is not None
    assert d.balance_note == ("payouts took $2.00 more than their diamonds' value at "
                              "today's rate")


def test_balances_that_agree_need_no_word(tmp_path):
    db_path = make(tmp_path, [live("2026-08-03", 100_000)],
                   [payout("2026-08-10", 20_000, "100.00")])
    from app.store.db import open_db
    with open_db(db_path) as db:
        d = dashboard.overview(db)
    assert d is not None and d.balance_note == ""


def test_a_negative_balance_points_to_the_checkin(tmp_path):
    db_path = make(tmp_path, [live("2026-08-03", 10_000)],
                   [payout("2026-08-10", 30_000, "150.00")])
    from app.store.db import open_db
    with open_db(db_path) as db:
        d = dashboard.overview(db)
    assert d is not None and d.summary.balance_usd == Decimal("-100")
    assert d.balance_note == checkin.NEGATIVE
    assert "check in your balance" in d.balance_note


# ---- the check-in: service and CLI --------------------------------------------------------------

def test_checkin_shows_the_difference_and_changes_nothing_unbooked(tmp_path, capsys):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)], [])
    c = cli_json(capsys, db_path, "checkin", "--date", "2026-08-05", "--usd", "410.50")
    assert money(c, "ledger_usd", "usd", "difference_usd") == (400, Decimal("410.5"),
                                                             Decimal("10.5"))
    assert c["booked"] is False
    assert "TikTok shows $10.50 more than the ledger on 2026-08-05" in c["note"]
    assert money(cli_json(capsys, db_path, "summary"), "balance_usd") == (400,)


def test_a_booked_checkin_sets_the_balance_and_deleting_it_undoes_that(tmp_path, capsys):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)],
                   [payout("2026-08-10", 20_000, "102.00")])
    c = cli_json(capsys, db_path, "checkin", "--date", "2026-08-04", "--diamonds", "81000",
                 "--book")
    assert money(c, "ledger_diamonds", "diamonds", "usd") == (80_000, 81_000, 405)
    s = cli_json(capsys, db_path, "summary", "--to", "2026-08-04")
    assert money(s, "balance_usd", "balance_diamonds") == (405, 81_000)
    assert money(s, "withdrawn_usd") == (0,)  # an adjustment is no withdrawal
    after = cli_json(capsys, db_path, "summary")
    assert money(after, "balance_usd", "balance_diamonds") == (303, 61_000)
    plan = cli_json(capsys, db_path, "plan")
    assert money(plan, "balance_usd") == (303,)  # the planner starts from the real balance
    listed = cli_json(capsys, db_path, "checkins")
    assert [x["id"] for x in listed] == [c["id"]] and listed[0]["booked"] is True
    assert cli_json(capsys, db_path, "checkin", "--delete", str(c["id"])) == {
        "deleted": c["id"]}
    assert money(cli_json(capsys, db_path, "summary"), "balance_usd") == (298,)
    assert cli_json(capsys, db_path, "checkins") == []


def test_later_logs_do_not_count_twice_after_a_booked_checkin(tmp_path, capsys):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)], [])
    cli_json(capsys, db_path, "checkin", "--date", "2026-08-05", "--usd", "450", "--book")
    # the missing LIVE is imported afterwards: the balance of that day stays TikTok's
    more = write(tmp_path / "more.csv", SESSIONS + live("2026-08-04", 10_000, n=2))
    assert main(["import", str(more), "--db", str(db_path)]) == 0
    s = cli_json(capsys, db_path, "summary", "--to", "2026-08-05")
    assert money(s, "balance_usd") == (450,)
    c = cli_json(capsys, db_path, "checkins")[0]
    assert money(c, "difference_usd") == (0,)


@pytest.mark.parametrize(("argv", "says"), [
    (["--usd", "abc"], "not a number of USD"),
    (["--usd", "-5"], "0 or more"),
    (["--usd", "1.005"], "whole cents"),
    (["--diamonds", "12.5"], "diamonds are whole"),
    (["--usd", "5", "--date", "2999-01-01"], "in the future"),
    (["--usd", "5", "--account", "nobody"], "no account"),
    (["--delete", "99"], "no check-in 99"),
])
def test_a_bad_checkin_is_one_line_and_writes_nothing(tmp_path, capsys, argv, says):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)], [])
    from app.store.db import open_db
    with open_db(db_path) as db:
        before = snapshot(db)
    code, out, err = cli(capsys, db_path, "checkin", *argv)
    assert code == 1 and says in err and err.count("\n") == 1 and out == ""
    with open_db(db_path) as db:
        assert snapshot(db) == before


@pytest.mark.parametrize("argv", [[], ["--usd", "1", "--diamonds", "2"],
                                  ["--delete", "1", "--book"]])
def test_checkin_usage_errors_exit_2(tmp_path, capsys, argv):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)], [])
    try:
        code = main(["checkin", *argv, "--db", str(db_path)])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    assert capsys.readouterr().err.strip()


def test_checkin_text_output(tmp_path, capsys):
    db_path = make(tmp_path, [live("2026-08-03", 80_000)], [])
    code, out, _err = cli(capsys, db_path, "checkin", "--date", "2026-08-05", "--usd", "390")
    assert code == 0
    assert "TikTok $390.00, ledger $400.00" in out and "$10.00 less" in out


# ---- the rule, over random ledgers ---------------------------------------------------------------

RATE = Decimal("0.005")
RATES = RegionRates("US", date(2020, 1, 1), "USD", Decimal(1), RATE, Decimal(100),
                    Decimal(1000))
START = date(2026, 1, 1)


def _day(offset: int) -> date:
    return START + timedelta(days=offset)


earnings = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 200_000)), max_size=12)
withdrawals = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 100_000),
                                 st.integers(-500, 500)), max_size=5)
checks = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10_000_000), st.booleans(),
                            st.booleans()), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(earnings, withdrawals, checks)
def test_after_booking_a_checkin_the_balance_of_its_day_is_tiktoks(earned, paid, checked):
    days = [DayTotal(_day(o), 1, n, Decimal(n), Decimal(n) * RATE) for o, n in earned]
    payouts = [PayoutValue(_day(o), "paid", Decimal(n) * RATE + Decimal(cents) / 100,
                           Decimal(n)) for o, n, cents in paid]
    ins = [CheckIn(i, _day(o), Decimal(cents) / 100 if in_usd else None,
                   None if in_usd else Decimal(cents), booked)
           for i, (o, cents, in_usd, booked) in enumerate(checked)]
    rec = reconcile(days, payouts, ins, lambda _d: RATES)
    booked = [r.adjustment for r in rec if r.checkin.booked]
    last_per_day = {r.checkin.day: r for r in rec if r.checkin.booked}
    for day, r in last_per_day.items():
        s = summarize(days, payouts + booked, Decimal(100), None, day)
        assert s.balance_usd == r.usd and s.balance_diamonds == r.diamonds
        c = r.checkin
        assert (c.usd if c.usd is not None else c.diamonds * RATE) == s.balance_usd
    # unbooked check-ins move nothing, and adjustments are never withdrawals
    plain = summarize(days, payouts, Decimal(100))
    assert summarize(days, payouts + booked, Decimal(100)).withdrawn_usd == plain.withdrawn_usd


def test_service_add_then_summary_equals_the_typed_figure(tmp_path):
    db_path = make(tmp_path, [live("2026-08-03", 12_345)],
                   [payout("2026-08-04", 1_000, "5.37")])
    from app.store.db import open_db
    with open_db(db_path) as db:
        view = checkin.add(db, date(2026, 8, 4), usd="99.99", book=True)
        s, _v = money_views.summary(db, end=date(2026, 8, 4))
        assert s.balance_usd == Decimal("99.99") == view.usd
