"""Hostile input through the command line, one class a test: a number or text that cannot be
stored becomes a rejected row with its line and reason (exit 0, the rest imported); a file
that cannot be read at all is refused with one line (exit 1) and the ledger is unchanged."""

from __future__ import annotations

import json
import os
import struct
import time
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot, write
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.importers.values import (
    INT64_MAX,
    MAX_AMOUNT,
    DateFormat,
    make_time_parser,
    parse_amount,
    parse_count,
    parse_duration,
    parse_id,
)
from app.store.db import open_db

FIXTURE = Path(__file__).parent / "fixtures" / "tiktok_export" / "user_data_tiktok.json"


def cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str | Path) -> tuple[int, Any, str]:
    code = main(["--db", str(db), *map(str, argv)])
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip() and "--json" in argv else out
    return code, data, err


def import_json(capsys: pytest.CaptureFixture[str], db: Path,
                path: Path) -> list[dict[str, Any]]:
    code, data, err = cli(capsys, db, "import", path, "--json")
    assert code == 0, err
    assert "Traceback" not in err
    return list(data["imports"])


def rejected(capsys: pytest.CaptureFixture[str], db: Path, import_id: int) -> list[Any]:
    code, data, err = cli(capsys, db, "rejected", str(import_id), "--json")
    assert code == 0, err
    return list(data)


# ---- numbers: bounded before they are converted -----------------------------------------------

GIFTS = "time,sender,gift_id,gift,coins\n"
OK_GIFT = "2026-08-03 10:00:01,bob,5655,Rose,1\n"


@pytest.mark.parametrize(("row", "reason"), [
    ("2026-08-03 10:00:00,ann,12345678901234567890,Rose,1", "gift id '12345678901234567890' "
                                                             "is too large to store"),
    ("2026-08-03 10:00:00,ann,5655,Rose,1e9999999", "'1e9999999' has an exponent beyond"),
    ("2026-08-03 10:00:00,ann,5655,Rose,1e999999", "'1e999999' has an exponent beyond"),
    ("2026-08-03 10:00:00,ann,5655,Rose," + "9" * 5000, "has more than 28 digits"),
    ("2026-08-03 10:00:00,ann,5655,Rose,99999999999999999999", "too large to store"),
])
def test_a_number_beyond_what_a_column_holds_is_a_rejected_row_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, reason: str) -> None:
    db = tmp_path / "ledger.sqlite3"
    path = write(tmp_path / "gifts.csv", GIFTS + row + "\n" + OK_GIFT)
    started = time.perf_counter()
    [report] = import_json(capsys, db, path)
    assert time.perf_counter() - started < 5  # 1e999999 took 31 s, 1e9999999 never ended
    assert (report["inserted"], report["rejected"]) == (1, 1)
    [bad] = rejected(capsys, db, report["import_id"])
    assert bad["line"] == 2 and reason in bad["reason"] and len(bad["reason"]) < 200
    assert bad["raw"].startswith("2026-08-03 10:00:00,ann")


SESSIONS = "start,duration,diamonds,likes\n"
PAYOUTS = "paid,amount,currency,usd value,fee,status\n"
FILES = {"lives.csv": (SESSIONS, "2026-08-03 12:00:00,60,5,1\n"),
         "payouts.csv": (PAYOUTS, "2026-08-04,5,USD,,1,paid\n")}


@pytest.mark.parametrize(("name", "row", "reason"), [
    ("lives.csv", "2026-08-03 10:00:00,1\u00b2,5,1", "cannot read '1\u00b2' as a duration"),
    ("lives.csv", "2026-08-03 10:00:00,1:\u00b2:00,5,1", "as a duration"),
    ("lives.csv", "2026-08-03 10:00:00,60,5,123456789012345678901234", "too large to store"),
    ("lives.csv", "2026-08-03 10:00:00,60,1e40,1", "exponent beyond"),
    ("payouts.csv", "2026-08-03,1e30,USD,,1,paid",
     "'1e30' is over the ceiling of 1,000,000,000,000"),
    ("payouts.csv", "2026-08-03,5,EUR,1e30,1,paid", "'1e30' is over the ceiling"),
    ("payouts.csv", "2026-08-03,5,USD,,1e999999999,paid", "'1e999999999' has an exponent beyond"),
    ("payouts.csv", "2026-08-03,5,USD,,2000000000000,paid", "over the ceiling"),
])
def test_a_session_or_payout_number_that_cannot_be_stored_is_a_rejected_row(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, row: str,
        reason: str) -> None:
    header, good = FILES[name]
    db = tmp_path / "ledger.sqlite3"
    path = write(tmp_path / name, header + row + "\n" + good)
    [report] = import_json(capsys, db, path)
    assert (report["inserted"], report["rejected"]) == (1, 1)
    [bad] = rejected(capsys, db, report["import_id"])
    assert bad["line"] == 2 and reason in bad["reason"]


