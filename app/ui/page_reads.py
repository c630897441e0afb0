"""A page's read of the ledger on the ledger's worker, as the Gifts and Gifters pages do.

`PageReads.start(read)` runs `read(db)` (the SQL and the valuation of a page: a service call)
in a job on the worker's own connection and hands the result to the page's `show` on the GUI
thread; meanwhile the page keeps what it shows, or says "Loading..." on a first visit. A newer
start supersedes an older read, whose result is dropped (and whose query is stopped). A ledger
of fewer than `inline_below` gifts, or one in memory (which a second connection cannot open),
is read right here: a few ms, less than a busy state would flash for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget
from sqlite_utils import Database

from app.importers.base import CancelFn, ProgressFn
from app.services import browse
from app.ui.widgets.named import named
from app.ui.worker import Latest

Read = Callable[[Database], Any]
# Below this many gifts a page reads on the GUI thread: the Gifters leaderboard of 10,000
# gifts takes ~15 ms (1.6 s for 1M, tests/benchmarks/bench_gifters.py), less than a busy
# state would flash for.
INLINE_GIFTS = 10_000


def ledger_file(db: Database) -> Path | None:
    """The ledger's file, for the worker's own connection; None for a ledger in memory."""
    from app.services.preview import ledger_path

    try:
        return ledger_path(db)
    except ValueError:
        return None


class PageReads(QObject):
    """The newest read of one page. `loaded` says its result (or its failure) is shown."""

    loaded = Signal()

    def __init__(self, page: QWidget, db: Database, show: Callable[[Any], None],
                 busy: Callable[[str], None]) -> None:
        super().__init__(page)
        self._db = db
        self._ledger = ledger_file(db)
        self._show = show
        self._busy = busy  # says the read is under way (first visit: instead of the content)
        self.inline_below = INLINE_GIFTS
        self.failed = False  # the last read failed: read again when asked
        self._latest = Latest(self)
        self._latest.finished.connect(self._read)
        self._latest.failed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self._latest.running

    def start(self, read: Read) -> None:
        gifts, ledger = browse.gift_count(self._db), self._ledger
        if ledger is None or gifts < self.inline_below:
            self._latest.discard()
            self._read(read(self._db))
            return
        self._busy(f"Loading {gifts:,} gifts\u2026")
        self._latest.start(in_worker(ledger, read))

    def discard(self) -> None:
        self._latest.discard()

    def _read(self, result: Any) -> None:
        self.failed = False
        self._show(result)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.failed = True
        self._busy(f"Could not read the ledger: {message}")
        self.loaded.emit()


def in_worker(ledger: Any, read: Read) -> Callable[[ProgressFn, CancelFn], Any]:
    """`read` as a job on the worker's own connection; a superseded one stops its query."""
    from app.services.preview import in_ledger

    def job(db: Database, _progress: ProgressFn, cancel: CancelFn) -> Any:
        browse.stop_when(db, cancel)
        return read(db)
    return in_ledger(ledger, job)


def busy_label(stack: QStackedWidget) -> QLabel:
    """The "Loading N gifts..." line a first visit shows instead of the content (the last
    widget of `stack`)."""
    label = named(QLabel(), "busyLabel")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    stack.addWidget(label)
    return label


def say_busy(stack: QStackedWidget, label: QLabel, subtitle: QLabel, text: str,
             shown: bool) -> None:
    """On a first visit (`shown` False: nothing read yet) the busy line instead of the
    content; else the content stays until the new read is ready, the subtitle says why."""
    if shown:
        subtitle.setText(text)
        return
    label.setText(text)
    stack.setCurrentWidget(label)
