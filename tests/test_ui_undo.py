"""Edit > Undo / Redo in the real window on a real ledger file: the entries name the change,
Ctrl+Z and Ctrl+Shift+Z work, every kind of change made in the window is undone and redone
with all tables as before / after, writes happen on the worker, and the stack clears (saying
why) when another ledger opens or another program changes the rows."""

from __future__ import annotations

import threading

import pytest
import shiboken6

pytest.importorskip("pytestqt")

from helpers import GIFT_HEADER, shown_window, snapshot, write  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from app.services import catalogue  # noqa: E402
from app.services import payouts as payout_service  # noqa: E402
from app.ui import ledger_files  # noqa: E402
from app.ui.dialogs import confirm  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402
from app.ui.worker import wait_for_workers  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


@pytest.fixture(autouse=True)
def yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every "Delete...?" is answered Yes; every refusal is kept instead of shown."""
    told: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda *_args: True)
    monkeypatch.setattr(confirm, "tell", lambda _parent, _title, text: told.append(text))
    return told


def page(window: MainWindow, name: str):
    window.show_page(PAGES.index(name))
    return window.page(PAGES.index(name))


def menu_texts(window: MainWindow) -> tuple[str, str]:
    return window.undo.undo_action.text(), window.undo.redo_action.text()


def delete_first_payout(window: MainWindow) -> None:
    pay = page(window, "Payouts")
    references = [r.reference for r in pay.model.rows()]
    pay.table.selectRow(references.index("PP-2026-0829-7731"))
    pay.delete_button.click()
    wait_for_workers()


def undo(window: MainWindow) -> None:
    window.undo.undo_action.trigger()
    wait_for_workers()


def redo(window: MainWindow) -> None:
    window.undo.redo_action.trigger()
    wait_for_workers()


def round_trip(window: MainWindow, db, before: dict, name: str) -> None:
    """The change just made is named in the menu, undone to `before`, redone to after."""
    after = snapshot(db)
    assert after != before
    assert menu_texts(window)[0] == f"Undo {name}"
    undo(window)
    assert snapshot(db) == before
    assert menu_texts(window)[1] == f"Redo {name}"
    redo(window)
    assert snapshot(db) == after


def test_the_edit_menu_offers_undo_and_redo_with_their_shortcuts(window):
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    actions = edit.actions()
    assert actions[0] is window.undo.undo_action and actions[1] is window.undo.redo_action
    assert window.undo.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.undo.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    assert menu_texts(window) == ("Nothing to undo", "Nothing to redo")
    assert not window.undo.undo_action.isEnabled()


def test_a_deleted_payout_is_named_undone_and_redone(window, demo_db):
    before = snapshot(demo_db)
    delete_first_payout(window)
    assert page(window, "Payouts").model.rowCount() == 1
    round_trip(window, demo_db, before, "Delete payout of $290.00")
    undo(window)
    assert page(window, "Payouts").model.rowCount() == 2  # the page shows it back
    assert menu_texts(window) == ("Nothing to undo", "Redo Delete payout of $290.00")


def test_ctrl_z_undoes_and_ctrl_shift_z_redoes(window, demo_db, qtbot):
    before = snapshot(demo_db)
    delete_first_payout(window)
    after = snapshot(demo_db)
    window.activateWindow()  # a window shortcut needs its window active (a real X server)
    qtbot.waitUntil(window.isActiveWindow)
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_for_workers()
    assert snapshot(demo_db) == before
    QTest.keyClick(target, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for_workers()
    assert snapshot(demo_db) == after


def test_the_write_runs_on_the_worker_not_the_gui_thread(window, monkeypatch):
    threads: list[str] = []
    real = payout_service.delete_payout

    def noting(db, payout_id):
        threads.append(threading.current_thread().name)
        return real(db, payout_id)
    monkeypatch.setattr(payout_service, "delete_payout", noting)
    delete_first_payout(window)
    undo(window)
    assert threads and threading.main_thread().name not in threads


def test_an_added_and_an_edited_payout_are_undone(window, demo_db, qtbot):
    pay = page(window, "Payouts")
    before = snapshot(demo_db)
    pay.add_button.click()
    pay.dialog.amount.setText("50")
    pay.dialog.method.setCurrentText("PayPal")
    pay.dialog.ok_button.click()
    wait_for_workers()
    round_trip(window, demo_db, before, "Add payout of $50.00")
    before = snapshot(demo_db)
    pay.table.selectRow(0)
    pay.edit_button.click()
    pay.dialog.amount.setText("190")
    pay.dialog.ok_button.click()
    wait_for_workers()
    round_trip(window, demo_db, before, "Edit payout of $190.00")


def test_rate_and_catalogue_edits_are_undone(window, demo_db):
    rates = page(window, "Rates")
    before = snapshot(demo_db)
    rates.add_button.click()
    rates.dialog.usd_per_diamond.setText("0.004")
    rates.dialog.ok_button.click()
    wait_for_workers()
    name = menu_texts(window)[0].removeprefix("Undo ")
    assert name.startswith("Save US rate from ")
    round_trip(window, demo_db, before, name)
    before = snapshot(demo_db)
    rates.restore_button.click()
    wait_for_workers()
    round_trip(window, demo_db, before, "Restore shipped defaults")
    gifts = rates.gifts
    before = snapshot(demo_db)
    gifts.add_button.click()
    gifts.dialog.gift_id.setText("990100")
    gifts.dialog.name.setText("Moon Castle")
    gifts.dialog.coins.setText("300")
    assert gifts.dialog.ok_button.isEnabled(), gifts.dialog.message.text()
    gifts.dialog.ok_button.click()
    wait_for_workers()
    round_trip(window, demo_db, before, "Add gift Moon Castle (300 coins)")


def test_account_settings_are_undone(window, demo_db):
    before = snapshot(demo_db)
    dialog = window.open_settings()
    dialog.region.setCurrentIndex(dialog.region.findData("GB"))
    dialog.timezone.setCurrentText("Europe/London")
    dialog.accept()
    wait_for_workers()
    round_trip(window, demo_db, before,
               "Change account settings (region GB, time zone Europe/London)")


def check_in(window: MainWindow, amount: str, book: bool = False):
    """Overview > Check in balance, `amount` USD, Save; the dialog, once the write is done."""
    window.overview.checkin_button.click()
    dialog = window.overview.checkin_dialog
    dialog.amount.setText(amount)
    dialog.book.setChecked(book)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    wait_for_workers()
    return dialog


def test_a_balance_check_in_is_undone_and_redone(window, demo_db, monkeypatch):
    from app.services import checkin
    threads: list[str] = []
    real = checkin.add
    monkeypatch.setattr(checkin, "add", lambda *a, **k: threads.append(
        threading.current_thread().name) or real(*a, **k))
    before = snapshot(demo_db)
    dialog = check_in(window, "400", book=True)
    assert "TikTok shows $38.96 more than the ledger" in dialog.result.text()
    assert window.overview.balance_card.value.text() == "$400.00"
    assert threads and threading.main_thread().name not in threads  # on the worker
    round_trip(window, demo_db, before, "Check-in of $400.00 (booked)")
    undo(window)
    assert window.overview.balance_card.value.text() == "$361.04"  # the page shows it gone
    dialog.close()


def test_a_refused_check_in_is_said_in_the_dialog_and_writes_nothing(window, demo_db, yes):
    before = snapshot(demo_db)
    dialog = check_in(window, "lots")
    assert "not a number" in dialog.result.text()
    assert snapshot(demo_db) == before
    assert menu_texts(window) == ("Nothing to undo", "Nothing to redo")
    assert yes == []  # said under the form, not in a message box
    dialog.close()


def test_a_calibrated_rate_saved_on_the_planner_is_undone(window, demo_db, monkeypatch):
    from PySide6.QtCore import QDate

    from app.services import rates as rates_service
    threads: list[str] = []
    real = rates_service.save_region_rate
    monkeypatch.setattr(rates_service, "save_region_rate", lambda *a: threads.append(
        threading.current_thread().name) or real(*a))
    planner = page(window, "Planner")
    planner.cal_diamonds.setValue(20_000)
    planner.cal_cash.setValue(90)
    planner.cal_day.setDate(QDate(2026, 10, 1))
    before = snapshot(demo_db)
    planner.cal_save.click()
    wait_for_workers()
    assert threads and threading.main_thread().name not in threads  # on the worker
    round_trip(window, demo_db, before, "Save calibrated US rate from 2026-10-01")


@pytest.fixture
def new_window(qtbot, db):
    """The window on a new ledger (no account yet), shown."""
    win = shown_window(qtbot, db)
    yield win
    win.close()


def set_up(window: MainWindow, handle: str, zone: str):
    dialog = window.offer_setup()
    dialog.handle.setText(handle)
    dialog.region.setCurrentIndex(dialog.region.findData("GB"))
    dialog.timezone.setCurrentText(zone)
    dialog.ok_button.click()
    wait_for_workers()
    return dialog


def test_the_first_run_account_setup_is_undone_and_redone(new_window, db, monkeypatch):
    from app.services import accounts
    threads: list[str] = []
    real = accounts.set_up
    monkeypatch.setattr(accounts, "set_up", lambda *a: threads.append(
        threading.current_thread().name) or real(*a))
    before = snapshot(db)
    dialog = set_up(new_window, "@luna", "Europe/London")
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed
    assert threads and threading.main_thread().name not in threads  # on the worker
    assert not new_window.setup_action.isEnabled()
    round_trip(new_window, db, before, "Set up account @luna")
    assert [a.handle for a in accounts.listed(db)] == ["luna"]
    undo(new_window)
    assert accounts.listed(db) == []
    assert new_window.setup_action.isEnabled()  # File > Set Up Account is offered again
    assert "Set up your account" in new_window.overview.empty.text()


def test_a_refused_setup_is_said_in_the_dialog_and_writes_nothing(new_window, db, yes):
    before = snapshot(db)
    dialog = set_up(new_window, "luna", "Mars/Base")
    assert dialog.isVisible() and "Unknown time zone" in dialog.message.text()
    assert dialog.ok_button.isEnabled()  # to try again
    assert snapshot(db) == before
    assert menu_texts(new_window) == ("Nothing to undo", "Nothing to redo")
    assert yes == []
    dialog.reject()


def test_undo_of_an_import_on_the_imports_page_is_undone(window, demo_db):
    imports = page(window, "Imports")
    before = snapshot(demo_db)
    imports.select_batch(3)
    imports.undo_button.click()
    wait_for_workers()
    round_trip(window, demo_db, before, "Undo of import #3 payouts.csv")


def test_a_retry_is_undone(qtbot, db, tmp_path):
    from pathlib import Path

    from app.services import accounts
    from app.services.importing import import_files
    accounts.add(db, "me", "US", "UTC")
    log = Path(__file__).parent / "fixtures" / "retry" / "new_gifts_2026.csv"
    [report] = import_files(db, [log])
    catalogue.add_gift(db, "Moon Castle", 300, 990100)
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    imports = page(win, "Imports")
    imports.select_batch(report.import_id)
    before = snapshot(db)
    imports.retry_button.click()
    wait_for_workers()
    assert imports.retry_status.text() == "#1: 2 of 4 rows added; 2 still rejected"
    round_trip(win, db, before, "Retry rejected rows of #1 new_gifts_2026.csv")
    win.close()


def test_an_import_from_the_dialog_is_undone_and_redone_exactly(window, demo_db, qtbot,
                                                                tmp_path):
    log = write(tmp_path / "gifts.csv",
                f"{GIFT_HEADER}\n2026-08-03 12:00:00,NewWhale,Universe,5000\n")
    before = snapshot(demo_db)
    dialog = window.import_paths([log])
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    wait_for_workers()
    dialog.close_button.click()
    after = snapshot(demo_db)
    assert menu_texts(window)[0] == "Undo Import gifts.csv"
    undo(window)
    undone = snapshot(demo_db)
    # the batch undo of the Imports page: the rows go, the batch stays listed as undone
    kept = {"imports", "sqlite_sequence"}
    assert {k: v for k, v in undone.items() if k not in kept} == {
        k: v for k, v in before.items() if k not in kept}
    assert page(window, "Imports").model.rows()[0].undone
    assert menu_texts(window)[1] == "Redo Import gifts.csv"
    redo(window)
    assert snapshot(demo_db) == after  # the same rows, ids and rollups as after the import
    undo(window)
    assert snapshot(demo_db) == undone


def import_dialog_on(window: MainWindow, qtbot, tmp_path):
    log = write(tmp_path / "gifts.csv",
                f"{GIFT_HEADER}\n2026-08-03 12:00:00,NewWhale,Universe,5000\n")
    dialog = window.import_paths([log])
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    return dialog


def new_account_in(dialog, monkeypatch, handle: str, zone: str) -> None:
    from app.ui.dialogs import import_dialog
    monkeypatch.setattr(import_dialog, "ask_new_account", lambda _parent: (handle, "EU", zone))
    dialog.account_choice.setCurrentIndex(dialog.account_choice.findData("New account\u2026"))
    wait_for_workers()


def test_an_account_added_in_the_import_dialog_is_undone(window, demo_db, qtbot, tmp_path,
                                                         monkeypatch):
    dialog = import_dialog_on(window, qtbot, tmp_path)
    before = snapshot(demo_db)
    new_account_in(dialog, monkeypatch, "@newbie", "Europe/Berlin")
    qtbot.waitUntil(lambda: dialog.account_choice.currentData() == "newbie", timeout=20_000)
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    round_trip(window, demo_db, before, "Add account @newbie")
    dialog.close_button.click()


def test_a_refused_account_in_the_import_dialog_writes_nothing(window, demo_db, qtbot,
                                                               tmp_path, monkeypatch, yes):
    dialog = import_dialog_on(window, qtbot, tmp_path)
    before = snapshot(demo_db)
    new_account_in(dialog, monkeypatch, "other", "Europe")  # a partial zone
    qtbot.waitUntil(lambda: dialog.problem.text().startswith("The account was not added"),
                    timeout=20_000)
    assert snapshot(demo_db) == before
    assert menu_texts(window) == ("Nothing to undo", "Nothing to redo")
    assert yes == []  # said in the dialog
    dialog.close_button.click()


def test_a_profile_saved_in_the_import_dialog_is_undone(window, demo_db, qtbot, tmp_path,
                                                        monkeypatch):
    from app.ui.dialogs import import_dialog
    monkeypatch.setattr(import_dialog, "ask_profile_name", lambda _parent, _name: "mine")
    dialog = import_dialog_on(window, qtbot, tmp_path)
    before = snapshot(demo_db)
    with qtbot.waitSignal(dialog.profile_saved, timeout=20_000):
        dialog.save_button.click()
    wait_for_workers()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    round_trip(window, demo_db, before, "Save profile \u201cmine\u201d")
    dialog.close_button.click()


def test_opening_another_ledger_says_why_there_is_nothing_to_undo(window, tmp_path,
                                                                  monkeypatch):
    delete_first_payout(window)
    assert window.undo.undo_action.isEnabled()
    monkeypatch.setattr(ledger_files, "choose_new", lambda _parent: tmp_path / "new.sqlite3")
    opened = window.ledger_files.new_ledger()
    assert opened is not None
    try:
        assert menu_texts(opened)[0] == "Nothing to undo (a new ledger was opened)"
        assert not opened.undo.undo_action.isEnabled()
    finally:
        if opened.setup_dialog is not None:
            opened.setup_dialog.close()
        opened.close()


def test_another_programs_change_to_the_same_payout_clears_the_stack(window, demo_db, qtbot,
                                                                     db_path, yes):
    from dataclasses import replace

    from app.services.ledger import open_db
    pay = page(window, "Payouts")
    pay.table.selectRow(0)
    pay.edit_button.click()
    pay.dialog.amount.setText("190")
    pay.dialog.ok_button.click()
    wait_for_workers()
    assert menu_texts(window)[0] == "Undo Edit payout of $190.00"
    other = open_db(db_path)  # the command line, say
    try:
        row = next(r for r in payout_service.payouts(other).rows if r.form.amount == "190")
        payout_service.edit_payout(other, row.payout_id, replace(row.form, amount="55"))
    finally:
        other.close()
    changed = snapshot(demo_db)
    qtbot.waitUntil(lambda: menu_texts(window)[0].startswith("Nothing to undo"), timeout=3000)
    assert menu_texts(window)[0] == "Nothing to undo (another program changed the ledger)"
    undo(window)
    assert snapshot(demo_db) == changed
