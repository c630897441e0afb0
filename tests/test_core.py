"""The conversion core: the figures guides print and the rules a creator's money follows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.catalogue import GiftLookupError
from app.core.conversion import calibrate, convert, fan_spend, is_withdrawable, quote_payout
from app.core.forecast import threshold_forecast
from app.core.money import dec, plain, round_money
from app.core.planner import plan_withdrawals
from app.core.rates import PayoutMethod
from app.core.valuation import DayTotal, SessionTotals, earnings_by_day, summarize
from app.services.reference import catalogue, rate_book

DAY = date(2026, 11, 1)


def us(preset: str = "default"):
    return rate_book().with_preset(preset).region("US", DAY)


@pytest.mark.parametrize(("coins", "diamonds", "usd_shown"), [
    (1, "0.5", "0.00"),  # Rose: 0.5 diamonds, $0.0025
    (29_999, "14999.5", "75.00"),  # Lion
    (34_999, "17499.5", "87.50"),  # TikTok Universe+
])
def test_half_preset_reproduces_the_guides_table(coins: int, diamonds: str, usd_shown: str):
    c = convert(coins, us("half"), Decimal(1))
    assert c.diamonds == Decimal(diamonds)
    assert round_money(c.usd) == Decimal(usd_shown)


def test_rose_under_half_preset_is_a_quarter_cent_exactly():
    assert convert(1, us("half"), Decimal(1)).usd == Decimal("0.0025")


def test_default_lion_is_exact_and_rounds_up_for_display():
    c = convert(29_999, us(), Decimal(1))
    assert c.diamonds == 29_999
    assert c.usd == Decimal("149.995")
    assert plain(c.usd) == "149.995"
    assert round_money(c.usd) == Decimal("150.00")


def test_catalogue_prices_match_the_reference():
    cat = catalogue()
    assert cat.by_name("Lion").coins == 29_999
    assert cat.by_name("TikTok Universe+").coins == 34_999
    assert cat.by_name("rose").coins == 1
    with pytest.raises(GiftLookupError, match="ambiguous"):
        cat.by_name("Heart")
    with pytest.raises(GiftLookupError, match="unknown"):
        cat.by_name("Not A Gift")


def test_floats_are_refused_as_money():
    with pytest.raises(TypeError):
        dec(0.1)


def test_local_currency_uses_the_day_rate():
    rb = rate_book()
    gb = rb.region("GB", DAY)
    c = convert(20_000, gb, rb.per_usd("GBP", DAY))
    assert c.currency == "GBP"
    assert c.local == Decimal(100) * rb.per_usd("GBP", DAY)


def test_payout_fees_and_spread():
    method = PayoutMethod("GB", "PayPal", DAY, Decimal("0.50"), Decimal("0.02"),
                          Decimal("0.03"), 15)
    q = quote_payout(Decimal(200), method, "GBP", Decimal("0.75"))
    assert q.fee_usd == Decimal("4.50")  # 0.50 + 2 % of 200
    assert q.spread_usd == Decimal("5.87")  # 3 % of 195.50 = 5.865 -> 5.87
    assert q.net_usd == Decimal("189.64")  # 195.50 - 5.865 = 189.635 -> 189.64
    assert q.net_local == Decimal("142.23")  # 189.635 * 0.75 = 142.22625


def test_fees_never_exceed_the_amount():
    method = PayoutMethod("US", "Bank", DAY, Decimal(5), Decimal(0), Decimal(0), 3)
    assert quote_payout(Decimal(2), method, "USD", Decimal(1)).net_usd == 0


def test_withdrawable_at_the_threshold_not_below():
    rates = us()
    assert is_withdrawable(Decimal("100.00"), rates)
    assert not is_withdrawable(Decimal("99.99"), rates)


def test_fan_spend_range_from_coin_packs():
    spend = fan_spend(6_607, rate_book().coin_packs("US"))
    assert spend.currency == "USD"
    # exact (a conversion comes before the rounding), rounded once for display
    assert spend.high == Decimal(6_607) * Decimal("0.99") / 65  # 100.6297 -> $100.63
    assert round_money(spend.high) == Decimal("100.63")
    assert round_money(spend.low) == Decimal("69.85")  # 70 for $0.74 on the web: 69.845


def test_calibration_from_a_real_payout():
    cal = calibrate(20_000, Decimal("90.00"), us())
    assert cal.usd_per_diamond == Decimal("0.0045")
    assert cal.implied_fee_fraction == Decimal("0.1")


def test_effective_dating_keeps_old_days_at_their_rate():
    rb = rate_book()
    history = rb.region_history("US")
    assert len(history) >= 2
    assert rb.region("US", date(2024, 1, 1)).valid_from == history[0].valid_from
    assert rb.region("US", date(2026, 1, 1)).valid_from == history[-1].valid_from


def test_official_live_total_wins_over_the_gift_log():
    hourly = [(DAY_EPOCH_HOUR + 1, 10, 1_000)]  # the log caught 1,000 coins
    sessions = [SessionTotals((DAY_EPOCH_HOUR) * 3600, 1_100, 1_000)]
    days = earnings_by_day(hourly, sessions, "UTC", lambda d: us())
    assert [d.diamonds for d in days] == [Decimal(1_100)]
    assert days[0].usd == Decimal("5.500")
    assert days[0].coins == 1_000


DAY_EPOCH_HOUR = 493_000  # some hour in 2026


def test_gift_days_follow_the_account_time_zone():
    # 03:00 UTC is still the previous evening in New York
    hour = (int(date(2026, 8, 4).toordinal() - date(1970, 1, 1).toordinal()) * 24) + 3
    days = earnings_by_day([(hour, 1, 5)], [], "America/New_York", lambda d: us())
    assert days[0].day == date(2026, 8, 3)


def test_balance_counts_pending_payouts_as_gone_and_failed_as_back():
    from app.core.valuation import PayoutValue
    days = [DayTotal(DAY, 1, 40_000, Decimal(40_000), Decimal(200))]
    payouts = [PayoutValue(DAY, "pending", Decimal(50), Decimal(10_000)),
               PayoutValue(DAY, "failed", Decimal(100), Decimal(20_000))]
    s = summarize(days, payouts, Decimal(100))
    assert s.balance_usd == Decimal(150)
    assert s.balance_diamonds == Decimal(30_000)
    assert s.withdrawable


def test_threshold_forecast_and_daily_cap_schedule():
    days = [DayTotal(date(2026, 10, d), 1, 2_000, Decimal(2_000), Decimal(10)) for d in
            range(4, 32)]
    # $10 every day up to Oct 31; from $75 on Nov 1 (today): Nov 2, 3 -> $95, Nov 4 -> $105
    assert threshold_forecast(Decimal(75), Decimal(100), days, DAY).expected == date(2026, 11, 4)
    assert threshold_forecast(Decimal(75), Decimal(100), [], DAY).expected is None
    rb = rate_book()
    plan = plan_withdrawals(Decimal("2500.50"), DAY, rb.region("US", DAY),
                            rb.payout_method("US", "PayPal", DAY), lambda _day: Decimal(1))
    assert [(w.day, w.quote.gross_usd) for w in plan.withdrawals] == [
        (date(2026, 11, 1), Decimal(1000)), (date(2026, 11, 2), Decimal(1000)),
        (date(2026, 11, 3), Decimal("500.50"))]
