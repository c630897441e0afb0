"""Undo and redo of the window's changes: a stack of commands over the services.

Why our own stack and not Qt's QUndoStack: QUndoStack moves its index the moment redo() or
undo() returns, but here every do, undo and redo is a ledger write that runs on the worker
thread and may be refused (another program changed the rows). So the stack says what to run
(`*_job`: a function of the worker's own connection, each one transaction), and moves only
once the job succeeded (`pushed`, `undone`, `redone`, on the GUI thread). Nothing here imports
Qt: the stack, and the property that any sequence of do/undo/redo leaves the ledger as its
position says, are tested without a window.

A command's rows are journalled when it is done (app.store.journal): undo puts them back as
they were, redo as the command left them, each only when they are still as expected. An
import made by the import dialog is not journalled (a 500k-row import would be written
twice): its first undo is the batch undo of app.services.importing, journalled, so its redo
restores exactly the rows, ids and rollups that undo removed.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.importers.base import ImportRefused
from app.services import importing
from app.services.accounts import AccountError
from app.store import journal
from app.store.batches import UndoError
from app.store.journal import Conflict

Write = Callable[[Database], Any]
# what a service raises for a change it refuses (a bad form, a row gone): its message is enough
REFUSALS: tuple[type[Exception], ...] = (ValueError, LookupError, UndoError, AccountError,
                                         ImportRefused, OSError, UnicodeDecodeError)
_journals = itertools.count(1)


class UndoRefused(Exception):
    """A do, undo or redo that was not made: the message says why, nothing was written."""


@dataclass(frozen=True)
class Command:
    """One change made in the window, as the Edit menu names it ("Delete payout of $120.00").

    `change` is its journal entry. An import not undone yet has none (`journalled` False):
    `imports` are its batches and `state` their fingerprint just after the import
    (journal.batch_state). Once undone, its journal entry is that undo (`inverse`): redo puts
    its rows back as they were before it."""

    name: str
    change: int
    imports: tuple[int, ...] = ()
    state: str = ""
    journalled: bool = True
    inverse: bool = False

    def side(self, done: bool) -> str:
        """Which side of its journal entry the ledger holds while it is done (or not)."""
        return "after" if done != self.inverse else "before"


@dataclass(frozen=True)
class Done:
    """What a do job hands back: the command to push and the write's own result."""

    command: Command
    result: Any


def _refused(exc: Exception) -> UndoRefused:
    text = str(exc).strip().splitlines()
    return UndoRefused(text[0] if text else type(exc).__name__)


