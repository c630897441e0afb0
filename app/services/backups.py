"""Back up and restore the ledger (menu and command line call these)."""

from __future__ import annotations

from pathlib import Path

from app.store.backup import BackupError, backup_ledger, list_backups, restore_ledger

__all__ = ["BackupError", "backup", "backups", "restore"]


def backup(ledger: Path, out: Path | None = None) -> Path:
    if not ledger.exists():
        raise BackupError(f"no ledger at {ledger}")
    path = backup_ledger(ledger)
    if out is not None:
        path.replace(out)
        return out
    return path


def backups(ledger: Path) -> list[Path]:
    return list_backups(ledger)


def restore(source: Path, ledger: Path) -> Path | None:
    """Put `source` in place of the ledger; returns the safety copy of the one replaced."""
    return restore_ledger(source, ledger)