def _export_with(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path / "user_data_tiktok.json", text.replace(old, new, 1))


@pytest.mark.parametrize(("value", "reason"), [
    ("9" * 5000, "has more than 28 digits"),  # json.loads alone raises over 4,300 digits
    ("1e9999999", "'1e9999999' has an exponent beyond"),  # json.loads alone reads inf
    ('"1e9999999"', "'1e9999999' has an exponent beyond"),
    ("123456789012345678901234", "too large to store"),
])
def test_a_huge_number_in_a_json_export_is_a_rejected_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, reason: str) -> None:
    db = tmp_path / "ledger.sqlite3"
    path = _export_with(tmp_path, '"TotalLike": "10234"', f'"TotalLike": {value}')
    sessions, payouts = import_json(capsys, db, path)
    assert sessions["kind"] == "sessions" and sessions["rejected"] == 1
    assert payouts["kind"] == "payouts" and payouts["inserted"] == 2
    [bad] = rejected(capsys, db, sessions["import_id"])
    assert bad["line"] == 1 and reason in bad["reason"]


@pytest.mark.parametrize("fmt", ["epoch_s", "epoch_ms"])
def test_an_epoch_date_of_thousands_of_digits_is_a_rejected_row_with_a_short_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    db = tmp_path / "ledger.sqlite3"
    first = "1785751201" + ("000" if fmt == "epoch_ms" else "")  # 2026-08-03 10:00:01 UTC
    path = write(tmp_path / "gifts.csv", GIFTS + f"{first},bob,5655,Rose,1\n"
                 + "9" * 4000 + ",ann,5655,Rose,1\n")
    code, data, err = cli(capsys, db, "import", path, "--date-format", fmt, "--json")
    assert code == 0, err
    [report] = data["imports"]
    assert (report["inserted"], report["rejected"]) == (1, 1)
    [bad] = rejected(capsys, db, report["import_id"])
    assert bad["line"] == 3 and "(4,000 characters) has more than 28 digits" in bad["reason"]
    assert len(bad["reason"]) < 120


# ---- text: a lone surrogate is kept escaped, never an encoding error --------------------------

@pytest.mark.parametrize(("old", "new", "kind"), [
    ('"RoomTitle": "Friday chill stream"', '"RoomTitle": "Friday \\ud800 stream"', "sessions"),
    ('"TransactionID": "TX-880245"', '"TransactionID": "TX-\\ud800"', "payouts"),
    ('"Status": "Processing"', '"Status": "\\udcff\\ud800"', "payouts"),
])
def test_a_lone_surrogate_in_a_json_export_rejects_its_record_only(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
        kind: str) -> None:
    db = tmp_path / "ledger.sqlite3"
    path = _export_with(tmp_path, old, new)
    reports = {r["kind"]: r for r in import_json(capsys, db, path)}
    assert reports[kind]["rejected"] == 1
    assert sum(r["rejected"] for r in reports.values()) == 1
    [bad] = rejected(capsys, db, reports[kind]["import_id"])
    assert "lone surrogate" in bad["reason"] and "\\ud800" in bad["raw"]


def test_a_file_name_of_undecodable_bytes_is_stored_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.sqlite3"
    path = write(tmp_path / "gifts\udcff.csv", GIFTS + OK_GIFT)  # the byte 0xff, as Python names it
    [report] = import_json(capsys, db, path)
    assert report["inserted"] == 1 and report["file"].endswith("gifts\\xff.csv")
    code, data, _ = cli(capsys, db, "imports", "--json")
    assert code == 0 and data[0]["file"] == report["file"]


