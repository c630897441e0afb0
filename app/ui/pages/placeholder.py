"""A page of a later slice: says what will be there, so nothing is ever blank."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.widgets.empty_state import EmptyState

COMING: dict[str, str] = {
    "Gifts": "Every gift you received, searchable by day, gifter and gift, with the gift mix "
             "and the hours of the day your LIVEs earn most.",
    "Gifters": "Your top gifters over any period: diamonds sent, LIVEs joined, first and "
               "last gift, and who has gone quiet.",
    "LIVEs": "One row per LIVE: duration, diamonds (TikTok's official total next to what the "
             "gift log caught), gifters, viewers and diamonds per hour.",
    "Payouts": "Withdrawals requested and paid, fees and what arrived, and a planner that "
               "splits a balance under the daily cap.",
    "Imports": "Import CSV exports, gift-logger files and TikTok's data download: preview a "
               "batch, read its rejected rows, undo it.",
}


class PlaceholderPage(EmptyState):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"{name}: coming soon", COMING[name], parent=parent)

    def refresh(self) -> None:
        """Nothing to load yet."""
