"""Back up and restore the ledger (menu and command line call these)."""

from __future__ import annotations

from pathlib import Path

from app.store.backup import BackupError, backup_ledger, list_backups, restore_ledger
from app.store.db import check_ledger

__all__ = ["BackupError", "backup", "backups", "newest", "restore"]


def backup(ledger: Path, out: Path | None = None) -> Path:
    """A checked copy in the backups folder, or at `out` (any folder, any filesystem)."""
    check_ledger(ledger)  # not another app's file, nor a damaged one: refused, nothing added
    return backup_ledger(ledger, dest=out)


def backups(ledger: Path) -> list[Path]:
    return list_backups(ledger)


def newest(ledger: Path) -> Path:
    found = list_backups(ledger)
    if not found:
        raise BackupError(f"there is no backup of {ledger} (looked in {ledger.parent / 'backups'})")
    return found[-1]


def restore(source: Path | None, ledger: Path) -> Path | None:
    """Put `source` (by default the newest backup) in place of the ledger; returns where the
    replaced ledger was kept."""
    return restore_ledger(source or newest(ledger), ledger)
