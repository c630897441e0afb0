"""A change a page asks for, and who makes it.

A page or dialog builds an `Edit` (its name for the Edit menu, the write, the title of a
refusal) and hands it to its `run_edit`. On its own (a page in a test) the page writes at once
through its own connection, as it always did; in the window, `run_edit` is the window's undo
stack (app.ui.undo), which runs the write on the worker, journalled, so Edit > Undo can take it
back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlite_utils import Database

from app.services.undo import REFUSALS
from app.ui.dialogs import confirm


@dataclass(frozen=True)
class Edit:
    name: str  # as the Edit menu says it: "Delete payout of $120.00"
    write: Callable[[Database], Any]  # given the connection to write with
    failure: str  # the title of the message when the write is refused
    done: Callable[[Any], object] | None = None  # then, on the GUI thread, with its result
    # a refusal's message, on the GUI thread, for a dialog that says it under its form (it
    # stays open to be corrected); without it the refusal is a message box titled `failure`
    refused: Callable[[str], object] | None = None

    def refuse(self, parent: QWidget, message: str) -> None:
        """Say why the write was refused (nothing was written)."""
        if self.refused is not None:
            self.refused(message)
        else:
            confirm.tell(parent, self.failure, message)


Runner = Callable[[Edit], None]


def run_here(page: QWidget, db: Database, changed: Callable[[], object]) -> Runner:
    """A runner that writes at once with `db` (a page outside the window), then `changed`."""
    def run(edit: Edit) -> None:
        try:
            result = edit.write(db)
        except REFUSALS as exc:
            edit.refuse(page, str(exc))
            return
        changed()
        if edit.done is not None:  # after the reload, which would overwrite what it shows
            edit.done(result)
    return run
