"""Faults around an import: a full disk, a second writer, another process adding data.

- The database fills up mid-import (SQLite's `max_page_count`, the same SQLITE_FULL a full
  disk gives): a clear error, the ledger exactly as before and sound, and the next import with
  room works.
- Another process holds the write lock: an import waits for it (busy timeout) and succeeds;
  held longer than the timeout, the import fails with a one-line message and writes nothing.
  Two imports of different files at once both land, no row lost.
- An open window shows what another process imported once it refreshes.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import gift_csv, gift_lines, ledger, snapshot, wrap_open_db

from app import cli
from app.services.importing import import_files
from app.store.db import open_db

ROOT = Path(__file__).resolve().parents[1]

# The CLI in a child process, with the ledger's busy timeout lowered to argv[1] ms (0: keep
# the default 30 s); prints "ready" once everything is imported, just before the work starts.
CLI = """
import sys
import app.cli
import app.services.importing
import app.services.ledger
import app.store.db as store_db
timeout = int(sys.argv[1])
original = store_db.open_db
def open_db(*args, **kwargs):
    db = original(*args, **kwargs)
    if timeout:
        db.execute(f"PRAGMA busy_timeout = {timeout}")
    return db
store_db.open_db = open_db
app.services.ledger.open_db = open_db
print("ready", flush=True)
sys.exit(app.cli.main(sys.argv[2:]))
"""


def start_cli(db_path: Path, *args: str, busy_ms: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CLI, str(busy_ms), "--db", str(db_path),
                             *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"


def integrity(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def gift_count(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM gifts").fetchone()[0]
    finally:
        conn.close()


def big_file(tmp_path: Path, name: str, start: int, stop: int) -> Path:
    return gift_csv(tmp_path / name, gift_lines(start, stop))


def cap_pages(db: Any, spare: int = 4) -> int:
    """Let the main database grow by only `spare` pages from now on."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + spare}")
    return pages + spare


# ---- (a) disk full mid-import ----------------------------------------------------------------

def test_a_full_database_mid_import_fails_clearly_and_leaves_the_ledger_as_it_was(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    import_files(db, [big_file(tmp_path, "first.csv", 0, 500)])
    before = snapshot(db)
    cap_pages(db)
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        import_files(db, [big_file(tmp_path, "big.csv", 500, 20_500)])
    assert not db.conn.in_transaction
    assert snapshot(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("PRAGMA max_page_count = 1073741823")  # room again: the same file goes in
    [report] = import_files(db, [tmp_path / "big.csv"])
    assert (report.inserted, report.rejected) == (20_000, 0)
    assert db.execute("SELECT count(*) FROM gifts").fetchone()[0] == 20_500
    db.close()


def test_a_full_database_on_the_command_line_is_one_line_and_exit_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "ledger.sqlite3"
    db = ledger(tmp_path)
    import_files(db, [big_file(tmp_path, "first.csv", 0, 100)])
    before = snapshot(db)
    db.close()
    def full_open(original: Any, *args: Any, **kwargs: Any) -> Any:
        opened = original(*args, **kwargs)
        cap_pages(opened, spare=2)
        return opened

    wrap_open_db(monkeypatch, full_open)
    big = big_file(tmp_path, "big.csv", 100, 10_100)
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "import", str(big)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "database or disk is full" in err, err
    assert err.startswith("diamond-ledger: ")
    monkeypatch.undo()
    db = open_db(db_path)
    assert snapshot(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert cli.main(["--db", str(db_path), "import", str(big), "--json"]) == 0
    assert gift_count(db_path) == 10_100


# ---- (b) two writers -------------------------------------------------------------------------

def hold_write_lock(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_an_import_waits_for_another_writer_and_then_succeeds(tmp_path: Path) -> None:
    db_path = tmp_path / "ledger.sqlite3"
    ledger(tmp_path).close()
    path = big_file(tmp_path, "gifts.csv", 0, 300)
    lock = hold_write_lock(db_path)
    try:
        child = start_cli(db_path, "import", str(path), "--json")
        wait_ready(child)
        time.sleep(1.5)
        assert child.poll() is None, "the import did not wait for the lock"
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert '"inserted": 300' in out
    assert gift_count(db_path) == 300
    assert integrity(db_path) == "ok"


def test_an_import_blocked_past_its_timeout_says_so_and_writes_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "ledger.sqlite3"
    db = ledger(tmp_path)
    import_files(db, [big_file(tmp_path, "first.csv", 0, 10)])
    before = snapshot(db)
    db.close()
    path = big_file(tmp_path, "gifts.csv", 10, 300)
    lock = hold_write_lock(db_path)
    try:
        child = start_cli(db_path, "import", str(path), busy_ms=300)
        out, err = child.communicate(timeout=60)  # the lock is held all along
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert child.returncode == 1, (out, err)
    assert err.count("\n") == 1 and "database is locked" in err, err
    assert err.startswith("diamond-ledger: ")
    db = open_db(db_path)
    assert snapshot(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    db_path = tmp_path / "ledger.sqlite3"
    ledger(tmp_path).close()
    first = big_file(tmp_path, "a.csv", 0, 30_000)
    second = big_file(tmp_path, "b.csv", 30_000, 60_000)
    children = [start_cli(db_path, "import", str(p), "--json") for p in (first, second)]
    results = [c.communicate(timeout=120) for c in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert '"inserted": 30000' in out
    assert gift_count(db_path) == 60_000
    assert integrity(db_path) == "ok"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(DISTINCT sender_name) FROM gifts").fetchone()[0] == 60_000
        assert conn.execute("SELECT count(*), sum(inserted) FROM imports").fetchone() == (2, 60_000)
        assert conn.execute("SELECT sum(gifts) FROM gift_hourly").fetchone()[0] == 60_000
    finally:
        conn.close()


# ---- (c) an open window and another process ---------------------------------------------------

def test_an_open_window_shows_what_another_process_imported_after_a_refresh(
        qtbot: Any, tmp_path: Path) -> None:
    from app.ui.window import MainWindow
    db_path = tmp_path / "ledger.sqlite3"
    db = ledger(tmp_path)
    import_files(db, [big_file(tmp_path, "first.csv", 0, 10)])
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    shown = window.overview.balance_card.value.text()
    big = gift_csv(tmp_path / "lions.csv", [f"2026-08-04 1{i}:00:00,fan{i},Lion,29999"
                                            for i in range(5)])
    child = start_cli(db_path, "import", str(big), "--json")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    window.refresh_all()
    assert window.overview.balance_card.value.text() != shown
    assert window.overview.balance_card.value.text().startswith("$")
    window.close()
    db.close()
