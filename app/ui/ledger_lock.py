"""Before a window opens a ledger: take its lock, or ask what to do when a window of another
process has it (app.services.lock says how a crashed holder is told from a live one).

A window opened without the lock watches it (`FreedWatch`) and, once the other window let go,
may take it after all (`reclaim`): app.ui.window offers that to a read-only window, never does
it unasked there, and does it at once for a window opened anyway (it could write all along).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.services.lock import Holder, LedgerLock, acquire, is_free
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


def reclaim(ledger: Path) -> Opening | Holder:
    """For a read-only window: the lock on `ledger` (an Opening that may write), or the
    process that took it first."""
    got = acquire(ledger)
    return Opening(got) if isinstance(got, LedgerLock) else got


FREED_MS = 2000  # how often a read-only window asks whether the other window let go


class FreedWatch(QObject):
    """While its window is shown without the lock: every 2 s, is the ledger's lock free? The
    look is a try-lock of about 15 microseconds (app.services.lock.is_free), so it runs on
    the GUI thread and never queues behind the worker's reads. `lock_changed(free)` when the
    answer changes: True once the other window let go, False when a window took it again."""

    lock_changed = Signal(bool)

    def __init__(self, parent: QObject, ledger: Path) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.free = False
        self._timer = QTimer(self, interval=FREED_MS)
        self._timer.timeout.connect(self.look)

    def start(self) -> None:
        self._timer.start()
        self.look()  # at once: the other window may have closed while this one opened

    def stop(self) -> None:
        self._timer.stop()

    def look(self) -> bool:
        free = is_free(self.ledger)
        if free != self.free:
            self.free = free
            self.lock_changed.emit(free)
        return free

    def taken(self) -> None:
        """Another window took the lock before this one could: the next free look offers
        again (without a signal now: the window says why it stays read-only)."""
        self.free = False
