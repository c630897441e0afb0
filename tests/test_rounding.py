"""One rounding rule (app.core.money): round once, after converting; a table's rows add up to its
total (largest remainder); rates in plain notation. Properties over random amounts and random
ledgers, and the cases seen in the demo."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from helpers import gift_csv, ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.money import allocate, rate_text, round_money
from app.core.rates import ExchangeRate, PayoutMethod, RegionRates
from app.services import importing, reports
from app.services.payouts import PayoutForm, add_payout

CENT = Decimal("0.01")
amounts = st.decimals(min_value=Decimal(-5000), max_value=Decimal(5000), places=4,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, max_size=15))
def test_allocated_rows_add_up_to_the_rounded_total(values):
    rows, total = allocate(values)
    assert total == round_money(sum(values, Decimal(0)))
    assert sum(rows, Decimal(0)) == total
    for row, exact in zip(rows, values, strict=True):
        assert row == row.quantize(CENT) and abs(row - exact) < CENT


def test_allocation_gives_the_missing_cent_to_the_largest_remainder():
    # the demo's months: each rounded half up they were $1,016.05 against a $1,016.04 total
    months = [Decimal("334.545"), Decimal("418.610"), Decimal("262.885"), Decimal(0)]
    assert allocate(months) == ([Decimal("334.55"), Decimal("418.61"), Decimal("262.88"),
                                 Decimal("0.00")], Decimal("1016.04"))


def test_demo_report_months_add_up_to_its_total(demo_db, tmp_path):
    out = tmp_path / "report.csv"
    reports.write_csv(reports.build(demo_db, reports.year(2026)), out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    start = lines.index("Months") + 2
    end = lines.index("", start)
    months = [line.split(",") for line in lines[start:end]]
    total = months.pop()
    assert total[0] == "total" and total[4] == "1016.04"
    for column in (4, 5, 6, 7):  # usd, local, payouts, fees
        assert sum(Decimal(m[column]) for m in months) == Decimal(total[column])
    assert [m[4] for m in months[7:10]] == ["334.55", "418.61", "262.88"]


# ---- rates in plain notation -------------------------------------------------------------------

def test_rates_read_plainly_with_sensible_digits():
    assert rate_text(Decimal("1.6E+4")) == "16000"
    assert rate_text(Decimal(50_000) / 3) == "16666.7"  # 16666.66666666666666666666667
    assert rate_text(Decimal("0.005")) == "0.005"
    assert rate_text(Decimal("0.7512")) == "0.7512"
    assert rate_text(Decimal("5.40")) == "5.4"
    assert rate_text(Decimal(1) / 3) == "0.333333"


def test_rates_used_lines_print_no_exponent_and_no_endless_decimals():
    day = date(2026, 1, 1)
    used = reports.RatesUsed(
        "ID", "Indonesia", "IDR",
        (RegionRates("ID", "IDR", day, Decimal(1), Decimal(1) / 60_000, Decimal("1E+2"),
                     Decimal("1E+3")),),
        (ExchangeRate("IDR", day, Decimal("1.6E+4")),
         ExchangeRate("IDR", day + timedelta(days=1), Decimal(50_000) / 3)),
        False, (PayoutMethod("ID", "Bank", day, Decimal("1E+0"), Decimal("0.02"),
                             Decimal(1) / 30, 3),))
    text = " | ".join(row[2] for row in reports.rates_rows(used)[1:])
    assert "E+" not in text and "E-" not in text and "6666666" not in text
    assert "16000 IDR per USD" in text and "16666.7 IDR per USD" in text
    assert "$0.0000166667 per diamond; minimum $100" in text
    assert "fee $1 + 2%; spread 3.33333%" in text


# ---- the report of random ledgers ---------------------------------------------------------------

gift_days = st.lists(st.tuples(st.integers(0, 364), st.integers(1, 3_001)), min_size=1,
                     max_size=25)
payout_rows = st.lists(st.tuples(st.integers(0, 364), st.integers(1, 30_000),
                                 st.sampled_from(["paid", "pending", "failed"]),
                                 st.sampled_from(["PayPal", "Bank transfer"])), max_size=4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gifts=gift_days, payouts=payout_rows, region=st.sampled_from(["US", "GB", "BR"]))
def test_report_rows_add_up_to_its_totals_in_usd_and_local_money(gifts, payouts, region):
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db = ledger(tmp, region=region, timezone="America/Sao_Paulo")
        try:
            start = date(2025, 1, 1)
            lines = [f"{start + timedelta(days=d)} 15:00:{i % 60:02d},fan{i},Rose,{coins}"
                     for i, (d, coins) in enumerate(gifts)]
            importing.import_files(db, [gift_csv(tmp / "gifts.csv", lines)])
            for d, cents, status, method in payouts:
                add_payout(db, PayoutForm(start + timedelta(days=d), None,
                                          str(Decimal(cents) / 100), "USD", status, method))
            report = reports.build(db, reports.year(2025))
        finally:
            db.close()
    months, total = reports.shown_months(report)
    t = report.totals
    for name, exact in (("usd", t.usd), ("local", t.local), ("paid_usd", t.paid_usd),
                        ("pending_usd", t.pending_usd), ("fees_usd", t.fees_usd)):
        shown = [getattr(m, name) for m in months]
        assert sum(shown, Decimal(0)) == getattr(total, name) == round_money(exact), name
    assert round_money(t.usd) == round_money(sum((m.usd for m in report.months), Decimal(0)))
