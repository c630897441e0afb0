"""Compare regions and fan spend over the demo ledger, each figure checked against a hand
computation from the shipped rate tables (data/regions.json, data/coin_packs.csv).

The demo: 203,208 diamonds in all (the LIVEs' official totals: the gift log caught 202,704
coins and missed 504), Aug 2 - Oct 30, 2026 in New York time, US account.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.core.conversion import fan_spend
from app.services import accounts, money_views
from app.services import compare as service
from app.services import rates as rates_service
from app.services.rates import RateForm, effective_book
from app.store import queries

TODAY = date(2026, 11, 22)
ALL_DIAMONDS = Decimal(203_208)
ALL_USD = Decimal("1016.04")  # 203,208 x $0.005
CENT = Decimal("0.01")


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def row(db, region: str, period: str = "all", today: date = TODAY) -> service.RegionRow:
    c = service.compare(db, period, today=today)
    assert c is not None
    return c.row(region)


# ---- the value of the gifts, region by region ---------------------------------------------------

def test_us_row_at_the_default_rates(demo_db):
    us = row(demo_db, "US")
    assert us.own and us.currency == "USD"
    assert us.diamonds == ALL_DIAMONDS and us.gifts == 1974
    assert us.usd == ALL_USD and us.local == ALL_USD
    # the period's gifts only ever met the 2025-02-10 entry (Scaled LIVE rewards): a sourced one
    assert [r.valid_from for r in us.rates_used] == [date(2025, 2, 10)]
    assert not us.unsourced
    assert us.rates.min_withdrawal_usd == 100 and us.reaches_minimum


def test_us_best_method_splits_under_the_daily_cap(demo_db):
    """$1,016.04 over the $1,000 cap: $1,000 today; the $16.04 left is under the $100 minimum
    and stays. Bank transfer ($1) costs $1; PayPal (2%) would cost $20. No spread: USD."""
    us = row(demo_db, "US")
    assert us.best is not None and us.best.method.name == "Bank transfer"
    assert [(w.day, w.quote.gross_usd) for w in us.best.withdrawals] == [(TODAY, Decimal(1000))]
    assert us.best.stays_usd == Decimal("16.04")
    assert us.best.fee_usd == Decimal("1.00") and us.best.spread_usd == 0
    assert us.best.net_local == Decimal("999.00")
    assert us.costs_local == Decimal("1.00")
    assert us.arrives_in_days == 15


def test_gb_row_converts_and_loses_the_spread(demo_db):
    """GBP at 0.75 per USD (2026-01-01). Bank transfer: $1 fee and a 2% spread per
    withdrawal: $1,000 -> (999 x 0.98 = 979.02) x 0.75 = 734.265 -> £734.27; the $16.04
    left is under the minimum and stays. PayPal (2% + 3% spread) would bring £712.95: less."""
    gb = row(demo_db, "GB")
    assert not gb.own and gb.currency == "GBP"
    assert gb.usd == ALL_USD
    assert gb.local == ALL_USD * Decimal("0.75")  # £762.03
    assert gb.best is not None and gb.best.method.name == "Bank transfer"
    assert [w.quote.net_local for w in gb.best.withdrawals] == [Decimal("734.27")]
    assert gb.best.net_local == Decimal("734.27")
    assert gb.costs_local == Decimal("15.73")  # 1,000 x 0.75 - 734.27
    assert [r.valid_from for r in gb.rates_used] == [date(2020, 1, 1)]
    assert gb.unsourced  # regions.json: "defaults; no regional source"


def test_a_region_with_its_own_minimum_rate_and_cap(demo_db):
    """The creator's GB entry from 2026-09-01: $0.004 a diamond, $2,000 minimum, $500 a day.
    August keeps the shipped $0.005; the row names both entries it used."""
    rates_service.save_region_rate(demo_db, "GB", RateForm(
        date(2026, 9, 1), "1", "0.004", "2000", "500", "my statement"))
    account = accounts.resolve(demo_db, None)
    days = money_views.ledger_view(demo_db, account).days  # US valuation: the same diamonds per day
    august = sum((d.diamonds for d in days if d.day < date(2026, 9, 1)), Decimal(0))
    later = ALL_DIAMONDS - august
    gb = row(demo_db, "GB")
    assert gb.usd == august * Decimal("0.005") + later * Decimal("0.004")
    assert [r.valid_from for r in gb.rates_used] == [date(2020, 1, 1), date(2026, 9, 1)]
    assert gb.unsourced  # August still used the generic default
    assert gb.rates.min_withdrawal_usd == 2000 and not gb.reaches_minimum
    assert gb.best is not None  # a $500 cap under a $2,000 minimum allows no withdrawal
    assert gb.best.withdrawals == () and gb.best.stays_usd == gb.usd
    # the other regions are not touched
    assert row(demo_db, "US").usd == ALL_USD


def test_the_account_region_comes_first_and_is_the_only_one_marked(demo_db):
    account = accounts.resolve(demo_db, None)
    queries.update_account(demo_db, account.id, "BR", account.timezone)
    c = service.compare(demo_db, "all", today=TODAY)
    assert c is not None and c.region == "BR"
    assert c.rows[0].region == "BR" and c.rows[0].own
    assert [r.region for r in c.rows if r.own] == ["BR"]
    assert {r.region for r in c.rows} == set(effective_book(demo_db).region_codes())


# ---- fan spend -----------------------------------------------------------------------------------

def test_fan_spend_is_a_per_coin_range_not_a_cheapest_combination():
    """fan_spend prices every coin at the cheapest and at the dearest pack's price per coin:
    6,607 coins are $69.85 at the web's 70 for $0.74 (not the $99.99 in-app 6,607 pack) and
    $100.63 at the in-app 65 for $0.99."""
    spend = fan_spend(6607, effective_book(None).coin_packs("US"))
    assert (cents(spend.low), cents(spend.high)) == (Decimal("69.85"), Decimal("100.63"))


def test_us_fans_paid_for_every_diamond_including_what_the_log_missed(demo_db):
    """203,208 coins (the official totals, not the log's 202,704): at $0.74/70 = $2,148.1989
    and at $0.99/65 = $3,095.0142. The creator receives $1,016.04 of it: TikTok keeps
    1 - 1016.04/2148.20 = 52.7% to 1 - 1016.04/3095.01 = 67.2%."""
    fans = row(demo_db, "US").fans
    assert fans is not None
    assert fans.coins == 203_208 and fans.pack_currency == "USD" and not fans.converted
    assert fans.paid is not None
    assert (cents(fans.paid.low), cents(fans.paid.high)) == (Decimal("2148.20"),
                                                             Decimal("3095.01"))
    assert fans.receive_local == ALL_USD
    kept = fans.kept()
    assert kept is not None
    assert kept[0] == 1 - ALL_USD / fans.paid.low  # the exact spend, not a rounded one
    assert (cents(kept[0] * 100), cents(kept[1] * 100)) == (Decimal("52.70"), Decimal("67.17"))
    assert (fans.cheapest().channel, fans.dearest().coins) == ("web", 65)


def test_fan_spend_per_month_adds_up(demo_db):
    fans = row(demo_db, "US").fans
    assert fans is not None
    assert [m.month for m in fans.months] == [date(2026, 8, 1), date(2026, 9, 1),
                                              date(2026, 10, 1)]
    assert sum(m.coins for m in fans.months) == 203_208
    assert sum((m.receive_local or 0 for m in fans.months), Decimal(0)) == ALL_USD
    packs = effective_book(demo_db).coin_packs("US")
    assert all(m.paid == fan_spend(m.coins, packs) for m in fans.months)


def test_brazil_packs_priced_in_usd_are_converted(demo_db):
    """BR carries the in-app ladder in USD (no regional prices): cheapest per coin 330 for
    $4.99 -> 203,208 x 4.99 / 330 = $3,072.7513, x 5.40 BRL/USD = R$16,592.8569 -> R$16,592.86
    (converted first, rounded once: rounding to $3,072.75 first gave R$16,592.85). The
    creator's R$5,486.62 (1,016.04 x 5.40) against it: TikTok keeps 66.9%."""
    br = row(demo_db, "BR")
    fans = br.fans
    assert fans is not None and fans.converted and fans.pack_currency == "USD"
    assert fans.paid is not None and fans.paid.currency == "BRL"
    assert fans.paid.low == Decimal(203_208) * Decimal("4.99") / 330 * Decimal("5.40")
    assert cents(fans.paid.low) == Decimal("16592.86")
    assert fans.receive_local == ALL_USD * Decimal("5.40") == br.local
    kept = fans.kept()
    assert kept is not None and cents(kept[0] * 100) == Decimal("66.93")


# ---- periods -------------------------------------------------------------------------------------

def test_periods_end_today():
    assert service.period("30d", TODAY).start == date(2026, 10, 24)
    assert service.period("90d", TODAY).start == date(2026, 8, 25)
    assert service.period("year", TODAY).start == date(2026, 1, 1)
    assert service.period("all", TODAY).start is None
    with pytest.raises(ValueError, match="unknown period"):
        service.period("week", TODAY)


def test_last_30_days_hold_only_their_gifts(demo_db):
    """As on Oct 31: Oct 2 - Oct 31, the same diamonds as the summary of those days."""
    today = date(2026, 10, 31)
    summary, _ = money_views.summary(demo_db, start=date(2026, 10, 2), end=today)
    us = row(demo_db, "US", "30d", today)
    assert us.diamonds == summary.diamonds and us.usd == summary.usd
    assert 0 < us.diamonds < ALL_DIAMONDS
    fans = us.fans
    assert fans is not None and [m.month for m in fans.months] == [date(2026, 10, 1)]
    c = service.compare(demo_db, "30d", today=today)
    assert c is not None and c.first_day is not None and c.first_day >= date(2026, 10, 2)


def test_a_quiet_period_has_nothing_to_withdraw(demo_db):
    c = service.compare(demo_db, "year", today=date(2027, 3, 1))
    assert c is not None and c.first_day is None
    us = c.row("US")
    assert us.usd == 0 and not us.reaches_minimum and us.best is None
    assert us.fans is not None and us.fans.coins == 0 and us.fans.kept() is None
    # still says which rates would apply
    assert [r.valid_from for r in us.rates_used] == [date(2025, 2, 10)]


def test_an_empty_ledger_has_nothing_to_compare(db):
    assert service.compare(db, "all", today=TODAY) is None