def test_a_refused_hostile_file_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.sqlite3"
    import_json(capsys, db, write(tmp_path / "first.csv", GIFTS + OK_GIFT))
    database = open_db(db)
    before = snapshot(database)
    database.close()
    code, _, err = cli(capsys, db, "import", write(tmp_path / "x.json", b'{"a": "\\ud800'))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    database = open_db(db)
    assert snapshot(database) == before
    database.close()


# ---- the bounded parsers, for any text ----------------------------------------------------------

_PIECES = st.sampled_from(["0", "1", "9", "99999", "-", "+", ".", ",", "e", "E", "e9999999",
                           "e-99", "\u00b2", "\u0663", " ", "_", "$", ":", "h", "m", "1e30",
                           "\ud800", "9" * 40, "0" * 40, "inf", "NaN"])


EPOCH_S, EPOCH_MS = (make_time_parser(DateFormat(kind)) for kind in ("epoch_s", "epoch_ms"))


@settings(max_examples=300, deadline=2000)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_parsers_return_a_storable_value_or_a_one_line_reason(text: str) -> None:
    """Whatever the text, each parser answers at once with a value its column can hold, or
    ValueError with a short one-line reason."""
    for parse, fits in ((parse_count, lambda v: -INT64_MAX - 1 <= v <= INT64_MAX),
                        (parse_id, lambda v: -INT64_MAX - 1 <= v <= INT64_MAX),
                        (parse_amount, lambda v: v.is_finite() and abs(v) <= MAX_AMOUNT),
                        (parse_duration, lambda v: isinstance(v, int) and abs(v) < 10**40),
                        (EPOCH_S, lambda v: isinstance(v, int)),
                        (EPOCH_MS, lambda v: isinstance(v, int))):
        try:
            value = parse(text)
        except ValueError as exc:
            assert str(exc) and "\n" not in str(exc) and len(str(exc)) < 200
        else:
            assert fits(value), (parse.__name__, text, value)
            if isinstance(value, Decimal):
                assert value.adjusted() <= 12


# ---- files that are not files, and zips that lie -------------------------------------------------

def refused(capsys: pytest.CaptureFixture[str], db: Path, *paths: str | Path) -> str:
    """Import `paths` into a ledger holding one import; assert exit 1 with one clean line and
    the ledger unchanged; the message."""
    if not db.exists():
        import_json(capsys, db, write(db.parent / "first.csv", GIFTS + OK_GIFT))
    database = open_db(db)
    before = snapshot(database)
    database.close()
    code, _, err = cli(capsys, db, "import", *paths)
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    database = open_db(db)
    assert snapshot(database) == before
    database.close()
    return err.strip()


def test_a_fifo_named_like_a_gift_log_is_refused_without_opening_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "gifts.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    err = refused(capsys, tmp_path / "ledger.sqlite3", fifo)
    assert f"not a regular file: {fifo} (a named pipe)" in err


def test_dev_zero_linked_into_an_export_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "TikTok_Data"
    folder.mkdir()
    (folder / "user_data_tiktok.json").symlink_to("/dev/zero")
    err = refused(capsys, tmp_path / "ledger.sqlite3", folder)
    assert "not a regular file:" in err and "(a character device)" in err


