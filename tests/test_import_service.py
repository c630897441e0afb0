"""Importing into a real ledger file: bad input, refusals, duplicates, undo, cancel, dry run,
mapping profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import (
    counts,
    gift_csv,
    gift_lines,
    gifts,
    ledger,
    rejected,
    snapshot,
    table,
    ts,
    write,
)

from app.importers.base import ImportCancelled, ImportRefused
from app.importers.fields import Mapping
from app.services.importing import import_files, list_imports, undo
from app.services.money_views import summary
from app.store import queries
from app.store.batches import UndoError
from app.store.db import open_db

# ---- bad rows --------------------------------------------------------------------------------

def test_bad_rows_are_reported_with_line_and_reason_and_the_good_rows_imported(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = write(tmp_path / "gifts.csv",
                 "time,sender,gift,coins\n"
                 "2026-08-03 10:00:00,Al,Rose,1\n"
                 "yesterday evening,Bo,Rose,1\n"
                 "2026-08-03 10:00:02,Cy,Lion,-5\n"
                 "2026-08-03 10:00:03,,Rose,1\n"
                 "2026-08-03 10:00:04,Di,Lion,29999\n")
    [report] = import_files(db, [path])
    assert (report.rows, report.inserted, report.rejected, report.skipped) == (5, 2, 3, 0)
    errors = report.to_json()["errors"]
    assert [e["line"] for e in errors] == [3, 4, 5]
    assert "cannot read 'yesterday evening' as a date" in errors[0]["reason"]
    assert "negative coins" in errors[1]["reason"]
    assert "no sender" in errors[2]["reason"]
    stored = rejected(db, report.import_id)
    assert [(r["line"], r["raw"], r["skipped"]) for r in stored] == [
        (3, "yesterday evening,Bo,Rose,1", 0),
        (4, "2026-08-03 10:00:02,Cy,Lion,-5", 0),
        (5, "2026-08-03 10:00:03,,Rose,1", 0)]
    assert [(g["sender_name"], g["coins_total"]) for g in gifts(db)] == [("Al", 1), ("Di", 29999)]
    [listed] = list_imports(db)
    assert (listed["inserted"], listed["rejected"]) == (2, 3)


def test_invalid_bytes_in_a_utf8_file_reject_that_row_and_keep_the_rest_readable(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    data = ("time,sender,gift,coins\n"
            "2026-08-03 10:00:00,Luis🌹,Rose,1\n"
            "2026-08-03 10:00:01,Zoé,Rose,1\n").encode()
    data += b"2026-08-03 10:00:02,Bad\xff\xfeName,Rose,1\n"
    data += "2026-08-03 10:00:03,Ana ✨,Rose,1\n".encode()
    path = write(tmp_path / "gifts.csv", data)
    [report] = import_files(db, [path])
    assert (report.inserted, report.rejected) == (3, 1)
    assert [g["sender_name"] for g in gifts(db)] == ["Luis🌹", "Zoé", "Ana ✨"]  # no mojibake
    [row] = rejected(db, report.import_id)
    assert row["line"] == 4 and "not valid" in row["reason"]
    assert "Bad\\xff\\xfeName" in row["raw"]


def test_invalid_bytes_far_into_a_large_utf8_file_reject_one_row(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    good = "".join(line + "\n" for line in gift_lines(0, 3000)).encode("utf-8")
    assert len(good) > 64 * 1024  # past the part that is sniffed
    data = b"time,sender,gift,coins\n" + good + b"2026-08-10 10:00:00,X\xc3(,Rose,1\n"
    path = write(tmp_path / "big.csv", data)
    [report] = import_files(db, [path])
    assert (report.inserted, report.rejected) == (3000, 1)
    [row] = rejected(db, report.import_id)
    assert row["line"] == 3002


# ---- files that cannot be read at all ----------------------------------------------------------

REFUSED = {
    "binary": (bytes(range(256)) * 40, "not a text file"),
    "empty": (b"", "empty"),
    "blank": (b"\n\n   \n", "empty"),
    "no header": (b"alpha,beta,gamma\n1,2,3\n4,5,6\n", "no header row found"),
    "unknown columns": (b"time,colour,shape\n2026-08-03,red,round\n", "cannot tell what"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_unreadable_files_are_refused_and_the_ledger_is_unchanged(tmp_path: Path,
                                                                  case: str) -> None:
    db = ledger(tmp_path)
    import_files(db, [gift_csv(tmp_path / "earlier.csv", gift_lines(0, 5))])
    before = snapshot(db)
    data, message = REFUSED[case]
    path = write(tmp_path / "bad.csv", data)
    with pytest.raises(ImportRefused) as info:
        import_files(db, [path])
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    assert snapshot(db) == before


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    with pytest.raises(ImportRefused, match="no such file"):
        import_files(db, [tmp_path / "nope.csv"])
    assert snapshot(db) == before


def test_a_refused_import_into_a_new_ledger_writes_nothing(tmp_path: Path) -> None:
    db = open_db(tmp_path / "new.sqlite3")
    before = snapshot(db)
    with pytest.raises(ImportRefused):
        import_files(db, [write(tmp_path / "bin.csv", bytes(range(256)) * 40)])
    assert snapshot(db) == before


def test_one_unreadable_file_among_several_writes_nothing_at_all(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    first = gift_csv(tmp_path / "a.csv", gift_lines(0, 10))
    second = gift_csv(tmp_path / "b.csv", gift_lines(10, 20))
    broken = write(tmp_path / "c.csv", b"\x00\x01\x02\x03" * 500)
    before = snapshot(db)
    with pytest.raises(ImportRefused, match="c.csv"):
        import_files(db, [first, second, broken])
    assert snapshot(db) == before
    assert counts(db)["gifts"] == 0 and counts(db)["imports"] == 0


# ---- duplicates ---------------------------------------------------------------------------------

def test_reimporting_the_same_file_adds_nothing(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = gift_csv(tmp_path / "g.csv", gift_lines(0, 40))
    [first] = import_files(db, [path])
    [again] = import_files(db, [path])
    assert (first.inserted, first.duplicates) == (40, 0)
    assert (again.rows, again.inserted, again.duplicates) == (40, 0, 40)
    assert again.details["imported_before"] == [first.import_id]
    assert counts(db)["gifts"] == 40


def test_an_overlapping_export_adds_only_the_new_rows(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [a] = import_files(db, [gift_csv(tmp_path / "jan.csv", gift_lines(1, 101))])
    [b] = import_files(db, [gift_csv(tmp_path / "feb.csv", gift_lines(50, 151))])
    assert a.inserted == 100
    assert (b.rows, b.inserted, b.duplicates) == (101, 50, 51)
    senders = [g["sender_name"] for g in gifts(db)]
    assert senders == [f"fan{i}" for i in range(1, 151)]


def test_identical_rows_in_one_file_are_two_gifts_and_reimport_adds_nothing(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    twice = "2026-08-03 10:00:00,Al,Rose,1"
    path = gift_csv(tmp_path / "g.csv", [twice, twice, "2026-08-03 10:00:05,Bo,Rose,1"])
    [first] = import_files(db, [path])
    assert first.inserted == 3
    [again] = import_files(db, [path])
    assert (again.inserted, again.duplicates) == (0, 3)
    # a later export holding the same pair plus a third identical gift adds just that one
    [later] = import_files(db, [gift_csv(tmp_path / "g2.csv", [twice] * 3)])
    assert (later.inserted, later.duplicates) == (1, 2)
    assert summary(db)[0].coins == 4


def test_sessions_and_payouts_are_deduplicated_on_reimport(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    lives = write(tmp_path / "lives.csv",
                  "Start,End,Room ID,Title,Diamonds\n"
                  "2026-08-03 01:00:00,2026-08-03 02:00:00,71,A,100\n"
                  "2026-08-04 01:00:00,2026-08-04 02:00:00,72,B,200\n")
    pays = write(tmp_path / "pay.csv", "Requested,Diamonds,Amount,Status,Reference\n"
                                       "2026-08-29,20000,100.00,paid,R1\n")
    first = import_files(db, [lives, pays])
    again = import_files(db, [lives, pays])
    assert [(r.kind, r.inserted) for r in first] == [("sessions", 2), ("payouts", 1)]
    assert [(r.inserted, r.duplicates) for r in again] == [(0, 2), (0, 1)]
    assert counts(db)["sessions"] == 2 and counts(db)["payouts"] == 1


# ---- undo ---------------------------------------------------------------------------------------

def test_undo_removes_exactly_the_batch_rows_and_the_totals_go_back(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [a] = import_files(db, [gift_csv(tmp_path / "a.csv", gift_lines(1, 101))])
    totals_a, hourly_a = summary(db)[0], snapshot(db)["gift_hourly"]
    b_path = write(tmp_path / "b.csv", "time,sender,gift,coins\n" + "\n".join(
        gift_lines(50, 151)) + "\n2026-08-03 10:00:00,Whale,Lion,29999\n")
    [b] = import_files(db, [b_path])
    assert b.inserted == 51
    assert summary(db)[0].coins == 100 + 50 + 29999
    assert undo(db, b.import_id) == 51
    assert summary(db)[0] == totals_a
    assert snapshot(db)["gift_hourly"] == hourly_a
    assert [g["sender_name"] for g in gifts(db)] == [f"fan{i}" for i in range(1, 101)]
    assert {g["import_id"] for g in gifts(db)} == {a.import_id}
    listed = {i["import_id"]: i["undone"] for i in list_imports(db)}
    assert listed == {a.import_id: False, b.import_id: True}


def test_undoing_twice_or_an_unknown_batch_fails_clearly(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [a] = import_files(db, [gift_csv(tmp_path / "a.csv", gift_lines(0, 3))])
    undo(db, a.import_id)
    before = snapshot(db)
    with pytest.raises(UndoError, match=f"import {a.import_id} was already undone"):
        undo(db, a.import_id)
    with pytest.raises(UndoError, match="there is no import 999"):
        undo(db, 999)
    assert snapshot(db) == before


def test_after_undo_the_same_file_imports_again(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = gift_csv(tmp_path / "a.csv", gift_lines(0, 25))
    [a] = import_files(db, [path])
    undo(db, a.import_id)
    assert counts(db)["gifts"] == 0 and summary(db)[0].coins == 0
    [b] = import_files(db, [path])
    assert (b.inserted, b.duplicates) == (25, 0)
    assert "imported_before" not in b.details  # the undone batch no longer counts
    assert summary(db)[0].coins == 25


def test_undo_of_a_sessions_batch(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    lives = write(tmp_path / "lives.csv", "Start,End,Room ID,Diamonds\n"
                                          "2026-08-03 01:00:00,2026-08-03 02:00:00,71,100\n")
    [r] = import_files(db, [lives])
    assert undo(db, r.import_id) == 1
    assert counts(db)["sessions"] == 0


# ---- cancel and dry run -------------------------------------------------------------------------

def test_a_cancelled_import_leaves_the_ledger_exactly_as_before(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [gift_csv(tmp_path / "earlier.csv", gift_lines(0, 10))])
    big = write(tmp_path / "big.csv", "time,sender,gift,coins\n"
                + "\n".join(gift_lines(5, 12_005)) + "\nnot a date,X,Rose,1\n")
    before = snapshot(db)
    asked: list[int] = []
    progress: list[tuple[int, int]] = []

    def cancel() -> bool:  # the user presses cancel after the first progress tick
        asked.append(1)
        return len(asked) >= 2

    with pytest.raises(ImportCancelled):
        import_files(db, [big], cancel=cancel, progress=lambda d, t: progress.append((d, t)))
    assert len(asked) == 2 and progress, "progress and cancel were asked while reading"
    assert snapshot(db) == before
    # nothing half-done is left behind: the same file then imports in full
    [report] = import_files(db, [big])
    assert (report.inserted, report.duplicates, report.rejected) == (11_995, 5, 1)


def test_dry_run_gives_the_real_counts_and_writes_nothing(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [gift_csv(tmp_path / "a.csv", gift_lines(1, 101))])
    path = write(tmp_path / "b.csv", "time,sender,gift,coins\n" + "\n".join(
        gift_lines(50, 151)) + "\n2026-13-45 10:00:00,Bad,Rose,1\n2026-08-09 10:00:00,Ok,Rose,1\n")
    before = snapshot(db)
    [dry] = import_files(db, [path], dry_run=True)
    assert snapshot(db) == before
    assert dry.dry_run and dry.import_id is None
    assert (dry.rows, dry.inserted, dry.duplicates, dry.rejected) == (103, 51, 51, 1)
    assert [e.line for e in dry.errors] == [103]
    [real] = import_files(db, [path])
    assert (real.rows, real.inserted, real.duplicates, real.rejected) == (103, 51, 51, 1)
    assert counts(db)["gifts"] == 151


def test_dry_run_with_save_as_writes_no_profile(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = gift_csv(tmp_path / "a.csv", gift_lines(0, 3))
    before = snapshot(db)
    import_files(db, [path], dry_run=True, save_as="mine")
    assert snapshot(db) == before


# ---- mapping profiles --------------------------------------------------------------------------

def test_a_saved_profile_is_picked_for_the_same_header_spelled_differently(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    first = write(tmp_path / "odd.csv", "When,Who,What,How Many\n"
                                        "2026-08-03 10:00:00,Al,Rose,3\n")
    overrides = {"sender_name": "Who", "gift_name": "What", "repeat_count": "How Many"}
    with pytest.raises(ImportRefused, match="cannot tell what this file holds"):
        import_files(db, [first])
    [r1] = import_files(db, [first], overrides=overrides, save_as="odd export")
    assert r1.inserted == 1
    stored = queries.profile(db, "odd export")
    assert stored is not None
    assert Mapping.from_json(stored["mapping"]).columns == {
        "time": "When", "sender_name": "Who", "gift_name": "What", "repeat_count": "How Many"}

    second = write(tmp_path / "odd2.csv", "WHEN;who;WHAT;how_many\n"
                                          "2026-08-04 10:00:00;Bo;Lion;2\n", "cp1252")
    [r2] = import_files(db, [second])  # no overrides, no profile named: found by its columns
    assert r2.details["profile"] == "odd export"
    assert r2.inserted == 1
    assert [(g["sender_name"], g["repeat_count"], g["coins_total"]) for g in gifts(db)] == [
        ("Al", 3, 3), ("Bo", 2, 59998)]
    second_batch = table(db, "imports")[1]
    assert second_batch["profile"] == "odd export"
    assert json.loads(second_batch["details"])["profile"] == "odd export"


def test_naming_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    with pytest.raises(ImportRefused, match="no mapping profile 'ghost'"):
        import_files(db, [gift_csv(tmp_path / "a.csv", gift_lines(0, 2))], profile="ghost")
    assert snapshot(db) == before


def test_account_time_zone_applies_to_times_without_offset(tmp_path: Path) -> None:
    db = ledger(tmp_path, region="GB", timezone="Europe/London")  # BST, UTC+1 in August
    path = write(tmp_path / "g.csv", "time,sender,gift,coins\n03/08/2026 21:30,Al,Rose,1\n")
    import_files(db, [path])
    [g] = gifts(db)
    assert g["ts"] == ts("2026-08-03 20:30:00")  # GB writes day first: 3 August


@pytest.mark.parametrize("order", ["oldest first", "newest first", "shuffled"])
def test_identical_gifts_are_kept_whatever_the_file_order(tmp_path: Path, order: str) -> None:
    # Two identical gifts in one second, plus other gifts; in a shuffled file the identical
    # pair is not adjacent, so the store numbers the rows itself instead of the reader.
    lines = ["2026-08-03T10:00:00Z,ann,Rose,1", "2026-08-03T10:00:05Z,bob,Rose,1",
             "2026-08-03T10:00:05Z,bob,Rose,1", "2026-08-03T10:00:09Z,cy,Doughnut,30"]
    if order == "newest first":
        lines.reverse()
    elif order == "shuffled":
        lines = [lines[1], lines[0], lines[3], lines[2]]
    path = write(tmp_path / "gifts.csv", "time,sender,gift,coins\n" + "\n".join(lines) + "\n")
    db = ledger(tmp_path)
    first = import_files(db, [path])[0]
    assert (first.inserted, first.duplicates) == (4, 0)
    again = import_files(db, [path])[0]
    assert (again.inserted, again.duplicates) == (0, 4)
    bob = db.execute("SELECT count(*) FROM gifts WHERE sender_name = 'bob'").fetchone()[0]
    assert bob == 2
