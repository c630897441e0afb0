"""LIVEs (official vs logged diamonds, the weekday x hour heat map) and payout edits, no Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.lives import WEEKDAYS, LiveRecord, heatmap, live_rows, missed
from app.services import lives, money_views
from app.services import payouts as service
from app.services.demo import load_demo
from app.services.reference import rate_book
from app.store import payouts as store
from app.store import queries
from app.store.db import open_db

NEW_YORK = "America/New_York"


def us_rates(day: date):
    return rate_book().region("US", day)


@pytest.fixture
def demo(db_path: Path) -> Iterator[object]:
    db = open_db(db_path)
    load_demo(db)
    yield db
    db.close()


# ---- LIVEs against the sample's README ------------------------------------------------------

def test_three_lives_have_official_totals_above_the_log(demo):
    view = lives.lives(demo)
    assert len(view.rows) == 45
    short = [r for r in view.rows if r.missed]
    assert [datetime.fromtimestamp(r.start_ts, UTC).date().isoformat() for r in short] == [
        "2026-08-04", "2026-09-06", "2026-09-13"]
    assert view.missed.lives == 3
    assert view.missed.diamonds == 504
    assert all(r.difference == 0 for r in view.rows if not r.missed)


def test_official_and_logged_totals_match_the_sample(demo):
    rows = lives.lives(demo).rows
    assert sum(r.official for r in rows) == 203_208
    assert sum(r.logged for r in rows) == 202_704
    assert sum(r.diamonds for r in rows) == 203_208


def test_lives_start_in_the_accounts_evening(demo):
    rows = lives.lives(demo).rows
    assert all(r.start.tzinfo is not None and r.start.utcoffset().total_seconds() == -4 * 3600
               for r in rows)
    evening = [r for r in rows if 19 <= r.start.hour <= 22]  # "mostly evenings 19:00-22:30"
    assert len(evening) >= 40


def test_diamonds_per_hour_of_a_live(demo):
    first = lives.lives(demo).rows[0]  # 2026-08-03 01:50 UTC, 2 h 16 min, 3,014 diamonds
    assert first.duration_s == 8160
    assert first.per_hour == Decimal(3014) * 3600 / 8160


def test_bars_stack_what_the_log_missed_on_what_it_caught(demo):
    view = lives.lives(demo)
    bars = view.bars
    assert len(bars) == 45
    assert sum(bars.missed) == 504
    assert sum(bars.logged) + sum(bars.missed) == 203_208


def test_heat_map_holds_every_coin_of_the_log(demo):
    heat = lives.lives(demo).heatmap
    total = demo.execute("SELECT sum(coins_total) FROM gifts").fetchone()[0]
    assert heat.total_coins == total == 202_704
    assert heat.total_diamonds == 202_704
    assert len(heat.coins) == len(WEEKDAYS) and all(len(r) == 24 for r in heat.coins)


def test_heat_map_is_in_the_accounts_time_zone(demo):
    heat = lives.lives(demo).heatmap
    # the sample streams in the New York evening (a few afternoons): nothing in the morning
    assert all(heat.coins[wd][h] == 0 for wd in range(7) for h in range(3, 12))
    wd, hour, value = heat.best()
    assert 18 <= hour <= 23 and value > 0


def test_heat_map_moves_an_hour_to_the_local_weekday():
    sunday_late = int(datetime(2026, 8, 3, 2, tzinfo=UTC).timestamp()) // 3600  # Mon 02:00 UTC
    local = heatmap([(sunday_late, 3, 150)], NEW_YORK, us_rates)
    utc = heatmap([(sunday_late, 3, 150)], "UTC", us_rates)
    assert local.coins[6][22] == 150  # Sunday 22:00 in New York
    assert utc.coins[0][2] == 150
    assert local.best() == (6, 22, Decimal(150))


def test_empty_heat_map_has_no_best_slot():
    assert heatmap([], NEW_YORK, us_rates).best() is None


def test_a_live_without_an_end_has_no_logged_figure():
    record = LiveRecord(1, 1_785_721_809, None, None, "t", 500, 0, None, None)
    (row,) = live_rows([record], NEW_YORK, us_rates)
    assert row.logged is None and row.difference is None and row.per_hour is None
    assert row.diamonds == 500
    assert missed([row]).lives == 0


def test_lives_of_an_empty_ledger(db):
    assert lives.lives(db) is None


# ---- payouts: the store ------------------------------------------------------------------------

def test_update_payout_replaces_its_fields(demo):
    first = queries.payouts(demo, 1)[0]
    values = {**first, "amount": "300", "usd": "300", "status": "pending", "reference": "X"}
    assert store.update_payout(demo, first["id"], values)
    again = store.payout(demo, first["id"])
    assert (again["amount"], again["status"], again["reference"]) == ("300", "pending", "X")
    assert again["import_id"] == 3  # still part of its batch
    assert not store.update_payout(demo, 999, values)


def test_an_edit_that_makes_two_payouts_identical_keeps_both(demo):
    one, two = queries.payouts(demo, 1)
    assert store.update_payout(demo, two["id"], one)
    assert len(queries.payouts(demo, 1)) == 2


def test_delete_payout(demo):
    one, two = queries.payouts(demo, 1)
    assert store.delete_payout(demo, one["id"])
    assert [p["id"] for p in queries.payouts(demo, 1)] == [two["id"]]
    assert not store.delete_payout(demo, one["id"])


def test_rows_left_in_a_batch_count_what_an_undo_removes(demo):
    assert [store.batch_rows_left(demo, i) for i in (1, 2, 3)] == [1974, 45, 2]
    store.delete_payout(demo, queries.payouts(demo, 1)[0]["id"])
    assert store.batch_rows_left(demo, 3) == 1
    assert store.batch_rows_left(demo, 99) == 0


# ---- payouts: the service ----------------------------------------------------------------------

def form(**changes) -> service.PayoutForm:
    base = {"requested": date(2026, 10, 20), "paid": None, "amount": "50", "currency": "USD",
            "status": "pending", "method": "PayPal", "fee": "", "reference": "R-1"}
    return service.PayoutForm(**{**base, **changes})


def balance(db) -> Decimal:
    return money_views.summary(db)[0].balance_usd


@pytest.mark.parametrize(("changes", "says"), [
    ({"amount": ""}, "number"), ({"amount": "0"}, "more than 0"), ({"amount": "-5"}, "number"),
    ({"amount": "1.005"}, "decimals"), ({"amount": "abc"}, "number"),
    ({"currency": "US"}, "3-letter"), ({"currency": "XYZ"}, "exchange rate"),
    ({"requested": date(2026, 10, 22), "paid": date(2026, 10, 21)}, "before the request"),
    ({"requested": date(2026, 10, 30)}, "future"), ({"status": "lost"}, "status"),
    ({"method": " "}, "method"), ({"fee": "x"}, "fee"),
])
def test_problem_names_what_is_wrong(changes, says):
    assert says in service.problem(form(**changes), today=date(2026, 10, 25))


def test_a_good_form_has_no_problem():
    assert service.problem(form(amount="1,250.50", currency="gbp", fee="2"),
                           today=date(2026, 10, 25)) is None


def test_add_payout_lowers_the_balance(demo):
    before = balance(demo)
    service.add_payout(demo, form(amount="50"))
    assert balance(demo) == before - 50
    view = service.payouts(demo)
    assert [r.reference for r in view.rows][-1] == "R-1"
    assert view.pending_usd == 50 and view.paid_usd == 655


def test_add_payout_refuses_a_bad_form(demo):
    with pytest.raises(ValueError, match="more than 0"):
        service.add_payout(demo, form(amount="0"))
    assert len(queries.payouts(demo, 1)) == 2


def test_edit_keeps_the_stored_time_and_diamonds_of_an_unchanged_amount(demo):
    row = service.payouts(demo).rows[0]
    old = store.payout(demo, row.payout_id)
    service.edit_payout(demo, row.payout_id, service.PayoutForm(
        **{**row.form.__dict__, "reference": "NEW"}))
    new = store.payout(demo, row.payout_id)
    assert new["requested_ts"] == old["requested_ts"] and new["diamonds"] == 58000
    assert new["reference"] == "NEW"


def test_edit_in_another_currency_is_valued_at_the_exchange_rate(demo):
    row = service.payouts(demo).rows[0]
    service.edit_payout(demo, row.payout_id, service.PayoutForm(
        **{**row.form.__dict__, "amount": "200", "currency": "EUR"}))
    edited = service.payouts(demo).rows[0]
    per_usd = rate_book().per_usd("EUR", edited.requested)
    assert edited.usd == Decimal(200) / per_usd
    assert store.payout(demo, row.payout_id)["diamonds"] is None


def test_delete_payout_raises_the_balance(demo):
    before = balance(demo)
    service.delete_payout(demo, service.payouts(demo).rows[0].payout_id)
    assert balance(demo) == before + 290
    with pytest.raises(LookupError):
        service.delete_payout(demo, 999)


def test_methods_come_from_the_rate_tables():
    names = [m.name for m in rate_book().payout_methods("US", date(2026, 10, 1))]
    assert service.methods("US", date(2026, 10, 1)) == names and names


def test_default_form_uses_the_region(demo):
    new = service.default_form(demo, today=date(2026, 11, 1))
    assert (new.currency, new.status, new.requested) == ("USD", "pending", date(2026, 11, 1))
    assert new.method in service.methods("US")


def test_import_batches_say_what_an_undo_removes(demo):
    found = service.import_batches(demo)
    assert [(b.file_name, b.kind, b.left) for b in found] == [
        ("gift_log.csv", "gifts", 1974), ("sessions.csv", "sessions", 45),
        ("payouts.csv", "payouts", 2)]
    assert found[0].folded == 8794 and not found[0].undone
    assert service.rejected_rows(demo, 1) == []
