"""The Planner's figures over the demo ledger, each checked against a hand computation from
the region's rate tables (data/regions.json) and the ledger's balance."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from app.core.forecast import forecast
from app.services import importing
from app.services import planner as service
from app.services.demo import DEMO_HANDLE, load_demo
from app.services.reference import catalogue, rate_book
from app.store import queries
from app.store.db import open_db
from tests.helpers import gift_csv

TODAY = date(2026, 11, 22)
LAST_DAY = date(2026, 10, 30)  # the sample's last day with earnings (New York time)
DEMO_BALANCE = Decimal("361.04")  # 72,208 diamonds x $0.005, nothing pending
CENT = Decimal("0.01")


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def demo(tmp_path: Path, region: str = "US"):
    db = open_db(tmp_path / "ledger.sqlite3")
    load_demo(db)
    account = queries.account_by_handle(db, DEMO_HANDLE)
    assert account is not None
    queries.update_account(db, account.id, region, account.timezone)
    return db, account


def hand_quote(amount: Decimal, region: str, method: str, day: date = TODAY):
    """fee = fixed + percent x amount; spread = fx_spread x (amount - fee) unless USD;
    net = amount - fee - spread; local = net x the day's exchange rate."""
    rb = rate_book()
    m = rb.payout_method(region, method, day)
    currency = rb.region(region, day).currency
    fee = m.fixed_fee_usd + m.percent_fee * amount
    spread = m.fx_spread * (amount - fee) if currency != "USD" else Decimal(0)
    net = amount - fee - spread
    return cents(fee), cents(spread), cents(net), cents(net * rb.per_usd(currency, day))


# the same figures written out: GBP 0.75/USD, BRL 5.40/USD (exchange rates from 2026-01-01)
HAND = {
    # PayPal: 2% fee, 3% spread: 361.04 x 0.02 = 7.2208; 353.8192 x 0.03 = 10.614576;
    # net 343.204624 -> 257.403468 GBP / 1853.3049696 BRL
    ("GB", "PayPal"): ("7.22", "10.61", "343.20", "257.40"),
    ("BR", "PayPal"): ("7.22", "10.61", "343.20", "1853.30"),
    # Bank transfer: $1 fee, 2% spread: 360.04 x 0.02 = 7.2008; net 352.8392
    # -> 264.6294 GBP / 1905.33168 BRL
    ("GB", "Bank transfer"): ("1.00", "7.20", "352.84", "264.63"),
    ("BR", "Bank transfer"): ("1.00", "7.20", "352.84", "1905.33"),
}


@pytest.mark.parametrize(("region", "method"), list(HAND))
def test_each_method_pays_the_whole_balance_as_the_rates_say(tmp_path, region, method):
    db, _ = demo(tmp_path, region)
    p = service.planner(db, today=TODAY)
    assert p is not None and p.rates.region == region
    assert p.summary.balance_usd == DEMO_BALANCE and p.summary.withdrawable
    assert p.per_usd == rate_book().per_usd(p.currency, TODAY)
    assert p.balance_local == DEMO_BALANCE * p.per_usd
    assert p.rates.min_withdrawal_usd == Decimal(100) and p.rates.daily_cap_usd == 1000
    assert [m.method.name for m in p.methods] == [
        m.name for m in rate_book().payout_methods(region, TODAY)]
    plan = p.method(method)
    (w,) = plan.withdrawals
    expected = tuple(Decimal(v) for v in HAND[(region, method)])
    assert expected == hand_quote(DEMO_BALANCE, region, method)
    assert (w.quote.fee_usd, w.quote.spread_usd, w.quote.net_usd, w.quote.net_local) == expected
    assert w.day == TODAY and w.arrives == TODAY + timedelta(days=15) == plan.arrives
    db.close()


def test_pending_payouts_count_as_gone(tmp_path):
    db, account = demo(tmp_path, "GB")
    queries.add_payout(db, account.id, {"requested_ts": 1_793_000_000, "amount": "50",
                                           "usd": "50", "currency": "USD",
                                           "status": "pending", "method": "PayPal"})
    p = service.planner(db, today=TODAY)
    assert p is not None
    assert p.pending_usd == Decimal(50) and p.pending_count == 1
    assert p.summary.balance_usd == DEMO_BALANCE - 50
    assert p.method("PayPal").withdrawals[0].quote.gross_usd == DEMO_BALANCE - 50
    db.close()


def whale_ledger(tmp_path: Path, region: str, lions: int = 12):
    """The demo plus `lions` Lions of 29,999 coins ($149.995 each) on its last day."""
    db, account = demo(tmp_path, region)
    rows = [f"2026-10-30 20:00:{i:02d},whale,Lion,29999" for i in range(lions)]
    report, = importing.import_files(db, [gift_csv(tmp_path / "whale.csv", rows)],
                                     account=DEMO_HANDLE)
    assert report.inserted == lions
    return db, account


