"""Backups of a ledger with SQLite's online backup API: consistent even while it is open."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

LEDGER_TABLES = {"accounts", "imports", "gifts", "sessions", "payouts"}


class BackupError(Exception):
    pass


def backup_dir(ledger: Path) -> Path:
    return ledger.parent / "backups"


def backup_file(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the database behind `conn` to `dest` (written beside, then renamed into place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    target = sqlite3.connect(part)
    try:
        conn.backup(target)
    finally:
        target.close()
    part.replace(dest)
    return dest


def backup_ledger(ledger: Path, reason: str = "manual") -> Path:
    """A timestamped copy in the ledger's backups folder; returns its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    dest = backup_dir(ledger) / f"{ledger.stem}-{stamp}-{reason}.sqlite3"
    conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        return backup_file(conn, dest)
    finally:
        conn.close()


def list_backups(ledger: Path) -> list[Path]:
    folder = backup_dir(ledger)
    return sorted(folder.glob(f"{ledger.stem}-*.sqlite3")) if folder.exists() else []


def check_ledger_file(path: Path) -> None:
    """Raise BackupError unless `path` is a readable, intact ledger database."""
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        status = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a ledger backup ({exc})") from None
    finally:
        conn.close()
    if not tables >= LEDGER_TABLES:
        raise BackupError(f"{path} is not a Diamond Ledger database")
    if status != "ok":
        raise BackupError(f"{path} is damaged ({status})")


def restore_ledger(source: Path, ledger: Path) -> Path | None:
    """Replace the ledger with `source`; the current ledger, if readable, is backed up first.

    Returns the safety backup's path (None when the current file could not be read)."""
    check_ledger_file(source)
    safety = None
    if ledger.exists():
        try:
            safety = backup_ledger(ledger, "before-restore")
        except sqlite3.DatabaseError:
            damaged = ledger.with_name(ledger.name + ".damaged")
            ledger.replace(damaged)  # keep the damaged file: nothing is ever thrown away
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup_file(src, ledger)
    finally:
        src.close()
    for suffix in ("-journal", "-wal", "-shm"):
        Path(str(ledger) + suffix).unlink(missing_ok=True)
    return safety
