"""A page's one open editor dialog: shown window-modal, deleted once it closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)


def open_owned(dialog: D, on_accept: Callable[[], object],
               keep: Callable[[D | None], object]) -> None:
    """Open `dialog`; `on_accept` runs when it is accepted. `keep` is told the dialog while it
    is open and None once it closed (pages hold it as `self.dialog`, which tests drive)."""
    dialog.accepted.connect(on_accept)

    def closed(_result: int) -> None:
        keep(None)
        dialog.deleteLater()

    dialog.finished.connect(closed)
    keep(dialog)
    dialog.open()
