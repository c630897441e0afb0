"""The one way the UI runs work off the GUI thread (after Anki's QueryOp and Picard's tasks).

A `Worker` runs `job(progress, cancel)` on the ledger pool, and tells the GUI thread about it:
`progress_changed(done, total)`, then `finished(result)`, `failed(message)` or `cancelled()`.
The pool has one thread, so ledger work is serialised; a job opens its own connection there
(see app.services.preview.in_ledger) because an SQLite connection belongs to its thread.

The job never holds a Qt object: it reports through a hub that lives on the GUI thread for as
long as the application, so no widget or worker is touched, or destroyed, off the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThreadPool, Signal

from app.importers.base import CancelFn, ImportCancelled, ImportRefused, ProgressFn
from app.services.accounts import AccountError
from app.services.ledger import LedgerError
from app.services.undo import UndoRefused

Job = Callable[[ProgressFn, CancelFn], object]
# errors a user can meet (a bad file, a locked ledger): their message is the whole story
EXPECTED: tuple[type[BaseException], ...] = (
    ImportRefused, ImportCancelled, LedgerError, AccountError, OSError, sqlite3.Error,
    UndoRefused)
log = logging.getLogger(__name__)
UNEXPECTED = ("Something unexpected went wrong and this was not finished; what was already "
              "saved is kept. Try again, and if it happens again, report it with its details.")
_ids = itertools.count(1)


class Worker(QObject):
    """One background job. Keep a reference while it runs; it has no Qt parent on purpose."""

    progress_changed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.details = ""  # the traceback of an unexpected error, for a Show details button
        self._job = job
        self._stop = threading.Event()
        self._discarded = False
        self.running = False

    def start(self) -> Worker:
        self.running = True
        _hub().launch(next(_ids), self, self._job, self._stop)
        return self

    def cancel(self) -> None:
        """Ask the job to stop; it sees `cancel()` return True at its next check."""
        self._stop.set()

    def discard(self) -> None:
        """Cancel, and report nothing more (a preview that a newer one replaces)."""
        self._discarded = True
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    # called by the hub, on the GUI thread
    def _progressed(self, done: int, total: int) -> None:
        if not self._stop.is_set():
            self.progress_changed.emit(done, total)

    def _completed(self, result: object) -> None:
        self.running = False
        if not self._discarded:
            self.finished.emit(result)

    def _errored(self, message: str, details: str) -> None:
        self.running = False
        self.details = details
        if self._discarded:
            return
        if self._stop.is_set():
            self.cancelled.emit()
        else:
            self.failed.emit(message)


class Latest(QObject):
    """The newest of a series of jobs of one kind (a page's load): starting one discards the
    one before it, so a result that a newer request superseded never reaches the page.

    A child of the page: `finished` and `failed` relay the current worker's, and die with the
    page; a job still running then is discarded (it reports nothing, and a job that polls
    `cancel()` stops early)."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._current: list[Worker] = []  # a plain list: the destroyed hook must not hold self
        current = self._current

        def discard_all() -> None:
            for worker in current:
                worker.discard()
        self.destroyed.connect(discard_all)

    def start(self, job: Job) -> Worker:
        self.discard()
        worker = Worker(job)
        worker.finished.connect(self.finished)
        worker.failed.connect(self.failed)
        self._current.append(worker)
        return worker.start()

    def discard(self) -> None:
        """Drop the current job, if any: nothing more is reported from it."""
        for worker in self._current:
            worker.discard()
        self._current.clear()

    @property
    def running(self) -> bool:
        return any(w.running for w in self._current)


class _Hub(QObject):
    """Lives on the GUI thread; jobs emit its signals from the pool, Qt queues them here."""

    progressed = Signal(int, int, int)
    completed = Signal(int, object)
    errored = Signal(int, str, str)

    def __init__(self) -> None:
        super().__init__()
        self.workers: dict[int, Worker] = {}
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self.progressed.connect(self._on_progressed)
        self.completed.connect(self._on_completed)
        self.errored.connect(self._on_errored)

    def launch(self, job_id: int, worker: Worker, job: Job, stop: threading.Event) -> None:
        self.workers[job_id] = worker
        self.pool.start(lambda: self._run(job_id, job, stop))

    def _run(self, job_id: int, job: Job, stop: threading.Event) -> None:
        """On the pool thread: no widget, no worker, only the hub's signals."""
        def progress(done: int, total: int) -> None:
            self.progressed.emit(job_id, done, total)
        try:
            result = job(progress, stop.is_set)
        except Exception as exc:
            details = "" if isinstance(exc, EXPECTED) else "".join(
                traceback.format_exception(exc))
            self.errored.emit(job_id, one_line(exc), details)
        else:
            self.completed.emit(job_id, result)

    def _on_progressed(self, job_id: int, done: int, total: int) -> None:
        worker = self.workers.get(job_id)
        if worker is not None:
            worker._progressed(done, total)

    def _on_completed(self, job_id: int, result: object) -> None:
        worker = self.workers.pop(job_id, None)
        if worker is not None:
            worker._completed(result)

    def _on_errored(self, job_id: int, message: str, details: str) -> None:
        worker = self.workers.pop(job_id, None)
        if worker is not None:
            worker._errored(message, details)


_the_hub: _Hub | None = None


def _hub() -> _Hub:
    global _the_hub
    if _the_hub is None:
        _the_hub = _Hub()
    return _the_hub


def one_line(exc: BaseException) -> str:
    """What the user reads: the message of an error they can meet, else a plain sentence;
    never a traceback (that goes to the log, and to the worker's details)."""
    if not isinstance(exc, EXPECTED):
        log.error("background job failed", exc_info=exc)
        return UNEXPECTED
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def busy() -> int:
    """How many jobs have not reported their end to the GUI thread yet."""
    return 0 if _the_hub is None else len(_the_hub.workers)


def wait_for_workers(timeout_ms: int = 30_000) -> bool:
    """Block until every job ran and reported (for tests and for closing the app)."""
    if _the_hub is None:
        return True
    deadline = QDeadlineTimer(timeout_ms)
    while _the_hub.workers and not deadline.hasExpired():
        _the_hub.pool.waitForDone(min(50, max(deadline.remainingTime(), 0)))
        QCoreApplication.processEvents()
    # a job reports just before its thread lets go of it
    finished = _the_hub.pool.waitForDone(max(deadline.remainingTime(), 0))
    return finished and not _the_hub.workers


def finish_jobs(timeout_ms: int = 5_000) -> bool:
    """At exit, after the window closed: let the jobs under way end before the interpreter
    does (a discarded read stops at its next check, a write commits), then cancel what is
    left. Left running, a job reported to a hub already deleted ("Signal source has been
    deleted" on stderr and in the log) from a thread the interpreter was tearing down."""
    if wait_for_workers(timeout_ms):
        return True
    assert _the_hub is not None
    for running in list(_the_hub.workers.values()):
        running.cancel()
    return wait_for_workers(2_000)
