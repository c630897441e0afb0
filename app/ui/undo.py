"""Edit > Undo / Redo for the window: the services' undo stack (app.services.undo), its jobs on
the worker, its two menu entries named after the command they take back or do again.

Every do, undo and redo is one ledger write on the worker (never the GUI thread); the stack
moves only once it succeeded. While one runs, Undo and Redo wait (the entries are disabled).
A refusal is one message and leaves the ledger as it was; one that says another program changed
the rows clears the stack, as does a look (after the window noticed another program's write)
that finds a command's rows no longer as the stack says: it never undoes over such a change.

In a read-only window (the ledger open in another window, app.ui.ledger_lock) the stack runs
nothing: a change a page asks for is refused with one message, an import is never put on it,
and Undo and Redo stay disabled, saying why, until the window takes the lock after all
(`make_writable`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu
from sqlite_utils import Database

from app.services.preview import in_ledger
from app.services.undo import Command, Done, UndoStack, forget_job
from app.ui.dialogs import confirm
from app.ui.edits import Edit, run_here
from app.ui.read_only import REFUSAL
from app.ui.worker import Worker

if TYPE_CHECKING:
    from app.services.preview import Outcome
    from app.ui.window import MainWindow

UNDO_KEY, REDO_KEY = "Ctrl+Z", "Ctrl+Shift+Z"
ELSEWHERE = "another program changed the ledger"
CONFLICT = "another program changed the rows"
READ_ONLY_REASON = "this window is read-only"


def import_name(outcome: Outcome) -> str:
    """"Import gifts.csv", or "Import 3 files" for several."""
    names = [f.path.name for f in outcome.files if f.reports]
    return f"Import {names[0]}" if len(names) == 1 else f"Import {len(names)} files"


class WindowUndo(QObject):
    """The window's undo stack. `path` None (a ledger in memory): changes are made at once,
    without undo, since no worker can open such a ledger. `read_only`: nothing is run."""

    changed = Signal()  # the stack moved, or a change was made: the menu texts follow

    def __init__(self, window: MainWindow, path: Path | None, menu: QMenu,
                 read_only: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.read_only = read_only
        self.stack = UndoStack()
        if path is None:
            self.stack.reason = "this ledger is in memory"
        self.workers: list[Worker] = []
        self.closed = False  # the window closed: jobs still running report nothing
        self.undo_action = self._action(menu, UNDO_KEY, self.undo)
        self.redo_action = self._action(menu, REDO_KEY, self.redo)
        self.changed.connect(self._show)
        self._show()

    def _action(self, menu: QMenu, key: str, slot: Callable[[], object]) -> QAction:
        action = QAction(self.window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    @property
    def busy(self) -> bool:
        return any(w.running for w in self.workers)

    def _show(self) -> None:
        if self.read_only:  # whatever a clear said (File > Open's "another ledger was opened")
            self.undo_action.setText(f"Nothing to undo ({READ_ONLY_REASON})")
            self.redo_action.setText(f"Nothing to redo ({READ_ONLY_REASON})")
            self.undo_action.setEnabled(False)
            self.redo_action.setEnabled(False)
            return
        self.undo_action.setText(self.stack.undo_text().replace("&", "&&"))
        self.redo_action.setText(self.stack.redo_text().replace("&", "&&"))
        self.undo_action.setEnabled(self.stack.can_undo and not self.busy)
        self.redo_action.setEnabled(self.stack.can_redo and not self.busy)

    def _start(self, job: Callable[[Database], Any], done: Callable[[Any], object],
               failed: Callable[[str], object]) -> Worker:
        assert self.path is not None
        worker = Worker(in_ledger(self.path, lambda db, _p, _c: job(db)))
        self.workers.append(worker)

        def finished(result: object) -> None:
            self.workers.remove(worker)
            if not self.closed:
                done(result)
                self.changed.emit()

        def refused(message: str) -> None:
            self.workers.remove(worker)
            if not self.closed:
                failed(message)
                self.changed.emit()
        worker.finished.connect(finished)
        worker.failed.connect(refused)
        worker.start()
        self.changed.emit()
        return worker

    # ---- changes the pages ask for ------------------------------------------------------------

    def run(self, edit: Edit) -> None:
        """Make `edit` on the worker, journalled; then it is on top of the stack (in a
        read-only window: refused, nothing written)."""
        if self.read_only:
            confirm.tell(self.window, edit.failure, REFUSAL)
            return
        if self.path is None:
            run_here(self.window, self.window.db, self.window.refresh_all)(edit)
            return

        def made(done: Done) -> None:
            self._forget(self.stack.pushed(done.command))
            self.window.refresh_all()
            if edit.done is not None:  # after the reload, which would overwrite what it shows
                edit.done(done.result)
        self._start(self.stack.do_job(edit.name, edit.write), made,
                    lambda message: edit.refuse(self.window, message))

    def imported(self, outcome: Outcome) -> None:
        """An import the import dialog made, on the stack (its batch undo is its undo)."""
        ids = [r.import_id for f in outcome.files for r in f.reports if r.import_id is not None]
        if self.path is None or not ids or self.read_only:
            return
        self._start(self.stack.import_command(import_name(outcome), ids),
                    lambda command: self._forget(self.stack.pushed(command)), self._lost)

    def _forget(self, dropped: list[int]) -> None:
        if dropped:
            self._start(forget_job(self.stack, dropped), lambda _r: None, lambda _m: None)

    # ---- Edit > Undo, Edit > Redo -------------------------------------------------------------

    def undo(self) -> None:
        if self.read_only or self.busy or not self.stack.can_undo:
            return
        name = self.stack.commands[self.stack.index - 1].name

        def undone(command: Command) -> None:
            self.stack.undone(command)
            self.window.refresh_all()
            self.window.statusBar().showMessage(f"Undone: {name}", 5000)
        self._start(self.stack.undo_job(), undone, lambda m: self._refused("Not undone", m))

    def redo(self) -> None:
        if self.read_only or self.busy or not self.stack.can_redo:
            return
        name = self.stack.commands[self.stack.index].name

        def redone(_command: Command) -> None:
            self.stack.redone()
            self.window.refresh_all()
            self.window.statusBar().showMessage(f"Redone: {name}", 5000)
        self._start(self.stack.redo_job(), redone, lambda m: self._refused("Not redone", m))

    def _refused(self, title: str, message: str) -> None:
        if CONFLICT in message:
            self.clear(ELSEWHERE)
        confirm.tell(self.window, title, message)

    def _lost(self, _message: str) -> None:
        self.clear("the last import could not be put on the stack")

    def make_writable(self) -> None:
        """The window took the ledger's lock: from now on changes are run and undone. Its
        stack is empty, and why it was (another ledger opened in a read-only window) no
        longer matters: the menu says plain "Nothing to undo"."""
        self.read_only = False
        if not self.stack.commands:
            self.stack.reason = ""
        self.changed.emit()

    # ---- when the stack no longer holds -------------------------------------------------------

    def changed_elsewhere(self) -> None:
        """Another program wrote to the ledger: the stack stays only while every command's
        rows are as it says (looked at on the worker)."""
        if self.path is None or not self.stack.commands or self.read_only:
            return
        self._start(self.stack.check_job(),
                    lambda holds: None if holds else self.clear(ELSEWHERE), lambda _m: None)

    def clear(self, reason: str) -> None:
        self.stack.clear(reason)
        self.changed.emit()

    def close(self) -> None:
        """The window closes: a job still running finishes (its write is one transaction, all
        or nothing) but reports to no one; the journal goes."""
        self.closed = True
        for worker in self.workers:
            worker.discard()
        self.workers.clear()
        self.stack.close()
