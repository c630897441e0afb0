"""The gallery of nasty files in tests/nasty/: each file -> exactly what a creator is told.

Each file is small, committed as its real bytes (see tests/nasty/README.md), and shows one way
a file goes wrong. A refusal names why (and writes nothing); an import lists every rejected or
skipped line with its reason, and its counts add up.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import gifts, ledger, snapshot, table

from app.importers.base import ImportRefused
from app.services.importing import import_files

NASTY = Path(__file__).parent / "nasty"


@dataclass(frozen=True)
class Imported:
    kind: str
    rows: int
    inserted: int
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason substring)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    folded: int = 0
    duplicates: int = 0
    note: str = ""


@dataclass(frozen=True)
class Refused:
    reason: str  # substring of the one-line message


ABOVE = "above the header, not a record"
CASES: dict[str, Imported | Refused] = {
    "binary_junk.csv": Refused("this is not a text file (it holds binary data)"),
    "empty.csv": Refused("the file is empty"),
    "blank_lines.csv": Refused("the file is empty"),
    "only_header.csv": Refused("the file has column names but no rows below them"),
    "no_header.csv": Refused("no header row found: the first line is "
                             "'2026-08-03 10:00:00,ann,Rose,1'"),
    "unknown_columns.csv": Refused("no header row found: the first line is 'colour,shape,size'"),
    "broken_user_data_tiktok.json": Refused("is not valid JSON"),
    "not_an_export.zip": Refused("not_an_export.zip is not a TikTok data export"),
    "truncated.zip": Refused("truncated.zip is not a readable zip archive"),
    "header_in_row5.csv": Imported("gifts", 2, 2, skipped=[
        (1, ABOVE), (2, ABOVE), (3, ABOVE), (5, ABOVE)]),
    "totals_line_at_end.csv": Imported("gifts", 2, 2, skipped=[
        (4, "below the data, not a record: a totals line? cannot read 'Total' as a date")]),
    "semicolon_decimal_comma.csv": Imported("payouts", 2, 2,
                                            note="dates: day first"),
    "utf16le_bom.csv": Imported("gifts", 2, 2),
    "cp1252_accents.csv": Imported("gifts", 3, 3),
    "unterminated_quote.csv": Imported("gifts", 4, 3, rejected=[
        (3, "an opening quote (\") that is never closed")]),
    "too_many_fields.csv": Imported("gifts", 3, 2, rejected=[
        (3, "has 5 fields where the header has 4")]),
    "date_13_13.csv": Imported("gifts", 3, 2, rejected=[
        (3, "cannot read '13/13/2026 10:00': no such day")],
        note="dates: mixed day/month order"),
    "future_date.csv": Imported("gifts", 2, 1, rejected=[(3, "date 2099-01-01 is in the future")]),
    "before_tiktok.csv": Imported("gifts", 2, 1, rejected=[
        (3, "date 1999-12-31 is before 2016: not a TikTok LIVE date")]),
    "negative_coins.csv": Imported("gifts", 2, 1, rejected=[(3, "negative coins (-29999)")]),
    "trillion_coins.csv": Imported("gifts", 2, 1, rejected=[
        (3, "1,000,000,000,000 coins in one event is not plausible")]),
    "unknown_gift.csv": Imported("gifts", 2, 1, rejected=[
        (3, "unknown gift 'Golden Unicorn Deluxe': not in the gift catalogue")]),
    "ambiguous_heart.csv": Imported("gifts", 2, 1, rejected=[
        (3, "gift name 'Heart' is ambiguous (id 6247 = 1 coin, id 5480 = 10 coins); "
            "choose which one (Imports page, or catalogue choose), or give the file a gift id "
            "or coin column")]),
    "streak_never_ends.csv": Imported("gifts", 5, 2, folded=3,
                                      note="1 streak(s) had no final event"),
    "duplicate_rows.csv": Imported("gifts", 3, 3),  # two identical rows are two real gifts
    "wrong_types.csv": Imported("gifts", 4, 2, rejected=[
        (3, "cannot read 'lots' as a number"), (4, "'1.5' is not a whole number")]),
}


def test_every_file_in_the_gallery_has_an_expected_outcome() -> None:
    on_disk = {p.name for p in NASTY.iterdir() if p.name != "README.md"}
    assert on_disk == set(CASES)
    assert all(p.stat().st_size <= 4096 for p in NASTY.iterdir())


@pytest.mark.parametrize("name", sorted(CASES))
def test_nasty_file(tmp_path: Path, name: str) -> None:
    expected = CASES[name]
    db = ledger(tmp_path)
    before = snapshot(db)
    if isinstance(expected, Refused):
        with pytest.raises(ImportRefused) as refused:
            import_files(db, [NASTY / name])
        message = str(refused.value)
        assert expected.reason in message
        assert len(message.splitlines()) == 1
        assert snapshot(db) == before
        return
    [r] = import_files(db, [NASTY / name])
    assert (r.kind, r.rows, r.inserted, r.duplicates, r.folded) == (
        expected.kind, expected.rows, expected.inserted, expected.duplicates, expected.folded)
    assert r.rejected == len(expected.rejected) and r.skipped == len(expected.skipped)
    bad = [(e.line, e.reason) for e in r.errors if not e.skipped]
    junk = [(e.line, e.reason) for e in r.errors if e.skipped]
    for got, want in ((bad, expected.rejected), (junk, expected.skipped)):
        assert [line for line, _ in got] == [line for line, _ in want], got
        for (_, reason), (_, part) in zip(got, want, strict=True):
            assert part in reason
    if expected.note:
        assert any(expected.note in n for n in r.details.get("notes", [])), r.details
    stored = db.execute("SELECT line, skipped FROM rejected_rows ORDER BY line").fetchall()
    assert stored == sorted([(line, 0) for line, _ in expected.rejected]
                            + [(line, 1) for line, _ in expected.skipped])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


# ---- what the readable ones hold -------------------------------------------------------------

def names_and_coins(db: sqlite3.Connection) -> list[tuple[str, int]]:
    return [(g["sender_name"], g["coins_total"]) for g in gifts(db)]


def test_encodings_keep_every_accent_and_emoji(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    utf16, cp1252 = import_files(db, [NASTY / "utf16le_bom.csv", NASTY / "cp1252_accents.csv"])
    # Zoé's Rose at 10:00:00 is in both files: read the same from both encodings, so one gift
    assert (utf16.inserted, cp1252.inserted, cp1252.duplicates) == (2, 2, 1)
    assert names_and_coins(db) == [("Zoé", 1), ("Luis🌹", 29999), ("José Mañana", 1),
                                   ("Chloë €uro", 1)]


def test_semicolon_and_decimal_comma_amounts(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [NASTY / "semicolon_decimal_comma.csv"])
    rows = [(Decimal(p["amount"]), p["currency"], p["status"], p["method"])
            for p in table(db, "payouts")]
    assert rows == [(Decimal("1234.5"), "EUR", "paid", "Bank"),
                    (Decimal("99.9"), "EUR", "pending", "PayPal")]


def test_an_unterminated_quote_loses_only_its_own_line(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [NASTY / "unterminated_quote.csv"])
    assert [g["sender_name"] for g in gifts(db)] == ["ann", "cy", "di"]
    assert [g["source_line"] for g in gifts(db)] == [2, 4, 5]


def test_a_streak_that_never_ends_counts_its_last_event(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [NASTY / "streak_never_ends.csv"])
    assert [(g["sender_id"], g["repeat_count"], g["coins_total"]) for g in gifts(db)] == [
        ("ann", 3, 3), ("bob", 5, 5)]


def test_identical_rows_are_two_gifts_and_a_reimport_adds_none(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [NASTY / "duplicate_rows.csv"])
    [again] = import_files(db, [NASTY / "duplicate_rows.csv"])
    assert (again.inserted, again.duplicates) == (0, 3)
    assert names_and_coins(db) == [("ann", 1), ("ann", 1), ("bob", 1)]


def test_wrong_types_keep_the_readable_rows(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [NASTY / "wrong_types.csv"])
    assert names_and_coins(db) == [("ann", 1), ("di", 1000)]  # 1e3 is how spreadsheets write
