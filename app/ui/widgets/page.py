"""The frame every page shares: margins, the title and a subtitle line under it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

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


def empty_or_content(host: QWidget, empty: QWidget, content: QWidget) -> QStackedWidget:
    """Fill `host` with a stack of its empty state (index 0) and its content (index 1)."""
    stack = QStackedWidget(host)
    stack.addWidget(empty)
    stack.addWidget(content)
    outer = QVBoxLayout(host)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(stack)
    return stack
