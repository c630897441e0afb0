"""What the creator sees when something goes wrong: a short message box, never a traceback.

The boxes are module-level functions so tests replace them (`monkeypatch.setattr(errors,
"report", ...)`), as the pytest-qt docs advise for modal dialogs. The traceback of an
unexpected error still goes to stderr, for a bug report.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
LEDGER_TITLE = "The ledger cannot be opened"
MAX_MESSAGE = 300


def report(parent: QWidget | None, title: str, text: str, details: str = "",
           advice: str = "") -> None:
    """A box with the one-line `text`, what to do (`advice`) under it, and `details` (a
    traceback) only behind its Show Details button."""
    message_box(parent, title, text, details, advice).exec()


def message_box(parent: QWidget | None, title: str, text: str, details: str = "",
                advice: str = "") -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    if advice:
        box.setInformativeText(advice)
    if details:
        box.setDetailedText(details)
    return box


def ask_restore(parent: QWidget | None, message: str, backup: Path) -> bool:
    """True when the creator chose to put the newest backup in place of the ledger."""
    box = QMessageBox(QMessageBox.Icon.Critical, LEDGER_TITLE, message,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(f"The newest backup is {backup.name}, in {backup.parent}. Restoring "
                           "it keeps the damaged file beside the ledger; nothing is deleted.")
    restore = box.addButton("Restore newest backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def short_message(exc: BaseException) -> str:
    """The error in a line or two: its type and the start of its message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 1] + "\u2026"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def unexpected(exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
    """The excepthook: the traceback to stderr, a short box to the creator."""
    traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
    if QApplication.instance() is None:
        return
    report(QApplication.activeWindow(), "Something went wrong",
           "Diamond Ledger hit an unexpected error; your ledger was not changed by it.",
           details="".join(traceback.format_exception(exc_type, exc, tb)),
           advice=f"{short_message(exc)}. Try again; if it happens again, report it with "
                  "the details.")


_showing = False


def _hook(exc_type: type[BaseException], exc: BaseException,
          tb: TracebackType | None) -> None:
    global _showing
    if issubclass(exc_type, KeyboardInterrupt) or _showing:
        sys.__excepthook__(exc_type, exc, tb)
        return
    _showing = True  # an error while the box is up prints, instead of stacking boxes
    try:
        unexpected(exc_type, exc, tb)
    finally:
        _showing = False


def install_excepthook() -> Hook:
    """Send errors raised in slots to `unexpected`; returns the hook it replaced."""
    previous = sys.excepthook
    sys.excepthook = _hook
    return previous
