"""What a page shows when there is nothing to show yet: what to do next, never a blank."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.resources import pixmap
from app.ui.widgets.named import named

BODY_WIDTH = 520


class EmptyState(QWidget):
    """An icon, a heading, a paragraph and, when given, a command to copy."""

    def __init__(self, heading: str, body: str, command: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        column = QWidget(self)
        column.setFixedWidth(BODY_WIDTH)  # wrapped text gets its height from a fixed width
        art = QLabel(column)
        art.setPixmap(pixmap("diamond"))
        self.heading = named(QLabel(heading, column), "emptyHeading")
        self.body = named(QLabel(body, column), "emptyBody")
        self.command = named(QLabel(command, column), "emptyCommand")
        self.command.setVisible(bool(command))
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.heading, self.body):
            label.setWordWrap(True)
        inner = QVBoxLayout(column)
        inner.setSpacing(10)
        for label in (art, self.heading, self.body, self.command):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(label)
        inner.setAlignment(self.command, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def text(self) -> str:
        return "\n".join(label.text() for label in (self.heading, self.body, self.command))
