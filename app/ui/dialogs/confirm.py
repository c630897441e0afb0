"""A question before a change that removes data, and a notice when a change failed.

Pages call these as `confirm.ask(...)`, never a QMessageBox directly, so tests replace them
with `monkeypatch.setattr(confirm, "ask", ...)` (as the pytest-qt docs advise for modal boxes).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, action: str = "Yes") -> bool:
    """True when the creator chose `action`; Cancel is the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is go


def tell(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)
