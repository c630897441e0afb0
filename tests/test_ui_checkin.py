"""Check in balance from the Overview, as a creator would (offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from app.ui.worker import wait_for_workers  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


def test_a_booked_checkin_from_the_overview_becomes_the_balance(window, qtbot):
    page = window.overview
    assert page.balance_card.value.text() == "$361.04"
    assert page.balance_note.isHidden()  # the demo's two balances agree
    qtbot.mouseClick(page.checkin_button, Qt.MouseButton.LeftButton)
    dialog = page.checkin_dialog
    assert dialog is not None and dialog.isVisible()
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    dialog.amount.setText("lots")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_for_workers()  # in the window the check-in is written on the worker
    assert "not a number" in dialog.result.text()
    assert page.balance_card.value.text() == "$361.04"  # nothing was recorded
    dialog.amount.setText("400")
    dialog.book.setChecked(True)
    with qtbot.waitSignal(dialog.checked_in):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_for_workers()
    assert "TikTok shows $38.96 more than the ledger" in dialog.result.text()
    assert page.balance_card.value.text() == "$400.00"
    assert "80,000 diamonds" in page.balance_card.detail.text()
    dialog.close()
