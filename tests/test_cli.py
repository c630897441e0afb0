"""The command line as a user drives it: in-process through app.cli.main, and once for real."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import gift_csv, gift_lines, snapshot, write

from app.cli import main
from app.importers.fields import Mapping
from app.store.db import open_db

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_default_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A command that ignored --db would write here instead; tests check it does not."""
    stray = tmp_path / "stray" / "default.sqlite3"
    monkeypatch.setenv("DIAMOND_LEDGER_DB", str(stray))
    return stray


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# the sample's last LIVE is on 2026-10-30 (New York): loaded "today" 2026-10-31 it is not moved
AS_SHIPPED = ("--today", "2026-10-31")


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "demo.sqlite3"
    code, _, err = run(capsys, "demo", "--db", db, *AS_SHIPPED)
    assert code == 0, err
    return db


# ---- demo, summary, convert -----------------------------------------------------------------

def test_demo_then_summary_matches_the_sample_totals(
        demo_db: Path, capsys: pytest.CaptureFixture[str], _no_default_ledger: Path) -> None:
    s = run_json(capsys, "summary", "--db", demo_db)
    assert (s["gifts"], s["coins"]) == (1974, 202704)
    assert (s["diamonds"], s["balance_diamonds"]) == ("203208", "72208")
    assert (s["usd"], s["withdrawn_usd"], s["balance_usd"]) == ("1016.04", "655", "361.04")
    assert s["withdrawable"] is True
    assert (s["first_day"], s["last_day"]) == ("2026-08-02", "2026-10-30")
    assert not _no_default_ledger.exists()


