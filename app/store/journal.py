"""What a write changed, row by row, so that it can be taken back and done again exactly.

`record` runs a write in one transaction with temporary triggers on every table of the ledger:
each row it inserts, updates or deletes goes, as JSON of the whole row before and after, into a
journal, a SQLite file of its own (attached for the write, so the journal's rows commit or roll
back with the ledger's). The ledger's file stays as the write left it: nothing of undo is kept
in it, and the command line never sees it.

`revert` puts the rows a change touched back as they were before it, `reapply` as they were
after; each is one transaction, and each first checks that every one of those rows is still as
the change left it (or found it). A row that another program changed since is a refusal
(`Conflict`), never an undo over it: rows the change did not touch may have changed freely.
Any number of writes by the services can be journalled this way without each knowing how to
undo itself (after SQLite's session extension, which Python's sqlite3 does not offer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from app.store.batches import transaction

T = TypeVar("T")
SCHEMA = "undo_journal"  # the attached journal's name on the ledger's connection
CHANGES = "undo_journal_changes"  # unqualified in the triggers: no ledger table has this name
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Conflict(Exception):
    """Rows the change touched were changed since by someone else: nothing was written."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key's columns, or ("rowid",) for a table without one

    def row_json(self, alias: str) -> str:
        """SQL for the whole row `alias` as a JSON object (the journal's form of a row)."""
        return "json_object(" + ", ".join(f"'{c}', {alias}.\"{c}\"" for c in self.columns) + ")"

    def key_json(self, alias: str) -> str:
        return "json_array(" + ", ".join(f'{alias}."{c}"' for c in self.key) + ")"

    def key_match(self, alias: str, key_sql: str) -> str:
        """SQL that is true where row `alias` is the row of the JSON key `key_sql`."""
        left = ", ".join(f'{alias}."{c}"' for c in self.key)
        right = ", ".join(f"json_extract({key_sql}, '$[{i}]')" for i in range(len(self.key)))
        return f"({left}) = ({right})"


def tables(db: Database) -> list[Table]:
    """The ledger's own tables (SQLite's internal ones keep themselves)."""
    found = []
    for (name,) in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'"
                              " AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall():
        info = db.execute(f'PRAGMA main.table_info("{name}")').fetchall()
        columns = tuple(str(row[1]) for row in info)
        key = tuple(str(row[1]) for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        if not all(NAME.fullmatch(n) for n in (name, *columns)):
            raise ValueError(f"table {name!r} has a name the journal cannot quote")
        found.append(Table(name, columns, key or ("rowid",)))
    return found


@contextmanager
def attached(db: Database, journal: Path) -> Iterator[None]:
    """The journal file attached to the ledger's connection (made on first use)."""
    db.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [str(journal)])
    try:
        db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{CHANGES} (seq INTEGER PRIMARY KEY,"
                   " change INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL,"
                   " before TEXT, after TEXT)")
        db.execute(f"CREATE INDEX IF NOT EXISTS {SCHEMA}.{CHANGES}_rows"
                   f" ON {CHANGES} (change, tbl, key, seq)")
        yield
    finally:
        db.execute(f"DETACH DATABASE {SCHEMA}")


def _triggers(table: Table, change: int) -> list[str]:
    t, into = table.name, f"INSERT INTO {CHANGES} (change, tbl, key, before, after)"
    new_key, old_key = table.key_json("NEW"), table.key_json("OLD")
    return [
        f"CREATE TEMP TRIGGER undo_ins_{t} AFTER INSERT ON main.{t} BEGIN {into} VALUES"
        f" ({change}, '{t}', {new_key}, NULL, {table.row_json('NEW')}); END",
        f"CREATE TEMP TRIGGER undo_del_{t} AFTER DELETE ON main.{t} BEGIN {into} VALUES"
        f" ({change}, '{t}', {old_key}, {table.row_json('OLD')}, NULL); END",
        # an update that moves a row to another key is the old key's delete and the new one's
        # insert; one that keeps its key is a before and an after of the same row
        f"CREATE TEMP TRIGGER undo_upd_{t} AFTER UPDATE ON main.{t} BEGIN"
        f" {into} SELECT {change}, '{t}', {old_key}, {table.row_json('OLD')}, NULL"
        f" WHERE {old_key} IS NOT {new_key};"
        f" {into} VALUES ({change}, '{t}', {new_key},"
        f" CASE WHEN {old_key} IS {new_key} THEN {table.row_json('OLD')} END,"
        f" {table.row_json('NEW')}); END",
    ]


