"""The planner's forecast, wait-or-withdraw comparison and goal, checked by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core.forecast import forecast, goal, weekday_history
from app.core.planner import now_or_later
from app.core.rates import PayoutMethod, RegionRates
from app.core.valuation import DayTotal

END = date(2026, 10, 31)  # a Saturday


def day(d: date, usd: str) -> DayTotal:
    return DayTotal(d, 1, 0, Decimal(usd) / Decimal("0.005"), Decimal(usd))


def fridays_only(weeks: int = 4, usd: str = "10") -> list[DayTotal]:
    return [day(END - timedelta(days=1 + 7 * w), usd) for w in range(weeks)]  # Oct 30, 23...


def test_weekday_history_counts_quiet_days_as_zero():
    history = weekday_history(fridays_only(), END)
    assert history[4] == [Decimal(10)] * 4  # Fridays
    assert history[1] == [Decimal(0)] * 4  # Tuesdays


def test_forecast_follows_the_weekday_pattern():
    # $10 every Friday only: $75 -> $100 takes three Fridays: Nov 6, 13, 20
    f = forecast(Decimal(75), Decimal(100), fridays_only(), END, END)
    assert f.expected == date(2026, 11, 20)
    assert f.daily_usd[4] == Decimal(10) and sum(f.daily_usd) == Decimal(10)
    assert f.low == f.high == f.expected  # every Friday earned the same: no spread


def test_forecast_band_spans_busy_and_quiet_weeks():
    days = [day(END - timedelta(days=1), "40"), day(END - timedelta(days=8), "0"),
            day(END - timedelta(days=15), "10"), day(END - timedelta(days=22), "10")]
    f = forecast(Decimal(60), Decimal(100), days, END, END, samples=400)
    assert f.low is not None and f.high is not None and f.expected is not None
    assert f.low <= f.expected <= f.high
    assert f.low == date(2026, 11, 6)  # one $40 Friday is enough
    assert f.high > date(2026, 11, 20)


def test_no_recent_earnings_means_no_forecast_and_already_there_means_today():
    assert forecast(Decimal(10), Decimal(100), [], END, END).expected is None
    assert forecast(Decimal(150), Decimal(100), [], END, END).expected == END


def test_waiting_saves_the_fixed_fee_once():
    bank = PayoutMethod("US", "Bank transfer", END, Decimal(1), Decimal(0), Decimal(0), 15)
    us = RegionRates("US", "USD", END, Decimal(1), Decimal("0.005"), Decimal(100),
                     Decimal(1000))
    choice = now_or_later(Decimal(200), Decimal(270), END, END + timedelta(days=7), us, bank,
                          lambda _day: Decimal(1))
    assert choice.now.net_usd == Decimal("199.00")
    assert choice.later.net_usd == Decimal("269.00")  # 200 + 7 x 10, minus $1
    assert choice.gain_usd == Decimal("70.00")


def test_goal_in_local_currency_and_gifts():
    # £300 by Nov 30 at 0.75 GBP/USD = $400; $100 in hand; 30 days: $10/day = 2,000 diamonds
    g = goal(Decimal(300), Decimal("0.75"), date(2026, 11, 30), END, Decimal(100),
             Decimal("0.005"), Decimal(1), [("Rose", 1), ("Lion", 29_999)])
    assert g.missing_usd == Decimal(300)
    assert g.days == 30
    assert g.diamonds_per_day == 2_000
    assert [(e.name, e.count) for e in g.gifts_per_day] == [("Rose", 2000), ("Lion", 1)]
    with pytest.raises(ValueError):
        goal(Decimal(1), Decimal(1), END, END, Decimal(0), Decimal("0.005"), Decimal(1), [])
