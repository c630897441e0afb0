"""Opening a ledger file: pragmas, schema, and a clear refusal for a file that is not one.

Every open checks the file before anything is written to it: it must be ours (the migration
set's marker) and not from a newer version of the app, and a bounded `PRAGMA quick_check`
must find it sound. A damaged ledger is refused, naming the newest backup and how to restore
it, so no command writes into a malformed file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from app.store.atomic import reason
from app.store.backup import BackupError, backup_ledger, list_backups
from app.store.schema import migrate, pending, schema_problem, schema_version

QUICK_CHECK_ERRORS = 10  # quick_check stops after this many problems: bounded output


class LedgerError(Exception):
    """The file cannot be used as a ledger: the message says why."""


def open_db(path: Path | str, *, create: bool = True) -> Database:
    path = Path(path)
    if not path.exists() and not create:
        raise LedgerError(f"no ledger at {path}")
    conn = _connect(path)
    db = Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        tables = _checked_tables(db, path)
        _update_schema(db, path, tables)
    except BaseException:
        conn.close()
        raise
    return db


def _connect(path: Path) -> sqlite3.Connection:
    if path.is_dir():
        raise LedgerError(f"cannot use {path} as the ledger: it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(str(path), timeout=30.0, isolation_level=None,
                               check_same_thread=False)
    except OSError as exc:
        raise LedgerError(f"cannot use {path} as the ledger: {reason(path, exc)}") from None
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot use {path} as the ledger: {exc}") from None


def _checked_tables(db: Database, path: Path) -> set[str]:
    """The file's tables, once it was found to be a sound ledger of a version we know."""
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        tables = set(db.table_names())
        if tables:
            problem = schema_problem(db, tables, path)
            if problem:
                raise LedgerError(problem)
            check_health(db, path)
    except sqlite3.OperationalError as exc:
        raise LedgerError(f"cannot open the ledger {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_CORRUPT:
            raise LedgerError(damaged_message(path, str(exc))) from None
        raise LedgerError(f"{path} is not a Diamond Ledger database ({exc})"
                          + restore_hint(path)) from exc
    return tables


def check_ledger(path: Path) -> None:
    """Raise LedgerError unless `path` is a sound ledger of ours; reads only."""
    if not path.is_file():
        raise LedgerError(f"no ledger at {path}")
    db = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        _checked_tables(db, path)
    finally:
        db.close()


def _update_schema(db: Database, path: Path, tables: set[str]) -> None:
    try:
        if not tables:
            # before the first table: 8 KiB pages made the store's part of a 1M-row import
            # ~20% faster than SQLite's default 4 KiB (bench_sql_floor.py); it cannot change
            db.execute("PRAGMA page_size = 8192")
        changes = pending(db)
        if tables and changes:
            # a schema change is the one write that touches every table: keep a copy first
            backup_ledger(path, "before-" + changes[0])
        migrate(db)
        if changes:  # only then: a ledger up to date opens from read-only media too
            db.execute(f"PRAGMA user_version = {schema_version()}")
    except (sqlite3.DatabaseError, OSError, BackupError) as exc:
        raise LedgerError(f"cannot update the ledger schema in {path}: {exc}") from exc


def health_problem(db: Database) -> str | None:
    """What a bounded quick_check finds wrong with the file behind `db` (None: sound)."""
    try:
        found = [r[0] for r in db.execute(f"PRAGMA quick_check({QUICK_CHECK_ERRORS})")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if found == ["ok"]:
        return None
    lines = [line for row in found for line in row.splitlines()
             if line.strip() and not line.startswith("***")]
    return lines[0] if lines else "quick_check failed"


def check_health(db: Database, path: Path) -> None:
    """Raise LedgerError, naming the newest backup, when the ledger file is damaged."""
    problem = health_problem(db)
    if problem:
        raise LedgerError(damaged_message(path, problem))


def damaged_message(path: Path, problem: str) -> str:
    return (f"the ledger {path} is damaged ({problem}); nothing was written to it"
            + restore_hint(path))


def explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    """One line for a database error met while working on the ledger at `path`: when the file
    turns out to be damaged, that (and how to restore it); else the error itself."""
    if path.is_file():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problem = health_problem(Database(conn))
        finally:
            conn.close()
        if problem:
            return damaged_message(path, problem)
    return f"the ledger could not be written ({exc}); nothing was written"


def restore_hint(path: Path) -> str:
    backups = list_backups(path)
    if not backups:
        return f"; there is no backup of it in {path.parent / 'backups'}"
    return (f"; {len(backups)} backup(s) exist, the newest is {backups[-1]}: "
            f"restore it with `diamond-ledger restore --db {path}` "
            "(the damaged file is kept beside the ledger)")


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
