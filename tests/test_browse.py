"""Browsing without Qt: pages are the right slices in every sort, filters and counts agree with
plain SQL, the leaderboard and the gift mix add up, values use the rates of each gift's day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import gift_csv, ledger, ts, write
from sqlite_utils import Database

from app.core.account import NewAccount
from app.core.rates import RegionRates
from app.services import browse
from app.services.browse import GiftQuery, RatePeriods
from app.services.demo import load_demo
from app.services.importing import import_files
from app.store import browse as store
from app.store.db import open_db

NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_db(tmp_path_factory.mktemp("demo") / "ledger.sqlite3")
    load_demo(db)
    yield db
    db.close()


@pytest.fixture
def ties(tmp_path: Path) -> Iterator[Database]:
    """450 gifts of 9 senders in few distinct seconds and values: sorts full of ties."""
    db = ledger(tmp_path, timezone="America/New_York")
    lines = []
    for i in range(450):
        when = datetime.fromtimestamp(ts("2026-08-03 00:00:00") + 60 * (i // 7), UTC)
        gift = ("Rose", "Finger Heart", "Doughnut")[i % 3]
        lines.append(f"{when:%Y-%m-%d %H:%M:%S},fan{i % 9},{gift},{1 + i % 4}")
    import_files(db, [gift_csv(tmp_path / "ties.csv", lines, "time,sender,gift,count")])
    yield db
    db.close()


def _all_ids(db: Database, f: store.GiftFilter, sort: str, descending: bool) -> list[int]:
    return [r["id"] for r in store.gift_page(db, f, sort, descending, limit=10**6)]


def _expected_ids(db: Database, sort: str, descending: bool) -> list[int]:
    """The order written out by hand, independent of SORT_KEYS."""
    key = {"time": lambda r: (r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]),
           "sender": lambda r: (r[3], r[0]), "gift": lambda r: (r[5], r[7], r[0]),
           "count": lambda r: (r[6], r[0]), "coins": lambda r: (r[7], r[0]),
           "live": lambda r: (r[8], r[1], r[0])}[sort]
    found = db.execute("SELECT id, ts, sender_id, sender_name, gift_id, gift_name, repeat_count,"
                       " coins_total, room_id, occurrence FROM gifts").fetchall()
    return [r[0] for r in sorted(found, key=key, reverse=descending)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(store.SORT_KEYS))
def test_every_sort_is_a_total_order_and_pages_are_its_slices(ties, sort, descending):
    f = store.GiftFilter(1)
    expected = _expected_ids(ties, sort, descending)
    assert _all_ids(ties, f, sort, descending) == expected
    page = store.gift_page(ties, f, sort, descending, offset=200, limit=50)
    assert [r["id"] for r in page] == expected[200:250]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(store.SORT_KEYS))
def test_the_page_after_a_row_equals_the_page_at_its_offset(ties, sort, descending):
    f = store.GiftFilter(1)
    first = store.gift_page(ties, f, sort, descending, limit=137)
    after = store.gift_page(ties, f, sort, descending, limit=100,
                            after=store.sort_key(first[-1], sort))
    at = store.gift_page(ties, f, sort, descending, offset=137, limit=100)
    assert [r["id"] for r in after] == [r["id"] for r in at]


@pytest.mark.parametrize("sort", ["sender", "count", "live"])
def test_an_order_of_ids_pages_like_the_sorted_query(ties, sort):
    f = store.GiftFilter(1, gift="Rose")
    ids = store.ordered_ids(ties, f, sort, True, chunk=7)  # read in several chunks
    assert len(ids) == 150
    paged = [r["id"] for off in range(0, 150, 40)
             for r in store.rows_by_ids(ties, ids[off:off + 40])]
    assert paged == _all_ids(ties, f, sort, True)
    assert [r["id"] for r in store.rows_by_ids(ties, ids)] == list(ids)  # > one lookup chunk


def _sql_count(db: Database, where: str, params: tuple[object, ...] = ()) -> int:
    return int(db.execute(f"SELECT count(*) FROM gifts WHERE {where}", params).fetchone()[0])


def test_filters_count_what_plain_sql_counts(demo):
    cases = [
        (store.GiftFilter(1, text="zoe"), "sender_name LIKE '%zoe%' OR gift_name LIKE '%zoe%'"),
        (store.GiftFilter(1, text="ROSE"), "sender_name LIKE '%rose%' OR gift_name LIKE '%rose%'"),
        (store.GiftFilter(1, gift="Lion"), "gift_name = 'Lion'"),
        (store.GiftFilter(1, sender="6918262515785582350"), "sender_id = '6918262515785582350'"),
        (store.GiftFilter(1, start_ts=ts("2026-09-01 00:00:00"), end_ts=ts("2026-09-08 00:00:00")),
         f"ts >= {ts('2026-09-01 00:00:00')} AND ts < {ts('2026-09-08 00:00:00')}"),
    ]
    for f, where in cases:
        expected = _sql_count(demo, where)
        assert expected > 0
        assert store.count_gifts(demo, f) == expected == store.gift_totals(demo, f).gifts
        assert len(store.gift_page(demo, f, limit=5000)) == expected


def test_search_text_is_literal(tmp_path):
    db = ledger(tmp_path)
    lines = ["2026-08-03 10:00:00,100%_fan,Rose,1", "2026-08-03 10:01:00,100x fan,Rose,1",
             "2026-08-03 10:02:00,back\\slash,Rose,1"]
    import_files(db, [gift_csv(tmp_path / "g.csv", lines, "time,sender,gift,count")])
    assert store.count_gifts(db, store.GiftFilter(1, text="%_")) == 1
    assert store.count_gifts(db, store.GiftFilter(1, text="0%")) == 1
    assert store.count_gifts(db, store.GiftFilter(1, text="k\\s")) == 1
    db.close()


@pytest.mark.parametrize("cut", [ts("2026-09-15 04:00:00"), ts("2026-09-15 04:30:00")])
def test_totals_split_coins_at_the_rate_cuts(demo, cut):
    """A cut on a whole hour is read from the hourly rollup, a half hour from the rows."""
    totals = store.gift_totals(demo, store.GiftFilter(1), [cut])
    before = demo.execute("SELECT sum(coins_total) FROM gifts WHERE ts < ?", (cut,)).fetchone()[0]
    assert totals.period_coins == (before, 202_704 - before)
    assert totals.coins == 202_704


@pytest.mark.parametrize("start", ["2026-09-01 04:00:00", "2026-09-01 04:30:00"])
def test_time_range_totals_agree_with_the_rows(demo, start):
    f = store.GiftFilter(1, start_ts=ts(start), end_ts=ts("2026-09-20 04:00:00"))
    cond, params = store.where(f)
    count, coins = demo.execute(f"SELECT count(*), sum(coins_total) FROM gifts WHERE {cond}",
                                params).fetchone()
    assert (store.gift_totals(demo, f).gifts, store.gift_totals(demo, f).coins) == (count, coins)


def test_gift_names_are_every_distinct_name(demo):
    names = [r[0] for r in demo.execute("SELECT DISTINCT gift_name FROM gifts ORDER BY 1")]
    assert store.gift_names(demo, 1) == names and len(names) == 20


def test_gift_list_counts_and_values_the_demo(demo):
    listing = browse.gift_list(demo)
    assert (listing.count, listing.coins, listing.ledger_gifts) == (1974, 202_704, 1974)
    assert listing.diamonds == 202_704
    assert listing.usd == Decimal("1013.520")
    half = browse.gift_list(demo, preset="half")
    assert half.diamonds == Decimal("101352.0")


def test_gift_rows_are_in_local_time_and_name_their_live(demo):
    listing = browse.sorted_list(demo, browse.gift_list(demo), "coins", True)
    lion = browse.gift_page(demo, listing, 0, 1)[0]
    raw = demo.execute("SELECT ts FROM gifts WHERE gift_name = 'Lion'").fetchone()[0]
    assert (lion.gift, lion.coins, lion.usd) == ("Lion", 29_999, Decimal("149.995"))
    assert lion.time == datetime.fromtimestamp(raw, NY)
    assert lion.time.utcoffset().total_seconds() == -4 * 3600
    start, title = demo.execute("SELECT start_ts, title FROM sessions WHERE start_ts <= ?"
                                " AND end_ts > ?", (raw, raw)).fetchone()
    assert lion.live is not None
    assert (lion.live.start.timestamp(), lion.live.title) == (start, title)


def test_date_filters_are_local_days(demo):
    day = date(2026, 9, 12)
    listing = browse.gift_list(demo, GiftQuery(start=day, end=day))
    lo = int(datetime(2026, 9, 12, tzinfo=NY).timestamp())
    assert listing.count == _sql_count(demo, "ts >= ? AND ts < ?", (lo, lo + 86_400)) > 0
    assert listing.ledger_gifts == 1974


def test_a_sorted_list_is_ordered_without_writing_to_the_ledger(demo):
    before = demo.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0]
    listing = browse.sorted_list(demo, browse.gift_list(demo), "sender", False)
    again = browse.sorted_list(demo, listing, "count", True)
    assert demo.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == before
    assert again.order is not None and len(again.order) == again.count == 1974
    assert browse.gift_page(demo, again, 0, 1)[0].count == demo.execute(
        "SELECT max(repeat_count) FROM gifts").fetchone()[0]


def test_a_search_is_paged_by_its_ids_and_the_plain_time_order_by_the_index(demo):
    assert browse.gift_list(demo).order is None
    found = browse.gift_list(demo, GiftQuery(text="rose"))
    assert found.order is not None and len(found.order) == found.count
    times = [r.time for r in browse.gift_page(demo, found, 0, found.count)]
    assert times == sorted(times, reverse=True)  # newest first, as without the search


def test_gift_mix_is_the_top_ten_and_the_rest(demo):
    mix = browse.gift_mix(demo, browse.gift_list(demo))
    assert len(mix) == 11 and mix[-1].other and mix[0].gift == "Lion"
    assert sum(s.coins for s in mix) == 202_704
    assert sum(s.gifts for s in mix) == 1974
    assert sum(s.share for s in mix) == pytest.approx(1)
    named = demo.execute("SELECT count(DISTINCT gift_name) FROM gifts").fetchone()[0]
    assert mix[-1].gift == f"Other ({named - 10} gifts)"


def test_leaderboard_adds_up_and_counts_lives(demo):
    board = browse.gifters(demo)
    top = demo.execute("SELECT sender_id, sum(coins_total), count(*) FROM gifts GROUP BY 1"
                       " ORDER BY 2 DESC, 1").fetchall()
    assert [(g.sender, g.coins, g.gifts) for g in board.gifters] == top
    assert board.coins == 202_704 and board.top_coins == sum(r[1] for r in top[:10])
    assert board.top_share == Decimal(board.top_coins) / 202_704
    avery = board.gifters[0]
    lives = demo.execute("SELECT count(DISTINCT s.id) FROM gifts g JOIN sessions s ON g.ts >="
                         " s.start_ts AND g.ts < s.end_ts WHERE g.sender_id = ?",
                         (avery.sender,)).fetchone()[0]
    assert (avery.name, avery.lives, avery.usd) == ("Avery", lives, Decimal("340.625"))


def test_leaderboard_names_a_gifter_by_the_latest_nickname(tmp_path):
    db = ledger(tmp_path)
    text = ("timestamp,user_id,nickname,gift_name,repeat_count\n"
            "2026-08-03T10:00:00+00:00,42,old name,Rose,1\n"
            "2026-08-05T10:00:00+00:00,42,new name,Rose,1\n"
            "2026-08-04T10:00:00+00:00,,no id,Rose,3\n")
    import_files(db, [write(tmp_path / "g.csv", text)])
    board = browse.gifters(db)
    assert [(g.name, g.coins, g.lives) for g in board.gifters] == [("no id", 3, 0),
                                                                   ("new name", 2, 0)]
    db.close()


def test_gifter_history_sums_to_the_gifters_coins(demo):
    board = browse.gifters(demo)
    for gifter in board.gifters[:5]:
        history = browse.gifter_history(demo, gifter.sender)
        assert history.bucket == "day" and history.total == gifter.coins
        assert history.utc_offset_s == -4 * 3600
        first = datetime.fromtimestamp(history.series.x[0], NY)
        assert (first.hour, first.minute, first.date()) == (0, 0, gifter.first_seen.date())


def test_a_long_history_is_shown_by_week():
    start = ts("2026-01-05 12:00:00") // 3600  # a Monday
    hours = [(start, 5), (start + 24, 7), (start + 24 * 200, 1)]
    history = browse.history_series("fan", hours, ZoneInfo("UTC"))
    assert history.bucket == "week"
    assert history.series.y == (12.0, 1.0)
    assert [datetime.fromtimestamp(x, UTC).weekday() for x in history.series.x] == [0, 0]


def test_each_gift_keeps_the_rates_of_its_day():
    def rates(valid_from: date, per_coin: str) -> RegionRates:
        return RegionRates("US", "USD", valid_from, Decimal(per_coin), Decimal("0.005"),
                           Decimal(100), Decimal(1000))

    cut = ts("2026-01-01 05:00:00")
    periods = RatePeriods((cut,), (rates(date(2020, 1, 1), "1"), rates(date(2026, 1, 1), "0.5")))
    assert periods.at(cut - 1).diamonds_per_coin == 1
    assert periods.at(cut).diamonds_per_coin == Decimal("0.5")
    assert periods.value((100, 100)) == (Decimal(150), Decimal("0.75"))


def test_rate_cuts_fall_on_local_midnight(demo):
    account = NewAccount("luna", "US", "America/New_York")
    periods = browse.rate_periods(account)
    assert [datetime.fromtimestamp(c, NY).time().hour for c in periods.cuts] == [0]
    assert len(periods.rates) == len(periods.cuts) + 1


def test_an_empty_ledger_has_nothing_to_browse(db):
    assert browse.gift_list(db) is None
    assert browse.gifters(db) is None
    assert browse.gifter_history(db, "anyone").total == 0


_SEP1 = int(datetime(2026, 9, 1, tzinfo=NY).timestamp())  # a whole hour: the rollup serves it
_OCT1 = int(datetime(2026, 10, 1, tzinfo=NY).timestamp())


@pytest.mark.parametrize("f", [
    store.GiftFilter(1),
    store.GiftFilter(1, start_ts=_SEP1, end_ts=_OCT1),
    store.GiftFilter(1, gift="Rose"),
    store.GiftFilter(1, start_ts=_SEP1, gift="Rose"),
    store.GiftFilter(1, start_ts=_SEP1 + 1800, end_ts=_OCT1 - 7),  # inside hours: the rows
    store.GiftFilter(1, text="ros"),
    store.GiftFilter(1, start_ts=_SEP1, sender="7161499586934753694"),
], ids=["all", "September", "a gift", "a gift from September", "inside hours", "text",
        "a sender"])
def test_the_gift_mix_and_totals_are_the_rows_summed_whichever_way_they_are_read(demo, f):
    """From the per-gift hourly rollup when the filter allows it, from the gift rows if not:
    the same figures as summing the rows."""
    cond, params = store.where(f)
    raw = demo.execute(f"SELECT gift_name, sum(coins_total), count(*) FROM gifts WHERE {cond}"
                       " GROUP BY gift_name ORDER BY 2 DESC, 1", params).fetchall()
    assert raw and store.gift_mix(demo, f) == raw
    totals = store.gift_totals(demo, f, cuts=[_SEP1 + 86_400 * 7])
    assert (totals.gifts, totals.coins) == (sum(r[2] for r in raw), sum(r[1] for r in raw))
    early = demo.execute(f"SELECT coalesce(sum(coins_total), 0) FROM gifts WHERE {cond}"
                         " AND ts < ?", (*params, _SEP1 + 86_400 * 7)).fetchone()[0]
    assert totals.period_coins[0] == early