class UndoStack:
    """The commands, and how many of them are done (`index`). Lives on the GUI thread."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder or Path(tempfile.mkdtemp(prefix="diamond-ledger-undo-"))
        self._own_folder = folder is None
        self._folder.mkdir(parents=True, exist_ok=True)
        self.journal = self._folder / f"journal-{next(_journals)}.sqlite3"
        self.commands: list[Command] = []
        self.index = 0
        self.reason = ""  # why there is nothing to undo, after a clear
        self._ids = itertools.count(1)

    # ---- what the menu says -------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.commands)

    def undo_text(self) -> str:
        if self.can_undo:
            return f"Undo {self.commands[self.index - 1].name}"
        return f"Nothing to undo ({self.reason})" if self.reason else "Nothing to undo"

    def redo_text(self) -> str:
        return f"Redo {self.commands[self.index].name}" if self.can_redo else "Nothing to redo"

    # ---- jobs, run on the worker with its own connection ---------------------------------------

    def do_job(self, name: str, write: Write) -> Callable[[Database], Done]:
        """The write, journalled, in one transaction; a refusal changes nothing."""
        change, path = next(self._ids), self.journal

        def job(db: Database) -> Done:
            try:
                result = journal.record(db, path, change, lambda: write(db))
            except REFUSALS as exc:
                raise _refused(exc) from None
            return Done(Command(name, change), result)
        return job

    def import_command(self, name: str, import_ids: list[int]) -> Callable[[Database], Command]:
        """An import the import dialog made: its batches' fingerprint, read on the worker
        just after it (the worker runs jobs in order)."""
        change = next(self._ids)

        def job(db: Database) -> Command:
            return Command(name, change, tuple(import_ids), journal.batch_state(db, import_ids),
                           journalled=False, inverse=True)
        return job

    def undo_job(self) -> Callable[[Database], Command]:
        if not self.can_undo:
            raise UndoRefused(self.undo_text())
        command, path = self.commands[self.index - 1], self.journal

        def job(db: Database) -> Command:
            if not command.journalled:
                return _undo_import(db, path, command)
            _moved(db, path, command, done=False)
            return command
        return job

    def redo_job(self) -> Callable[[Database], Command]:
        if not self.can_redo:
            raise UndoRefused("Nothing to redo")
        command, path = self.commands[self.index], self.journal

        def job(db: Database) -> Command:
            _moved(db, path, command, done=True)
            return command
        return job

    def check_job(self) -> Callable[[Database], bool]:
        """Is every command still where the stack says (the ledger changed elsewhere)?"""
        commands, index, path = list(self.commands), self.index, self.journal

        def job(db: Database) -> bool:
            return all(_holds(db, path, c, done=i < index) for i, c in enumerate(commands))
        return job

    # ---- after a job succeeded, on the GUI thread ---------------------------------------------

    def pushed(self, command: Command) -> list[int]:
        """A new command on top; the redo side is dropped (its journal ids are returned)."""
        dropped = [c.change for c in self.commands[self.index:]]
        self.commands[self.index:] = [command]
        self.index += 1
        self.reason = ""
        return dropped

    def undone(self, command: Command) -> None:
        """`command` (the one undone, now journalled if it is an import) below the index."""
        self.index -= 1
        self.commands[self.index] = command

    def redone(self) -> None:
        self.index += 1

    def clear(self, reason: str) -> None:
        """Nothing to undo or redo any more; the menu says `reason`."""
        self.commands, self.index, self.reason = [], 0, reason
        self.journal.unlink(missing_ok=True)
        self.journal = self._folder / f"journal-{next(_journals)}.sqlite3"

    def close(self) -> None:
        """The window's end: the journal goes."""
        self.commands, self.index = [], 0
        if self._own_folder:
            shutil.rmtree(self._folder, ignore_errors=True)
        else:
            self.journal.unlink(missing_ok=True)


def _moved(db: Database, path: Path, command: Command, done: bool) -> None:
    """The command's rows as they are while it is `done` (or not), in one transaction."""
    move = journal.reapply if command.side(done) == "after" else journal.revert
    try:
        move(db, path, command.change)
    except Conflict:
        raise UndoRefused(f"{command.name} cannot be {'redone' if done else 'undone'}: "
                          "another program changed the rows it touched since") from None


def _undo_import(db: Database, path: Path, command: Command) -> Command:
    """The first undo of an import: the batch undo, journalled, once the batches are as the
    import left them."""
    if journal.batch_state(db, list(command.imports)) != command.state:
        raise UndoRefused(f"{command.name} cannot be undone: another program changed its "
                          "batch since")

    def remove() -> None:
        for import_id in command.imports:
            importing.undo(db, import_id)
    try:
        journal.record(db, path, command.change, remove)
    except UndoError as exc:
        raise _refused(exc) from None
    return replace(command, journalled=True)


def _holds(db: Database, path: Path, command: Command, done: bool) -> bool:
    if not command.journalled:
        return journal.batch_state(db, list(command.imports)) == command.state
    return journal.holds(db, path, command.change, command.side(done))


def forget_job(stack: UndoStack, changes: list[int]) -> Callable[[Database], None]:
    """The journal of commands dropped from the redo side, deleted (on the worker)."""
    path = stack.journal

    def job(db: Database) -> None:
        if changes and path.exists():
            journal.forget(db, path, changes)
    return job
