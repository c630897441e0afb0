"""Opening a ledger file: pragmas, schema, and a clear refusal for a file that is not one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from app.store.backup import LEDGER_TABLES, backup_ledger, list_backups
from app.store.schema import migrate, pending


class LedgerError(Exception):
    """The file cannot be used as a ledger: the message says why."""


def open_db(path: Path | str, *, create: bool = True) -> Database:
    path = Path(path)
    if not path.exists() and not create:
        raise LedgerError(f"no ledger at {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None,
                           check_same_thread=False)
    db = Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 30000")
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise LedgerError(f"{path} is not a Diamond Ledger database ({exc})"
                          + _restore_hint(path)) from exc
    if tables and not (tables & LEDGER_TABLES) and "_sqlite_migrations" not in tables:
        conn.close()
        raise LedgerError(f"{path} is an SQLite database of something else "
                          f"(tables: {', '.join(sorted(tables)[:5])}), not a ledger")
    if not tables:
        # before the first table: 8 KiB pages made the store's part of a 1M-row import ~20%
        # faster than SQLite's default 4 KiB (bench_sql_floor.py); it cannot change later
        db.execute("PRAGMA page_size = 8192")
    try:
        if tables and pending(db):
            # a schema change is the one write that touches every table: keep a copy first
            backup_ledger(path, "before-" + pending(db)[0])
        migrate(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise LedgerError(f"cannot update the ledger schema in {path}: {exc}") from exc
    return db


def _restore_hint(path: Path) -> str:
    backups = list_backups(path)
    if not backups:
        return ""
    return (f"; {len(backups)} backup(s) exist, the newest is {backups[-1]}: "
            f"restore it with `diamond-ledger restore {backups[-1]}`")


def memory_db() -> Database:
    db = Database(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))
    migrate(db)
    return db


def watch_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection for asking whether another connection changed the file (see
    data_version). Any thread may use it, one at a time; a writer holding the file makes a
    question fail fast (0.2 s), to be asked again later."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=0.2, isolation_level=None,
                           check_same_thread=False)


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's count that moves whenever a connection other than `conn` commits a change."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def db_file(db: Database) -> Path | None:
    """The file behind a connection; None for a ledger in memory."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None
