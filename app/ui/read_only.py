"""A read-only window: every control that would change the ledger stays disabled.

Pages mark such a control where they make it (`writes(button)`); the window, when read-only,
disables every marked control under it and keeps it so: a page that enables its Delete
button when a row is selected cannot bring it back (an event filter turns it off again).
Controls that only read (sorting, filters, ranges, export, backup) are left alone.
"""

from __future__ import annotations

from functools import partial
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

WRITES = "writesLedger"  # a dynamic property on a widget or action that changes the ledger
READ_ONLY_TEXT = "Read-only"

W = TypeVar("W", bound=QObject)


def writes(control: W) -> W:
    """Mark `control` (a button, an action) as one that changes the ledger."""
    control.setProperty(WRITES, True)
    return control


def is_write(control: QObject) -> bool:
    return bool(control.property(WRITES))


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
