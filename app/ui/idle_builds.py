"""Pages built while the window has nothing to do, so that a first visit only reads.

The window builds a page when it is first shown (building them all at start-up cost 160 ms of
a 1.3 s cold start). Building one is 20-60 ms on the GUI thread (its widgets, three pyqtgraph
plots, its module's import), and on a big ledger the first visit then also fills what the
worker read: together they made a first visit the longest stall of the window
(tests/benchmarks/bench_stalls.py). `IdleBuilds` builds the pages not yet built, one at a time,
once the window has been shown for a while and nothing is under way (no job on the worker, no
page loading), without reading the ledger: a page built here reads when first shown, as a
stale page does. Each build is one short pause on an idle window, never while it works.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

START_MS = 1500  # after the window is shown: the first page's read and paint come first
GAP_MS = 120  # between two builds: input and paints go first
RETRY_MS = 400  # while something is under way


class IdleBuilds(QObject):
    """`next_index()` gives the next page to build (None when all are), `build(index)` builds
    it and `busy()` says the window is working; `start()` when the window is shown, `stop()`
    when it is hidden."""

    def __init__(self, parent: QObject, next_index: Callable[[], int | None],
                 build: Callable[[int], object], busy: Callable[[], bool]) -> None:
        super().__init__(parent)
        self._next, self._build, self._busy = next_index, build, busy
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        self.enabled = True  # off: pages are built only when first shown (a benchmark's mode)

    def start(self) -> None:
        if self.enabled and self._next() is not None and not self.timer.isActive():
            self.timer.start(START_MS)

    def stop(self) -> None:
        self.timer.stop()

    @property
    def done(self) -> bool:
        return self._next() is None

    def _tick(self) -> None:
        index = self._next()
        if index is None:
            return
        if self._busy():
            self.timer.start(RETRY_MS)
            return
        self._build(index)
        if self._next() is not None:
            self.timer.start(GAP_MS)
