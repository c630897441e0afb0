"""The banner of a read-only window once the window that held its ledger let go: it says so and
offers Make writable. Nothing changes until the creator presses it (they may be in the middle
of reading); if another window took the ledger first, the banner says that instead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.lock import Holder
from app.ui.widgets.named import named

FREED = "The other window on this ledger closed."
FREED_DETAIL = "This window is still read-only: make it writable to change the ledger here."
MAKE_WRITABLE = "Make writable"
TAKEN = "Another window opened this ledger first."
TAKEN_DETAIL = ("This window stays read-only while that window has it open ({holder}); it "
                "offers again when that window closes.")


class LockBanner(QFrame):
    """Hidden until `offer()` or `taken(holder)`; `make_writable_requested` on the button."""

    make_writable_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockBanner")
        self.headline = named(QLabel(), "lockBannerHeadline")
        self.detail = named(QLabel(), "lockBannerText")
        self.detail.setWordWrap(True)
        self.button = named(QPushButton(MAKE_WRITABLE), "primaryButton")
        self.button.clicked.connect(self.make_writable_requested)
        self.dismiss_button = named(QPushButton("Dismiss"), "secondaryButton")
        self.dismiss_button.clicked.connect(self.hide)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.addLayout(words, 1)
        row.addWidget(self.button)
        row.addWidget(self.dismiss_button)
        self.hide()

    @property
    def offering(self) -> bool:
        """Whether Make writable is on offer (shown, unless the window itself is hidden)."""
        return not self.isHidden() and not self.button.isHidden()

    def offer(self) -> None:
        self._say(FREED, FREED_DETAIL, offering=True)

    def taken(self, holder: Holder) -> None:
        self._say(TAKEN, TAKEN_DETAIL.format(holder=holder.describe()), offering=False)

    def _say(self, headline: str, detail: str, offering: bool) -> None:
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.button.setVisible(offering)
        self.dismiss_button.setVisible(not offering)
        self.setAccessibleName(self.text())  # a screen reader reads the news, not two labels
        self.show()

    def text(self) -> str:
        """What it says, as one line."""
        return f"{self.headline.text()} {self.detail.text()}"
