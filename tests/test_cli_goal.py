"""`goal AMOUNT --by DATE`: what it takes a day to reach an amount, over the Planner's service."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import main


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIAMOND_LEDGER_DB", str(tmp_path / "stray" / "default.sqlite3"))
    db_path = tmp_path / "ledger.sqlite3"
    assert main(["demo", "--db", str(db_path)]) == 0
    return db_path


def test_goal_json_says_the_diamonds_a_day_that_reach_it(demo, capsys):
    by = date.today() + timedelta(days=10)
    capsys.readouterr()
    assert main(["goal", "1361.04", "--by", by.isoformat(), "--db", str(demo), "--json"]) == 0
    g = json.loads(capsys.readouterr().out)
    # the demo's balance is $361.04: $1,000 are missing, $100 a day = 20,000 diamonds
    assert (Decimal(g["missing_usd"]), g["days"], Decimal(g["diamonds_per_day"])) == (
        1000, 10, 20_000)
    assert {x["gift"] for x in g["gifts_per_day"]} >= {"Rose", "Lion"}
    rose = next(x for x in g["gifts_per_day"] if x["gift"] == "Rose")
    assert rose["count"] == 20_000


def test_goal_on_a_past_day_is_one_line(demo, capsys):
    capsys.readouterr()
    assert main(["goal", "500", "--by", "2020-01-01", "--db", str(demo)]) == 1
    err = capsys.readouterr().err
    assert "after today" in err and err.count("\n") == 1


def test_goal_needs_a_positive_amount(demo, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["goal", "-5", "--by", "2099-01-01", "--db", str(demo)])
    assert exc.value.code == 2


# ---- calibrate --------------------------------------------------------------------------------

def test_calibrate_json_gives_the_true_rate_and_saves_it_when_asked(demo, capsys):
    capsys.readouterr()
    argv = ["calibrate", "--diamonds", "20000", "--cash", "98", "--db", str(demo), "--json"]
    assert main(argv) == 0
    c = json.loads(capsys.readouterr().out)
    assert (Decimal(c["usd_per_diamond"]), Decimal(c["implied_fee_fraction"])) == (
        Decimal("0.0049"), Decimal("0.02"))
    assert c["saved"] is False
    assert main(["convert", "1000", "--db", str(demo), "--json"]) == 0
    assert Decimal(json.loads(capsys.readouterr().out)["usd"]) == 5  # not saved: nominal
    assert main([*argv, "--save", "--date", "2026-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["valid_from"] == "2026-01-01"
    assert main(["convert", "1000", "--db", str(demo), "--json"]) == 0
    assert Decimal(json.loads(capsys.readouterr().out)["usd"]) == Decimal("4.9")


def test_calibrate_refuses_no_diamonds(demo, capsys):
    capsys.readouterr()
    assert main(["calibrate", "--diamonds", "0", "--cash", "5", "--db", str(demo)]) == 2
    assert "--diamonds" in capsys.readouterr().err
