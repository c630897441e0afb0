"""Opening a ledger file: pragmas, schema, and a clear refusal for a file that is not one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from app.store.schema import migrate

LEDGER_TABLES = {"accounts", "imports", "gifts", "sessions", "payouts"}


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
        raise LedgerError(f"{path} is not a Diamond Ledger database ({exc})") from exc
    if tables and not (tables & LEDGER_TABLES) and "_sqlite_migrations" not in tables:
        conn.close()
        raise LedgerError(f"{path} is an SQLite database of something else "
                          f"(tables: {', '.join(sorted(tables)[:5])}), not a ledger")
    try:
        migrate(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise LedgerError(f"cannot update the ledger schema in {path}: {exc}") from exc
    return db


def memory_db() -> Database:
    db = Database(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))
    migrate(db)
    return db
