"""A read-only window: every control that would change the ledger stays disabled.

Pages mark such a control where they make it (`writes(button)`); the window, when read-only,
disables every marked control under it and keeps it so: a page that enables its Delete
button when a row is selected cannot bring it back (an event filter turns it off again).
Controls that only read (sorting, filters, ranges, export, backup) are left alone.

The controls are the first guard; the slots behind them are the second: each write slot
starts with `refused(self, title)`, which in a read-only window says why nothing happens and
writes nothing (a double-click, a shortcut, a call from a test reach a slot with its button
off). The window's undo stack, which makes every page's `run_edit`, refuses the same way.
"""

from __future__ import annotations

from functools import partial
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.ui.dialogs import confirm

WRITES = "writesLedger"  # a dynamic property on a widget or action that changes the ledger
READ_ONLY = "readOnlyLedger"  # a dynamic property of a window that changes nothing
READ_ONLY_TEXT = "Read-only"
REFUSAL = ("This window is read-only: the ledger is open in another window, which alone can "
           "change it. Nothing was changed. To change the ledger here, close the other window "
           "and open the ledger again.")

W = TypeVar("W", bound=QObject)


def writes(control: W) -> W:
    """Mark `control` (a button, an action) as one that changes the ledger."""
    control.setProperty(WRITES, True)
    return control


def is_write(control: QObject) -> bool:
    return bool(control.property(WRITES))


def is_read_only(widget: QWidget) -> bool:
    """Whether `widget` is in a read-only window (app.ui.window marks it)."""
    return bool(widget.window().property(READ_ONLY))


def refused(widget: QWidget, title: str) -> bool:
    """True, after telling the creator so, when `widget` is in a read-only window: the slot
    that asks returns at once and writes nothing."""
    if not is_read_only(widget):
        return False
    confirm.tell(widget, title, REFUSAL)
    return True


class KeepDisabled(QObject):
    """Turns a marked widget off again whenever something turns it on."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if (event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget)
                and watched.isEnabled()):
            watched.setEnabled(False)
        return False


def lock_writes(root: QWidget, guard: KeepDisabled) -> None:
    """Disable, for good, every marked widget and action under `root`."""
    for widget in root.findChildren(QWidget):
        if is_write(widget) and not widget.property("_readOnlyGuarded"):
            widget.setProperty("_readOnlyGuarded", True)
            widget.setEnabled(False)
            widget.installEventFilter(guard)
    for action in root.findChildren(QAction):
        if is_write(action) and not action.property("_readOnlyGuarded"):
            action.setProperty("_readOnlyGuarded", True)
            action.setEnabled(False)
            action.changed.connect(partial(_keep_off, action))


def _keep_off(action: QAction) -> None:
    if action.isEnabled():
        action.setEnabled(False)
