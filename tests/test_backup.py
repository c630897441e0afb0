"""Backups: automatic before a schema change, on demand, and restore of a damaged ledger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.cli import main
from app.services.backups import BackupError, backup, backups, restore
from app.services.demo import load_demo
from app.store.db import LedgerError, open_db
from app.store.schema import migrations


def _names() -> list[str]:
    return [m.name for m in migrations.pending(Database(memory=True))]


def test_a_schema_change_backs_the_ledger_up_first(tmp_path: Path):
    names = _names()
    assert len(names) >= 2, "needs a second migration to change the schema"
    path = tmp_path / "ledger.sqlite3"
    old = Database(sqlite3.connect(path, isolation_level=None))
    migrations.apply(old, stop_before=names[-1])  # a ledger from before the last change
    old.execute("INSERT INTO accounts (handle) VALUES ('kept')")
    old.close()
    open_db(path).close()
    copies = backups(path)
    assert len(copies) == 1 and f"before-{names[-1]}" in copies[0].name
    conn = sqlite3.connect(copies[0])
    assert conn.execute("SELECT handle FROM accounts").fetchall() == [("kept",)]
    applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    conn.close()
    assert names[-1] not in applied  # the copy is the ledger as it was before the change
    open_db(path).close()
    assert len(backups(path)) == 1  # nothing pending: no new copy


def test_backup_and_restore_bring_back_a_damaged_ledger(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    copy = backup(path)
    path.write_bytes(b"\0garbage" * 4096)  # the disk mangled the ledger
    with pytest.raises(LedgerError, match="restore it with"):
        open_db(path)
    assert main(["--db", str(path), "summary"]) == 1
    assert "diamond-ledger restore" in capsys.readouterr().err
    assert main(["--db", str(path), "restore", str(copy)]) == 0
    assert path.with_name(path.name + ".damaged").exists()  # the damaged file is kept
    assert main(["--db", str(path), "summary", "--json"]) == 0
    assert '"diamonds": "203208"' in capsys.readouterr().out


def test_restore_refuses_a_file_that_is_not_a_ledger_and_changes_nothing(tmp_path: Path):
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    before = path.read_bytes()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match="not a Diamond Ledger database"):
        restore(other, path)
    assert path.read_bytes() == before
