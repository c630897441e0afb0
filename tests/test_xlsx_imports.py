"""Workbooks (.xlsx) saved by Excel, LibreOffice Calc and Google Sheets (issue 11), and hostile
ones (issue 12): read as their CSV would be, through the same detection, header finding,
mapping, profiles, duplicates and rejected rows; or refused with one line, nothing changed.

The workbooks are assembled part by part (tests/xlsx_parts.py) the way those programs write
them; the committed fixtures in tests/fixtures/spreadsheets come from the same functions.
"""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import gifts, ledger, rejected, snapshot, table, ts, write
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsx_parts import (
    CLOCK,
    DATE_ONLY,
    DATETIME,
    Blank,
    N,
    Sheet,
    excel_gift_report,
    serial,
    workbook,
)

from app.cli import main
from app.importers.base import ImportRefused
from app.importers.xlsx import float_text
from app.services.importing import import_files
from app.store.db import open_db

SHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"
GIFT_HEADER = ["Date", "Username", "Gift", "Quantity", "Coins"]


def cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str | Path) -> tuple[int, Any, str]:
    code = main(["--db", str(db), *map(str, argv)])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() and "--json" in argv else out), err


def imported(capsys: pytest.CaptureFixture[str], db: Path, path: Path,
             *argv: str) -> dict[str, Any]:
    code, data, err = cli(capsys, db, "import", path, "--json", *argv)
    assert code == 0, err
    [report] = data["imports"]
    return dict(report)


def refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str,
            data: bytes) -> str:
    """The one-line refusal of a file, after checking that the ledger did not change."""
    db_path = tmp_path / "ledger.sqlite3"
    assert main(["--db", str(db_path), "import", str(SHEETS / "excel_gift_report.xlsx")]) == 0
    capsys.readouterr()
    db = open_db(db_path)
    before = snapshot(db)
    db.close()
    code, out, err = cli(capsys, db_path, "import", write(tmp_path / name, data))
    assert code == 1, out
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    db = open_db(db_path)
    assert snapshot(db) == before
    db.close()
    return err.strip()


def gift_rows(db: Any) -> list[tuple[Any, ...]]:
    return [(g["ts"], g["sender_name"], g["gift_name"], g["repeat_count"], g["coins_total"])
            for g in gifts(db)]


def gift_book(rows: dict[int, list[Any]], **kw: Any) -> bytes:
    return workbook([Sheet("Sheet1", rows, **kw)])


# ---- read right ------------------------------------------------------------------------------

def test_an_excel_gift_report_books_the_same_gifts_as_the_same_report_saved_as_csv(
        tmp_path: Path) -> None:
    csv = write(tmp_path / "report.csv",
                "Gift report \u2013 August 2026,,,,\n,,,,\n" + ",".join(GIFT_HEADER) + "\n"
                "2026-08-03 20:15:00,Lena,Rose,1,1\n2026-08-03 20:16:00,Marco,Lion,1,29999\n"
                "2026-08-03 20:17:00,Sam,Finger Heart,2,5\n"
                "2026-08-03 20:18:00,\u00c9lodie \U0001f339,Rose,5,1\n"
                "2026-08-04 20:05:00,Lena,Doughnut,1,30\n,,,,\n")
    from_csv, from_xlsx = ledger(tmp_path, name="a.sqlite3"), ledger(tmp_path, name="b.sqlite3")
    import_files(from_csv, [csv])
    [report] = import_files(from_xlsx, [SHEETS / "excel_gift_report.xlsx"])
    assert gift_rows(from_xlsx) == gift_rows(from_csv)
    assert gift_rows(from_xlsx)[0] == (ts("2026-08-03 20:15:00"), "Lena", "Rose", 1, 1)
    assert (report.kind, report.rows, report.inserted, report.rejected) == ("gifts", 5, 5, 0)
    assert [g["source_line"] for g in gifts(from_xlsx)] == [4, 5, 6, 7, 8]  # sheet rows


