"""Backups of a ledger with SQLite's online backup API: consistent even while it is open."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.store.atomic import WriteError, atomic_path, make_folder

LEDGER_TABLES = {"accounts", "imports", "gifts", "sessions", "payouts"}


class BackupError(Exception):
    pass


def backup_dir(ledger: Path) -> Path:
    return ledger.parent / "backups"


def backup_file(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the database behind `conn` to `dest`: written beside it (so on its filesystem, a
    USB stick or a share too), checked, then renamed into place; on any error `dest` is left
    as it was and no partial copy remains."""
    try:
        make_folder(dest)
        with atomic_path(dest) as part:
            target = sqlite3.connect(part)
            try:
                conn.backup(target)
                status = target.execute("PRAGMA integrity_check(1)").fetchone()[0]
            finally:
                target.close()
            if status != "ok":
                raise BackupError(f"the copy at {dest} did not check out ({status}); "
                                  "nothing was written")
    except WriteError as exc:
        raise BackupError(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"could not back up to {dest}: {exc}; nothing was written") from None
    return dest


def backup_ledger(ledger: Path, reason: str = "manual", dest: Path | None = None) -> Path:
    """A copy of a sound ledger at `dest`, by default a timestamped file in the ledger's
    backups folder; returns its path. A damaged ledger is not copied: its copy would become
    the newest backup, the one offered for a restore."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    dest = dest or backup_dir(ledger) / f"{ledger.stem}-{stamp}-{reason}.sqlite3"
    conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        try:
            status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            status = str(exc)
        if status != "ok":
            raise BackupError(f"the ledger {ledger} is damaged ({status}): not backed up")
        return backup_file(conn, dest)
    finally:
        conn.close()


def _set_aside(ledger: Path) -> Path:
    """Move a ledger that cannot be backed up to `<name>.damaged` (a free name), beside it."""
    damaged = ledger.with_name(ledger.name + ".damaged")
    n = 1
    while damaged.exists():
        n += 1
        damaged = ledger.with_name(f"{ledger.name}.damaged-{n}")
    ledger.replace(damaged)
    return damaged


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
    """Replace the ledger with `source`; the current ledger is backed up first, or when it is
    damaged, moved aside to `<name>.damaged`.

    Returns where the replaced ledger went (None when there was none)."""
    check_ledger_file(source)
    safety = None
    if ledger.exists():
        try:
            safety = backup_ledger(ledger, "before-restore")
        except (sqlite3.DatabaseError, BackupError):
            safety = _set_aside(ledger)  # keep the damaged file: nothing is ever thrown away
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup_file(src, ledger)
    finally:
        src.close()
    for suffix in ("-journal", "-wal", "-shm"):
        Path(str(ledger) + suffix).unlink(missing_ok=True)
    return safety
