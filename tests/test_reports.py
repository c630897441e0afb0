"""The period report of the demo ledger, checked by hand from the rates and the sample files, and
its CSV (safe in a spreadsheet) and the `report` command (no Qt here: the PDF is in
test_ui_reports.py)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import gift_csv, ledger

from app.cli import main
from app.services import importing, reports
from app.services.exporting import safe_cell
from app.services.payouts import PayoutForm, add_payout
from app.services.rates import RateForm, save_region_rate
from app.services.reports import Period
from app.store import queries

SEP = Period(date(2026, 9, 1), date(2026, 9, 30))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    """The rows under a section title, header first, up to the next blank row."""
    start = rows.index([title]) + 1
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


# ---- the demo ledger, by hand --------------------------------------------------------------------

def test_default_period_is_the_calendar_year_of_the_latest_record(demo_db):
    period = reports.period_for(demo_db)
    assert (period.start, period.end, period.label) == (
        date(2026, 1, 1), date(2026, 12, 31), "Calendar year 2026")
    assert [m.month for m in reports.build(demo_db, period).months] == [
        date(2026, m, 1) for m in range(1, 13)]


def test_year_2026_of_the_demo_matches_the_sample_totals(demo_db):
    r = reports.build(demo_db, reports.year(2026))
    t = r.totals
    # data/sample/README.md: 1,974 gifts, 202,704 logged coins, 203,208 official diamonds;
    # US: $0.005 per diamond -> $1,016.04; payouts 58,000 + 73,000 diamonds = $290 + $365
    assert (t.gifts, t.coins, t.diamonds) == (1974, 202_704, Decimal(203_208))
    assert t.usd == Decimal(203_208) * Decimal("0.005") == Decimal("1016.04")
    assert t.local == t.usd and r.currency == "USD"
    assert t.payouts_usd == Decimal(655)
    assert (t.balance_diamonds, t.balance_usd) == (Decimal(72_208), Decimal("361.04"))


def test_months_are_local_days_of_new_york(demo_db):
    months = {m.month.month: m for m in reports.build(demo_db, reports.year(2026)).months}
    # sessions.csv grouped by the local (EDT) start day of each LIVE: Aug 66,909, Sep 84,339,
    # Oct 51,960. The LIVE of Sep 30 runs past local midnight: its 617 coins logged on Oct 1
    # (gift_log.csv, Oct 1 before 06:00 EDT) count in October
    assert months[8].diamonds == 66_909
    assert months[9].diamonds == 84_339 - 617
    assert months[10].diamonds == 51_960 + 617
    assert months[8].usd == Decimal("334.545")  # 66,909 x $0.005
    assert all(months[m].diamonds == 0 and months[m].usd == 0 for m in (1, 7, 11, 12))
    assert sum(m.diamonds for m in months.values()) == 203_208


def test_payouts_and_fees_from_the_region_methods(demo_db):
    r = reports.build(demo_db, reports.year(2026))
    paypal, bank = r.payouts
    # PayPal (US): 2 % of $290 = $5.80; bank transfer (US): $1 fixed; neither record states one
    assert (paypal.requested, paypal.method, paypal.usd) == (date(2026, 8, 29), "PayPal", 290)
    assert (paypal.fee_usd, paypal.fee_source, paypal.net_usd) == (
        Decimal("5.80"), "estimated", Decimal("284.20"))
    assert (bank.requested, bank.fee_usd, bank.net_usd) == (
        date(2026, 9, 27), Decimal("1.00"), Decimal("364.00"))
    assert r.totals.fees_usd == Decimal("6.80")
    months = {m.month.month: m for m in r.months}
    assert (months[8].payouts_usd, months[8].fees_usd) == (290, Decimal("5.80"))
    assert (months[9].payouts_usd, months[9].fees_usd) == (365, Decimal("1.00"))
    assert [m.name for m in r.rates.methods] == ["PayPal", "Bank transfer"]


def test_rates_used_are_the_entries_in_force_in_the_period(demo_db):
    r = reports.build(demo_db, reports.year(2026))
    # the US table has entries from 2020-01-01 and 2025-02-10: 2026 uses the second only
    assert [e.valid_from for e in r.rates.regions] == [date(2025, 2, 10)]
    assert r.rates.fx == () and not r.rates.fx_fallback
    spanning = reports.build(demo_db, Period(date(2024, 6, 1), date(2026, 12, 31)))
    assert [e.valid_from for e in spanning.rates.regions] == [date(2020, 1, 1),
                                                               date(2025, 2, 10)]


def test_top_gifters_come_from_the_gift_log(demo_db):
    r = reports.build(demo_db, reports.year(2026), top=3)
    assert [g.rank for g in r.gifters] == [1, 2, 3]
    first = r.gifters[0]
    logged = {g["name"]: g["coins"] for g in queries.top_gifters(demo_db, 1, limit=1)}
    assert {first.name: first.coins} == logged
    assert first.usd == first.coins * Decimal("0.005")
    assert first.share == Decimal(first.coins) / 202_704
    assert sum(g.coins for g in r.gift_mix) == 202_704  # every logged coin, once
    assert r.gift_mix[-1].name == "Other gifts"


# ---- local currency, a range, a rate edit --------------------------------------------------------

def test_local_currency_at_the_exchange_rate_of_each_day(demo_db):
    queries.update_account(demo_db, 1, "GB", "America/New_York")
    r = reports.build(demo_db, reports.year(2026))
    # GB: $0.005 per diamond as the US; 0.75 GBP per USD from 2026-01-01 (data/regions.json)
    assert r.currency == "GBP"
    assert r.totals.local == Decimal("1016.04") * Decimal("0.75") == Decimal("762.03")
    assert {m.month.month: m.local for m in r.months}[8] == Decimal("334.545") * Decimal("0.75")
    assert [(x.currency, x.per_usd) for x in r.rates.fx] == [("GBP", Decimal("0.75"))]
    assert not r.rates.fx_fallback
    before = reports.build(demo_db, Period(date(2025, 12, 1), date(2026, 1, 31)))
    assert before.rates.fx_fallback  # December 2025 is before the first GBP rate


def test_a_range_keeps_only_its_days(demo_db):
    r = reports.build(demo_db, SEP)
    assert [m.month for m in r.months] == [date(2026, 9, 1)]
    assert r.totals.diamonds == 84_339 - 617 == r.months[0].diamonds
    assert r.totals.gifts == r.months[0].gifts > 0
    assert [(p.method, p.usd) for p in r.payouts] == [("Bank transfer", 365)]
    assert r.totals.fees_usd == Decimal("1.00")
    # the balance carries over from August: earned to Sep 30 minus both payouts
    assert r.totals.balance_diamonds == 66_909 + 84_339 - 617 - 58_000 - 73_000
    aug_and_sep = reports.build(demo_db, Period(date(2026, 8, 15), date(2026, 9, 30)))
    assert [m.month.month for m in aug_and_sep.months] == [8, 9]
    assert aug_and_sep.months[1] == r.months[0]


def test_open_ended_range_runs_from_the_first_record(demo_db):
    period = reports.period_for(demo_db, end=date(2026, 8, 31))
    assert (period.start, period.end) == (date(2026, 8, 2), date(2026, 8, 31))
    with pytest.raises(reports.ReportError):
        reports.period_for(demo_db, tax_year=2026, start=date(2026, 1, 1))
    with pytest.raises(reports.ReportError):
        reports.period_for(demo_db, start=date(2026, 9, 2), end=date(2026, 9, 1))


def test_a_rate_edit_revalues_exactly_the_days_it_covers(demo_db):
    save_region_rate(demo_db, "US", RateForm(date(2026, 9, 15), "1", "0.006", "100", "1000"))
    r = reports.build(demo_db, reports.year(2026))
    months = {m.month.month: m for m in r.months}
    assert months[8].usd == Decimal("334.545")  # untouched
    assert months[10].usd == months[10].diamonds * Decimal("0.006")
    assert [e.valid_from for e in r.rates.regions] == [date(2025, 2, 10), date(2026, 9, 15)]
    # a gifter's coins are valued per stretch of days: together between the two rates
    for g in r.gifters:
        assert g.coins * Decimal("0.005") <= g.usd <= g.coins * Decimal("0.006")
    assert sum(g.coins for g in r.gifters) == sum(
        g.coins for g in reports.build(demo_db, reports.year(2026), top=10).gifters)


def test_a_stated_fee_wins_and_a_failed_payout_is_not_counted(demo_db):
    add_payout(demo_db, PayoutForm(date(2026, 10, 20), None, "120", "USD", "paid", "PayPal",
                                   fee="3.10"))
    add_payout(demo_db, PayoutForm(date(2026, 10, 21), None, "50", "USD", "failed", "PayPal"))
    r = reports.build(demo_db, reports.year(2026))
    stated = next(p for p in r.payouts if p.requested == date(2026, 10, 20))
    assert (stated.fee_usd, stated.fee_source) == (Decimal("3.10"), "stated")
    assert len(r.payouts) == 4
    assert r.totals.payouts_usd == 655 + 120
    assert r.totals.fees_usd == Decimal("6.80") + Decimal("3.10")


def test_an_empty_year_is_a_report_of_zeros(demo_db):
    r = reports.build(demo_db, reports.year(2025))
    assert r.empty and not r.payouts and not r.gifters and len(r.months) == 12
    assert r.totals.usd == 0 and r.totals.balance_usd == 0


# ---- CSV -----------------------------------------------------------------------------------------

def test_csv_holds_the_months_totals_payouts_and_rates(demo_db, tmp_path):
    out = tmp_path / "report.csv"
    rows = reports.write_csv(reports.build(demo_db, reports.year(2026)), out)
    table = read_csv(out)
    assert len(table) == rows
    months = section(table, "Months")
    assert months[0][:5] == ["month", "gifts", "coins", "diamonds", "usd"]
    assert months[8] == ["2026-08", "615", "66684", "66909", "334.55", "334.55", "290.00", "0.00",
                         "5.80"]
    assert months[-1][:5] == ["total", "1974", "202704", "203208", "1016.04"]
    assert ["fees_usd", "6.80"] in section(table, "Totals")
    assert section(table, "Payouts")[1][:4] == ["2026-08-29", "2026-09-07", "paid", "PayPal"]
    assert any(r[0] == "region US" and r[1] == "2025-02-10" for r in section(table, "Rates used"))
    assert not list(tmp_path.glob("*.part"))


def test_csv_neutralises_formulas_in_gifter_names(tmp_path):
    db = ledger(tmp_path)
    evil = ['=HYPERLINK("http://example.invalid","click")', "+1", "@SUM(A1)", "-2+3", "Ann"]
    lines = [f'2026-08-03 10:0{i}:00,"{name.replace(chr(34), chr(34) * 2)}",Rose,{i + 1}'
             for i, name in enumerate(evil)]
    importing.import_files(db, [gift_csv(tmp_path / "gifts.csv", lines)])
    out = tmp_path / "report.csv"
    reports.write_csv(reports.build(db, reports.year(2026)), out)
    names = [r[1] for r in section(read_csv(out), "Top gifters")[1:]]
    assert sorted(names) == sorted(["'" + n for n in evil[:4]] + ["Ann"])
    # one function does it, for the exports and the report alike
    assert reports.safe_cell is safe_cell
    assert safe_cell("\tx") == "'\tx" and safe_cell(Decimal("-5")) == Decimal("-5")


# ---- the command ---------------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_report_command_writes_csv_of_a_range(demo_db, db_path, tmp_path, capsys):
    out = tmp_path / "sep.csv"
    code, stdout, err = run(capsys, "report", "--db", db_path, "--from", "2026-09-01",
                            "--to", "2026-09-30", "--out", out, "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert (data["format"], data["from"], data["to"]) == ("csv", "2026-09-01", "2026-09-30")
    assert (data["diamonds"], data["payouts_usd"], data["fees_usd"]) == ("83722", "365", "1")
    assert data["months"] == [{"month": "2026-09", "gifts": 685, "diamonds": "83722",
                               "usd": "418.61", "local": "418.61", "payouts_usd": "365",
                               "paid_usd": "365", "pending_usd": "0", "fees_usd": "1"}]
    assert section(read_csv(out), "Months")[1][:4] == ["2026-09", "685", "83443", "83722"]


@pytest.mark.parametrize("args, message", [
    (["--out", "{tmp}/report.txt"], "must end in .pdf or .csv"),
    (["--out", "{tmp}/missing/report.csv"], "does not exist"),
    (["--out", "{tmp}"], "is a folder"),
    (["--year", "2026", "--from", "2026-01-01", "--out", "{tmp}/r.csv"], "not both"),
    (["--from", "2026-09-02", "--to", "2026-09-01", "--out", "{tmp}/r.csv"], "after"),
    (["--year", "26", "--out", "{tmp}/r.csv"], "not a year"),
    (["--from", "2026-13-01", "--out", "{tmp}/r.csv"], "not a date"),
    (["--year", "2026"], "--out"),
])
def test_report_command_refuses_bad_input_and_writes_nothing(demo_db, db_path, tmp_path,
                                                              capsys, args, message):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.replace("{tmp}", str(out_dir)) for a in args]
    before = db_path.stat().st_mtime_ns
    code, _, err = run(capsys, "report", "--db", db_path, *argv)
    assert code == 2
    assert message in err
    assert list(out_dir.iterdir()) == []
    assert db_path.stat().st_mtime_ns == before


def test_report_command_on_an_empty_ledger_fails_cleanly(tmp_path, capsys):
    code, _, err = run(capsys, "report", "--db", tmp_path / "new.sqlite3", "--out",
                       tmp_path / "r.csv")
    assert code == 1 and "empty" in err
    assert not (tmp_path / "r.csv").exists()


def test_a_report_reaching_today_gives_the_plans_withdrawal_day_and_a_past_one_none(
        demo_db, db_path, tmp_path, capsys):
    """The report said nothing about when money can go out, so a creator reading it had to
    open the Planner; it now says what `plan` says, and a past year says nothing."""
    today = date(2026, 12, 2)
    out = tmp_path / "year.csv"
    code, stdout, err = run(capsys, "report", "--db", db_path, "--year", "2026", "--out", out,
                            "--today", today.isoformat(), "--json")
    assert code == 0, err
    outlook = json.loads(stdout)["outlook"]
    code, stdout, err = run(capsys, "plan", "--db", db_path, "--today", today.isoformat(),
                            "--json")
    assert code == 0, err
    planned = json.loads(stdout)
    assert outlook["withdrawable"] is True and outlook["day"] == planned["threshold_date"]
    assert outlook["balance_usd"] == "361.04"
    totals = section(read_csv(out), "Totals")
    assert ["withdrawable_on", "2026-12-02"] in totals
    assert ["forecast_withdrawable_on", ""] in totals

    past = reports.build(demo_db, reports.year(2025), today=today)
    assert past.outlook is None
    reports.write_csv(past, tmp_path / "2025.csv")
    assert not [r for r in read_csv(tmp_path / "2025.csv") if r and "withdrawable" in r[0]]
