"""Importers: real files in real encodings -> the rows, errors and notes a creator would see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import gifts, ledger, rejected, ts, write

from app.core.records import FIELDS
from app.importers.base import Feedback
from app.importers.fields import Mapping, detect_kind
from app.importers.readers import READERS, ReadContext
from app.importers.sources import CsvTable
from app.services.importing import import_files
from app.services.reference import catalogue


@dataclass
class Parsed:
    kind: str
    mapping: Mapping
    rows: list[dict[str, Any]]
    feedback: Feedback
    info: dict[str, str]

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(e.line, e.reason) for e in self.feedback.errors if not e.skipped]


def parse(path: Path, *, day_first: bool = False, tz: str = "UTC",
          currency: str = "USD") -> Parsed:
    """Detect, map and read a file with the importers alone (no ledger)."""
    table = CsvTable(path.name, lambda: path.open("rb"), path.stat().st_size)
    found = detect_kind(table.header)
    assert found is not None, f"no kind detected for header {table.header}"
    kind, mapping = found
    fb = Feedback()
    ctx = ReadContext(catalogue(), tz, day_first, fb, currency)
    rows = [dict(zip(FIELDS[kind], r, strict=True)) for r in READERS[kind](table, mapping, ctx)]
    return Parsed(kind, mapping, rows, fb, table.info)


# ---- gift CSVs in the shapes creators have -------------------------------------------------

def test_semicolon_cp1252_day_first_with_odd_headers_and_grouped_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "gifts.csv",
                 "Date & Time;Fan;Gift;Qty;Coins\r\n"
                 "13/08/2026 20:15;Zoé;Rose;1;1\r\n"
                 "14/08/2026 21:00;Bob;Lion;1;29.999\r\n"
                 "02/08/2026 09:05;Ann;Mystery box;2;1.234\r\n", "cp1252")
    p = parse(path, day_first=False)  # a month-first region: the 13 must still win
    assert p.kind == "gifts"
    assert p.info["encoding"] == "cp1252" and p.info["delimiter"] == "semicolon"
    assert p.mapping.columns == {"time": "Date & Time", "sender_name": "Fan", "gift_name": "Gift",
                                 "repeat_count": "Qty", "coins_each": "Coins"}
    assert p.errors == []
    got = [(r["ts"], r["sender_name"], r["gift_name"], r["repeat_count"], r["coins_total"])
           for r in p.rows]
    assert got == [
        (ts("2026-08-13 20:15:00"), "Zoé", "Rose", 1, 1),
        (ts("2026-08-14 21:00:00"), "Bob", "Lion", 1, 29999),
        (ts("2026-08-02 09:05:00"), "Ann", "Mystery box", 2, 2468),  # 2 August, not 8 February
    ]
    assert any("day first" in n for n in p.feedback.notes)


def test_utf8_bom_does_not_spoil_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv",
                 "\ufefftime,sender,gift,coins\n2026-08-03 10:00:00,Luis🌹,Rose,1\n", "utf-8")
    p = parse(path)
    assert p.info["encoding"] == "utf-8-sig"
    assert p.mapping.columns["time"] == "time"
    assert [(r["ts"], r["sender_name"]) for r in p.rows] == [(ts("2026-08-03 10:00:00"), "Luis🌹")]


def test_utf16_with_bom_tab_delimited(tmp_path: Path) -> None:
    text = ("Time\tUser\tGift\tCoins\r\n"
            "2026-08-03 10:00:00\tBé\tRose\t1\r\n"
            "2026-08-03 11:00:00\t小龙\tLion\t29999\r\n")
    path = write(tmp_path / "u16.csv", text, "utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    p = parse(path)
    assert p.info["delimiter"] == "tab"
    assert [(r["sender_name"], r["gift_name"], r["coins_total"]) for r in p.rows] == [
        ("Bé", "Rose", 1), ("小龙", "Lion", 29999)]


def test_pipe_delimited(tmp_path: Path) -> None:
    path = write(tmp_path / "pipe.txt",
                 "time|sender|gift|coins\n2026-08-03 10:00:00|Al|Rose|1\n"
                 "2026-08-03 10:00:05|Bo, Jr.|Rose|1\n")
    p = parse(path)
    assert p.info["delimiter"] == "pipe"
    assert [r["sender_name"] for r in p.rows] == ["Al", "Bo, Jr."]


@pytest.mark.parametrize("totals", ["Total,,,30000", "Total: 30000 coins"])
def test_title_above_and_totals_below_are_skipped_and_kept(tmp_path: Path, totals: str) -> None:
    db = ledger(tmp_path)
    path = write(tmp_path / "export.csv",
                 "My gifts (August)\n"
                 "\n"
                 "time,sender,gift,coins\n"
                 "2026-08-03 10:00:00,Al,Rose,1\n"
                 "2026-08-03 10:01:00,Bo,Lion,29999\n"
                 f"{totals}\n")
    [report] = import_files(db, [path])
    assert (report.inserted, report.rejected, report.skipped) == (2, 0, 2)
    assert report.details["header_line"] == "3"
    assert [e["line"] for e in report.to_json()["errors"]] == []
    kept = rejected(db, report.import_id)
    assert [(r["line"], r["raw"], r["skipped"]) for r in kept] == [
        (1, "My gifts (August)", 1), (6, totals, 1)]
    assert [g["coins_total"] for g in gifts(db)] == [1, 29999]


def test_a_totals_line_in_the_middle_of_the_data_is_a_rejected_row(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = write(tmp_path / "two_days.csv",
                 "time,sender,gift,coins\n"
                 "2026-08-03 10:00:00,Al,Rose,1\n"
                 "Total,,,1\n"
                 "2026-08-04 10:00:00,Bo,Rose,1\n")
    [report] = import_files(db, [path])
    assert (report.inserted, report.rejected, report.skipped) == (2, 1, 0)
    [row] = rejected(db, report.import_id)
    assert (row["line"], row["raw"], row["skipped"]) == (3, "Total,,,1", 0)


def test_a_short_row_between_good_rows_is_rejected_not_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "g.csv",
                 "time,sender,gift,coins\n2026-08-03 10:00:00,Al,Rose,1\n"
                 "2026-08-03 10:00:01,Al\n2026-08-03 10:00:02,Bo,Rose,1\n")
    p = parse(path)
    assert [r["sender_name"] for r in p.rows] == ["Al", "Bo"]
    assert p.errors == [(3, "has 2 fields where the header has 4")]
    assert p.feedback.skipped == 0


def test_epoch_seconds_and_milliseconds(tmp_path: Path) -> None:
    secs = write(tmp_path / "s.csv", "timestamp,sender,gift,coins\n1786000000,Al,Rose,1\n"
                                     "1786000060.5,Al,Rose,1\n")
    millis = write(tmp_path / "ms.csv", "timestamp,sender,gift,coins\n1786000000123,Al,Rose,1\n")
    assert [r["ts"] for r in parse(secs).rows] == [1786000000, 1786000060]
    assert [r["ts"] for r in parse(millis).rows] == [1786000000]


def test_iso_offsets_give_utc_and_naive_times_use_the_account_zone(tmp_path: Path) -> None:
    path = write(tmp_path / "iso.csv",
                 "time,sender,gift,coins\n"
                 "2026-08-03T12:00:00+02:00,Al,Rose,1\n"
                 "2026-08-03T12:00:00-05:30,Bo,Rose,1\n"
                 "2026-08-03T12:00:00Z,Cy,Rose,1\n"
                 "2026-08-03 12:00:00,Di,Rose,1\n")
    p = parse(path, tz="America/New_York")  # EDT, UTC-4 in August
    assert [r["ts"] for r in p.rows] == [
        ts("2026-08-03 10:00:00"), ts("2026-08-03 17:30:00"), ts("2026-08-03 12:00:00"),
        ts("2026-08-03 16:00:00")]


def test_month_first_when_a_day_above_12_is_in_second_place(tmp_path: Path) -> None:
    path = write(tmp_path / "us.csv", "date,sender,gift,coins\n08/03/2026 10:00,Al,Rose,1\n"
                                      "08/23/2026 10:00,Bo,Rose,1\n")
    p = parse(path, day_first=True)  # the region writes day first, but 23 cannot be a month
    assert [r["ts"] for r in p.rows] == [ts("2026-08-03 10:00:00"), ts("2026-08-23 10:00:00")]
    assert any("month first" in n for n in p.feedback.notes)


def test_impossible_dates_are_rejected_with_the_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "time,sender,gift,coins\n2026-08-03 10:00:00,Al,Rose,1\n"
                                     "2026-02-30 10:00:00,Al,Rose,1\n"
                                     "2012-05-01 10:00:00,Al,Rose,1\n"
                                     "2099-05-01 10:00:00,Al,Rose,1\n")
    p = parse(path)
    assert len(p.rows) == 1
    lines = [line for line, _ in p.errors]
    reasons = [reason for _, reason in p.errors]
    assert lines == [3, 4, 5]
    assert "no such day" in reasons[0]
    assert "before 2016" in reasons[1]
    assert "future" in reasons[2]


# ---- gift logger with streaks --------------------------------------------------------------

LOGGER_HEADER = "timestamp,user_id,nickname,gift_name,repeat_count,streakable,streaking\n"


def test_logger_streaks_fold_to_the_final_event_priced_from_the_catalogue(tmp_path: Path) -> None:
    path = write(tmp_path / "log.csv", LOGGER_HEADER +
                 "2026-08-03T02:02:45+00:00,111,Luis🌹,Finger Heart,1,true,true\n"
                 "2026-08-03T02:02:46+00:00,111,Luis🌹,Finger Heart,2,true,true\n"
                 "2026-08-03T02:02:47+00:00,111,Luis🌹,Finger Heart,3,true,false\n"
                 "2026-08-03T02:03:00+00:00,222,\"Ann, the fan\",Rose,1,true,true\n"
                 "2026-08-03T02:03:01+00:00,222,\"Ann, the fan\",Rose,2,true,false\n"
                 "2026-08-03T02:04:00+00:00,333,Cat,Galaxy Unicorn Wow,1,false,false\n"
                 "2026-08-03T02:04:01+00:00,333,Cat,Heart,1,true,false\n"
                 "2026-08-03T02:04:30+00:00,555,Eve,Lion,1,false,false\n")
    p = parse(path)
    got = [(r["sender_name"], r["gift_name"], r["repeat_count"], r["coins_each"], r["coins_total"])
           for r in p.rows]
    assert got == [("Luis🌹", "Finger Heart", 3, 5, 15), ("Ann, the fan", "Rose", 2, 1, 2),
                   ("Eve", "Lion", 1, 29999, 29999)]
    assert p.feedback.folded == 3
    (l1, unknown), (l2, ambiguous) = p.errors
    assert l1 == 7 and "unknown gift 'Galaxy Unicorn Wow'" in unknown
    assert l2 == 8 and "'Heart' is ambiguous" in ambiguous
    assert "= 1 coin," in ambiguous and "10 coins" in ambiguous


def test_a_streak_still_running_at_the_end_counts_once_with_its_last_count(
        tmp_path: Path) -> None:
    path = write(tmp_path / "log.csv", LOGGER_HEADER +
                 "2026-08-03T02:05:00+00:00,444,Dan,Rose,1,true,true\n"
                 "2026-08-03T02:05:01+00:00,444,Dan,Rose,4,true,true\n"
                 "2026-08-03T02:05:02+00:00,444,Dan,Rose,7,true,true\n")
    p = parse(path)
    assert [(r["sender_name"], r["repeat_count"], r["coins_total"]) for r in p.rows] == [
        ("Dan", 7, 7)]
    assert any("ends mid-streak" in n for n in p.feedback.notes)


def test_logger_rejects_are_stored_and_counts_add_up(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = write(tmp_path / "log.csv", LOGGER_HEADER +
                 "2026-08-03T02:02:45+00:00,111,Luis,Finger Heart,1,true,true\n"
                 "2026-08-03T02:02:46+00:00,111,Luis,Finger Heart,2,true,false\n"
                 "2026-08-03T02:04:01+00:00,333,Cat,Heart,1,true,false\n")
    [report] = import_files(db, [path])
    assert (report.rows, report.inserted, report.folded, report.rejected) == (3, 1, 1, 1)
    [row] = rejected(db, report.import_id)
    assert row["line"] == 4 and "ambiguous" in row["reason"]
    assert row["raw"] == "2026-08-03T02:04:01+00:00,333,Cat,Heart,1,true,false"


# ---- LIVE sessions -------------------------------------------------------------------------

def test_live_session_list(tmp_path: Path) -> None:
    path = write(tmp_path / "lives.csv",
                 "Start,End,Room ID,Title,Diamonds,Gifters,Viewers,Likes\n"
                 "2026-08-03 01:50:09 UTC,2026-08-03 04:06:09 UTC,7395042612461018066,"
                 "\"Late night, chat\",\"3,014\",15,490,5465\n"
                 "2026-08-04 01:50:09 UTC,2026-08-04 01:00:00 UTC,7395042612461018067,"
                 "Oops,1,1,1,1\n"
                 "2026-08-05 01:50:09 UTC,,7395042612461018068,No end yet,-4,1,1,1\n")
    p = parse(path)
    assert p.kind == "sessions"
    [s] = p.rows
    assert (s["start_ts"], s["end_ts"], s["duration_s"]) == (
        ts("2026-08-03 01:50:09"), ts("2026-08-03 04:06:09"), 8160)
    assert (s["room_id"], s["title"], s["diamonds"], s["gifters"], s["viewers"], s["likes"]) == (
        "7395042612461018066", "Late night, chat", 3014, 15, 490, 5465)
    assert p.errors == [(3, "the LIVE ends before it starts"), (4, "negative diamonds (-4)")]


def test_live_sessions_with_a_duration_in_minutes(tmp_path: Path) -> None:
    path = write(tmp_path / "lives.csv", "Date;Duration (min);Diamonds\n"
                                         "13/08/2026 20:00;90;1.500\n")
    p = parse(path)
    assert p.kind == "sessions"
    [s] = p.rows
    assert (s["start_ts"], s["duration_s"], s["end_ts"], s["diamonds"]) == (
        ts("2026-08-13 20:00:00"), 5400, ts("2026-08-13 21:30:00"), 1500)


# ---- payouts -------------------------------------------------------------------------------

def test_payouts_with_dollar_amounts_and_status_words(tmp_path: Path) -> None:
    path = write(tmp_path / "payouts.csv",
                 "Requested,Paid,Diamonds,Amount,Method,Status,Reference\n"
                 "2026-08-29,2026-09-07,246900,\"$1,234.50\",PayPal,Completed,PP-1\n"
                 "2026-09-29,,20000,$100.00,Bank,Processing,BT-1\n"
                 "2026-10-29,,20000,$100.00,Bank,Declined,BT-2\n"
                 "2026-10-30,,20000,$100.00,Bank,Lost in space,BT-3\n")
    p = parse(path)
    assert p.kind == "payouts"
    got = [(r["requested_ts"], r["paid_ts"], r["amount"], r["currency"], r["usd"], r["status"])
           for r in p.rows]
    assert got == [
        (ts("2026-08-29 00:00:00"), ts("2026-09-07 00:00:00"), "1234.5", "USD", "1234.5", "paid"),
        (ts("2026-09-29 00:00:00"), None, "100", "USD", "100", "pending"),
        (ts("2026-10-29 00:00:00"), None, "100", "USD", "100", "failed"),
    ]
    [(line, reason)] = p.errors
    assert line == 5 and "'Lost in space'" in reason and "pending/paid/failed" in reason


def test_payouts_with_euro_amounts_written_the_european_way(tmp_path: Path) -> None:
    path = write(tmp_path / "auszahlungen.csv",
                 "Date;Amount;Status\n"
                 "29.08.2026;1.234,50 €;paid\n"
                 "29.09.2026;99,95 €;pending\n", "cp1252")
    p = parse(path, day_first=True, currency="EUR")
    assert [(r["requested_ts"], Decimal(r["amount"]), r["currency"], r["usd"]) for r in p.rows] == [
        (ts("2026-08-29 00:00:00"), Decimal("1234.50"), "EUR", None),
        (ts("2026-09-29 00:00:00"), Decimal("99.95"), "EUR", None)]


def test_payout_amounts_in_both_styles_in_one_file_are_each_read_right(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv",
                 "Date,Amount,Status\n"
                 "2026-08-29,\"$1,234.50\",paid\n"
                 "2026-09-29,\"1.234,50 €\",paid\n")
    p = parse(path)
    assert [(Decimal(r["amount"]), r["currency"]) for r in p.rows] == [
        (Decimal("1234.50"), "USD"), (Decimal("1234.50"), "EUR")]
