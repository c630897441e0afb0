"""Amounts in the creator's currency at each day's exchange rate, payouts in the currency they
were paid in, and the line that says which rates a view used; over the demo ledger moved to
the United Kingdom (GBP 0.75 per USD from 2026-01-01 in data/regions.json), no Qt.

Hand figures: the sample's New York day Oct 29, 2026 holds 7,256 coins = 7,256 diamonds =
$36.28 (1 diamond per coin, $0.005 per diamond); Aug 2 holds 2,715 coins = $13.575; the 30
days Oct 1-30 earn $262.885 (see tests/test_planner.py for the balance $361.04).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.core.rates import ExchangeRate
from app.services import browse, currency, dashboard, importing, lives, planner
from app.services import payouts as payout_service
from app.services.catalogue import GiftForm, save_gift
from app.services.demo import DEMO_HANDLE, load_demo
from app.services.rates import effective_book, save_exchange_rate
from app.services.reference import rate_book
from app.store import queries
from app.store.db import open_db
from tests.helpers import gift_csv, ledger

TODAY = date(2026, 11, 22)
OCT_29, AUG_2 = date(2026, 10, 29), date(2026, 8, 2)
GBP = Decimal("0.75")
EDIT = date(2026, 10, 1)  # the creator's own GBP rate starts here
GBP_EDIT = Decimal("0.80")
ROSE = 5655


def demo_in(tmp_path: Path, region: str) -> Database:
    db = open_db(tmp_path / f"{region}.sqlite3")
    load_demo(db)
    account = queries.account_by_handle(db, DEMO_HANDLE)
    assert account is not None
    queries.update_account(db, account.id, region, account.timezone)
    return db


@pytest.fixture
def gb(tmp_path: Path):
    db = demo_in(tmp_path, "GB")
    yield db
    db.close()


def edit_gbp(db: Database, day: date = EDIT, per_usd: Decimal = GBP_EDIT) -> None:
    save_exchange_rate(db, ExchangeRate("GBP", day, per_usd, "typed in"))


def overview(db: Database) -> dashboard.Dashboard:
    d = dashboard.overview(db, today=TODAY)
    assert d is not None
    return d


# ---- each day at its own rate -------------------------------------------------------------------

def test_a_days_usd_times_that_days_rate(gb):
    d = overview(gb)
    assert d.local is not None and d.local.currency == "GBP"
    earned, _balance = d.local.days[OCT_29]
    assert earned == Decimal("36.28") * GBP == Decimal("27.21")
    assert d.local.days[AUG_2][0] == Decimal("13.575") * GBP
    # the balance at today's rate: $361.04 x 0.75
    assert d.local.balance.usd == Decimal("361.04")
    assert d.local.balance.local == Decimal("270.78")
    # the last 30 days (Oct 1-30): $262.885 x 0.75
    assert d.period is not None and d.period.usd == Decimal("262.885")
    assert d.local.period == Decimal("262.885") * GBP
    assert d.local.fallback_days == 0


def test_a_rate_edit_changes_exactly_the_days_from_its_valid_from(gb):
    before = overview(gb)
    edit_gbp(gb)
    after = overview(gb)
    assert before.local is not None and after.local is not None
    assert after.summary == before.summary  # USD figures do not move
    assert after.local.days.keys() == before.local.days.keys()
    for point in after.chart.points:
        rate = GBP_EDIT if point.day >= EDIT else GBP
        assert after.local.days[point.day] == (point.earned_usd * rate,
                                               point.balance_usd * rate), point.day
        if point.day < EDIT:
            assert after.local.days[point.day] == before.local.days[point.day]
    assert after.local.days[OCT_29][0] == Decimal("36.28") * GBP_EDIT == Decimal("29.024")
    assert after.local.days[date(2026, 9, 30)] == before.local.days[date(2026, 9, 30)]
    assert after.local.period == Decimal("262.885") * GBP_EDIT  # Oct 1-30, all after the edit


def test_a_rate_edit_revalues_the_lives_from_its_day_only(gb):
    before = lives.lives(gb)
    edit_gbp(gb)
    after = lives.lives(gb)
    assert before is not None and after is not None and after.currency == "GBP"
    for row in after.rows:
        cash = after.value(row)
        # the LIVE's diamonds at $0.005, at its start day's rate
        assert cash.usd == row.diamonds * Decimal("0.005")
        rate = GBP_EDIT if row.start.date() >= EDIT else GBP
        assert cash.local == cash.usd * rate
        assert before.value(row).usd == cash.usd
    first = after.rows[0]
    assert (first.start.date(), first.official) == (AUG_2, 3014)
    assert after.value(first).local == Decimal("15.07") * GBP


def test_a_day_before_the_first_exchange_rate_says_so(tmp_path):
    db = ledger(tmp_path, region="GB", timezone="UTC")
    log = gift_csv(tmp_path / "log.csv", ["2025-12-31 10:00:00,ann,Rose,1",
                                          "2026-01-02 10:00:00,bob,Rose,1"])
    importing.import_files(db, [log])
    d = dashboard.overview(db, today=date(2026, 1, 5))
    assert d is not None and d.local is not None
    assert d.local.fallback_days == 1
    conv = currency.converter(effective_book(db), "GB")
    early = conv.rate(date(2025, 12, 31))
    assert early.fallback and early.per_usd == GBP
    assert "2025-12-31 is before the first GBP rate" in early.note()
    assert "the rate of 2026-01-01" in early.note()
    assert not conv.rate(date(2026, 1, 2)).fallback
    assert d.rates_line.endswith("days before 2026-01-01 use that first rate")
    db.close()


def test_a_currency_without_any_rate_shows_usd_only():
    book = replace(rate_book(), fx=())
    conv = currency.converter(book, "GB")
    assert conv.local(Decimal(10), TODAY) is None
    assert conv.rate(TODAY).missing
    assert "No GBP exchange rate" in conv.rate(TODAY).note()
    assert currency.rates_line(book, "GB", [TODAY]).endswith("no GBP exchange rate: USD only")


# ---- payouts in their own currency ----------------------------------------------------------

def payout_row(db: Database, amount: str, code: str, day: date):
    form = payout_service.PayoutForm(day, None, amount, code, "paid", "PayPal")
    new_id = payout_service.add_payout(db, form)
    view = payout_service.payouts(db, today=TODAY)
    assert view is not None
    return view, next(r for r in view.rows if r.payout_id == new_id)


def test_a_payout_in_eur_keeps_eur_and_shows_its_usd_at_that_days_rate(gb):
    view, row = payout_row(gb, "200", "EUR", date(2026, 9, 15))
    assert (row.amount, row.currency) == (Decimal(200), "EUR")
    assert row.converted and row.usd_from == "converted"
    # 200 EUR / 0.86 EUR per USD = $232.558...; in GBP at 0.75: 174.418...
    assert row.usd == Decimal(200) / Decimal("0.86")
    assert row.usd_rate is not None and row.usd_rate.entry is not None
    assert row.usd_rate.entry.valid_from == date(2026, 1, 1)
    assert row.local == row.usd * GBP
    assert view.currency == "GBP"


def test_a_payout_in_the_accounts_currency_is_what_arrived(gb):
    edit_gbp(gb)
    view, row = payout_row(gb, "100", "GBP", date(2026, 10, 20))
    assert row.local == Decimal(100) and row.local_rate is None
    assert row.usd == Decimal(100) / GBP_EDIT  # the USD at the day's (edited) rate
    # the sample's two USD payouts are stored in USD and converted for the GBP column
    stored = [r for r in view.rows if r.currency == "USD"]
    assert [(r.usd_from, r.local) for r in stored] == [
        ("stored", Decimal("290.00") * GBP), ("stored", Decimal("365.00") * GBP)]
    assert view.paid_local == Decimal("217.50") + Decimal("273.75") + Decimal(100)


def test_a_us_account_has_no_second_currency(tmp_path):
    db = demo_in(tmp_path, "US")
    d = overview(db)
    assert d.local is None
    view, row = payout_row(db, "200", "EUR", date(2026, 9, 15))
    assert row.local is None and view.paid_local is None and row.converted
    live = lives.lives(db)
    assert live is not None and live.currency == "USD"
    assert d.rates_line == "US rates from 2025-02-10 \u00b7 $0.005 per diamond"
    db.close()


# ---- which rates a view used -----------------------------------------------------------------

def test_the_rates_line_names_the_entries_and_their_days(gb):
    shipped = "GB rates from 2020-01-01 \u00b7 $0.005 per diamond \u00b7 GBP at 0.75 (shipped "
    assert overview(gb).rates_line == shipped + "2026-01-01)"
    edit_gbp(gb)
    assert overview(gb).rates_line == (
        "GB rates from 2020-01-01 \u00b7 $0.005 per diamond \u00b7 GBP at each day's rate, "
        "0.75 (shipped 2026-01-01) to 0.8 (yours 2026-10-01)")
    # the sample's payouts were requested in August and September: the edit values neither
    payouts_view = payout_service.payouts(gb, today=TODAY)
    assert payouts_view is not None and payouts_view.rates_line == shipped + "2026-01-01)"
    live = lives.lives(gb)
    assert live is not None and live.rates_line.endswith("0.8 (yours 2026-10-01)")


def test_the_rates_line_of_a_span_before_an_edit_leaves_it_out(gb):
    edit_gbp(gb, date(2026, 12, 1))
    live = lives.lives(gb)  # LIVEs run Aug 2 to Oct 30: the December rate values none
    assert live is not None and live.rates_line.endswith("GBP at 0.75 (shipped 2026-01-01)")


def test_a_region_rate_edit_is_named_with_its_day():
    book = rate_book()
    later = replace(book.region("GB", TODAY), valid_from=EDIT,
                    usd_per_diamond=Decimal("0.006"))
    line = currency.rates_line(book.with_regions([later]), "GB", [AUG_2, OCT_29])
    assert line.startswith("GB rates from 2020-01-01 \u00b7 $0.005 per diamond, $0.006 from "
                           "2026-10-01 \u00b7 ")


def test_ecb_rates_are_named_ecb():
    ecb = ExchangeRate("GBP", EDIT, Decimal("0.79"), "imported from eurofxref-hist.csv")
    book = replace(rate_book(), fx=(*rate_book().fx, ecb))
    assert currency.rates_line(book, "GB", [OCT_29]).endswith("GBP at 0.79 (ECB 2026-10-01)")


# ---- gifts ----------------------------------------------------------------------------------

def gifts_local(db: Database, query: browse.GiftQuery):
    listing = browse.gift_list(db, query)
    assert listing is not None
    local = currency.gifts_local(db, listing.account, listing.filter)
    rows = browse.gift_page(db, listing, 0, listing.count)
    by_row = sum((local.converter.local(r.usd, r.time.date()) or Decimal(0) for r in rows),
                 Decimal(0))
    return listing, local, by_row


@pytest.mark.parametrize("query", [browse.GiftQuery(), browse.GiftQuery(gift="Rose"),
                                   browse.GiftQuery(start=date(2026, 9, 20))])
def test_a_gift_lists_total_is_each_gift_at_its_days_rate(gb, query):
    edit_gbp(gb)
    listing, local, by_row = gifts_local(gb, query)
    assert listing.count > 0
    assert local.total == by_row
    assert local.total != listing.usd * GBP and local.total != listing.usd * GBP_EDIT


def test_a_gift_list_of_one_rate_is_its_usd_at_that_rate(gb):
    listing, local, _ = gifts_local(gb, browse.GiftQuery())
    assert local.total == listing.usd * GBP
    assert local.rates_line.endswith("GBP at 0.75 (shipped 2026-01-01)")


# ---- the planner's goal at the ledger's gift prices ------------------------------------------

def test_the_goal_prices_gifts_with_the_creators_catalogue(gb):
    save_gift(gb, GiftForm(str(ROSE), "Rose", "2", "2026-11-01"))
    p = planner.planner(gb, today=TODAY)
    assert p is not None and ("Rose", 2) in p.goal_gifts
    g = planner.goal_for(p, Decimal(2000), date(2026, 12, 22))
    # 15,371 diamonds a day (tests/test_planner.py) at 2 coins per Rose
    rose = next(e for e in g.gifts_per_day if e.name == "Rose")
    assert rose.count == int((Decimal(15371) / 2).to_integral_value(rounding=ROUND_CEILING))
    assert p.rates_line.startswith("GB rates from 2020-01-01")
