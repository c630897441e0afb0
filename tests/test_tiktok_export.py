"""TikTok "Download your data" exports: JSON, TXT, folders and zips into sessions and payouts."""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.catalogue import Catalogue
from app.importers import tiktok_export
from app.importers.base import Feedback, ImportRefused
from app.importers.fields import detect_kind, norm
from app.importers.readers import ReadContext, read_payouts, read_sessions
from app.importers.sources import RecordTable
from app.importers.tiktok_export import looks_like_export, read_export

FIXTURES = Path(__file__).parent / "fixtures" / "tiktok_export"
JSON_EXPORT = FIXTURES / "user_data_tiktok.json"
TXT_EXPORT = FIXTURES / "txt_export"
TXT_ROOT = TXT_EXPORT / "TikTok_Data_1714900000" / "Tiktok"
GO_LIVE_TXT = TXT_ROOT / "TikTok Live" / "Go Live History.txt"
WALLET_TXT = TXT_ROOT / "Income+ Wallet Transactions" / "Transaction History.txt"

JSON_SESSION_HEADER = ["LiveStartTime", "LiveEndTime", "LiveDuration", "RoomId", "RoomTitle",
                       "TotalEarning", "TotalLike", "TotalView", "TotalGifter"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables(path: Path) -> dict[str, RecordTable]:
    found = read_export(path)
    kinds = [kind for kind, _ in found]
    assert len(kinds) == len(set(kinds)), kinds
    return dict(found)


def rows(table: RecordTable) -> list[tuple[int, list[str]]]:
    return list(table.rows())


def zip_of(target: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def zip_folder(target: Path, folder: Path) -> Path:
    return zip_of(target, {p.relative_to(folder).as_posix(): p.read_bytes()
                           for p in sorted(folder.rglob("*")) if p.is_file()})


def write_json(tmp_path: Path, data: object, name: str = "user_data_tiktok.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def context() -> ReadContext:
    return ReadContext(catalogue=Catalogue([]), timezone="UTC", day_first=False,
                       feedback=Feedback())


# --- the JSON export ----------------------------------------------------------------------


def test_json_sessions_table() -> None:
    found = read_export(JSON_EXPORT)
    assert [kind for kind, _ in found] == ["sessions", "payouts"]
    sessions = dict(found)["sessions"]
    assert sessions.header == JSON_SESSION_HEADER
    got = rows(sessions)
    assert len(got) == 4
    assert [line for line, _ in got] == [1, 2, 3, 4]  # 1-based record index
    assert got[0][1][:2] == ["2024-05-01 19:00:05", "2024-05-01 20:02:10"]
    assert got[0][1][5] == "1520"
    assert got[2][1][4] == ""  # RoomTitle null
    assert sessions.info == {"format": "TikTok export (JSON)", "section": "Go Live History"}
    assert sessions.sha256() == sha256(JSON_EXPORT)
    assert sessions.progress()[1] == JSON_EXPORT.stat().st_size
    assert sessions.name == "user_data_tiktok.json: Go Live History"


def test_json_sessions_map_to_session_fields() -> None:
    detected = detect_kind(tables(JSON_EXPORT)["sessions"].header)
    assert detected is not None
    kind, mapping = detected
    assert kind == "sessions"
    assert mapping.columns["start"] == "LiveStartTime"
    assert mapping.columns["end"] == "LiveEndTime"
    assert mapping.columns["diamonds"] == "TotalEarning"
    assert mapping.columns["duration"] == "LiveDuration"
    assert mapping.columns["room_id"] == "RoomId"
    assert mapping.columns["gifters"] == "TotalGifter"


def test_json_withdrawals_selected_and_income_ignored() -> None:
    payouts = tables(JSON_EXPORT)["payouts"]
    assert payouts.header == ["Date", "Type", "Amount", "Currency", "Status", "TransactionID"]
    got = rows(payouts)
    assert [line for line, _ in got] == [2, 4]  # positions in TransactionsList
    assert [cells[1] for _, cells in got] == ["Withdraw to PayPal", "Cash out to bank account"]
    assert got[0][1][2] == "-100.00"
    # two gift-income records and one "Withdrawal refund" (money coming back)
    assert payouts.info["ignored_records"] == "3 non-withdrawal wallet records"
    assert payouts.info["section"] == "Income Plus Wallet Transactions"
    assert payouts.sha256() == sha256(JSON_EXPORT)
    detected = detect_kind(payouts.header)
    assert detected is not None
    kind, mapping = detected
    assert kind == "payouts"
    assert mapping.columns["requested"] == "Date"
    assert mapping.columns["amount"] == "Amount"
    assert mapping.columns["reference"] == "TransactionID"
    assert mapping.columns["status"] == "Status"


def test_json_tables_read_end_to_end() -> None:
    found = tables(JSON_EXPORT)
    sessions = found["sessions"]
    kind, mapping = detect_kind(sessions.header) or ("", None)
    assert mapping is not None
    ctx = context()
    read = list(read_sessions(sessions, mapping, ctx))
    assert ctx.feedback.errors == []
    assert [row[0] for row in read] == [1, 2, 3, 4]
    assert read[0][3] == 3725  # duration 01:02:05
    assert read[3][6] == 12045  # diamonds
    payouts = found["payouts"]
    kind, mapping = detect_kind(payouts.header) or ("", None)
    assert mapping is not None
    ctx = context()
    read = list(read_payouts(payouts, mapping, ctx))
    assert ctx.feedback.errors == []
    assert [(row[0], row[4], row[5], row[9], row[10]) for row in read] == [
        (2, "100", "USD", "paid", "TX-880245"), (4, "45.5", "USD", "pending", "TX-880377")]


def test_json_flat_wallet_and_loose_key_spelling(tmp_path: Path) -> None:
    data = {
        "TikTok LIVE": {"go_live_history": {"GoLiveList": [
            {"LiveStartTime": "2024-06-01 10:00:00", "TotalEarning": 5}]}},
        "Income Plus Wallet Transactions": {"TransactionsList": [
            {"Date": "2024-06-02", "Description": "Payout", "Amount": 20, "Currency": "EUR"}]},
    }
    path = write_json(tmp_path, data, "user_data.json")
    found = tables(path)
    assert rows(found["sessions"]) == [(1, ["2024-06-01 10:00:00", "5"])]
    assert rows(found["payouts"]) == [(1, ["2024-06-02", "Payout", "20", "EUR"])]
    assert "ignored_records" not in found["payouts"].info


def test_json_with_bom_and_null_lists(tmp_path: Path) -> None:
    data = {"Tiktok Live": {"Go Live History": {"GoLiveList": [
        None, {}, {"LiveStartTime": "2024-06-01 10:00:00", "LiveEndTime": "2024-06-01 11:00:00"}]}},
        "Income Plus Wallet Transactions": {"Transaction History": {"TransactionsList": None}}}
    path = tmp_path / "user_data_tiktok.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    found = tables(path)
    assert list(found) == ["sessions"]
    assert [line for line, _ in rows(found["sessions"])] == [3]  # null and {} skipped


def test_wallet_keys_renamed_for_payout_synonyms(tmp_path: Path) -> None:
    data = {"Income Plus Wallet Transactions": {"TransactionsList": [
        {"CreateTime": "2024-06-02 08:00:00", "TransactionAmount": "-30.00",
         "TransactionNo": "A1", "MoneyType": "USD"},
        {"CreateTime": "2024-06-03 08:00:00", "TransactionAmount": "4.10",
         "TransactionNo": "A2", "MoneyType": "USD"},
    ]}}
    payouts = tables(write_json(tmp_path, data))["payouts"]
    # CreateTime and TransactionNo are payout synonyms: kept as written; the others renamed
    assert payouts.header == ["CreateTime", "Amount", "TransactionNo", "Currency"]
    assert rows(payouts) == [(1, ["2024-06-02 08:00:00", "-30.00", "A1", "USD"])]
    assert payouts.info["renamed"] == "TransactionAmount -> Amount, MoneyType -> Currency"
    assert payouts.info["ignored_records"] == "1 non-withdrawal wallet records"
    detected = detect_kind(payouts.header)
    assert detected is not None and detected[0] == "payouts"
    assert detected[1].columns["requested"] == "CreateTime"
    assert detected[1].columns["reference"] == "TransactionNo"
    assert detected[1].columns["amount"] == "Amount"


def test_negative_amount_counts_only_without_a_description(tmp_path: Path) -> None:
    data = {"Income Plus Wallet Transactions": {"TransactionsList": [
        {"Date": "2024-06-02", "Amount": "-$30.00"},  # undescribed, negative: a withdrawal
        {"Date": "2024-06-03", "Type": "Exchange to coins", "Amount": -5},  # spent, not paid out
        {"Date": "2024-06-04", "Type": "Gift income", "Amount": 7},
    ]}}
    payouts = tables(write_json(tmp_path, data))["payouts"]
    assert [line for line, _ in rows(payouts)] == [1]
    assert payouts.info["ignored_records"] == "2 non-withdrawal wallet records"


# --- TXT -----------------------------------------------------------------------------------


def test_txt_folder() -> None:
    found = read_export(TXT_EXPORT)
    assert [kind for kind, _ in found] == ["sessions", "payouts"]
    sessions, payouts = found[0][1], found[1][1]
    assert sessions.header == ["Live Start Time", "Live End Time", "Live Duration", "Room Id",
                               "Room Title", "Total Earning", "Total Like", "Total View",
                               "Total Gifter"]
    assert [norm(h) for h in sessions.header] == [norm(h) for h in JSON_SESSION_HEADER]
    got = rows(sessions)
    assert [line for line, _ in got] == [3, 13, 23]  # line 1 is a title
    assert got[0][1][0] == "2024-05-01 19:00:05"
    assert got[1][1][4] == "Q&A: ask me anything"  # a colon inside a value
    assert sessions.info["format"] == "TikTok export (TXT)"
    assert sessions.info["section"] == "Go Live History"
    assert sessions.info["file"] == "TikTok_Data_1714900000/Tiktok/TikTok Live/Go Live History.txt"
    assert sessions.sha256() == sha256(GO_LIVE_TXT)
    assert sessions.progress()[1] == GO_LIVE_TXT.stat().st_size
    detected = detect_kind(sessions.header)
    assert detected is not None and detected[0] == "sessions"
    assert detected[1].columns["start"] == "Live Start Time"
    assert detected[1].columns["diamonds"] == "Total Earning"
    assert rows(payouts) == [(10, ["2024-05-06 18:40:02", "Withdraw to PayPal", "-100.00",
                                   "USD", "Completed", "TX-880245"])]
    assert payouts.info["ignored_records"] == "2 non-withdrawal wallet records"
    assert payouts.sha256() == sha256(WALLET_TXT)
    detected = detect_kind(payouts.header)
    assert detected is not None and detected[0] == "payouts"
    assert detected[1].columns["reference"] == "Transaction ID"


def test_single_txt_section_file() -> None:
    found = read_export(GO_LIVE_TXT)
    assert [kind for kind, _ in found] == ["sessions"]
    assert len(rows(found[0][1])) == 3
    assert found[0][1].info["skipped_lines"] == "1 line not part of a Key: value record"


def test_txt_layout_tolerance(tmp_path: Path) -> None:
    text = ("Go Live History:\r\n\r\n"
            "Live Start Time: 2024-06-01 10:00:00\r\n"
            "Room Title: first line\r\n"
            "second line of the title\r\n"
            "Total Earning: 10\r\n"
            "Live Start Time: 2024-06-02 10:00:00\r\n"  # no blank line before it
            "Total Earning: 20\r\n"
            "--------------------\r\n"
            "Live Start Time: 2024-06-03 10:00:00\r\n"
            "Room Title:: https://www.tiktok.com/@me/live\r\n"
            "https://example.com/not-a-key\r\n")
    path = tmp_path / "Go Live History.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    sessions = tables(path)["sessions"]
    assert sessions.header == ["Live Start Time", "Room Title", "Total Earning"]
    assert rows(sessions) == [
        (3, ["2024-06-01 10:00:00", "first line\nsecond line of the title", "10"]),
        (7, ["2024-06-02 10:00:00", "", "20"]),
        (10, ["2024-06-03 10:00:00",
              "https://www.tiktok.com/@me/live\nhttps://example.com/not-a-key", ""]),
    ]


_KEY = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}", fullmatch=True)
_VALUE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 :.,$@/-]{0,30}", fullmatch=True).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(_KEY, _VALUE, min_size=2, max_size=5), min_size=1, max_size=6))
def test_txt_round_trip(records: list[dict[str, str]]) -> None:
    blocks = ["\n".join(f"{k}: {v}" for k, v in r.items()) for r in records]
    parsed, skipped = tiktok_export._parse_txt("\n\n".join(blocks) + "\n",
                                               tiktok_export._SESSIONS)
    assert skipped == 0
    assert [r for _, r in parsed] == records
    expected_lines, line = [], 1
    for r in records:
        expected_lines.append(line)
        line += len(r) + 1
    assert [n for n, _ in parsed] == expected_lines


# --- zips ----------------------------------------------------------------------------------


def test_zip_of_json(tmp_path: Path) -> None:
    target = zip_of(tmp_path / "TikTok_Data_1714900000.zip",
                    {"TikTok_Data_1714900000/user_data_tiktok.json": JSON_EXPORT.read_bytes()})
    found = read_export(target)
    assert [kind for kind, _ in found] == ["sessions", "payouts"]
    sessions, payouts = found[0][1], found[1][1]
    assert sessions.header == JSON_SESSION_HEADER
    assert len(rows(sessions)) == 4 and len(rows(payouts)) == 2
    assert sessions.info == {"format": "TikTok export (zip of JSON)", "section": "Go Live History",
                             "member": "TikTok_Data_1714900000/user_data_tiktok.json"}
    assert sessions.sha256() == payouts.sha256() == sha256(target)
    assert sessions.progress()[1] == target.stat().st_size


def test_zip_of_txt(tmp_path: Path) -> None:
    target = zip_folder(tmp_path / "export.zip", TXT_EXPORT)
    found = read_export(target)
    assert [kind for kind, _ in found] == ["sessions", "payouts"]
    sessions = found[0][1]
    assert [line for line, _ in rows(sessions)] == [3, 13, 23]
    assert sessions.info["format"] == "TikTok export (zip of TXT)"
    assert sessions.info["member"].endswith("TikTok Live/Go Live History.txt")
    assert sessions.sha256() == sha256(target)


def test_folder_holding_json(tmp_path: Path) -> None:
    folder = tmp_path / "TikTok_Data"
    folder.mkdir()
    shutil.copy(JSON_EXPORT, folder / "user_data_tiktok.json")
    found = tables(folder)
    assert len(rows(found["sessions"])) == 4
    assert found["sessions"].info["file"] == "user_data_tiktok.json"
    assert found["sessions"].sha256() == sha256(JSON_EXPORT)


# --- recognising an export -------------------------------------------------------------------


def test_looks_like_export(tmp_path: Path) -> None:
    json_zip = zip_of(tmp_path / "a.zip", {"x/user_data_tiktok.json": JSON_EXPORT.read_bytes()})
    txt_zip = zip_of(tmp_path / "b.zip", {"Tiktok/TikTok Live/Go Live History.txt": b"x"})
    other_zip = zip_of(tmp_path / "c.zip", {"gifts.csv": b"time,gift\n"})
    assert looks_like_export("a.zip", json_zip.read_bytes()[:4096])
    assert looks_like_export("b.zip", txt_zip.read_bytes()[:4096])
    assert not looks_like_export("c.zip", other_zip.read_bytes()[:4096])
    # the export member comes late: only the central directory (read from a full path) shows it
    noise = random.Random(0).randbytes(8000)  # does not compress: pushes the next header out
    late = zip_of(tmp_path / "d.zip", {"Activity/Browsing History.txt": noise,
                                       "TikTok Live/Go Live History.txt": b"x"})
    head = late.read_bytes()[:4096]
    assert not looks_like_export("d.zip", head)
    assert looks_like_export(str(late), head)
    # a real TXT export zip: its first member lies under a TikTok_Data_<n> folder
    real = zip_of(tmp_path / "e.zip", {"TikTok_Data_1/Tiktok/Activity/Browsing History.txt":
                                       noise, "TikTok_Data_1/Tiktok/TikTok Live/Go Live "
                                       "History.txt": b"x"})
    assert looks_like_export("e.zip", real.read_bytes()[:4096])
    assert looks_like_export("user_data_tiktok.json", b"{")
    assert looks_like_export("user_data.json", JSON_EXPORT.read_bytes()[:200])
    assert looks_like_export("export.json", b'{\n  "Tiktok Live": {"Go Live History": {')
    assert looks_like_export("export.json", b'{"Income Plus Wallet Transactions": {}}')
    assert not looks_like_export("export.json", b'{"gifts": [{"time": "2024-01-01"}]}')
    assert looks_like_export("Go Live History.txt", b"Live Start Time: 2024")
    assert looks_like_export("/some/where/Transaction History (1).txt", b"")
    assert looks_like_export("Purchases.txt", b"")
    assert not looks_like_export("notes.txt", b"Date: 2024")
    assert not looks_like_export("gifts.csv", b"time,gift\n")


# --- refusals ------------------------------------------------------------------------------


def test_corrupt_zip_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "export.zip"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ImportRefused, match=r"^export\.zip is not a readable zip archive"):
        read_export(garbage)
    good = zip_of(tmp_path / "t.zip", {"user_data_tiktok.json": JSON_EXPORT.read_bytes()})
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(ImportRefused, match=r"^truncated\.zip is not a readable zip archive"):
        read_export(truncated)


