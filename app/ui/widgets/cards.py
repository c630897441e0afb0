"""Summary cards: a title, one large value and a line of detail; styled by the theme."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget


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
        self.bar.setValue(max(0, min(100, percent)))
