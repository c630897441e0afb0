"""The report's year is the region's tax year where data/tax_years.json knows it (labelled "Tax
year 2026-27 (6 Apr 2026 - 5 Apr 2027)"), else a calendar year labelled so; pending payouts
are never "paid out"."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal

import pytest

from app.cli import main
from app.services import reports
from app.services.payouts import PayoutForm, add_payout
from app.services.reference import data_text
from app.store import queries


def move_to(db, region: str) -> None:
    account = queries.accounts(db)[0]
    queries.update_account(db, account.id, region, account.timezone)


def read(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_every_tax_year_entry_names_its_source_and_states_its_dates():
    data = json.loads(data_text("tax_years.json"))
    assert data["checked"]
    for entry in data["tax_years"]:
        assert entry["source"].startswith("https://") and entry["says"]
    assert reports.tax_year_starts() == {"GB": (4, 6), "AU": (7, 1), "NZ": (4, 1)}


def test_a_uk_year_is_its_tax_year():
    p = reports.year(2026, "GB")
    assert (p.start, p.end) == (date(2026, 4, 6), date(2027, 4, 5))
    assert p.label == "Tax year 2026-27 (6 Apr 2026 - 5 Apr 2027)"
    assert p.file_stem == "report-tax-year-2026-27"
    assert reports.year_of(date(2026, 4, 5), "GB").label.startswith("Tax year 2025-26 ")
    assert reports.year_of(date(2026, 4, 6), "GB").start == date(2026, 4, 6)


def test_an_australian_year_runs_from_july():
    p = reports.year(2026, "AU")
    assert (p.start, p.end) == (date(2026, 7, 1), date(2027, 6, 30))
    assert p.label == "Tax year 2026-27 (1 Jul 2026 - 30 Jun 2027)"
    assert [m.month for m in p.months()][:2] == [7, 8] and len(p.months()) == 12


def test_a_region_without_a_known_tax_year_gets_a_calendar_year_called_so():
    for region in ("US", "BR", None):
        p = reports.year(2026, region)
        assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 12, 31))
        assert p.label == "Calendar year 2026" and "Tax" not in p.label
    assert reports.year_label("US") == "Calendar year"
    assert reports.year_label("GB") == "Tax year"


def test_the_default_report_of_a_uk_ledger_is_the_tax_year_of_its_latest_record(demo_db):
    move_to(demo_db, "GB")
    p = reports.period_for(demo_db)  # the demo's last record: October 2026
    assert (p.start, p.end) == (date(2026, 4, 6), date(2027, 4, 5))
    assert reports.period_for(demo_db, tax_year=2025).end == date(2026, 4, 5)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_year_command_uses_the_regions_tax_year(demo_db, db_path, tmp_path, capsys):
    move_to(demo_db, "GB")
    out = tmp_path / "uk.csv"
    code, stdout, err = run(capsys, "report", "--db", db_path, "--year", "2026", "--out", out,
                            "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert (data["from"], data["to"]) == ("2026-04-06", "2027-04-05")
    assert ["period", "Tax year 2026-27 (6 Apr 2026 - 5 Apr 2027)"] in read(out)


def test_report_year_command_of_a_us_ledger_says_calendar_year(demo_db, db_path, tmp_path,
                                                             capsys):
    out = tmp_path / "us.csv"
    code, stdout, err = run(capsys, "report", "--db", db_path, "--year", "2026", "--out", out)
    assert code == 0, err
    assert "Calendar year 2026" in stdout
    assert ["period", "Calendar year 2026"] in read(out)


# ---- pending payouts ----------------------------------------------------------------------------

@pytest.fixture
def pending(demo_db):
    add_payout(demo_db, PayoutForm(date(2026, 10, 20), None, "120", "USD", "pending", "PayPal"))
    return demo_db


def test_a_pending_payout_is_not_paid_out(pending):
    r = reports.build(pending, reports.year(2026))
    t = r.totals
    assert (t.paid_usd, t.pending_usd) == (Decimal(655), Decimal(120))
    october = r.months[9]
    assert (october.paid_usd, october.pending_usd) == (0, Decimal(120))
    assert t.balance_usd == Decimal("1016.04") - 655 - 120  # it has left the balance


def test_csv_lists_paid_and_pending_apart(pending, tmp_path):
    out = tmp_path / "r.csv"
    reports.write_csv(reports.build(pending, reports.year(2026)), out)
    rows = read(out)
    assert ["paid_out_usd", "655.00"] in rows and ["pending_usd", "120.00"] in rows
    totals = {r[0]: r for r in rows if r and r[0].startswith("total ")}
    assert totals["total paid"][6] == "655.00" and totals["total pending"][6] == "120.00"
    months = rows[rows.index(["Months"]) + 1:]
    assert months[0][6:9] == ["paid_usd", "pending_usd", "fees_usd"]
    assert months[10][0] == "2026-10" and months[10][6:8] == ["0.00", "120.00"]


def test_report_command_says_pending_apart_from_paid_out(pending, db_path, tmp_path, capsys):
    code, stdout, err = run(capsys, "report", "--db", db_path, "--year", "2026", "--out",
                            tmp_path / "r.csv")
    assert code == 0, err
    assert "paid out $655.00, pending $120.00" in stdout