def test_damaged_zip_data_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("user_data_tiktok.json", JSON_EXPORT.read_bytes())
    data = bytearray(buf.getvalue())
    data[200] ^= 0xFF  # inside the stored member: the CRC no longer matches
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match=r"not a readable zip archive \(Bad CRC-32"):
        read_export(damaged)


def test_zip_without_export_refused(tmp_path: Path) -> None:
    target = zip_of(tmp_path / "photos.zip", {"a.jpg": b"\xff\xd8"})
    with pytest.raises(ImportRefused, match=r"photos\.zip is not a TikTok data export: no "
                                            r"user_data\.json, user_data_tiktok\.json, Go Live"):
        read_export(target)


def test_huge_member_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiktok_export, "MAX_JSON_BYTES", 1000)  # JSON is streamed: its own cap
    target = zip_of(tmp_path / "big.zip", {"user_data_tiktok.json": JSON_EXPORT.read_bytes()})
    with pytest.raises(ImportRefused, match=r"user_data_tiktok\.json is over .* uncompressed"):
        read_export(target)


def test_json_without_live_or_wallet_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"Your Activity": {"Login History": {"LoginHistoryList": []}}})
    with pytest.raises(ImportRefused) as caught:
        read_export(path)
    message = str(caught.value)
    assert message == ("no LIVE sessions or wallet withdrawals in user_data_tiktok.json: looked "
                       "for Go Live History (GoLiveList) and Income Plus Wallet Transactions "
                       "(TransactionsList)")
    assert "\n" not in message


