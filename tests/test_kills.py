"""Kill -9 at random moments: the ledger is exactly as before or exactly as after.

Like the killed import of test_safety.py, a child process does one write and is killed at a
random moment of it; each kill is made on a fresh copy of the same ledger, so every outcome is
compared with the two states the write may leave: the one before and the one after (measured
by running it once to the end). Covered here: a first import into a new --account (the
account goes with the batch), an undo, a retry of a batch's rejected rows, a schema migration
at start-up, and payout edits.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from app.services.demo import load_demo
from app.services.importing import import_files
from app.store.db import open_db

ROOT = Path(__file__).resolve().parents[1]
ROWS = 40_000
KILLS = 3

DRIVER = """
import sys, time
from datetime import date
from pathlib import Path
action, ledger = sys.argv[1], sys.argv[2]
from app.store.db import open_db
from app.services import importing, payouts
if action == "migrate":  # what open_db runs once it has checked the file and backed it up
    import sqlite3
    from sqlite_utils import Database
    from app.store.schema import migrate
    db = Database(sqlite3.connect(ledger, isolation_level=None))
    print("started", flush=True)
    start = time.perf_counter()
    migrate(db)
    db.close()
else:
    db = open_db(ledger)
    print("started", flush=True)
    start = time.perf_counter()
    if action == "import":
        importing.import_files(db, [Path(sys.argv[3])], account="newbie")
    elif action == "undo":
        importing.undo(db, int(sys.argv[3]))
    elif action == "retry":
        from app.services.retrying import retry
        retry(db, int(sys.argv[3]))
    elif action == "edit":
        pid = int(sys.argv[3])
        for k in range(1, 80):
            payouts.edit_payout(db, pid, payouts.PayoutForm(
                date(2026, 8, 1), date(2026, 8, 2), f"{k}.00", "USD", "paid", "PayPal",
                reference=f"ref{k}"))
    db.close()
print(f"done {time.perf_counter() - start:.3f}", flush=True)
"""


def big_csv(path: Path) -> Path:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,user_id,nickname,gift_id,gift_name,repeat_count,coins\n")
        for i in range(ROWS):
            fan = rnd.randrange(3000)
            out.write(f"{1_780_000_000 + i * 7},{fan},fan{fan},5655,Rose,1,{rnd.randint(1, 9)}\n")
    return path


def state(path: Path) -> tuple[object, ...]:
    """What a reader sees: every table's rows (counted and summed) and the migrations
    applied; the file must pass integrity_check."""
    conn = sqlite3.connect(path)  # not read-only: a hot journal is rolled back first
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN"
            " ('_sqlite_migrations', 'sqlite_sequence') ORDER BY name")]
        rows = tuple((t, conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0],
                      _digest(conn, t)) for t in tables)
        applied = tuple(r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations ORDER BY id"))
        return rows, applied
    finally:
        conn.close()


def _digest(conn: sqlite3.Connection, table: str) -> tuple[object, ...]:
    """Per column, the sum of its numbers and of its values' lengths: one pass in SQL (a
    sorted dump of 40k gifts took 1.7 s), enough to tell a batch in from a batch out."""
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
    sums = ", ".join(f"total(CASE WHEN typeof([{c}]) IN ('integer', 'real') THEN [{c}] END),"
                     f" total(length(quote([{c}])))" for c in columns)
    return tuple(conn.execute(f"SELECT {sums} FROM [{table}]").fetchone())


def run_driver(ledger: Path, action: str, *args: str,
               kill_after: float | None = None) -> tuple[bool, float]:
    """Run the driver on `ledger`; kill it `kill_after` seconds after it started the write.
    Returns (killed before it finished, seconds the write took when it finished)."""
    with subprocess.Popen([sys.executable, "-c", DRIVER, action, str(ledger), *args], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        if kill_after is not None:
            time.sleep(kill_after)
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=60)
                return True, 0.0
        line = child.stdout.readline().split()
        assert child.wait(timeout=120) == 0
        return False, float(line[1])


def kill_at_random(prepared: Path, tmp_path: Path, action: str, *args: str,
                   check: Callable[[Path, object, object], None] | None = None,
                   window: tuple[float, float] = (0.05, 0.95)) -> None:
    """Kill the write at KILLS random moments, each on a fresh copy of `prepared`, within
    `window` (fractions of the time the whole write took)."""
    before = state(prepared)
    finished = tmp_path / "finished" / prepared.name
    finished.parent.mkdir()
    shutil.copy(prepared, finished)
    _, took = run_driver(finished, action, *args)
    after = state(finished)
    assert before != after
    rnd = random.Random(2026)
    kills = mid_write = attempt = 0
    # KILLS moments at least; on a loaded machine the write's pace differs from the timed run,
    # so a kill can miss the transaction: try more moments (each one checked) until one lands.
    while attempt < KILLS or (mid_write < 1 or kills < 2) and attempt < 4 * KILLS:
        copy = tmp_path / f"try{attempt}" / prepared.name
        copy.parent.mkdir()
        shutil.copy(prepared, copy)
        killed, _ = run_driver(copy, action, *args, kill_after=took * rnd.uniform(*window))
        journal = copy.with_name(copy.name + "-journal")
        mid_write += killed and journal.exists() and journal.stat().st_size > 0
        kills += killed
        seen = state(copy)  # reading recovers a hot journal first, as the next start would
        if check is not None:
            check(copy, before, after)
        else:
            assert seen in (before, after), f"attempt {attempt}: neither before nor after"
        open_db(copy).close()  # and the next start works
        attempt += 1
    assert kills >= 2, f"the write ({took:.2f} s) finished before most kills"
    assert mid_write >= 1, "no kill landed inside the write transaction"


def unknown_gifts_csv(path: Path) -> Path:
    """ROWS gifts named after a gift the catalogue does not know yet: all rejected at first."""
    with path.open("w", encoding="utf-8") as out:
        out.write("time,sender,gift,count\n")
        for i in range(ROWS):
            out.write(f"2026-09-{1 + i // 4000:02d} {(i // 60) % 24:02d}:{i % 60:02d}:"
                      f"{(i * 7) % 60:02d},fan{i % 3000},Moon Castle,{1 + i % 3}\n")
    return path


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data plus one big gift batch (import #4)."""
    folder = tmp_path_factory.mktemp("big")
    path = folder / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    import_files(db, [big_csv(folder / "big.csv")])
    db.close()
    return path


