"""The creator's own rate entries on the demo ledger: an entry valid from a day re-values that
day and the days after it, and nothing before; deleting it or restoring the defaults puts the
shipped rates back; exchange rates import from the ECB's CSV format."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import gift_csv, ledger
from sqlite_utils import Database

from app.core.rates import ExchangeRate
from app.services import accounts, importing, money_views
from app.services import rates as service
from app.services.demo import load_demo
from app.services.rates import RateForm
from app.store.db import open_db

OCT_1 = date(2026, 10, 1)
DEMO_USD = Decimal("1016.04")
SHIPPED = Decimal("0.005")
EDITED = Decimal("0.004")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "ledger.sqlite3"
    copy.write_bytes(demo_file.read_bytes())
    db = open_db(copy)
    yield db
    db.close()


def usd(db: Database) -> Decimal:
    s, _ = money_views.summary(db)
    return s.usd.quantize(Decimal("0.01"))


def days(db: Database) -> dict[date, Decimal]:
    v = money_views.ledger_view(db, accounts.resolve(db, None))
    return {d.day: d.usd for d in v.days}


def form(valid_from: date = OCT_1, usd_per_diamond: str = "0.004") -> RateForm:
    return RateForm(valid_from, "1", usd_per_diamond, "100", "1000", "my September payout")


def test_demo_is_valued_at_the_shipped_rate(demo: Database) -> None:
    s, v = money_views.summary(demo)
    assert s.diamonds == 203_208
    assert usd(demo) == DEMO_USD
    assert v.rates.usd_per_diamond == SHIPPED


def test_an_entry_revalues_exactly_the_days_it_covers(demo: Database) -> None:
    before = days(demo)
    service.save_region_rate(demo, "US", form())
    v = money_views.ledger_view(demo, accounts.resolve(demo, None))
    after = {d.day: d.usd for d in v.days}
    early = sum((d.diamonds for d in v.days if d.day < OCT_1), Decimal(0))
    late = sum((d.diamonds for d in v.days if d.day >= OCT_1), Decimal(0))
    assert early > 0 and late > 0
    assert early + late == 203_208
    s, _ = money_views.summary(demo)
    assert s.usd == early * SHIPPED + late * EDITED
    assert s.usd < DEMO_USD
    assert all(after[d] == before[d] for d in before if d < OCT_1)
    assert all(after[d] == before[d] / SHIPPED * EDITED for d in before if d >= OCT_1)
    assert any(after[d] != before[d] for d in before if d >= OCT_1)


def test_deleting_the_entry_restores_the_shipped_valuation(demo: Database) -> None:
    service.save_region_rate(demo, "US", form())
    assert usd(demo) != DEMO_USD
    assert service.delete_region_rate(demo, "US", OCT_1)
    assert usd(demo) == DEMO_USD
    assert not service.delete_region_rate(demo, "US", OCT_1)


def test_saving_the_same_day_again_edits_the_entry(demo: Database) -> None:
    service.save_region_rate(demo, "US", form())
    service.save_region_rate(demo, "US", form(usd_per_diamond="0.006"))
    entries = [e for e in service.view(demo).history if e.edited]
    assert [e.value.usd_per_diamond for e in entries] == [Decimal("0.006")]


def test_a_user_entry_wins_over_a_shipped_one_of_the_same_day(demo: Database) -> None:
    shipped_day = service.view(demo).history[-1].value.valid_from  # 2025-02-10
    service.save_region_rate(demo, "US", form(shipped_day, "0.004"))
    v = service.view(demo, today=OCT_1)
    assert len(v.history) == 2  # replaced, not added
    assert v.in_force.edited and v.in_force.value.usd_per_diamond == EDITED
    assert usd(demo) == (Decimal(203_208) * EDITED).quantize(Decimal("0.01"))


def test_the_view_says_which_entry_is_in_force_and_its_source(demo: Database) -> None:
    v = service.view(demo, today=date(2026, 10, 15))
    assert v.region == "US" and v.currency == "USD" and v.region_name == "United States"
    assert [e.value.valid_from for e in v.history] == [date(2020, 1, 1), date(2025, 2, 10)]
    assert not any(e.edited for e in v.history)
    assert v.in_force.value.valid_from == date(2025, 2, 10)
    assert "Scaled LIVE rewards" in v.in_force.value.source
    assert v.methods and v.fx == []
    service.save_region_rate(demo, "US", form())
    v = service.view(demo, today=date(2026, 10, 15))
    assert v.in_force.edited and v.in_force.value.source == "my September payout"
    assert v.user_entries == 1


def test_restore_defaults_removes_every_user_entry(demo: Database) -> None:
    service.save_region_rate(demo, "US", form())
    service.save_region_rate(demo, "GB", form(date(2026, 9, 1)))
    service.save_exchange_rate(demo, ExchangeRate("GBP", OCT_1, Decimal("0.5")))
    assert service.view(demo).user_entries == 3
    assert service.restore_defaults(demo) == 3
    assert service.view(demo).user_entries == 0
    assert usd(demo) == DEMO_USD
    assert service.effective_book(demo) == service.effective_book(None)


@pytest.mark.parametrize(("field", "text", "message"), [
    ("usd_per_diamond", "", "missing"),
    ("usd_per_diamond", "abc", "must be a number"),
    ("diamonds_per_coin", "0", "more than 0"),
    ("daily_cap_usd", "-5", "more than 0"),
])
def test_a_wrong_figure_is_refused_with_a_reason(demo: Database, field: str, text: str,
                                                 message: str) -> None:
    bad = RateForm(**{**form().__dict__, field: text})
    reason = service.problem(bad)
    assert reason is not None and message in reason
    with pytest.raises(ValueError, match=message):
        service.save_region_rate(demo, "US", bad)
    assert service.view(demo).user_entries == 0


ECB = ("Date,USD,JPY,BGN,CYP,GBP,BRL,\n"
       "2026-10-02,1.1650,172.30,1.9558,N/A,0.87340,6.2231,\n"
       "2026-10-01,1.1700,N/A,1.9558,N/A,0.87500,N/A,\n"
       "not a day,1.1,1,1,1,1,1,\n"
       "2026-09-30,N/A,172.00,1.9558,N/A,0.87000,6.2000,\n")


def test_ecb_csv_imports_as_rates_per_usd(demo: Database, tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB, encoding="utf-8")
    result = service.import_exchange_rates(demo, path)
    assert [line for line, _ in result.errors] == [4, 5]  # a bad date, no USD that day
    assert result.first == OCT_1 and result.last == date(2026, 10, 2)
    assert "GBP" in result.currencies and "EUR" in result.currencies
    assert "CYP" not in result.currencies and "BGN" not in result.currencies  # no region
    book = service.effective_book(demo)
    assert book.per_usd("GBP", date(2026, 10, 2)) == Decimal("0.87340") / Decimal("1.1650")
    assert book.per_usd("GBP", OCT_1) == Decimal("0.87500") / Decimal("1.1700")
    assert book.per_usd("EUR", OCT_1) == Decimal(1) / Decimal("1.1700")
    # an N/A cell is no rate that day: the day before's rate stays in force
    assert book.per_usd("BRL", OCT_1) == service.rate_book().per_usd("BRL", OCT_1)
    assert book.per_usd("BRL", date(2026, 10, 2)) == Decimal("6.2231") / Decimal("1.1650")


def test_a_file_without_a_usd_column_is_refused(demo: Database, tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("day,price\n2026-10-01,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Date,USD"):
        service.import_exchange_rates(demo, path)
    assert service.view(demo).user_entries == 0


def test_a_user_exchange_rate_changes_the_local_amount(demo: Database) -> None:
    shipped = money_views.conversion(10_000, "GB", day=OCT_1)
    assert money_views.conversion(10_000, "GB", "default", OCT_1) == shipped  # the CLI's call
    assert money_views.conversion(10_000, "GB", day=OCT_1, db=demo) == shipped
    service.save_exchange_rate(demo, ExchangeRate("GBP", date(2026, 9, 1), Decimal("0.5")))
    mine = money_views.conversion(10_000, "GB", day=OCT_1, db=demo)
    assert mine.usd == shipped.usd == Decimal("50")
    assert mine.local == Decimal("25")
    assert money_views.conversion(10_000, "GB", day=date(2026, 8, 1), db=demo) == shipped


# ---- calibration from a real payout ---------------------------------------------------------

def test_a_calibration_saved_revalues_the_days_from_the_payout_on(tmp_path: Path) -> None:
    db = ledger(tmp_path)  # US, UTC
    log = gift_csv(tmp_path / "log.csv", ["2026-09-30 12:00:00,ana,Rose,1000",
                                          "2026-10-01 12:00:00,ben,Rose,2000",
                                          "2026-10-02 12:00:00,cai,Rose,500"])
    importing.import_files(db, [log])
    # 1 diamond a coin at $0.005: $5, $10 and $2.50
    assert days(db) == {date(2026, 9, 30): Decimal("5"), OCT_1: Decimal("10"),
                        date(2026, 10, 2): Decimal("2.5")}
    # 20,000 diamonds withdrawn on Oct 1 paid $90: $0.0045 a diamond
    form = service.calibration_form(db, "US", OCT_1, 20_000, Decimal("90"))
    assert (form.valid_from, form.usd_per_diamond) == (OCT_1, "0.0045")
    assert (form.diamonds_per_coin, form.min_withdrawal_usd, form.daily_cap_usd) == (
        "1", "100", "1000")  # the rest as in force that day
    assert form.source == "calibrated from my payout of 2026-10-01: 20,000 diamonds, $90 received"
    service.save_region_rate(db, "US", form)
    # Sep 30 keeps $5; Oct 1: 2,000 x 0.0045 = $9; Oct 2: 500 x 0.0045 = $2.25
    assert days(db) == {date(2026, 9, 30): Decimal("5"), OCT_1: Decimal("9"),
                        date(2026, 10, 2): Decimal("2.25")}
    assert money_views.summary(db)[0].usd == Decimal("16.25")
    assert service.view(db, today=OCT_1).in_force.value.source == form.source
    db.close()


def test_a_calibrated_rate_is_kept_to_eight_places(demo: Database) -> None:
    form = service.calibration_form(demo, "GB", OCT_1, 30_001, Decimal("100"))
    assert form.usd_per_diamond == "0.00333322"  # 100 / 30,001 = 0.0033332222...
    no_cash = service.calibration_form(demo, "GB", OCT_1, 30_001, Decimal("0"))
    assert service.problem(no_cash) == "USD per diamond must be more than 0."


# ---- hostile files -------------------------------------------------------------------------------

def test_a_fifo_chosen_as_exchange_rates_is_refused_not_waited_on(demo: Database,
                                                                   tmp_path: Path) -> None:
    fifo = tmp_path / "eurofxref-hist.csv"
    os.mkfifo(fifo)  # opened to read, it would wait for a writer forever
    with pytest.raises(ValueError, match=r"eurofxref-hist.csv: not a regular file: .*named pipe"):
        service.import_exchange_rates(demo, fifo)
    assert service.view(demo).user_entries == 0


@pytest.mark.parametrize(("data", "reason"), [
    (b"Date,USD\n2026-10-01,\xff\xfe\n", "is not UTF-8 text"),
    (b"", "Not a table of exchange rates per EUR"),
])
def test_an_unreadable_rates_file_is_one_line_and_changes_nothing(
        demo: Database, tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes(data)
    with pytest.raises(ValueError) as raised:
        service.import_exchange_rates(demo, path)
    assert reason in str(raised.value) and "\n" not in str(raised.value)
    assert service.view(demo).user_entries == 0


def test_a_huge_rate_in_the_ecb_file_is_an_error_row_not_an_overflow(demo: Database,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text("Date,USD,GBP\n2026-10-02,1e9999999,0.87\n2026-10-01,1.17,1e9999999\n",
                    encoding="utf-8")
    result = service.import_exchange_rates(demo, path)
    assert result.errors == [(2, "no USD rate on this day")]
    assert result.currencies == ["EUR"]  # the day with a readable USD rate; its GBP skipped