def test_the_merged_title_above_the_header_is_skipped_and_kept_with_its_row(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [report] = import_files(db, [SHEETS / "excel_gift_report.xlsx"])
    assert report.details["header_line"] == "3"
    assert [(r["line"], r["raw"], r["skipped"]) for r in rejected(db)] == [
        (1, "Gift report \u2013 August 2026", 1)]
    # the formatted empty rows Excel leaves below the data are neither records nor junk
    assert report.skipped == 1


def test_float_artefacts_are_booked_as_the_decimal_a_spreadsheet_shows(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [SHEETS / "libreoffice_payouts_1904.xlsx"])
    # stored as 100.00000000000001, 0.30000000000000004 and 149.99499999999998
    assert [p["amount"] for p in table(db, "payouts")] == ["100", "0.3", "149.995"]


def test_a_1904_workbook_books_the_same_days_as_the_1900_one(tmp_path: Path) -> None:
    def book(date1904: bool) -> bytes:
        shift = 1462 if date1904 else 0
        rows: dict[int, list[Any]] = {
            1: ["Date", "Amount", "Currency", "Status"],
            2: [N(repr(46263.5 - shift), DATETIME), 100, "USD", "paid"],
            3: [N(repr(46277 - shift), DATE_ONLY), 250, "USD", "paid"]}
        return workbook([Sheet("Payouts", rows)], date1904=date1904)

    db = ledger(tmp_path)
    [old] = import_files(db, [write(tmp_path / "mac.xlsx", book(True))])
    [new] = import_files(db, [write(tmp_path / "win.xlsx", book(False))])
    assert (old.details["date_system"], new.details["date_system"]) == ("1904", "1900")
    assert (new.inserted, new.duplicates) == (0, 2)  # the same payouts: nothing new
    assert [p["requested_ts"] for p in table(db, "payouts")] == [
        ts("2026-08-29 12:00:00"), ts("2026-09-12 00:00:00")]


def test_dates_stored_as_text_are_read_like_a_csvs(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [SHEETS / "libreoffice_payouts_1904.xlsx"])
    assert [p["requested_ts"] for p in table(db, "payouts")] == [
        ts("2026-08-29 00:00:00"), ts("2026-09-12 00:00:00"), ts("2026-09-29 00:00:00")]


def test_start_times_saved_as_plain_serials_are_dates_and_clock_durations_are_durations(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [report] = import_files(db, [SHEETS / "sheets_lives_second_sheet.xlsx"])
    lives = table(db, "sessions")
    assert [(s["start_ts"], s["duration_s"], s["diamonds"]) for s in lives] == [
        (ts("2026-08-03 20:00:00"), 5400, 1200), (ts("2026-08-04 20:30:00"), 7200, 2800),
        (ts("2026-08-06 20:00:00"), 2700, 640)]
    assert lives[1]["title"] == "Q&A <live>"
    assert report.rejected == 0


def test_the_sheet_that_holds_the_data_is_read_and_the_others_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = imported(capsys, tmp_path / "l.sqlite3", SHEETS / "sheets_lives_second_sheet.xlsx")
    assert report["details"]["sheet"] == "LIVEs"
    assert report["details"]["other_sheets"] == "About, Lookup"
    assert ("sheet 'LIVEs' read (the first with column names); not read: 'About', 'Lookup'"
            in report["details"]["notes"])
    assert report["rows"] == 3  # the hidden Lookup sheet's row is not a LIVE


@pytest.mark.parametrize("dimension", ["A1", "A1:AMJ3", "A1:B2", "A1:XFD1048576"])
def test_a_dimension_that_lies_hides_no_row_and_no_column(tmp_path: Path,
                                                           dimension: str) -> None:
    rows: dict[int, list[Any]] = {1: GIFT_HEADER}
    rows.update({r: [N(serial(0, r), DATETIME), f"fan{r}", "Rose", 1, 1] for r in range(2, 42)})
    db = ledger(tmp_path)
    [report] = import_files(db, [write(tmp_path / "g.xlsx", gift_book(rows,
                                                                      dimension=dimension))])
    assert (report.rows, report.inserted, report.rejected) == (40, 40, 0)
    assert gift_rows(db)[-1] == (ts("2026-08-03 20:41:00"), "fan41", "Rose", 1, 1)


def test_empty_cells_that_excel_leaves_out_at_a_rows_end_are_empty_fields(
        tmp_path: Path) -> None:
    rows: dict[int, list[Any]] = {
        1: ["Start", "Diamonds", "Title"],
        2: [N(serial(0, 0), DATETIME), 500],  # no title: the cell is not in the file at all
        3: [N(serial(1, 0), DATETIME), 700, "second", Blank(), Blank(), Blank()],
        5: [Blank(), Blank()]}
    db = ledger(tmp_path)
    [report] = import_files(db, [write(tmp_path / "l.xlsx", gift_book(rows))])
    assert (report.kind, report.rows, report.rejected) == ("sessions", 2, 0)
    assert [(s["diamonds"], s["title"]) for s in table(db, "sessions")] == [
        (500, ""), (700, "second")]


def test_importing_the_workbook_again_adds_nothing(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    assert imported(capsys, db, SHEETS / "excel_gift_report.xlsx")["inserted"] == 5
    again = imported(capsys, db, SHEETS / "excel_gift_report.xlsx")
    assert (again["inserted"], again["duplicates"]) == (0, 5)


def test_a_bad_row_is_rejected_with_its_sheet_row_and_the_others_go_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows: dict[int, list[Any]] = {
        2: GIFT_HEADER,
        3: [N(serial(0, 1), DATETIME), "Ana", "Rose", 1, 1],
        4: [N(serial(0, 2), DATETIME), "Ben", "Rose", "lots", 1],
        5: [N(serial(0, 3), DATETIME), "Cy", "Lion", 1, 29999]}
    report = imported(capsys, tmp_path / "l.sqlite3",
                      write(tmp_path / "g.xlsx", gift_book(rows)))
    assert (report["inserted"], report["rejected"]) == (2, 1)
    [error] = report["errors"]
    assert error["line"] == 4 and "lots" in error["reason"]


def test_a_profile_saved_from_a_csv_maps_the_workbook_with_the_same_columns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    csv = write(tmp_path / "odd.csv", "When;Fan;Present;Qty;Cost\n"
                "13.08.2026 10:00:00;Ana;Rose;1;1\n")
    imported(capsys, db, csv, "--map", "coins_each=Cost", "--save-profile", "my sheet")
    rows: dict[int, list[Any]] = {1: ["When", "Fan", "Present", "Qty", "Cost"],
                                  2: [N(serial(10, 0), DATETIME), "Ben", "Lion", 1, 29999]}
    report = imported(capsys, db, write(tmp_path / "odd.xlsx", gift_book(rows)))
    assert (report["details"]["profile"], report["inserted"]) == ("my sheet", 1)


def test_the_user_can_choose_the_header_row_of_a_sheet(tmp_path: Path) -> None:
    rows: dict[int, list[Any]] = {1: ["Exported by GiftTracker"], 2: ["who", "what", "when"],
                                  3: GIFT_HEADER,
                                  4: [N(serial(0, 0), DATETIME), "Ana", "Rose", 1, 1]}
    path = write(tmp_path / "g.xlsx", gift_book(rows))
    db = ledger(tmp_path)
    [report] = import_files(db, [path], options={"header_line": "3"})
    assert (report.details["header_line"], report.inserted) == ("3", 1)
    assert [r["line"] for r in rejected(db)] == [1, 2]


# ---- numbers: the rule that must always hold ------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-12, 3))
def test_a_number_of_up_to_15_digits_stored_as_a_float_comes_back_exactly(
        digits: int, exponent: int) -> None:
    value = Decimal(digits).scaleb(exponent)
    assert Decimal(float_text(float(value))) == value


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_sum_of_cents_computed_in_a_sheet_is_booked_as_the_exact_sum(a: int, b: int) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 as a float; Excel shows and stores 0.3
    assert Decimal(float_text(a / 100 + b / 100)) == Decimal(a + b) / 100


# ---- refused, one line, nothing changed -------------------------------------------------------

def _rezip(data: bytes, change: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, change.get(info.filename, source.read(info)))
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = excel_gift_report()
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (40 * 2**20))
    err = refused(capsys, tmp_path, "bomb.xlsx", _rezip(book, {"xl/worksheets/sheet1.xml":
                                                               padded}))
    assert "sheet1.xml would inflate" in err and "zip bomb" in err


def test_a_damaged_member_of_a_workbook_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(excel_gift_report())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 20, start + info.compress_size - 20, 7):
        data[at] ^= 0x5A
    err = refused(capsys, tmp_path, "damaged.xlsx", bytes(data))
    assert err.startswith("damaged.xlsx: damaged.xlsx is not a readable Excel workbook") or (
        "is not a readable Excel workbook" in err), err


def test_a_workbook_of_too_many_members_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    extra = {f"xl/media/image{i}.png": b"" for i in range(10_001)}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(excel_gift_report())) as source, \
            zipfile.ZipFile(out, "w") as zf:
        for info in source.infolist():
            zf.writestr(info.filename, source.read(info))
        for name, content in extra.items():
            zf.writestr(name, content)
    err = refused(capsys, tmp_path, "many.xlsx", out.getvalue())
    assert "members (over 10,000)" in err