def test_a_killed_first_import_into_a_new_account_leaves_no_account(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    kill_at_random(path, tmp_path, "import", str(big_csv(tmp_path / "big.csv")))


def test_a_killed_undo_leaves_the_batch_whole_or_gone(big_ledger: Path, tmp_path: Path) -> None:
    kill_at_random(big_ledger, tmp_path, "undo", "4")


def test_a_killed_retry_adds_all_the_rows_that_now_pass_or_none(tmp_path: Path) -> None:
    from app.services.catalogue import add_gift
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    [report] = import_files(db, [unknown_gifts_csv(tmp_path / "unknown.csv")])
    assert report.inserted == 0 and report.rejected == ROWS
    add_gift(db, "Moon Castle", 300, 990100)  # now every rejected row passes
    db.close()
    # the rows are read and checked first; the one write transaction is the last part
    kill_at_random(path, tmp_path, "retry", str(report.import_id), window=(0.5, 0.98))


def test_a_killed_migration_leaves_the_old_schema_or_the_new(big_ledger: Path,
                                                              tmp_path: Path) -> None:
    old = tmp_path / "old" / "ledger.sqlite3"
    old.parent.mkdir()
    shutil.copy(big_ledger, old)
    conn = sqlite3.connect(old, isolation_level=None)
    # the ledger as it was before the last migration (m005 rolls up every gift)
    conn.execute("DROP TABLE gift_mix_hourly")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_gift_mix_rollup'")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    kill_at_random(old, tmp_path, "migrate")


def test_killed_payout_edits_leave_each_payout_as_one_edit_left_it(big_ledger: Path,
                                                                   tmp_path: Path) -> None:
    conn = sqlite3.connect(big_ledger)
    pid = conn.execute("SELECT min(id) FROM payouts").fetchone()[0]
    count = conn.execute("SELECT count(*) FROM payouts").fetchone()[0]
    conn.close()

    def check(copy: Path, before: object, after: object) -> None:
        conn = sqlite3.connect(copy)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM payouts").fetchone()[0] == count
            amount, reference = conn.execute("SELECT amount, reference FROM payouts"
                                             " WHERE id = ?", (pid,)).fetchone()
        finally:
            conn.close()
        if reference.startswith("ref"):  # an edit: all of its fields, never half of them
            assert Decimal(amount) == Decimal(reference[3:]), (amount, reference)
        else:
            assert state(copy) == before

    kill_at_random(big_ledger, tmp_path, "edit", str(pid), check=check)
