"""The question asked when the ledger is already open in a window of another process.

`ask` is a module-level function so tests replace it, like confirm.ask; `question` builds the
box itself, so a test can also press its real buttons.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from app.services.lock import Holder

READ_ONLY, ANYWAY, CANCEL = "read-only", "anyway", "cancel"
TITLE = "The ledger is open in another window"
ADVICE = ("Read-only shows everything and changes nothing; the other window's changes appear "
          "within 2 seconds. Open anyway lets both windows write: each sees the other's "
          "changes, but two people editing the same payout or rate at once can overwrite "
          "each other.")


def question(parent: QWidget | None, ledger: Path, holder: Holder) -> QMessageBox:
    """The box, with its three answers; Open read-only is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE,
                      f"{ledger} is already open in Diamond Ledger ({holder.describe()}).",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(ADVICE)
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Open anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def answer_of(box: QMessageBox, clicked: QAbstractButton | None) -> str:
    """READ_ONLY, ANYWAY or CANCEL for the button pressed (Escape or closing: CANCEL)."""
    if clicked is None or box.buttonRole(clicked) == QMessageBox.ButtonRole.RejectRole:
        return CANCEL
    if box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole:
        return ANYWAY
    return READ_ONLY


def ask(parent: QWidget | None, ledger: Path, holder: Holder) -> str:
    box = question(parent, ledger, holder)
    box.exec()
    return answer_of(box, box.clickedButton())
