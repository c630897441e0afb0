"""Chart data without Qt: buckets, the forecast and its band, the crosshair lookup, the view."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.core.charts import (
    DAY_S,
    FORECAST_DAYS,
    Forecast,
    bucket_start,
    bucketed_bars,
    day_points,
    earnings_chart,
    forecast,
    forecast_span,
    midnight,
    next_bucket,
)
from app.core.forecast import balance_path, threshold_forecast
from app.core.valuation import DayTotal, PayoutValue

NY = ZoneInfo("America/New_York")
D = Decimal


def day(on: date, usd: str) -> DayTotal:
    return DayTotal(on, 1, 1, D(usd) * 200, D(usd))


def spread(start: date, amounts: list[str]) -> list[DayTotal]:
    """One DayTotal a day from `start`; "0" leaves the day out (a quiet day has no record)."""
    return [day(start + timedelta(days=i), usd) for i, usd in enumerate(amounts) if usd != "0"]


# ---- buckets ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("on", "bucket", "start"), [
    (date(2026, 10, 28), "week", date(2026, 10, 26)),  # a Wednesday: back to Monday
    (date(2026, 11, 1), "week", date(2026, 10, 26)),  # a Sunday ends the week
    (date(2026, 10, 26), "week", date(2026, 10, 26)),
    (date(2026, 10, 28), "month", date(2026, 10, 1)),
    (date(2026, 10, 28), "day", date(2026, 10, 28)),
])
def test_buckets_start_on_monday_and_on_the_first(on, bucket, start):
    assert bucket_start(on, bucket) == start


@pytest.mark.parametrize(("start", "bucket", "following"), [
    (date(2026, 12, 1), "month", date(2027, 1, 1)),
    (date(2026, 1, 1), "month", date(2026, 2, 1)),
    (date(2026, 12, 28), "week", date(2027, 1, 4)),
    (date(2026, 12, 31), "day", date(2027, 1, 1)),
])
def test_next_bucket_crosses_months_and_years(start, bucket, following):
    assert next_bucket(start, bucket) == following


def test_week_and_month_bars_sum_to_the_same_total_as_days():
    days = spread(date(2026, 8, 3), ["1.5", "0", "2.25", "10", "0", "0", "3"] * 12)
    totals = {b: sum(bucketed_bars(days, NY, b).y) for b in ("day", "week", "month")}
    assert totals["week"] == pytest.approx(totals["day"])
    assert totals["month"] == pytest.approx(totals["day"])
    assert len(bucketed_bars(days, NY, "week")) == 12


def test_bars_sit_at_the_bucket_start_and_span_it():
    days = spread(date(2026, 2, 4), ["5"] * 3)  # Wed Feb 4 .. Fri Feb 6
    week = bucketed_bars(days, NY, "week")
    assert week.x == (midnight(date(2026, 2, 2), NY),)
    assert week.width == (7 * DAY_S,)
    assert week.y == (15.0,)
    month = bucketed_bars(days, NY, "month")
    assert month.x == (midnight(date(2026, 2, 1), NY),)
    assert month.width == (28 * DAY_S,)
    # a day's bar is centred on its midnight; a week's covers its seven days' places
    assert bucketed_bars(days, NY, "day").centers[0] == midnight(date(2026, 2, 4), NY)
    assert week.centers[0] == midnight(date(2026, 2, 5), NY)
    assert week.drawn_widths[0] < week.width[0]


def test_a_week_over_the_clock_change_is_an_hour_longer():
    # New York leaves summer time on Sunday, Nov 1, 2026
    week = bucketed_bars(spread(date(2026, 10, 27), ["1"]), NY, "week")
    assert week.width == (7 * DAY_S + 3600,)


def test_quiet_buckets_have_no_bar():
    days = spread(date(2026, 8, 3), ["2", "-2", "0", "0", "0", "0", "0", "0", "0", "0", "4"])
    assert bucketed_bars(days, NY, "week").y == (4.0,)
    assert len(bucketed_bars(days, NY, "day")) == 3  # a day's refund still shows as a bar


# ---- forecast ---------------------------------------------------------------------------------

START = date(2026, 10, 30)  # today in these tests: a Friday
WEEKS = spread(START - timedelta(days=27), ["4", "0", "12", "1", "0", "0", "25"] * 4)


def ahead(balance: Decimal, days=WEEKS, today: date = START):
    threshold = D(100)
    f = threshold_forecast(balance, threshold, days, today)
    span = forecast_span(f, today, balance >= threshold)
    if span is None:
        return f, Forecast()
    path = balance_path(balance, days, f.last_day or today, today, span)
    return f, forecast(path, None if balance >= threshold else f.expected, NY)


def test_forecast_below_the_threshold_ends_on_the_forecast_day():
    f, line = ahead(D("61.04"))
    assert line.crossing is not None and f.expected is not None
    assert line.crossing.day == f.expected > START
    assert line.line.x[0] == midnight(START, NY)  # from today's balance
    assert line.line.x[-1] == line.crossing.x == midnight(f.expected, NY)
    assert line.line.y[0] == pytest.approx(61.04)
    assert line.line.y[-1] >= 100 > line.line.y[-2]  # reached that day, not the day before


def test_band_holds_the_line_and_low_never_passes_high():
    _f, line = ahead(D(40))
    assert line.low.x == line.line.x == line.high.x
    for low, mid, high in zip(line.low.y, line.line.y, line.high.y, strict=True):
        assert low <= mid <= high


def test_forecast_above_the_threshold_runs_thirty_days_without_a_crossing():
    _f, line = ahead(D(361))
    assert line.crossing is None
    assert len(line.line) == FORECAST_DAYS + 1
    assert line.line.x[-1] == midnight(START + timedelta(days=FORECAST_DAYS), NY)


def test_no_forecast_without_earnings_or_on_stale_data():
    assert ahead(D(10), days=[])[1].empty
    f, line = ahead(D(10), today=START + timedelta(days=20))
    assert line.empty and f.note == "no earnings for 20 days: no forecast"


# ---- the whole chart --------------------------------------------------------------------------

def sample_chart(balance_below: bool = True):
    days = spread(date(2026, 8, 3), ["4", "0", "12", "1", "0", "0", "25"] * 12)  # 504 in all
    payouts = [PayoutValue(date(2026, 10, 27), "pending", D(450) if balance_below else D(1),
                           D(90000)),
               PayoutValue(date(2026, 9, 1), "failed", D(999), D(0))]
    today = date(2026, 10, 27)
    balance = D(504 - 450) if balance_below else D(503)
    _f, line = ahead(balance, days=days, today=today)
    path = balance_path(balance, days, max(d.day for d in days), today,
                        len(line.line) - 1)
    f = threshold_forecast(balance, D(100), days, today)
    return days, earnings_chart(days, payouts, D(100), "America/New_York", path,
                                f.expected if balance_below else None)


def test_day_points_fill_every_calendar_day_and_skip_failed_payouts():
    days, chart = sample_chart()
    points = chart.points
    assert [p.day for p in points] == [points[0].day + timedelta(days=i)
                                       for i in range(len(points))]
    assert points[-1].day == date(2026, 10, 27)  # the payout's day is the last with data
    assert points[-1].balance_usd == D(504 - 450)
    assert day_points(days, [], NY)[-1].balance_usd == sum(d.usd for d in days)
    assert chart.balance.y[-1] == pytest.approx(float(points[-1].balance_usd))


def test_forecast_starts_at_todays_balance():
    _days, chart = sample_chart()
    assert chart.forecast.line.x[0] == chart.balance.x[-1]
    assert chart.forecast.line.y[0] == pytest.approx(chart.balance.y[-1])
    assert chart.forecast.crossing is not None


def test_point_at_snaps_to_the_nearest_day():
    _days, chart = sample_chart()
    first, second = chart.points[0], chart.points[1]
    assert chart.point_at(first.x + 0.4 * DAY_S) == first
    assert chart.point_at(first.x + 0.6 * DAY_S) == second
    assert chart.point_at(first.x - 50 * DAY_S) == first
    assert chart.point_at(chart.points[-1].x + 50 * DAY_S) == chart.points[-1]
    assert chart.point_at(second.x).earned_usd == D(0)  # a quiet day still reads as one


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_preset_shows_that_many_days_with_at_most_a_third_of_forecast(days):
    _days, chart = sample_chart(balance_below=False)
    x0, x1 = chart.window(days)
    assert (x1 - x0) / DAY_S == pytest.approx(days + 0.2)
    assert x1 - chart.balance.x[-1] <= days * DAY_S / 3 + 0.6 * DAY_S


def test_all_shows_the_whole_history_and_the_whole_forecast():
    _days, chart = sample_chart()
    x0, x1 = chart.window(None)
    assert x0 < chart.balance.x[0] and x1 > chart.forecast.line.x[-1]
