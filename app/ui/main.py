"""Start the window: the Qt application, the ledger (or a throwaway demo ledger), the theme.

`--screenshot DIR` renders every page offscreen to DIR/<page>.png and returns, for the
README and for checking the layout without a display. `--smoke` opens the window on a demo
ledger, waits for its first paint, builds every page and exits 0 (app/ui/smoke.py): the
start-up check of a standalone build.

A ledger that cannot be opened is explained in a message box (with the newest backup
offered when there is one), and an unexpected error in a slot shows a short box: the
creator never sees a traceback, stderr keeps it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlite_utils import Database

from app.services.backups import BackupError, backups, restore
from app.services.demo import load_demo
from app.services.ledger import LedgerError, open_db
from app.ui.dialogs import errors
from app.ui.settings import APPLICATION, ORGANIZATION, Settings, ledger_path

SIZE = (1280, 800)
DEMO_LABEL = "Demo data in a temporary ledger: your own ledger is not touched."
LEDGER_ADVICE = ("The file was left as it was. Start Diamond Ledger with --db PATH naming your "
                 "own ledger file (a new name starts an empty ledger), or try the app with "
                 "--demo.")


def open_ledger(stack: ExitStack, path: Path | None) -> tuple[Database, str]:
    """The ledger at `path`, or a demo ledger (path None) that never touches the user's file."""
    demo = path is None
    if path is None:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="diamond-ledger-demo-"))
        path = Path(folder) / "demo.sqlite3"
    db = open_db(path)
    stack.callback(db.close)
    if demo:
        load_demo(db, date.today())  # ending in the week before today
    return db, DEMO_LABEL if demo else f"Ledger: {path}"


def open_or_recover(stack: ExitStack, path: Path | None,
                    interactive: bool = True) -> tuple[Database, str] | None:
    """Open the ledger; when it cannot be opened, say why and offer its newest backup.

    None when the window should not start (the creator chose Quit, or nothing could help)."""
    try:
        return open_ledger(stack, path)
    except (LedgerError, OSError, sqlite3.Error) as exc:  # a folder not writable, a bad file
        assert path is not None  # a fresh demo ledger always opens
        problem = str(exc) if isinstance(exc, LedgerError) else f"{path}: {exc}"
    found = backups(path)
    if not interactive:
        sys.stderr.write(f"{errors.LEDGER_TITLE}: {problem}\n")
        return None
    if not found:
        errors.report(None, errors.LEDGER_TITLE, problem, advice=LEDGER_ADVICE)
        return None
    if not errors.ask_restore(None, problem, found[-1]):
        return None
    try:
        restore(found[-1], path)
        return open_ledger(stack, path)
    except (BackupError, LedgerError, OSError, sqlite3.Error) as exc:
        errors.report(None, "The backup could not be restored", str(exc),
                      advice=LEDGER_ADVICE)
        return None


def application() -> QApplication:
    from app.ui.fonts import install_emoji_fallback
    from app.ui.resources import icon

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)  # with the organisation: where QSettings writes
    app.setApplicationDisplayName("Diamond Ledger")
    app.setWindowIcon(icon("diamond"))
    install_emoji_fallback(app)  # fans' names with emoji render glyphs, not boxes
    return app


