"""Cards side by side while each one's share of the width is enough for it, else stacked: a
table's card on a narrow window gets the page's whole width instead of scrolling sideways."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QTableView, QWidget

from app.ui.column_fit import FitTable

Needs = Callable[[], int]  # the width a card needs to show what it holds whole


class SideBySide(QWidget):
    """`cards` in a row, sharing the width by `stretches`, while every card's share is at
    least what its `needs` says; one above the other otherwise (the last on top when
    `last_on_top`: the table a low window must show first). Never narrower than its widest
    card can be: the window keeps its narrowest size."""

    def __init__(self, cards: Sequence[QWidget], needs: Sequence[Needs],
                 stretches: Sequence[int], spacing: int = 16, last_on_top: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards, self.needs = list(cards), list(needs)
        self.stacking = (QBoxLayout.Direction.BottomToTop if last_on_top
                         else QBoxLayout.Direction.TopToBottom)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(spacing)
        for card in self.cards:
            self.box.addWidget(card)
        self.set_stretches(stretches)

    @property
    def stacked(self) -> bool:
        return self.box.direction() == self.stacking

    def set_stretches(self, stretches: Sequence[int]) -> None:
        self.stretches = list(stretches)
        for i, stretch in enumerate(self.stretches):
            self.box.setStretch(i, 0 if self.stacked else stretch)
        self.arrange(self.width())

    def fits_side_by_side(self, width: int) -> bool:
        room = width - self.box.spacing() * (len(self.cards) - 1)
        total = sum(self.stretches)
        return all(room * stretch // total >= need()
                   for stretch, need in zip(self.stretches, self.needs, strict=True))

    def arrange(self, width: int) -> None:
        side = self.fits_side_by_side(width)
        direction = QBoxLayout.Direction.LeftToRight if side else self.stacking
        if direction == self.box.direction():
            return
        self.box.setDirection(direction)
        for i, stretch in enumerate(self.stretches):
            self.box.setStretch(i, stretch if side else 0)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        widest = max(card.minimumSizeHint().width() for card in self.cards)
        return QSize(widest, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.arrange(event.size().width())


def table_card_needs(card: QFrame, table: QTableView) -> Needs:
    """What a card holding `table` needs: the table's columns whole (app.ui.column_fit), its
    frame and scroll bar, the card's margins."""
    def needs() -> int:
        fit = table.fit if isinstance(table, FitTable) else None
        columns = fit.needed() if fit is not None else table.horizontalHeader().length()
        layout = card.layout()
        margins = layout.contentsMargins() if layout is not None else None
        side = margins.left() + margins.right() if margins is not None else 0
        bar = table.verticalScrollBar()
        return (columns + 2 * table.frameWidth() + side
                + (bar.sizeHint().width() if bar.isVisible() else 0))
    return needs


def least_width(card: QWidget, at_least: int = 0) -> Needs:
    """A card that only needs its narrowest size (or `at_least`, a chart's)."""
    return lambda: max(card.minimumSizeHint().width(), at_least)