def record(db: Database, journal: Path, change: int, write: Callable[[], T]) -> T:
    """Run `write` in one transaction, journalling every row it changes as `change`. On an
    error nothing of the write, and nothing of its journal, is kept."""
    with attached(db, journal):
        db.execute(f"DELETE FROM {SCHEMA}.{CHANGES} WHERE change = ?", [change])
        names = []
        # REPLACE deletes the row it replaces without a delete trigger unless this is on
        db.execute("PRAGMA recursive_triggers = ON")
        try:
            for table in tables(db):
                for sql in _triggers(table, change):
                    db.execute(sql)
                names += [f"undo_{op}_{table.name}" for op in ("ins", "del", "upd")]
            with transaction(db):
                counters = _sequence(db)
                result = write()
                _journal_sequence(db, change, counters, _sequence(db))
                return result
        finally:
            for name in names:
                db.execute(f"DROP TRIGGER IF EXISTS temp.{name}")
            db.execute("PRAGMA recursive_triggers = OFF")


def _sequence(db: Database) -> dict[str, int]:
    """SQLite's AUTOINCREMENT counters (no trigger can watch that table)."""
    if not db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'"
                      ).fetchone():
        return {}
    return {str(n): int(v) for n, v in db.execute("SELECT name, seq FROM main.sqlite_sequence")}


def _journal_sequence(db: Database, change: int, before: dict[str, int],
                      after: dict[str, int]) -> None:
    """The counters a write moved, journalled like rows, so an undone insert leaves no gap."""
    def row(name: str, values: dict[str, int]) -> str | None:
        return None if name not in values else json.dumps({"name": name, "seq": values[name]})
    db.conn.executemany(
        f"INSERT INTO {CHANGES} (change, tbl, key, before, after) VALUES (?, ?, ?, ?, ?)",
        [(change, "sqlite_sequence", json.dumps([n]), row(n, before), row(n, after))
         for n in sorted(set(before) | set(after)) if before.get(n) != after.get(n)])


def _put_sequence(db: Database, found: str, wanted: str) -> None:
    """The counters as `wanted` says where nobody moved them since; going forward, never
    below where they are now (another program's rows keep their ids)."""
    rows = db.execute(f"SELECT key, {found}, {wanted} FROM temp.undo_net"
                      " WHERE tbl = 'sqlite_sequence'").fetchall()
    now = _sequence(db)
    for key, was, goal in rows:
        name = json.loads(key)[0]
        seen = now.get(name)
        expected = None if was is None else json.loads(was)["seq"]
        target = None if goal is None else json.loads(goal)["seq"]
        moved = seen != expected  # by another program: never back, forward only past it
        if moved and (wanted == "before" or target is None or (seen or 0) >= target):
            continue
        db.execute("DELETE FROM main.sqlite_sequence WHERE name = ?", [name])
        if target is not None:
            db.execute("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)",
                       [name, target])


def _net(db: Database, change: int) -> None:
    """temp.undo_net: each row the change touched, first as it found it and last as it left
    it (a row changed twice by one write is one change); rows it left as found are dropped."""
    db.execute("DROP TABLE IF EXISTS temp.undo_net")
    db.execute(
        f"CREATE TEMP TABLE undo_net AS SELECT f.tbl AS tbl, f.key AS key,"
        f" a.before AS before, b.after AS after FROM (SELECT tbl, key, min(seq) AS s,"
        f" max(seq) AS e FROM {SCHEMA}.{CHANGES} WHERE change = ? GROUP BY tbl, key) AS f"
        f" JOIN {SCHEMA}.{CHANGES} AS a ON a.seq = f.s JOIN {SCHEMA}.{CHANGES} AS b"
        f" ON b.seq = f.e WHERE a.before IS NOT b.after", [change])
    db.execute("CREATE INDEX temp.undo_net_tbl ON undo_net (tbl)")


def _mismatches(db: Database, table: Table, side: str) -> int:
    """How many rows the change touched in `table` are not as its `side` says."""
    current = (f"(SELECT {table.row_json('t')} FROM main.\"{table.name}\" AS t"
               f" WHERE {table.key_match('t', 'n.key')})")
    return int(db.execute(f"SELECT count(*) FROM temp.undo_net AS n WHERE n.tbl = ?"
                          f" AND {current} IS NOT n.{side}", [table.name]).fetchone()[0])