def test_an_empty_file_name_is_refused(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(capsys, tmp_path / "ledger.sqlite3", "").endswith(": empty file name")


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path.read_bytes()


def _export_zip(tmp_path: Path, method: int = zipfile.ZIP_DEFLATED,
                extra: dict[str, bytes] | None = None) -> tuple[Path, bytes]:
    path = tmp_path / "export.zip"
    return path, _zip(path, {"user_data_tiktok.json": FIXTURE.read_bytes(), **(extra or {})},
                      method)


def _central(data: bytes, field: int, value: int) -> bytes:
    """`data` with a 4-byte field of its first central directory header set to `value`."""
    at = data.index(b"PK\x01\x02") + field
    return data[:at] + struct.pack("<I", value) + data[at + 4:]


def test_a_damaged_lzma_member_is_refused(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path, data = _export_zip(tmp_path, zipfile.ZIP_LZMA)
    middle = len(data) // 3
    path.write_bytes(data[:middle] + bytes(64) + data[middle + 64:])
    err = refused(capsys, tmp_path / "ledger.sqlite3", path)
    assert "export.zip is not a readable zip archive" in err


def test_a_member_name_that_is_not_utf8_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path, data = _export_zip(tmp_path, extra={"caf\u00e9.txt": b"x"})  # flagged UTF-8
    path.write_bytes(data.replace("caf\u00e9".encode(), b"caf\xff\xfe"))
    err = refused(capsys, tmp_path / "ledger.sqlite3", path)
    assert "export.zip is not a readable zip archive" in err


def test_a_crc_error_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, data = _export_zip(tmp_path, zipfile.ZIP_STORED)
    path.write_bytes(data.replace(b"Friday chill stream", b"Friday chill strean"))
    err = refused(capsys, tmp_path / "ledger.sqlite3", path)
    assert "Bad CRC-32" in err


def test_a_zip_bomb_is_refused_before_it_is_inflated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = _export_zip(tmp_path)
    path.unlink()
    _zip(path, {"user_data_tiktok.json": b" " * (40 * 2**20)})  # 40 MB in 40 KB
    err = refused(capsys, tmp_path / "ledger.sqlite3", path)
    assert "(over 200:1): refused as a zip bomb" in err


@pytest.mark.parametrize(("field", "value", "reason"), [
    (24, 0xFFFFFFF0, "is over the cap of 2048 MB uncompressed for a member (2 GB for all"),
    (20, 0x7FFFFFF0, "compressed bytes in an archive of"),
])
def test_a_member_larger_than_its_archive_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], field: int, value: int,
        reason: str) -> None:
    path, data = _export_zip(tmp_path)
    path.write_bytes(_central(data, field, value))  # the stated uncompressed/compressed size
    assert reason in refused(capsys, tmp_path / "ledger.sqlite3", path)


def test_a_sparse_csv_is_read_as_a_stream_not_gathered_as_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """200 MB of one NUL line below real rows (a sparse file) is refused once 32 MB pass with
    no line break; read whole, that line alone took 450 MB."""
    path = tmp_path / "gifts.csv"
    with path.open("wb") as handle:
        handle.write((GIFTS + "".join(f"2026-08-03 10:{i // 60:02d}:{i % 60:02d},ann,5655,Rose,1\n"
                                      for i in range(300))).encode())
        handle.truncate(200 * 2**20)  # a hole: no disk is used
    tracemalloc.start()
    try:
        err = refused(capsys, tmp_path / "ledger.sqlite3", path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "a line runs over 32 MB without a line break" in err
    assert peak < 150 * 2**20, f"{peak / 2**20:.0f} MB"


def test_an_over_long_line_far_into_a_file_refuses_that_file_by_name_and_writes_none_of_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """20,000 good rows (far past the sample the reader looks at first), then a 33 MB line:
    the file is refused naming it, and none of its rows went in."""
    rows = "".join(f"2026-08-03 1{i // 3600 % 10}:{i // 60 % 60:02d}:{i % 60:02d},fan{i},5655,"
                   "Rose,1\n" for i in range(20_000))
    path = write(tmp_path / "long lines.csv",
                 GIFTS + rows + "2026-08-03 11:00:00,bob,5655,Rose," + "7" * (33 * 2**20))
    err = refused(capsys, tmp_path / "ledger.sqlite3", path)
    assert err.startswith(f"diamond-ledger: {path}: a line runs over 32 MB"), err


# ---- the terminal: file contents and names are printed escaped ----------------------------------

def test_escape_sequences_from_a_file_or_its_name_are_printed_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ledger.sqlite3"
    path = write(tmp_path / "g\x1b]0;owned\x07.csv",
                 GIFTS + "2026-08-03 10:00:00,ann\x1b[2J,5655,Rose,1\n"
                 "2026-08-03 10:00:01,bob\x9b1m,5655,Rose,x\x1b[31m\u202e\n")
    outputs = [cli(capsys, db, "import", path), cli(capsys, db, "imports"),
               cli(capsys, db, "rejected", "1"),
               cli(capsys, db, "import", tmp_path / "no\x1b[2Jsuch.csv")]
    printed = "".join(out + err for _, out, err in outputs)
    assert [code for code, _, _ in outputs] == [0, 0, 0, 1]
    for control in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert control not in printed
    assert "g\\x1b]0;owned\\x07.csv" in outputs[1][1]  # the imports list names the file
    assert "bob\\x9b1m" in outputs[2][1] and "x\\x1b[31m\\u202e" in outputs[2][1]
    assert "no\\x1b[2Jsuch.csv: no such file" in outputs[3][2]
