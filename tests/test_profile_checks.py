"""A column-mapping profile with options the reader cannot use (a date format, decimal mark or
time zone it does not know) is refused when saved or imported, and when one is found in the
ledger anyway (saved by an older version, edited by hand) it is reported and ignored: the
imports of that header keep working."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import gift_csv, ledger, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.importers.fields import Mapping, header_signature
from app.importers.values import DateFormat, make_time_parser
from app.store import queries
from app.store.db import open_db

ROWS = ["2026-08-03 10:00:00,ann,Rose,1", "2026-08-03 10:01:00,bob,Lion,29999"]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _profile(date_format: str = "iso", decimal: str = "auto", timezone: str = "") -> str:
    return json.dumps({"name": "mine", "kind": "gifts",
                       "columns": {"time": "time", "sender_name": "sender",
                                   "gift_name": "gift", "coins_each": "coins"},
                       "date_format": date_format, "decimal": decimal, "timezone": timezone})


BAD = [({"date_format": "yyyy-dd"}, "unknown date format 'yyyy-dd'"),
       ({"decimal": "'"}, "unknown decimal mark"),
       ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'")]


@pytest.mark.parametrize(("bad", "message"), BAD)
def test_a_profile_with_unusable_options_is_not_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, str],
        message: str) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    db.close()
    path = tmp_path / "profile.json"
    path.write_text(_profile(**bad), encoding="utf-8")
    code, out, err = run(capsys, "--db", tmp_path / "ledger.sqlite3", "profiles", "import", path)
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1, err
    db = open_db(tmp_path / "ledger.sqlite3")
    assert snapshot(db) == before
    db.close()


@pytest.mark.parametrize(("bad", "message"), BAD)
def test_a_bad_saved_profile_is_reported_and_ignored_by_later_imports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, str],
        message: str) -> None:
    csv = gift_csv(tmp_path / "gifts.csv", ROWS)
    db = ledger(tmp_path)
    # as an older version (or a hand edit) left it: chosen by the file's header
    queries.save_profile(db, "mine", "gifts", header_signature(["time", "sender", "gift", "coins"]),
                         _profile(**bad))
    db.close()
    code, out, err = run(capsys, "--db", tmp_path / "ledger.sqlite3", "import", csv, "--json")
    assert code == 0, err
    [report] = json.loads(out)["imports"]
    assert report["inserted"] == 2
    assert any("'mine' cannot be used" in n and message in n for n in report["details"]["notes"])


def test_naming_a_bad_saved_profile_refuses_the_import_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = gift_csv(tmp_path / "gifts.csv", ROWS)
    db = ledger(tmp_path)
    queries.save_profile(db, "mine", "gifts", "", _profile(date_format="yyyy-dd"))
    before = snapshot(db)
    db.close()
    code, _, err = run(capsys, "--db", tmp_path / "ledger.sqlite3", "import", csv,
                       "--profile", "mine")
    assert code == 1 and "profile 'mine' cannot be used: unknown date format" in err, err
    db = open_db(tmp_path / "ledger.sqlite3")
    assert snapshot(db) == before
    db.close()


def test_an_unknown_time_zone_on_the_command_line_refuses_the_import_and_saves_no_profile(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = gift_csv(tmp_path / "gifts.csv", ROWS)
    db = ledger(tmp_path)
    before = snapshot(db)
    db.close()
    code, _, err = run(capsys, "--db", tmp_path / "ledger.sqlite3", "import", csv,
                       "--timezone", "Mars/Olympus_Mons", "--save-profile", "mine")
    assert code == 1 and "Unknown time zone" in err and err.count("\n") == 1, err
    db = open_db(tmp_path / "ledger.sqlite3")
    assert snapshot(db) == before
    db.close()


@settings(max_examples=60, deadline=None)
@given(date_format=st.one_of(st.sampled_from(["auto", "iso", "dmy", "epoch_ms"]), st.text()),
       decimal=st.one_of(st.sampled_from(["auto", ".", ","]), st.text(max_size=3)),
       timezone=st.one_of(st.sampled_from(["", "UTC", "Europe/Berlin", "../etc"]),
                          st.text(max_size=20)))
def test_a_profile_that_loads_can_always_be_read_with(date_format: str, decimal: str,
                                                      timezone: str) -> None:
    try:
        mapping = Mapping.from_json(_profile(date_format, decimal, timezone))
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    if mapping.date_format != "auto":  # what the reader does with the options
        make_time_parser(DateFormat(mapping.date_format), mapping.timezone or "UTC")
    assert mapping.decimal in ("auto", ".", ",")
