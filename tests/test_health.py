"""The ledger file's health: a damaged ledger, another app's database, a newer schema.

Each is refused with one line that says what to do, exit 1, and the file left byte for byte
as it was: no command writes into a damaged ledger, and no table or backups folder is added
to a file that is not ours.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import gift_csv, gift_lines

from app.cli import main
from app.services.backups import backup, backups
from app.services.demo import load_demo
from app.store.db import LedgerError, open_db


def damage_page(path: Path, table: str = "gifts", seed: int = 1) -> None:
    """Overwrite the page at the root of `table` with random bytes, as a failing disk would."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        (table,)).fetchone()[0]
    conn.close()
    rnd = random.Random(seed)
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(bytes(rnd.randrange(256) for _ in range(size)))


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    """A demo ledger with one backup, then one page of its gifts table overwritten."""
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    copy = backup(path)
    damage_page(path)
    return path, copy


@pytest.mark.parametrize("command", [["summary"], ["plan"], ["imports"], ["undo", "1"],
                                     ["export", "gifts", "--out", "OUT"], ["demo"],
                                     ["accounts", "add", "other"], ["import", "CSV"]])
def test_a_damaged_ledger_is_refused_by_every_command_and_left_as_it_was(
        damaged: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    path, copy = damaged
    csv = gift_csv(tmp_path / "new.csv", gift_lines(0, 5))
    args = [{"OUT": tmp_path / "gifts.csv", "CSV": csv}.get(a, a) for a in command]
    before = path.read_bytes()
    code, out, err = run(capsys, "--db", path, *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1, err
    assert f"the ledger {path} is damaged" in err
    assert str(copy) in err and f"diamond-ledger restore --db {path}" in err
    assert path.read_bytes() == before
    assert not (tmp_path / "gifts.csv").exists()
    assert backups(path) == [copy]


def test_a_damaged_ledger_is_not_backed_up_over_the_good_copy(
        damaged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, copy = damaged
    code, _, err = run(capsys, "--db", path, "backup")
    assert code == 1 and "is damaged" in err and str(copy) in err
    assert backups(path) == [copy]  # the newest backup is still the sound one


def test_restore_with_no_argument_brings_back_the_newest_backup_and_keeps_the_damaged_file(
        damaged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, copy = damaged
    broken = path.read_bytes()
    code, out, _ = run(capsys, "--db", path, "restore")
    assert code == 0 and str(copy) in out
    kept = path.with_name(path.name + ".damaged")
    assert kept.read_bytes() == broken and kept.name in out
    code, out, _ = run(capsys, "--db", path, "summary", "--json")
    assert code == 0 and '"diamonds": "203208"' in out


def test_restore_with_no_backup_says_so(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.sqlite3"
    open_db(path).close()
    code, _, err = run(capsys, "--db", path, "restore")
    assert code == 1 and "there is no backup" in err


def test_the_window_offers_the_restore_in_words_for_a_damaged_ledger(
        damaged: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    from contextlib import ExitStack

    from app.ui import main as ui_main
    from app.ui.dialogs import errors
    path, copy = damaged
    asked: list[tuple[str, Path]] = []
    reported: list[str] = []
    monkeypatch.setattr(errors, "ask_restore", lambda _p, text, found: (
        asked.append((text, found)) or True))
    monkeypatch.setattr(errors, "report", lambda _p, title, text, details="", **_: (
        reported.append(text)))
    with ExitStack() as stack:
        opened = ui_main.open_or_recover(stack, path)
        assert opened is not None
        db, _label = opened
        assert db.execute("SELECT count(*) FROM gifts").fetchone()[0] == 1974
    assert reported == []
    [(text, found)] = asked
    assert found == copy and "is damaged" in text and "Traceback" not in text
    assert path.with_name(path.name + ".damaged").exists()


def test_a_database_error_met_after_opening_names_the_damage_and_the_backup(
        damaged: tuple[Path, Path]) -> None:
    from app.store.db import explain
    path, copy = damaged
    text = explain(path, sqlite3.DatabaseError("database disk image is malformed"))
    assert "is damaged (Page" in text and str(copy) in text
    assert "\n" not in text


# ---- not ours, or newer than us ---------------------------------------------------------------

def test_another_apps_database_is_refused_before_anything_is_added(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "photos.db"
    conn = sqlite3.connect(other)
    # tables named like ours, but no migration record of ours: still not a ledger
    conn.executescript("CREATE TABLE accounts (id, name); CREATE TABLE gifts (x);"
                       "CREATE TABLE _sqlite_migrations (migration_set, name, applied_at);"
                       "INSERT INTO _sqlite_migrations VALUES ('photos', 'm001', '');")
    conn.close()
    before = other.read_bytes()
    csv = gift_csv(tmp_path / "a.csv", gift_lines(0, 3))
    for args in (["summary"], ["import", csv], ["backup"]):
        code, _, err = run(capsys, "--db", other, *args)
        assert code == 1 and f"not a Diamond Ledger file: {other}" in err, err
    assert other.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def _ledger_with(path: Path, sql: str) -> bytes:
    open_db(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(sql)
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize(("sql", "named"), [
    ("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
     " VALUES ('diamond_ledger', 'm042_from_the_future', '')", "m042_from_the_future"),
    ("PRAGMA user_version = 99", "schema version 99"),
])
def test_a_ledger_of_a_newer_version_is_refused_naming_the_version(
        tmp_path: Path, sql: str, named: str) -> None:
    path = tmp_path / "ledger.sqlite3"
    before = _ledger_with(path, sql)
    with pytest.raises(LedgerError, match="newer Diamond Ledger") as caught:
        open_db(path)
    assert named in str(caught.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_ledger_records_its_schema_version(tmp_path: Path) -> None:
    from app.store.schema import known
    path = tmp_path / "ledger.sqlite3"
    open_db(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(known()) >= 5
    conn.close()


def test_damage_found_by_a_window_job_is_said_with_the_backup_to_restore(
        tmp_path: Path) -> None:
    """Seen: a page's read on the worker that met a damaged page said only "database disk
    image is malformed"; the window now says what the command line says."""
    from app.services.preview import in_ledger
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    copy = backup(path)

    def work(db: Any, _progress: Any, _cancel: Any) -> int:
        damage_page(path)  # the disk fails while the window reads
        raise sqlite3.DatabaseError("database disk image is malformed")  # what SQLite raises

    with pytest.raises(LedgerError) as caught:
        in_ledger(path, work)(lambda *_: None, lambda: False)
    assert "is damaged (" in str(caught.value) and str(copy) in str(caught.value)
