"""What the GUI-thread benchmarks share (bench_gifters.py, bench_stalls.py): a heartbeat timer
that beats every BEAT_MS on the GUI thread around one action, letting the event loop settle
between measurements, and a message handler that keeps the offscreen platform's chatter out.

The longest gap between two beats is the longest time the GUI thread did not answer: what a
user feels as a frozen window (typing, scrolling and repainting wait for it)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

SIZE = (1280, 800)
BEAT_MS = 5


class Heartbeat:
    """`run(action, stop)` starts `action` from the event loop with the heartbeat on, and
    beats until `stop(now)` says so; it returns the beats (perf_counter seconds, the first
    one when the action started)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        self.loop = QEventLoop()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.ticks: list[float] = []
        self._stop: Callable[[float], bool] = lambda _now: True

    def _beat(self) -> None:
        now = time.perf_counter()
        self.ticks.append(now)
        if self._stop(now):
            self.loop.quit()

    def run(self, action: Callable[[], object], stop: Callable[[float], bool]) -> list[float]:
        from PySide6.QtCore import QTimer

        self._stop, self.ticks = stop, []

        def kick() -> None:
            self.ticks.append(time.perf_counter())
            action()
        QTimer.singleShot(0, kick)
        self.timer.start()
        self.loop.exec()
        self.timer.stop()
        return self.ticks


def longest_gap_ms(ticks: list[float]) -> float:
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return max(gaps, default=0.0) * 1000


def compiled() -> None:
    """Byte-compile the app, as pip does when it installs a package: where
    PYTHONDONTWRITEBYTECODE is set (this workplace sets it) every first import of a page would
    otherwise compile its source, 5-10 ms a module that no installed app spends."""
    import compileall
    from pathlib import Path

    import app

    compileall.compile_dir(Path(app.__file__).parent, quiet=1)


def settle(app: Any, ms: int = 50) -> None:
    """Let posted events (deferred deletes, late results) run between measurements."""
    from app.ui.worker import wait_for_workers

    wait_for_workers()
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()


def quiet(_mode: Any, _context: Any, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform warns on every show
        sys.stderr.write(f"{message}\n")