def test_demo_twice_adds_nothing(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = run_json(capsys, "demo", "--db", demo_db, *AS_SHIPPED)["imports"]
    assert [r["inserted"] for r in again] == [0, 0, 0]
    assert [r["duplicates"] for r in again] == [1974, 45, 2]
    assert run_json(capsys, "summary", "--db", demo_db)["gifts"] == 1974


def test_summary_of_a_period(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    august = run_json(capsys, "summary", "--db", demo_db, "--from", "2026-08-01",
                      "--to", "2026-08-31")
    september = run_json(capsys, "summary", "--db", demo_db, "--from", "2026-09-01",
                         "--to", "2026-09-30")
    whole = run_json(capsys, "summary", "--db", demo_db)
    assert 0 < august["gifts"] < whole["gifts"] and 0 < september["gifts"] < whole["gifts"]
    assert august["last_day"] <= "2026-08-31" and september["first_day"] >= "2026-09-01"


def test_convert_with_the_half_preset(capsys: pytest.CaptureFixture[str]) -> None:
    c = run_json(capsys, "convert", "29999", "--preset", "half")
    assert (c["coins"], c["diamonds"], c["usd"]) == (29999, "14999.5", "74.9975")


def test_convert_with_default_rates(capsys: pytest.CaptureFixture[str]) -> None:
    c = run_json(capsys, "convert", "29999")
    assert (c["diamonds"], c["usd"], c["currency"], c["region"]) == (
        "29999", "149.995", "USD", "US")


def test_convert_to_an_unknown_region_fails_with_exit_1(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    code, out, err = run(capsys, "convert", "100", "--region", "ZZ")
    assert code == 1 and out == ""
    assert err.startswith("diamond-ledger: ") and err.count("\n") == 1


# ---- import through the CLI --------------------------------------------------------------------

def test_import_reports_rejected_rows_and_exits_0(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    path = write(tmp_path / "g.csv", "time,sender,gift,coins\n2026-08-03 10:00:00,Al,Rose,1\n"
                                     "2026-08-03 10:00:01,Bo,Rose,-1\n")
    out = run_json(capsys, "import", path, "--db", db)
    [r] = out["imports"]
    assert (r["kind"], r["rows"], r["inserted"], r["duplicates"], r["rejected"]) == (
        "gifts", 2, 1, 0, 1)
    assert r["file"] == str(path) and isinstance(r["import_id"], int)
    assert r["errors"] == [{"line": 3, "reason": "negative coins (-1)"}]
    rejected = run_json(capsys, "rejected", str(r["import_id"]), "--db", db)
    assert rejected == [{"line": 3, "reason": "negative coins (-1)",
                         "raw": "2026-08-03 10:00:01,Bo,Rose,-1", "skipped": 0}]
    code, text, _ = run(capsys, "import", path, "--db", db)
    assert code == 0 and "0 new, 1 duplicate, 1 rejected" in text


def test_import_of_a_missing_file_exits_1_and_writes_nothing(
        demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(open_db(demo_db))
    good = gift_csv(tmp_path / "a.csv", gift_lines(0, 5))
    code, out, err = run(capsys, "import", good, tmp_path / "missing.csv",
                         "--db", demo_db)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "missing.csv" in err and "no such file" in err
    assert snapshot(open_db(demo_db)) == before


def test_import_dry_run_counts_and_writes_nothing(
        demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(open_db(demo_db))
    path = gift_csv(tmp_path / "new.csv", gift_lines(0, 7))
    out = run_json(capsys, "import", path, "--dry-run", "--db", demo_db)
    [r] = out["imports"]
    assert (r["dry_run"], r["import_id"], r["inserted"]) == (True, None, 7)
    assert snapshot(open_db(demo_db)) == before


@pytest.mark.parametrize("argv", [
    ["bogus"],
    ["convert", "lots"],
    ["import"],
    ["import", "x.csv", "--kind", "videos"],
    ["summary", "--from", "31/12/2026"],
    ["export", "gifts"],
    ["undo"],
])
def test_bad_usage_exits_2(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           _no_default_ledger: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--db", str(tmp_path / "l.sqlite3")])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert not (tmp_path / "l.sqlite3").exists() and not _no_default_ledger.exists()


def test_db_option_works_before_and_after_the_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], _no_default_ledger: Path) -> None:
    assert os.environ["DIAMOND_LEDGER_DB"] == str(_no_default_ledger)
    db = tmp_path / "l.sqlite3"
    path = gift_csv(tmp_path / "g.csv", gift_lines(0, 3))
    assert run_json(capsys, "--db", db, "import", path)["imports"][0]["inserted"] == 3
    after = run_json(capsys, "imports", "--db", db)
    before = run_json(capsys, "--db", db, "imports")
    assert after == before and len(after) == 1
    code, out, _ = run(capsys, "--json", "summary", "--db", db)  # --json before, too
    assert code == 0 and json.loads(out)["gifts"] == 3
    assert not _no_default_ledger.exists()


def test_undo_and_the_imports_list(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = run_json(capsys, "imports", "--db", demo_db)
    assert [(i["kind"], i["inserted"], i["undone"]) for i in items] == [
        ("gifts", 1974, False), ("sessions", 45, False), ("payouts", 2, False)]
    gifts_id = items[0]["import_id"]
    undone = run_json(capsys, "undo", str(gifts_id), "--db", demo_db)
    assert undone == {"import_id": gifts_id, "removed": 1974}
    items = run_json(capsys, "imports", "--db", demo_db)
    assert [i["undone"] for i in items] == [True, False, False]
    assert run_json(capsys, "summary", "--db", demo_db)["gifts"] == 0
    code, out, err = run(capsys, "undo", str(gifts_id), "--db", demo_db)
    assert code == 1 and out == "" and "already undone" in err and err.count("\n") == 1


def test_undo_of_an_unknown_import_exits_1(demo_db: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(open_db(demo_db))
    code, out, err = run(capsys, "undo", "4242", "--db", demo_db)
    assert code == 1 and out == ""
    assert err == "diamond-ledger: there is no import 4242\n"
    assert snapshot(open_db(demo_db)) == before


# ---- export -----------------------------------------------------------------------------------

def test_export_gifts_is_spreadsheet_safe(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    formula = '=HYPERLINK("http://evil.example","click")'
    src = write(tmp_path / "g.csv",
                "time,sender,gift,coins\n"
                f'2026-08-03 10:00:00,"{formula.replace(chr(34), chr(34) * 2)}",Rose,1\n'
                "2026-08-03 10:00:01,+1 fan,Rose,1\n"
                "2026-08-03 10:00:02,Zoé 🌹,Lion,29999\n")
    assert run_json(capsys, "import", src, "--db", db)["imports"][0]["inserted"] == 3
    out = tmp_path / "out" / "gifts.csv"
    code, text, err = run(capsys, "export", "gifts", "--out", out, "--db", db)
    assert code == 0, err
    assert "3 rows" in text
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets open it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["sender_name"] for r in rows] == ["'" + formula, "'+1 fan", "Zoé 🌹"]
    assert [r["coins_total"] for r in rows] == ["1", "1", "29999"]
    assert not list(out.parent.glob("*.part"))


def test_export_gifts_writes_readable_utc_times(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    src = write(tmp_path / "g.csv", "time,sender,gift,coins\n2026-08-03 10:00:00,Al,Rose,1\n")
    run_json(capsys, "import", src, "--db", db)
    out = tmp_path / "gifts.csv"
    assert run(capsys, "export", "gifts", "--out", out, "--db", db)[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["time_utc"] == "2026-08-03T10:00:00Z"


# ---- profiles ---------------------------------------------------------------------------------

def test_profiles_show_prints_json_that_reads_back(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    src = write(tmp_path / "odd.csv", "When,Who,What,How Many\n2026-08-03 10:00:00,Al,Rose,3\n")
    code, _, err = run(capsys, "import", src, "--map", "sender_name=Who", "--map",
                       "gift_name=What", "--map", "repeat_count=How Many",
                       "--save-profile", "odd", "--db", db)
    assert code == 0, err
    assert [(p["name"], p["kind"]) for p in run_json(capsys, "profiles", "--db", db)] == [
        ("odd", "gifts")]
    code, out, _ = run(capsys, "profiles", "show", "odd", "--db", db)
    assert code == 0
    mapping = Mapping.from_json(out)
    assert (mapping.kind, mapping.name) == ("gifts", "odd")
    assert mapping.columns == {"time": "When", "sender_name": "Who", "gift_name": "What",
                               "repeat_count": "How Many"}
    # the shown JSON, imported into another ledger, maps the same header there
    exported = write(tmp_path / "odd.json", out)
    other = tmp_path / "other.sqlite3"
    assert run_json(capsys, "profiles", "import", exported, "--db", other) == {"imported": "odd"}
    again = write(tmp_path / "odd2.csv", "when,who,what,how many\n2026-08-04 10:00:00,Bo,Rose,2\n")
    [r] = run_json(capsys, "import", again, "--db", other)["imports"]
    assert (r["inserted"], r["details"]["profile"]) == (1, "odd")
    code, _, err = run(capsys, "profiles", "show", "nope", "--db", db)
    assert code == 1 and "no profile 'nope'" in err


# ---- the real console script ------------------------------------------------------------------

def test_the_console_script_runs_for_real(tmp_path: Path) -> None:
    db = tmp_path / "real.sqlite3"
    env = {**os.environ, "DIAMOND_LEDGER_DB": str(tmp_path / "stray.sqlite3"),
           "QT_QPA_PLATFORM": "offscreen"}

    def cli(*argv: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", *map(str, argv)], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=60)

    demo = cli("--db", db, "demo", "--json", *AS_SHIPPED)
    assert demo.returncode == 0, demo.stderr
    assert [r["inserted"] for r in json.loads(demo.stdout)["imports"]] == [1974, 45, 2]
    summary = cli("summary", "--json", "--db", db)
    assert summary.returncode == 0, summary.stderr
    data = json.loads(summary.stdout)
    assert (data["gifts"], data["coins"], data["diamonds"], data["balance_diamonds"]) == (
        1974, 202704, "203208", "72208")
    missing = cli("import", tmp_path / "nope.csv", "--db", db)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
    usage = cli("frobnicate", "--db", db)
    assert usage.returncode == 2 and "usage:" in usage.stderr
    assert not (tmp_path / "stray.sqlite3").exists()


def test_profiles_import_refuses_a_fifo_and_a_file_that_is_not_a_profile(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.sqlite3"
    fifo = tmp_path / "odd.json"
    os.mkfifo(fifo)  # read_text() waited here for a writer forever
    junk = write(tmp_path / "junk.json", b"\xff\xfe{")
    for path, reason in ((fifo, "(a named pipe)"), (junk, "cannot read profile"),
                         (tmp_path / "none.json", "no such file")):
        code, out, err = run(capsys, "profiles", "import", path, "--db", db)
        assert (code, out) == (1, ""), err
        assert err.count("\n") == 1 and reason in err and str(path) in err, err
    assert run_json(capsys, "profiles", "--db", db) == []
