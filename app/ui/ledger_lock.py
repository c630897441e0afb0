"""Before a window opens a ledger: take its lock, or ask what to do when a window of another
process has it (app.services.lock says how a crashed holder is told from a live one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.services.lock import Holder, LedgerLock, acquire
from app.ui.dialogs import lock_dialog


@dataclass(frozen=True)
class Opening:
    """How a window opens its ledger: with the lock (None when opened anyway or read-only,
    the other process keeping it), and whether it may write."""

    lock: LedgerLock | None
    read_only: bool = False
    holder: Holder | None = None  # who else has it open, when someone does

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def claim(parent: QWidget | None, ledger: Path) -> Opening | None:
    """The lock on `ledger`, or the creator's answer when it is taken; None for Cancel."""
    got = acquire(ledger)
    if isinstance(got, LedgerLock):
        return Opening(got)
    answer = lock_dialog.ask(parent, ledger, got)
    if answer == lock_dialog.CANCEL:
        return None
    return Opening(None, read_only=answer == lock_dialog.READ_ONLY, holder=got)