def test_empty_sections_explained(tmp_path: Path) -> None:
    data = {"Tiktok Live": {"Go Live History": {"GoLiveList": None}},
            "Income Plus Wallet Transactions": {"Transaction History": {"TransactionsList": [
                {"Date": "2024-06-01", "Type": "Gift income", "Amount": "3.00"}]}},
            "Your Activity": {"Purchases": {"SendGifts": {"SendGifts": [
                {"Date": "2024-06-01", "GiftAmount": "1", "UserName": "x"}]}}}}
    with pytest.raises(ImportRefused, match=r"\(Go Live History is empty; the wallet has 1 "
                                            r"transactions, none of them a withdrawal; Purchases "
                                            r"\(1 records\) holds gifts sent"):
        read_export(write_json(tmp_path, data))


def test_invalid_json_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "user_data_tiktok.json"
    path.write_text('{\n  "Tiktok Live": {\n    "Go Live History": [,]\n  }\n}\n')
    with pytest.raises(ImportRefused, match=r"^user_data_tiktok\.json is not valid JSON: "
                                            r"Expecting value at line 3, column 25$"):
        read_export(path)


def test_invalid_json_in_zip_names_member(tmp_path: Path) -> None:
    target = zip_of(tmp_path / "x.zip", {"d/user_data.json": b'{"a": }'})
    with pytest.raises(ImportRefused, match=r"^d/user_data\.json in x\.zip is not valid JSON: "
                                            r".* at line 1, column 7$"):
        read_export(target)


def test_other_refusals(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Date: 2024\n")
    with pytest.raises(ImportRefused, match="not a TikTok export section file"):
        read_export(notes)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.md").write_text("hi")
    with pytest.raises(ImportRefused, match=r"^no TikTok data export in folder empty: looked for"):
        read_export(empty)
    binary = tmp_path / "user_data.json"
    binary.write_bytes(b"\xff\xfe\x00\xd8" * 4 + b"\x80")
    with pytest.raises(ImportRefused, match="not UTF-8 text|not valid JSON"):
        read_export(binary)
    purchases = tmp_path / "Purchases.txt"
    purchases.write_text("Date: 2024-04-20 22:05:00\nPrice: $1.39\n")
    with pytest.raises(ImportRefused, match=r"Purchases \(1 records\) holds gifts sent and coins "
                                            r"bought as a viewer, which are not imported"):
        read_export(purchases)
