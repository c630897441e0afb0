"""What a page shows when there is nothing to show yet: what to do next, never a blank.

The buttons say what they do (Set up, Import files, Open the demo) instead of a command to type; the
window connects their signals for every page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.read_only import writes
from app.ui.resources import pixmap
from app.ui.widgets.named import named

BODY_WIDTH = 520
SETUP_TEXT = "Set up your account\u2026"
IMPORT_TEXT = "Import files\u2026"
DEMO_TEXT = "Open the demo"
DEMO_TIP = "A second window on sample data, in a temporary ledger: this one is not touched"


class EmptyState(QWidget):
    """An icon, a heading, a paragraph and the buttons: Import, and Open the demo when
    `demo`."""

    setup_requested = Signal()
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, heading: str, body: str, demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        column = QWidget(self)
        column.setFixedWidth(BODY_WIDTH)  # wrapped text gets its height from a fixed width
        art = QLabel(column)
        art.setPixmap(pixmap("diamond"))
        self.heading = named(QLabel(heading, column), "emptyHeading")
        self.body = named(QLabel(body, column), "emptyBody")
        inner = QVBoxLayout(column)
        inner.setSpacing(10)
        for label in (art, self.heading, self.body):
            label.setWordWrap(label is not art)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(label)
        inner.addLayout(self._buttons(demo))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _buttons(self, demo: bool) -> QHBoxLayout:
        self.setup_button = writes(named(QPushButton(SETUP_TEXT), "primaryButton"))
        self.setup_button.clicked.connect(self.setup_requested)
        self.setup_button.setVisible(False)  # the window shows it while there is no account
        self.import_button = writes(named(QPushButton(IMPORT_TEXT), "primaryButton"))
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button = named(QPushButton(DEMO_TEXT), "secondaryButton")
        self.demo_button.setToolTip(DEMO_TIP)
        self.demo_button.clicked.connect(self.demo_requested)
        self.demo_button.setVisible(demo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        return buttons

    def text(self) -> str:
        buttons = (self.setup_button, self.import_button, self.demo_button)
        shown = [b.text() for b in buttons if not b.isHidden()]
        return "\n".join([self.heading.text(), self.body.text(), *shown])
