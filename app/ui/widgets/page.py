"""The frame every page shares: margins, the title and a subtitle line under it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets.named import named


def page_layout(host: QWidget, title: str, spacing: int = 16) -> tuple[QVBoxLayout, QLabel]:
    """A column on `host` starting with the page title; returns it and the subtitle label."""
    layout = QVBoxLayout(host)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(spacing)
    subtitle = named(QLabel(), "pageSubtitle")
    titles = QVBoxLayout()
    titles.setSpacing(2)
    titles.addWidget(named(QLabel(title), "pageTitle"))
    titles.addWidget(subtitle)
    layout.addLayout(titles)
    return layout, subtitle


RATES_TIP = ("The rate entries that valued the amounts on this page: the region's rates and "
             "the exchange rate of each day (edit them on the Rates page)")


def rates_line(titles: QVBoxLayout) -> QLabel:
    """A small line under a page's subtitle saying which rates valued what the page shows."""
    label = named(QLabel(), "cardDetail")
    label.setWordWrap(True)
    label.setToolTip(RATES_TIP)
    label.setAccessibleName("Rates used")
    titles.addWidget(label)
    return label


def title_block(layout: QVBoxLayout) -> QVBoxLayout:
    """The title column page_layout put first in `layout`."""
    item = layout.itemAt(0)
    titles = item.layout() if item is not None else None
    assert isinstance(titles, QVBoxLayout)
    return titles


def empty_or_content(host: QWidget, empty: QWidget, content: QWidget) -> QStackedWidget:
    """Fill `host` with a stack of its empty state (index 0) and its content (index 1)."""
    stack = QStackedWidget(host)
    stack.addWidget(empty)
    stack.addWidget(content)
    outer = QVBoxLayout(host)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(stack)
    return stack


class ScrollsDown(QScrollArea):
    """An area that scrolls its page down, never sideways: it is never narrower than its
    contents can be (with room for its scroll bar), so the window keeps the width the page
    needs, while its height can be anything.

    The contents get the area's whole height, or their minimum height when that is more:
    QScrollArea's own widgetResizable gives a page with wrapped text its preferred height
    instead, so a LIVEs page at 1,024 x 600 grew charts 500 px high and pushed its table out
    of view."""

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt override)
        super().setWidget(widget)
        widget.installEventFilter(self)  # its layout changed: fit it again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        content = self.widget()
        if content is None:
            return
        room = self.contentsRect()
        width, height = room.width(), room.height()
        needed = self._least_height(content, width)
        if needed > height:  # the scroll bar shows and takes its width
            width -= self.verticalScrollBar().sizeHint().width()
            needed = self._least_height(content, width)
        content.resize(max(width, content.minimumSizeHint().width()), max(height, needed))

    @staticmethod
    def _least_height(content: QWidget, width: int) -> int:
        layout = content.layout()
        if layout is not None and layout.hasHeightForWidth():
            return max(layout.minimumHeightForWidth(width), content.minimumHeight())
        return content.minimumSizeHint().height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        width = (content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                 + 2 * self.frameWidth())
        return QSize(max(hint.width(), width), hint.height())


def scrolling_down(content: QWidget, name: str) -> QScrollArea:
    """`content` in an area that scrolls down when the window is too low for it (a 1,024 x
    600 screen, or 1,920 x 1,080 at 200 %): its tables keep the rows their minimum height
    gives them (tablemodels.keep_rows) instead of being squeezed to half a row."""
    scroll = named(ScrollsDown(), name)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


CARD_EDGE = 18  # px from a card's edge to its heading and text
# A table sits closer to the edge, so that its cells' text (its frame, the themes' 5 px
# padding and the style's margin further in) lines up with the heading; the table gains the
# width a 1,024 px window is short of.
TABLE_EDGE = 10


def card(header: QHBoxLayout, *widgets: QWidget) -> QFrame:
    """A card: a header row, then `widgets` stacked, the last one taking the spare height.
    Tables (alone or on a page of a stack) go nearer the edge, the rest keeps its inset."""
    frame = named(QFrame(), "card")
    layout = QVBoxLayout(frame)
    edge = TABLE_EDGE if any(_tables(w) for w in widgets) else CARD_EDGE
    layout.setContentsMargins(edge, 14, edge, 12)
    layout.setSpacing(10)
    inset = CARD_EDGE - edge
    header.setContentsMargins(inset, 0, inset, 0)
    layout.addLayout(header)
    for widget in widgets:
        indent(widget, inset)
        layout.addWidget(widget, 1 if widget is widgets[-1] else 0)
    return frame


def _tables(widget: QWidget) -> list[QWidget]:
    if isinstance(widget, QAbstractItemView):
        return [widget]
    if isinstance(widget, QStackedWidget):
        return [w for page in _pages(widget) for w in _tables(page)]
    return []


def _pages(stack: QStackedWidget) -> list[QWidget]:
    return [page for i in range(stack.count()) if (page := stack.widget(i)) is not None]


def indent(widget: QWidget, inset: int) -> None:
    """Move what `widget` shows `inset` px in from both sides (a table stays: its cells have
    their own padding; a stack indents its pages)."""
    if inset <= 0 or isinstance(widget, QAbstractItemView):
        return
    if isinstance(widget, QStackedWidget):
        for page in _pages(widget):
            indent(page, inset)
        return
    layout = widget.layout()
    if layout is not None:
        m = layout.contentsMargins()
        layout.setContentsMargins(m.left() + inset, m.top(), m.right() + inset, m.bottom())
    else:
        m = widget.contentsMargins()
        widget.setContentsMargins(m.left() + inset, m.top(), m.right() + inset, m.bottom())


class LoadsWhenShown:
    """For a page whose load() is costly on a big ledger: refresh() reloads now if the page
    is shown, else marks it stale and it reloads when next shown. List it before QWidget;
    load() must set `_stale = False`."""

    _stale = True

    def refresh(self) -> None:
        """The ledger changed: reload now if shown, else when shown (a hidden page waits)."""
        self._stale = True
        if self.isVisible():  # type: ignore[attr-defined]
            self.load()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)  # type: ignore[misc]
        if self._stale:
            self.load()

    def load(self) -> Any:
        raise NotImplementedError