def test_entity_expansion_in_the_shared_strings_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                         for i in range(9))
              + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"<si><t>&j;</t></si></sst>")
    err = refused(capsys, tmp_path, "laughs.xlsx",
                  _rezip(excel_gift_report(), {"xl/sharedStrings.xml": laughs}))
    assert "is not a readable Excel workbook" in err


def test_a_number_cell_of_5000_digits_is_refused_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows: dict[int, list[Any]] = {1: GIFT_HEADER,
                                  2: [N(serial(0, 0), DATETIME), "Ana", "Rose", 1, N("9" * 5000)]}
    err = refused(capsys, tmp_path, "huge.xlsx", gift_book(rows))
    assert "is not a readable Excel workbook" in err


def test_a_csv_saved_under_an_xlsx_name_is_read_as_the_csv_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "gifts.xlsx", "time,sender,gift,coins\n"
                 "2026-08-03 20:15:00,Lena,Rose,1\n")
    report = imported(capsys, tmp_path / "l.sqlite3", path)
    assert report["inserted"] == 1
    assert ("gifts.xlsx is a text file under a spreadsheet name: read as CSV (as some tools "
            "save it)") in report["details"]["notes"]


@pytest.mark.parametrize(("name", "data", "says"), [
    ("report.xlsx", b"\xef\xbb\xbf<!DOCTYPE html><html><body><table><tr><td>Date</td></tr>"
     b"</table></body></html>", "is a web page (HTML) saved under a spreadsheet name"),
    ("report.xls", b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table>",
     "is a web page (HTML)"),
    ("report.xlsx", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
     b'spreadsheet"></Workbook>', "is an XML file (Excel 2003 XML or another)"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 workbook"),
])
def test_a_page_or_an_old_workbook_under_a_spreadsheet_name_is_refused_saying_what_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes,
        says: str) -> None:
    assert says in refused(capsys, tmp_path, name, data)