def _touched(db: Database) -> list[Table]:
    names = {r[0] for r in db.execute("SELECT DISTINCT tbl FROM temp.undo_net").fetchall()}
    return [t for t in tables(db) if t.name in names]


def _put(db: Database, table: Table, side: str) -> None:
    """Every row the change touched in `table` as its `side` says (absent where it is NULL)."""
    keys = ", ".join(f"json_extract(key, '$[{i}]')" for i in range(len(table.key)))
    columns = ", ".join(f'"{c}"' for c in table.key)
    db.execute(f'DELETE FROM main."{table.name}" WHERE ({columns}) IN'
               f" (SELECT {keys} FROM temp.undo_net WHERE tbl = ?)", [table.name])
    values = ", ".join(f"json_extract({side}, '$.{c}')" for c in table.columns)
    targets = ", ".join(f'"{c}"' for c in table.columns)
    if table.key == ("rowid",):  # a table without a key of its own: its rows keep their rowid
        values, targets = f"json_extract(key, '$[0]'), {values}", f"rowid, {targets}"
    db.execute(f'INSERT INTO main."{table.name}" ({targets}) SELECT {values}'
               f" FROM temp.undo_net WHERE tbl = ? AND {side} IS NOT NULL", [table.name])


def _move(db: Database, journal: Path, change: int, found: str, wanted: str) -> int:
    """Rows of `change` from their `found` side to their `wanted` side, in one transaction,
    once every one of them was found as `found` says; the number of rows moved."""
    with attached(db, journal):
        try:
            with transaction(db):
                _net(db, change)
                touched = _touched(db)
                if any(_mismatches(db, t, found) for t in touched):
                    raise Conflict("another program changed the rows it touched since")
                db.execute("PRAGMA defer_foreign_keys = ON")  # rows come back in any order
                for table in touched:
                    _put(db, table, wanted)
                _put_sequence(db, found, wanted)
                return int(db.execute("SELECT count(*) FROM temp.undo_net").fetchone()[0])
        finally:
            db.execute("DROP TABLE IF EXISTS temp.undo_net")


def revert(db: Database, journal: Path, change: int) -> int:
    """The rows of `change` as they were before it (Conflict when they were changed since)."""
    return _move(db, journal, change, "after", "before")


def reapply(db: Database, journal: Path, change: int) -> int:
    """The rows of `change` as it left them (Conflict when they were changed since)."""
    return _move(db, journal, change, "before", "after")


def holds(db: Database, journal: Path, change: int, side: str) -> bool:
    """Are the rows `change` touched as its `side` ("before" or "after") says? Reads only."""
    if side not in ("before", "after"):
        raise ValueError(side)
    with attached(db, journal):
        try:
            _net(db, change)
            return not any(_mismatches(db, t, side) for t in _touched(db))
        finally:
            db.execute("DROP TABLE IF EXISTS temp.undo_net")


def forget(db: Database, journal: Path, changes: list[int]) -> None:
    """Drop the journal of changes nobody can undo or redo any more."""
    with attached(db, journal):
        db.conn.executemany(f"DELETE FROM {SCHEMA}.{CHANGES} WHERE change = ?",
                       [(c,) for c in changes])


def batch_state(db: Database, import_ids: list[int]) -> str:
    """A fingerprint of import batches as they are now (their records and how many rows
    they hold), so that undoing an import is refused once another program changed it."""
    parts = []
    for import_id in import_ids:
        row = db.execute("SELECT json_array(id, inserted, duplicates, rejected, first_row_id,"
                         " last_row_id, undone_at, kind), kind FROM imports WHERE id = ?",
                         [import_id]).fetchone()
        if row is None:
            parts.append(f"{import_id}:gone")
            continue
        table = {"gifts": "gifts", "sessions": "sessions", "payouts": "payouts"}.get(row[1])
        held = (db.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?",
                           [import_id]).fetchone()[0] if table else 0)
        rejected = db.execute("SELECT count(*) FROM rejected_rows WHERE import_id = ?",
                              [import_id]).fetchone()[0]
        parts.append(f"{row[0]}:{held}:{rejected}")
    return ";".join(parts)
