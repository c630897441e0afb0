"""Summary cards: a title, one large value and a line of detail; styled by the theme."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget


class StatCard(QFrame):
    """A rounded card. `tone` ("good", "bad" or "") colours the detail line through QSS."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = self._label(title, "cardTitle")
        self.value = self._label("\u2014", "cardValue")
        self.detail = self._label("", "cardDetail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(6)
        for label in (self.title, self.value, self.detail):
            layout.addWidget(label)
        layout.addStretch(1)

    def _label(self, text: str, name: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        return label

    def set_text(self, value: str, detail: str = "", tone: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setProperty("tone", tone)
        # a dynamic property only restyles after a re-polish
        self.detail.style().unpolish(self.detail)
        self.detail.style().polish(self.detail)


class ProgressCard(StatCard):
    """A StatCard with a bar under the value (progress towards a target)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.bar)

    def set_progress(self, percent: int) -> None:
        # QProgressBar.setValue repaints at once, not at the next paint: on the Overview that
        # painted the window's earnings chart inside it too (27 ms on a 1M-gift ledger, the
        # chart then painted again); with updates off it is only marked for the next paint
        self.bar.setUpdatesEnabled(False)
        self.bar.setValue(max(0, min(100, percent)))
        self.bar.setUpdatesEnabled(True)  # which asks for that paint


class CardRow(QWidget):
    """Cards side by side while they fit, else in two (or more) rows: a narrow window wraps
    them instead of scrolling sideways. Each card keeps an equal share of the width."""

    def __init__(self, cards: list[QWidget], spacing: int = 16,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = cards
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(spacing)
        self.columns = 0
        self._arrange(len(cards))

    def _widest(self) -> int:
        return max(card.minimumSizeHint().width() for card in self.cards)

    def needed(self, columns: int) -> int:
        """The width the cards take in `columns` columns (each as wide as its widest card)."""
        mins = [card.minimumSizeHint().width() for card in self.cards]
        widest = [max(mins[j::columns]) for j in range(columns)]
        return sum(widest) + (columns - 1) * self.grid.spacing()

    def columns_for(self, width: int) -> int:
        """The most columns that fit in `width`, among those that divide the cards evenly."""
        fitting = [c for c in range(len(self.cards), 0, -1)
                   if len(self.cards) % c == 0 or c == 1]
        return next((c for c in fitting if self.needed(c) <= width), 1)

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        for card in self.cards:
            self.grid.removeWidget(card)
        for i in range(self.grid.columnCount()):
            self.grid.setColumnStretch(i, 0)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // columns, i % columns)
        for i in range(columns):
            self.grid.setColumnStretch(i, 1)
        self.columns = columns
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._widest(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._arrange(self.columns_for(event.size().width()))
