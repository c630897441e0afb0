"""`summary --json` and `export summary` give the account's currency beside USD (the existing
keys and columns stay): earnings and payouts at each day's exchange rate, the balance at
today's."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from app.cli import main
from app.store import queries

GBP = Decimal("0.75")  # data/regions.json: GBP per USD from 2026-01-01


def to_gb(db) -> None:
    account = queries.accounts(db)[0]
    queries.update_account(db, account.id, "GB", account.timezone)


def summary(capsys, db_path, *extra) -> dict:
    assert main(["summary", "--db", str(db_path), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_json_keeps_its_keys_and_adds_the_local_currency(demo_db, db_path, capsys):
    to_gb(demo_db)
    data = summary(capsys, db_path)
    for key in ("gifts", "coins", "diamonds", "usd", "withdrawn_usd", "balance_diamonds",
                "balance_usd", "threshold_usd", "withdrawable", "first_day", "last_day"):
        assert key in data
    assert data["usd"] == "1016.04" and data["currency"] == "GBP" and data["per_usd"] == "0.75"
    assert Decimal(data["local"]) == Decimal("1016.04") * GBP
    assert Decimal(data["withdrawn_local"]) == 655 * GBP
    assert Decimal(data["balance_local"]) == Decimal("361.04") * GBP


def test_summary_text_shows_the_local_figures(demo_db, db_path, capsys):
    to_gb(demo_db)
    assert main(["summary", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "earned $1,016.04 = £762.03" in out and "= £270.78" in out


def test_a_usd_account_has_usd_as_its_local_money(demo_db, db_path, capsys):
    data = summary(capsys, db_path, "--from", "2026-09-01", "--to", "2026-09-30")
    assert (data["currency"], data["local"], data["withdrawn_local"]) == ("USD", "418.61",
                                                                        "365")


def test_export_summary_adds_a_local_column(demo_db, db_path, tmp_path, capsys):
    to_gb(demo_db)
    out = tmp_path / "days.csv"
    assert main(["export", "summary", "--db", str(db_path), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["day", "gifts", "coins", "diamonds", "usd", "local_gbp", "per_usd"]
    total_usd = sum(Decimal(r[4]) for r in rows[1:])
    total_gbp = sum(Decimal(r[5]) for r in rows[1:])
    assert total_usd == Decimal("1016.04") and total_gbp == total_usd * GBP
    assert {r[6] for r in rows[1:]} == {"0.75"}