def test_an_opendocument_spreadsheet_named_xlsx_is_refused_saying_what_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    err = refused(capsys, tmp_path, "calc.xlsx", out.getvalue())
    assert "is an OpenDocument spreadsheet (.ods), not an Excel workbook" in err


def test_a_workbook_with_no_header_on_any_sheet_names_the_sheets_it_looked_at(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = workbook([Sheet("Notes", {1: ["hello", "world"]}), Sheet("More", {2: ["x", "y"]})])
    err = refused(capsys, tmp_path, "notes.xlsx", data)
    assert "no header row found on any sheet ('Notes', 'More')" in err


def test_a_folder_with_a_workbook_and_a_likes_log_imports_the_workbook(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    (folder / "gifts.xlsx").write_bytes(excel_gift_report())
    write(folder / "likes.csv", "timestamp,user_id,nickname,count,total\n"
          "2026-08-03T20:15:00+00:00,1,a,5,5\n")
    code, data, err = cli(capsys, tmp_path / "l.sqlite3", "import", folder, "--json")
    assert code == 0, err
    assert [(Path(r["file"]).name, r["inserted"]) for r in data["imports"]] == [
        ("gifts.xlsx", 5)]
    assert [Path(s["file"]).name for s in data["skipped"]] == ["likes.csv"]


def test_a_clock_duration_past_a_day_is_read_in_hours(tmp_path: Path) -> None:
    rows: dict[int, list[Any]] = {1: ["Start", "Duration", "Diamonds"],
                                  2: [N(serial(0, 0), DATETIME), N(repr(26 / 24), CLOCK), 9]}
    db = ledger(tmp_path)
    import_files(db, [write(tmp_path / "l.xlsx", gift_book(rows))])
    assert [s["duration_s"] for s in table(db, "sessions")] == [26 * 3600]


def test_a_header_row_below_the_sheets_last_row_is_refused_saying_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "g.xlsx", excel_gift_report())
    db = ledger(tmp_path)
    before = snapshot(db)
    with pytest.raises(ImportRefused, match="there is no row 40 with cells to take as the header"):
        import_files(db, [path], options={"header_line": "40"})
    assert snapshot(db) == before
