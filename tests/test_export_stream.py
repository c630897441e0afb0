"""TikTok's JSON export found by its content under any name, and read as a stream.

Files are written in the export's real layouts (tests/fixtures/tiktok_export and
tests/benchmarks/bench_export.py): the 2025 one with "Activity" first, the 2026 one with
"Your Activity" last.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from helpers import ledger, ts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import cli
from app.importers import tiktok_export
from app.importers.base import ImportRefused
from app.importers.tiktok_export import looks_like_export, read_export
from app.services.importing import import_files, open_tables

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from bench_export import SESSIONS, WALLET, write_export  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "tiktok_export" / "user_data_tiktok.json"


def late_export(tmp_path: Path, name: str = "user_data_tiktok (1).json") -> Path:
    """The 2025 layout with 1.2 MB of favourite videos before the first key only an export has."""
    favourites = [{"Date": f"2025-03-01 10:{i % 60:02d}:00",
                   "Link": f"https://www.tiktokv.com/share/video/{7300000000000000000 + i}/"}
                  for i in range(12_000)]
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data.pop("Ads and data")
    data.pop("Your Activity")
    layout = {"Activity": {"Favorite Videos": {"FavoriteVideoList": favourites},
                           "Purchase History": {"SendGifts": {"SendGifts": []}}}, **data}
    path = tmp_path / name
    path.write_text(json.dumps(layout, indent=1), encoding="utf-8")
    return path


def test_an_export_named_by_a_browser_with_its_first_key_past_1_mb_is_imported(
        tmp_path: Path) -> None:
    path = late_export(tmp_path)
    head = path.read_bytes()[:4096]
    first = path.read_text(encoding="utf-8").index('"Income Plus Wallet Transactions"')
    assert first > 2**20
    assert not looks_like_export(path.name, head)  # the head alone does not tell
    assert looks_like_export(str(path), head)
    db = ledger(tmp_path)
    [lives, payouts] = import_files(db, [path])
    assert (lives.kind, lives.inserted, payouts.kind, payouts.inserted) == (
        "sessions", 4, "payouts", 2)


def test_a_json_file_without_export_keys_is_not_taken_for_one(tmp_path: Path) -> None:
    path = tmp_path / "gifts.json"
    path.write_text(json.dumps({"gifts": [{"time": "2025-01-01", "Link": "x"}] * 20_000}))
    assert not looks_like_export(str(path), path.read_bytes()[:4096])
    with pytest.raises(ImportRefused) as exc:  # left to the table reader, as before
        open_tables(path)
    assert "TikTok" not in str(exc.value)


@pytest.mark.parametrize("layout", ["2025", "2026"])
def test_a_large_export_is_read_without_holding_the_file(tmp_path: Path, layout: str) -> None:
    """16 MB of watch history around the sections: memory holds the sections, not the file
    (read whole by json.load the same file takes over 100 MB)."""
    path = write_export(tmp_path / "user_data.json", 16 * 2**20, layout)
    tracemalloc.start()
    try:
        found = dict(read_export(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(list(found["sessions"].rows())) == SESSIONS
    assert len(list(found["payouts"].rows())) == WALLET // 3  # the withdrawals
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_a_utf16_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "user_data_tiktok.json"
    path.write_bytes(FIXTURE.read_text(encoding="utf-8").encode("utf-16"))
    found = dict(read_export(path))
    assert len(list(found["sessions"].rows())) == 4


def test_a_damaged_large_export_is_refused_in_one_line(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiktok_export, "EXACT_ERRORS", 100)  # as if the file were huge
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(FIXTURE.read_text(encoding="utf-8")[:-40])
    with pytest.raises(ImportRefused, match=r"^user_data_tiktok\.json is not valid JSON: ") as exc:
        read_export(path)
    assert "\n" not in str(exc.value)


# --- the same records as reading the file whole ---------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]) | st.sampled_from(
    ["\ud800", "\udfff", "😀", "é"]), max_size=8)
RECORD = st.dictionaries(st.sampled_from(["Date", "Type", "Amount", "RoomId", "LiveStartTime"]),
                         TEXT | st.integers(-10**25, 10**25) | st.floats(allow_nan=False)
                         | st.none(), max_size=4)
FILLER = st.dictionaries(st.sampled_from(["Activity", "Login History", "VideoList", "App"]),
                         st.lists(RECORD, max_size=3) | TEXT, max_size=2)


@st.composite
def exports(draw: st.DrawFn) -> dict[str, Any]:
    sections = {
        "Tiktok Live": {"Go Live History": {"GoLiveList": draw(st.lists(RECORD, max_size=4))}},
        "Income Plus Wallet Transactions": {"TransactionsList": draw(
            st.lists(RECORD.map(lambda r: {**r, "Type": "Withdraw to PayPal"}), max_size=4))},
        "Your Activity": {"Purchases": {"SendGifts": draw(st.lists(RECORD, max_size=2))}},
    }
    keys = draw(st.permutations([*sections, "Ads and data"]))
    nest = draw(st.booleans())
    body = {k: sections.get(k) or draw(FILLER) for k in keys}
    return {"Profile": draw(FILLER), "Data": body} if nest else body


def _whole(path: Path) -> list[tuple[str, list[str], list[tuple[int, list[str]]]]] | str:
    data = path.read_bytes()
    source = tiktok_export._Source(path.name, "", len(data), "TikTok export (JSON)", {})
    try:
        found = tiktok_export._tables_from_json(tiktok_export._parse_json(data, path.name),
                                                source)
    except ImportRefused as exc:
        return str(exc)
    return [(k, t.header, list(t.rows())) for k, t in found]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(export=exports(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       ascii_only=st.booleans())
def test_streamed_reading_finds_what_reading_whole_finds(
        tmp_path: Path, export: dict[str, Any], encoding: str, ascii_only: bool) -> None:
    path = tmp_path / "user_data_tiktok.json"
    text = json.dumps(export, ensure_ascii=ascii_only)
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:  # a lone surrogate written raw cannot be UTF-8 at all
        return
    expected = _whole(path)
    try:
        got: Any = [(k, t.header, list(t.rows())) for k, t in read_export(path)]
    except ImportRefused as exc:
        got = str(exc)
    assert got == expected


# --- naive export times ---------------------------------------------------------------------

def _first_start(db_path: Path) -> int:
    from app.store.db import open_db
    db = open_db(db_path)
    try:
        return int(db.execute("SELECT min(start_ts) FROM sessions").fetchone()[0])
    finally:
        db.close()


def _import(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> dict[str, Any]:
    code = cli.main(["--db", str(db), "import", str(FIXTURE), "--json", *extra])
    out = capsys.readouterr().out
    assert code == 0
    return dict(json.loads(out)["imports"][0])


def test_export_times_without_offset_are_utc_and_said_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger(tmp_path, timezone="Europe/Berlin").close()  # the account's zone is not used
    report = _import(capsys, tmp_path / "ledger.sqlite3")
    assert _first_start(tmp_path / "ledger.sqlite3") == ts("2024-05-01 19:00:05")
    assert any("read as UTC" in n and "--timezone" in n for n in report["details"]["notes"])


def test_export_times_follow_the_chosen_timezone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger(tmp_path).close()
    report = _import(capsys, tmp_path / "ledger.sqlite3", "--timezone", "America/New_York")
    assert _first_start(tmp_path / "ledger.sqlite3") == ts("2024-05-01 23:00:05")  # EDT
    assert "times without an offset read as America/New_York" in report["details"]["notes"]