def test_a_balance_above_the_daily_cap_leaves_in_three_days_with_a_fee_each(tmp_path):
    db, _ = whale_ledger(tmp_path, "GB")
    p = service.planner(db, today=TODAY)
    assert p is not None
    balance = DEMO_BALANCE + 12 * Decimal("149.995")  # 2,160.98
    assert p.summary.balance_usd == balance == Decimal("2160.980")
    bank = p.method("Bank transfer")
    assert [(w.day, w.quote.gross_usd) for w in bank.withdrawals] == [
        (TODAY, Decimal(1000)), (TODAY + timedelta(days=1), Decimal(1000)),
        (TODAY + timedelta(days=2), Decimal("160.98"))]
    # each $1,000: fee $1, spread 999 x 0.02 = 19.98, net 979.02, x 0.75 = 734.265 GBP
    for w in bank.withdrawals[:2]:
        assert (w.quote.fee_usd, w.quote.spread_usd, w.quote.net_usd, w.quote.net_local) == (
            Decimal("1.00"), Decimal("19.98"), Decimal("979.02"), Decimal("734.27"))
    # the last $160.98: fee $1, spread 159.98 x 0.02 = 3.1996, net 156.7804, 117.5853 GBP
    last = bank.withdrawals[2].quote
    assert (last.fee_usd, last.spread_usd, last.net_usd, last.net_local) == (
        Decimal("1.00"), Decimal("3.20"), Decimal("156.78"), Decimal("117.59"))
    assert bank.fee_usd == 3 * rate_book().payout_method("GB", "Bank transfer", TODAY).fixed_fee_usd
    assert bank.net_usd == Decimal("979.02") * 2 + Decimal("156.78")
    assert bank.arrives == TODAY + timedelta(days=2 + 15)
    db.close()


def test_below_the_threshold_the_forecast_day_and_the_threshold_amount(tmp_path):
    db, account = demo(tmp_path, "BR")
    queries.add_payout(db, account.id, {"requested_ts": 1_793_000_000, "amount": "300",
                                           "usd": "300", "currency": "USD", "status": "paid",
                                           "method": "PayPal"})
    p = service.planner(db, today=LAST_DAY)
    assert p is not None and not p.summary.withdrawable
    assert p.summary.balance_usd == Decimal("61.04") and p.last_day == LAST_DAY
    expected = forecast(Decimal("61.04"), Decimal(100), p.history.days, LAST_DAY, LAST_DAY)
    assert p.forecast == replace(expected, last_day=LAST_DAY) and expected.expected is not None
    assert expected.low <= expected.expected <= expected.high
    assert p.forecast.method.startswith("weekday means of the last 4 weeks")
    assert p.request_day == expected.expected and p.amount_usd == Decimal(100)
    paypal = p.method("PayPal").withdrawals[0]
    # $100: fee 2.00, spread 98 x 0.03 = 2.94, net 95.06, x 5.40 = 513.324 BRL
    assert (paypal.quote.fee_usd, paypal.quote.spread_usd, paypal.quote.net_usd,
            paypal.quote.net_local) == (Decimal("2.00"), Decimal("2.94"), Decimal("95.06"),
                                        Decimal("513.32"))
    assert paypal.arrives == expected.expected + timedelta(days=15)
    # the chart's path starts at today's balance and crosses where expected
    assert p.path.days[0] == LAST_DAY and p.path.expected[0] == Decimal("61.04")
    crossing = p.path.days.index(expected.expected)
    assert p.path.expected[crossing] >= 100 > p.path.expected[crossing - 1]
    assert all(lo <= hi for lo, hi in zip(p.path.low, p.path.high, strict=True))
    db.close()


def test_waiting_adds_the_forecast_pace_and_pays_the_fee_once(tmp_path):
    db, _ = demo(tmp_path, "GB")
    p = service.planner(db, today=LAST_DAY)
    assert p is not None
    later = LAST_DAY + timedelta(days=14)
    choice = service.wait(p, "Bank transfer", later)
    means = p.forecast.daily_usd  # two weeks: each weekday's mean twice
    grown = DEMO_BALANCE + 2 * sum(means, Decimal(0))
    assert choice.later_balance_usd == grown
    assert choice.later.gross_usd == grown.quantize(CENT, rounding=ROUND_DOWN)
    assert choice.now.net_usd == Decimal("352.84")
    assert choice.later.net_usd == cents((choice.later.gross_usd - 1) * Decimal("0.98"))
    assert choice.gain_usd == choice.later.net_usd - choice.now.net_usd
    db.close()


def test_the_goal_in_diamonds_a_day_and_in_gifts(tmp_path):
    db, _ = demo(tmp_path, "GB")
    p = service.planner(db, today=TODAY)
    assert p is not None
    g = service.goal_for(p, Decimal(2000), TODAY + timedelta(days=30))
    # 2,000 GBP / 0.75 = $2,666.67; minus $361.04; / $0.005 / 30 days = 15,370.8 -> 15,371
    assert g.days == 30
    assert g.missing_usd == Decimal(2000) / Decimal("0.75") - DEMO_BALANCE
    assert g.diamonds_per_day == Decimal(15371)
    coins = {name: catalogue().by_name(name).coins for name in service.GOAL_GIFTS}
    hand = {name: int((Decimal(15371) / c).to_integral_value(rounding=ROUND_CEILING))
            for name, c in coins.items()}
    assert {e.name: e.count for e in g.gifts_per_day} == hand
    assert hand == {"Rose": 15371, "Finger Heart": 3075, "Doughnut": 513, "Corgi": 52,
                    "Lion": 1}
    with pytest.raises(ValueError):
        service.goal_for(p, Decimal(2000), TODAY)
    db.close()


def test_calibration_from_a_real_payout(tmp_path):
    db, _ = demo(tmp_path, "BR")
    p = service.planner(db, today=TODAY)
    assert p is not None
    cal = service.calibration(p, 20_000, Decimal(90))
    assert cal.usd_per_diamond == Decimal("0.0045")
    assert cal.implied_fee_fraction == Decimal("0.1")  # $100 nominal, $90 received
    db.close()


def test_an_empty_ledger_has_no_plan(tmp_path):
    db = open_db(tmp_path / "empty.sqlite3")
    assert service.planner(db, today=TODAY) is None
    db.close()
