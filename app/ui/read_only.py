"""A read-only window: every control that would change the ledger stays disabled, until the
window takes the ledger's lock after all (the other window closed: app.ui.ledger_lock).

Pages mark such a control where they make it (`writes(button)`); the window, when read-only,
disables every marked control under it and keeps it so: a page that enables its Delete
button when a row is selected cannot bring it back (an event filter turns it off again).
Controls that only read (sorting, filters, ranges, export, backup) are left alone.

Made writable again (`unlock_writes`), each control is as its page last asked: the Delete
button is on only if a row is selected now, whatever happened to the selection meanwhile. Qt
keeps that wish for us: `setEnabled` records it on a widget (WA_ForceDisabled) even when the
widget stays off, and the guard turns a widget off without overwriting it; an action is kept
off by a disabled QActionGroup, which leaves the action's own setEnabled to Qt as well.

The controls are the first guard; the slots behind them are the second: each write slot
starts with `refused(self, title)`, which in a read-only window says why nothing happens and
writes nothing (a double-click, a shortcut, a call from a test reach a slot with its button
off). The window's undo stack, which makes every page's `run_edit`, refuses the same way.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QWidget

from app.ui.dialogs import confirm

WRITES = "writesLedger"  # a dynamic property on a widget or action that changes the ledger
READ_ONLY = "readOnlyLedger"  # a dynamic property of a window that changes nothing
READ_ONLY_TEXT = "Read-only"
REFUSAL = ("This window is read-only: the ledger is open in another window, which alone can "
           "change it. Nothing was changed. When the other window closes, this one offers to "
           "become writable.")
GUARDED = "_readOnlyGuarded"
_OWN_WISH = Qt.WidgetAttribute.WA_ForceDisabled  # set by setEnabled(False), cleared by (True)

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
    """Turns a marked widget off again whenever something turns it on; keeps marked actions
    off in a disabled group. Both remember what the page last asked for each."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = QActionGroup(self)
        self.actions.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)  # only enabling
        self.actions.setEnabled(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if (event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget)
                and watched.isEnabled()):
            _turn_off(watched)
        return False


def _turn_off(widget: QWidget) -> None:
    """Off, with the page's own wish kept as it was (setEnabled(False) would record "off")."""
    wished_off = widget.testAttribute(_OWN_WISH)
    widget.setEnabled(False)
    widget.setAttribute(_OWN_WISH, wished_off)


def lock_writes(root: QWidget, guard: KeepDisabled) -> None:
    """Disable, until `unlock_writes`, every marked widget and action under `root`."""
    for widget in root.findChildren(QWidget):
        if is_write(widget) and not widget.property(GUARDED):
            widget.setProperty(GUARDED, True)
            _turn_off(widget)
            widget.installEventFilter(guard)
    for action in root.findChildren(QAction):
        # an action has one group: a write action in a group of its own (none is) would
        # stay on here, its slot's refusal the only guard
        if is_write(action) and action.actionGroup() is None:
            action.setActionGroup(guard.actions)


def unlock_writes(root: QWidget, guard: KeepDisabled) -> None:
    """Every widget `lock_writes` marked under `root`, and every action in the guard's group,
    as its page last asked it to be."""
    for widget in root.findChildren(QWidget):
        if widget.property(GUARDED):
            widget.removeEventFilter(guard)
            widget.setProperty(GUARDED, False)
            widget.setEnabled(not widget.testAttribute(_OWN_WISH))
    guard.actions.setEnabled(True)  # each action takes its own setEnabled back
    for action in guard.actions.actions():
        # not QActionGroup.removeAction: PySide hands the action to Python with it, and the
        # menu's entry is deleted once the last Python reference goes
        action.setActionGroup(None)
    guard.actions.setEnabled(False)  # for the next lock_writes