@contextlib.contextmanager
def quit_on_signals(app: QApplication) -> Iterator[None]:
    """While the window runs, SIGTERM (a logout, `kill`, a service manager) and SIGINT
    (Ctrl+C in the terminal that started it) end the app as closing its windows does: each
    saves its place and lets go of its ledger's lock. Without this SIGTERM ended the process
    on the spot, its settings unsaved and its lock file left behind. Python runs a signal's
    handler only between bytecodes and Qt's event loop runs none while it waits, so the
    signal's byte on a wakeup socket wakes the loop (Qt's own advice for Unix signals).
    Afterwards the handlers and the wakeup are as they were."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    def stop(_signum: int, _frame: object) -> None:
        app.closeAllWindows()
        # then the loop ends, a window that asked to stay open too; queued, so that a signal
        # come during start-up ends the loop as soon as it runs
        QTimer.singleShot(0, app.quit)

    ours, theirs = socket.socketpair()
    for end in (ours, theirs):
        end.setblocking(False)
    notifier = QSocketNotifier(ours.fileno(), QSocketNotifier.Type.Read)

    def drain() -> None:
        with contextlib.suppress(OSError):
            ours.recv(64)
    notifier.activated.connect(drain)
    wakeup = signal.set_wakeup_fd(theirs.fileno())
    before = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(wakeup)
        notifier.setEnabled(False)
        notifier.deleteLater()
        ours.close()
        theirs.close()


def dispose(window: QWidget) -> None:
    """Close and delete the window now, before its ledger closes."""
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def tune_gc() -> None:
    """Fewer, cheaper garbage collections while the window runs.

    Measured scrolling a 1M-gift table (tests/benchmarks/bench_gifts_table.py): with Python's
    default thresholds, full collections over every live Qt wrapper and cached row made the
    slowest frame 81 ms; with start-up objects frozen out of collection and a gen-0 threshold
    of 20,000 it was 47 ms (median 8.6 -> 7.4 ms), peak memory unchanged. Cycles are still
    collected, only less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


LOG_NAME = "diamond-ledger.log"
LOG_KEEP_BYTES = 1_000_000


def give_streams(folder: Path | None = None) -> Path | None:
    """Where stderr goes when there is none: a windowed Windows build (PyInstaller's
    console=False) and pythonw start with sys.stderr None, and the tracebacks the error boxes
    keep for a bug report would be lost (or, written to None, raise in the excepthook). They
    go to diamond-ledger.log in the app-data folder, started afresh past 1 MB. None: the
    process has its streams (a terminal, a .desktop launch) and nothing changes."""
    if sys.stderr is not None and sys.stdout is not None:
        return None
    from app.services.paths import app_data_dir

    log = (folder or app_data_dir()) / LOG_NAME
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        big = log.is_file() and log.stat().st_size > LOG_KEEP_BYTES
        stream = log.open("w" if big else "a", encoding="utf-8", errors="backslashreplace",
                          buffering=1)
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as us)
    if sys.stderr is None:
        sys.stderr = stream
    if sys.stdout is None:
        sys.stdout = stream
    return log


def run_window(db_path: str | None = None, demo: bool = False,
               screenshot: str | None = None, smoke: bool = False) -> int:
    give_streams()
    demo = demo or smoke  # a start-up check never opens (or creates) the creator's ledger
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    from app.ui.resources import apply_theme
    from app.ui.screenshots import render_pages
    from app.ui.window import MainWindow
    from app.ui.worker import finish_jobs

    settings = Settings()
    # screenshots and start-up checks are always light, and leave the creator's settings as
    # they were
    detached = bool(screenshot) or smoke
    apply_theme(app, "light" if detached else settings.get("theme"))
    with ExitStack() as stack:
        stack.enter_context(quit_on_signals(app))
        opening = None
        if not (demo or screenshot):  # a ledger open in another window: ask before opening
            from app.ui.ledger_lock import claim
            opening = claim(None, ledger_path(settings, db_path))
            if opening is None:
                return 0  # Cancel: the creator chose not to open it
            stack.callback(opening.release)
        opened = open_or_recover(stack, None if demo else ledger_path(settings, db_path),
                                 interactive=not screenshot)
        if opened is None:
            return 1
        stack.callback(finish_jobs)  # after the window closes, before the ledger does
        if not (demo or screenshot):  # File > Open Recent lists the ledger opened at start too
            from app.ui.ledger_files import remember
            remember(settings, ledger_path(settings, db_path))
        window = MainWindow(*opened, settings=None if detached else settings, opening=opening)
        stack.callback(dispose, window)
        if screenshot:
            render_pages(window, Path(screenshot), SIZE)
            return 0
        if smoke:
            from app.ui.smoke import run_smoke
            return run_smoke(app, window, visit=lambda: window.pages)
        stack.callback(setattr, sys, "excepthook", errors.install_excepthook())
        window.show()
        window.offer_setup()  # a new ledger asks whose account it keeps, before anything else
        tune_gc()
        return app.exec()
