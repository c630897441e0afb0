"""The store: schema migrations, refusing files that are not ledgers, rollups kept in step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.services.demo import load_demo
from app.services.importing import undo
from app.store.db import LedgerError, open_db
from app.store.schema import migrations


def test_applying_the_migrations_twice_changes_nothing(db_path: Path):
    db = open_db(db_path)
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    migrations.apply(db)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert migrations.pending(db) == []
    db.close()


def test_a_damaged_file_is_refused_with_a_message(tmp_path: Path):
    bad = tmp_path / "ledger.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="not a Diamond Ledger database"):
        open_db(bad)
    assert bad.read_bytes() == b"this is not a database" * 100


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path):
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="something else"):
        open_db(other)
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("notes",)]


def _rollup_matches_raw(db) -> bool:
    raw = db.execute("SELECT ts / 3600, count(*), sum(coins_total) FROM gifts"
                     " GROUP BY account_id, ts / 3600 ORDER BY 1").fetchall()
    rolled = db.execute("SELECT hour, gifts, coins FROM gift_hourly ORDER BY hour").fetchall()
    raw_mix = db.execute("SELECT ts / 3600, gift_name, count(*), sum(coins_total) FROM gifts"
                         " GROUP BY account_id, 1, 2 ORDER BY 1, 2").fetchall()
    mix = db.execute("SELECT hour, gift_name, gifts, coins FROM gift_mix_hourly"
                     " ORDER BY 1, 2").fetchall()
    return raw == rolled and raw_mix == mix


def test_hourly_rollup_follows_imports_and_undo(db_path: Path):
    db = open_db(db_path)
    reports = load_demo(db)
    assert _rollup_matches_raw(db)
    assert db.execute("SELECT count(*) FROM gift_hourly").fetchone()[0] > 50
    gifts_batch = next(r for r in reports if r.kind == "gifts")
    assert undo(db, gifts_batch.import_id) == 1974
    assert db.execute("SELECT count(*) FROM gifts").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM gift_hourly").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM gift_mix_hourly").fetchone()[0] == 0
    load_demo(db)  # after undo the same file imports again
    assert db.execute("SELECT count(*) FROM gifts").fetchone()[0] == 1974
    assert _rollup_matches_raw(db)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_ledger_from_before_the_gift_mix_rollup_gets_it_filled(db_path: Path):
    db = open_db(db_path)
    load_demo(db)
    # the ledger as m004 left it: the two Gifts-page sort indexes, no per-gift rollup
    db.executescript("""
        DROP TABLE gift_mix_hourly;
        CREATE INDEX gifts_coins ON gifts (account_id, coins_total);
        CREATE INDEX gifts_gift ON gifts (account_id, gift_name, coins_total);
        DELETE FROM _sqlite_migrations WHERE name = 'm005_gift_mix_rollup';
    """)
    db.close()
    db = open_db(db_path)
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert not {"gifts_coins", "gifts_gift"} & indexes
    assert db.execute("SELECT count(*) FROM gift_mix_hourly").fetchone()[0] > 50
    assert _rollup_matches_raw(db)
    gifts_batch = db.execute("SELECT id FROM imports WHERE kind = 'gifts'").fetchone()[0]
    assert undo(db, gifts_batch) == 1974
    assert db.execute("SELECT count(*) FROM gift_mix_hourly").fetchone()[0] == 0
    db.close()


@pytest.mark.parametrize("second", [(1, 150), (90, 300)], ids=["mostly known", "mostly new"])
def test_rollups_are_exact_after_an_overlapping_import(tmp_path: Path, second: tuple[int, int],
                                                       monkeypatch: pytest.MonkeyPatch):
    """A re-import or overlap (its first chunk mostly known) does not sum the rollup while
    staging; one mostly new does: either way the rollups must match the rows, chunk after
    chunk (small chunks so the overlap is met in the first and left in a later one)."""
    from helpers import gift_csv, gift_lines, ledger

    from app.services.importing import import_files
    from app.store import batches

    monkeypatch.setattr(batches, "CHUNK", 40)
    db = ledger(tmp_path)
    import_files(db, [gift_csv(tmp_path / "a.csv", gift_lines(0, 100))])
    assert _rollup_matches_raw(db)
    [report] = import_files(db, [gift_csv(tmp_path / "b.csv", gift_lines(*second))])
    assert report.inserted == second[1] - 100
    assert _rollup_matches_raw(db)
    db.close()
