"""`--smoke`: open the window, wait for its first paint, build every page, close and exit.

A standalone build is checked by starting it once (CI does so on Xvfb): the only way to know a
bundle has every Qt plugin, library, module and data file it needs is to see its window draw
and its pages load (they load by name on first view, so a bundle can start and still miss
one). The check ends by itself: exit 0 once the window has painted and every page was built;
exit 1 with one line when a page fails or nothing is painted within `timeout_ms`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

TIMEOUT_MS = 60_000  # a cold start of a bundle on a busy 2-core CI machine takes seconds


class FirstPaint(QObject):
    """Calls `then` once, after the first paint event of `window` has been handled."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.painted = False
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self._then)  # after this paint: not inside it
        return False


def run_smoke(app: QApplication, window: QWidget, visit: Callable[[], object] = lambda: None,
              timeout_ms: int = TIMEOUT_MS) -> int:
    """Show `window`, and once it has painted run `visit` (build the pages); 0 when both
    went well, 1 (with one line on stderr) when `visit` raised or nothing was painted."""
    problems: list[str] = []

    def painted() -> None:
        try:
            visit()
        except Exception as exc:  # noqa: BLE001 (any failure fails the check, in one line)
            problems.append(f"{type(exc).__name__}: {exc}")
        QApplication.exit(0)

    watcher = FirstPaint(window, painted)
    timer = QTimer(window, singleShot=True, interval=timeout_ms)
    timer.timeout.connect(lambda: QApplication.exit(1))
    timer.start()
    window.show()
    app.exec()
    timer.stop()
    if not watcher.painted:
        problems.append(f"the window did not paint within {timeout_ms / 1000:g} s")
    for problem in problems:
        sys.stderr.write(f"diamond-ledger --smoke: {problem}\n")
    return 1 if problems else 0
