"""A read-only window whose other window goes away: it notices within seconds (the other window
killed with kill -9, or closed as the creator closes it), says so in a banner and waits to be
asked; Make writable takes the lock, and from then on every write control and slot works as in
any window, Edit > Undo with them, each control as its page wants it. A window that took the
ledger first keeps this one read-only, and the banner says so. The other windows are real
processes; nothing of the ledger's file changes until the creator writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import snapshot
from lock_windows import close_window, demo_ledger, end, open_from_menu, window_process
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.services.lock import lock_path, read_holder
from app.store.db import open_db
from app.ui.dialogs import confirm
from app.ui.ledger_lock import FREED_MS
from app.ui.read_only import REFUSAL, is_write
from app.ui.widgets.lock_banner import FREED, MAKE_WRITABLE, TAKEN
from app.ui.window import PAGES, MainWindow
from app.ui.worker import wait_for_workers

OFFER_TIMEOUT_MS = 2 * FREED_MS + 1000  # one look every 2 s, and a slow machine's slack
PROBE = ("import sys; from pathlib import Path; from app.services.lock import acquire; "
         "print(type(acquire(Path(sys.argv[1]))).__name__)")


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every "Delete...?" is answered Yes; every notice is kept, not shown."""
    notices: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda *_args: True)
    monkeypatch.setattr(confirm, "tell", lambda _parent, _title, text: notices.append(text))
    return notices


@pytest.fixture(autouse=True)
def _close_windows(qapp) -> Iterator[None]:
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            w.close()
    wait_for_workers()


@pytest.fixture
def others() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The other windows' processes a test starts, ended after it whatever happened."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        end(proc)


def read_only_window(qtbot, db, monkeypatch, ledger: Path) -> MainWindow:
    _, window, asked = open_from_menu(qtbot, db, monkeypatch, ledger, "Open read-only")
    assert asked and window is not None and window.read_only
    return window


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)  # kill -9: no clean-up of any kind
    proc.communicate(timeout=30)


def wait_for_offer(qtbot, window: MainWindow) -> float:
    """Seconds until the banner offers Make writable."""
    start = time.monotonic()
    qtbot.waitUntil(lambda: window.lock_banner.offering, timeout=OFFER_TIMEOUT_MS)
    return time.monotonic() - start


def press_make_writable(qtbot, window: MainWindow) -> None:
    button = window.lock_banner.button
    assert button.isVisible() and button.isEnabled() and button.text() == MAKE_WRITABLE
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def other_process_finds(ledger: Path) -> str:
    """"Holder" when another process opening the ledger now would be asked, else "LedgerLock"."""
    found = subprocess.run([sys.executable, "-c", PROBE, str(ledger)], capture_output=True,
                           text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def still_read_only(window: MainWindow) -> None:
    payouts = window.page(PAGES.index("Payouts"))
    assert window.read_only and "(read-only)" in window.windowTitle()
    assert window.read_only_label.isVisible()
    assert not payouts.add_button.isEnabled()
    assert not window.undo.undo_action.isEnabled()


@pytest.mark.parametrize("goes", ["killed with SIGKILL", "closed"])
def test_the_offer_appears_only_once_the_other_window_is_gone_and_changes_nothing_by_itself(
        qtbot, db, monkeypatch, tmp_path, others, goes):
    ledger = demo_ledger(tmp_path / "shared.sqlite3")
    proc = window_process(ledger, tmp_path, closable=goes == "closed")
    others.append(proc)
    window = read_only_window(qtbot, db, monkeypatch, ledger)
    qtbot.wait(FREED_MS + 500)  # the window has looked at least once more
    assert not window.lock_banner.isVisible()  # the other window is still there
    before = ledger.read_bytes()
    if goes == "closed":
        close_window(proc)
        assert not lock_path(ledger).exists()  # it let go as a closing window does
    else:
        kill(proc)
        assert read_holder(lock_path(ledger)).pid == proc.pid  # its file is left behind
    assert wait_for_offer(qtbot, window) < OFFER_TIMEOUT_MS / 1000
    assert window.lock_banner.isVisible()
    assert window.lock_banner.headline.text() == FREED
    assert "make it writable" in window.lock_banner.text()
    still_read_only(window)  # never switched without being asked
    assert other_process_finds(ledger) == "LedgerLock"  # looking took no lock
    assert ledger.read_bytes() == before


def test_make_writable_takes_the_lock_and_a_payout_add_works_and_is_undone(
        qtbot, db, monkeypatch, tmp_path, others, told):
    ledger = demo_ledger(tmp_path / "shared.sqlite3")
    others.append(proc := window_process(ledger, tmp_path))
    window = read_only_window(qtbot, db, monkeypatch, ledger)
    kill(proc)
    wait_for_offer(qtbot, window)
    before_bytes, before = ledger.read_bytes(), snapshot(open_db(ledger))
    press_make_writable(qtbot, window)
    assert not window.read_only and window.windowTitle() == "Diamond Ledger"
    assert not window.lock_banner.isVisible() and not window.read_only_label.isVisible()
    assert read_holder(lock_path(ledger)).pid == os.getpid()
    assert other_process_finds(ledger) == "Holder"  # the next window is warned again
    assert ledger.read_bytes() == before_bytes  # taking the lock wrote nothing to the ledger
    # not "(another ledger was opened)": the window that opened it read-only is writable now
    assert window.undo.undo_action.text() == "Nothing to undo"
    payouts = window.page(PAGES.index("Payouts"))
    window.show_page(PAGES.index("Payouts"))
    assert payouts.add_button.isEnabled()
    qtbot.mouseClick(payouts.add_button, Qt.MouseButton.LeftButton)
    assert payouts.dialog is not None
    payouts.dialog.amount.setText("50")
    payouts.dialog.method.setCurrentText("PayPal")
    payouts.dialog.ok_button.click()
    wait_for_workers()
    assert told == []
    added = snapshot(open_db(ledger))
    assert len(added["payouts"]) == len(before["payouts"]) + 1
    undo = window.undo.undo_action
    assert undo.isEnabled() and undo.text() == "Undo Add payout of $50.00"
    undo.trigger()
    wait_for_workers()
    assert snapshot(open_db(ledger)) == before
    window.undo.redo_action.trigger()
    wait_for_workers()
    assert snapshot(open_db(ledger)) == added
    window.close()
    assert other_process_finds(ledger) == "LedgerLock"  # closing lets it go


def select_as_a_reader_might(window: MainWindow) -> None:
    """A payout row selected (Edit and Delete wanted on); a rate row selected and then no
    longer (its Edit wanted off again: a change the guard never sees as an event)."""
    window.page(PAGES.index("Payouts")).table.selectRow(0)
    rates = window.page(PAGES.index("Rates"))
    rates.table.selectRow(0)
    rates.table.clearSelection()


def write_controls(window: MainWindow) -> dict[str, list[tuple[str, bool]]]:
    """Each page's write buttons (in the order the page made them), on or off; and the File
    menu's write entries."""
    found = {name: [(b.text(), b.isEnabled()) for b in page.findChildren(QPushButton)
                    if is_write(b)] for name, page in zip(PAGES, window.pages, strict=True)}
    file_menu = window.menuBar().actions()[0].menu()
    found["File menu"] = [(a.text(), a.isEnabled()) for a in file_menu.actions() if is_write(a)]
    return found


def test_made_writable_every_control_is_as_its_page_wants_it_not_merely_turned_on(
        qtbot, db, monkeypatch, tmp_path, others):
    ledger = demo_ledger(tmp_path / "shared.sqlite3")
    others.append(proc := window_process(ledger, tmp_path))
    window = read_only_window(qtbot, db, monkeypatch, ledger)
    window.pages  # noqa: B018 (every page built, and locked, while read-only)
    select_as_a_reader_might(window)
    assert not any(on for controls in write_controls(window).values() for _, on in controls)
    kill(proc)
    wait_for_offer(qtbot, window)
    press_make_writable(qtbot, window)
    writable = MainWindow(open_db(ledger))  # a window that was never read-only, same state
    qtbot.addWidget(writable)
    writable.pages  # noqa: B018
    select_as_a_reader_might(writable)
    made = write_controls(window)
    assert made == write_controls(writable)
    payouts, rates = made["Payouts"], made["Rates"]
    assert ("Delete", True) in payouts and ("Edit\u2026", True) in payouts
    assert [on for text, on in rates if text == "Edit\u2026"][:1] == [False]
    assert ("Set &Up Account\u2026", False) in made["File menu"]  # the ledger has its account
    assert ("&Import\u2026", True) in made["File menu"]
    writable.close()


def test_a_window_that_took_the_ledger_first_keeps_this_one_read_only_and_it_says_so(
        qtbot, db, monkeypatch, tmp_path, others, told):
    ledger = demo_ledger(tmp_path / "shared.sqlite3")
    others.append(first := window_process(ledger, tmp_path))
    window = read_only_window(qtbot, db, monkeypatch, ledger)
    kill(first)
    wait_for_offer(qtbot, window)
    before = ledger.read_bytes()
    others.append(third := window_process(ledger, tmp_path, closable=True))  # unasked
    press_make_writable(qtbot, window)  # before the window looked again
    banner = window.lock_banner
    assert banner.isVisible() and banner.headline.text() == TAKEN
    assert f"process {third.pid}" in banner.text()
    assert not banner.button.isVisible()
    still_read_only(window)
    window.page(PAGES.index("Payouts")).add()
    assert told == [REFUSAL]
    assert read_holder(lock_path(ledger)).pid == third.pid
    close_window(third)  # the third window closes too: the offer comes back
    wait_for_offer(qtbot, window)
    others.append(fourth := window_process(ledger, tmp_path))
    qtbot.waitUntil(lambda: not banner.offering, timeout=OFFER_TIMEOUT_MS)  # not pressed
    assert banner.headline.text() == TAKEN and f"process {fourth.pid}" in banner.text()
    still_read_only(window)
    assert ledger.read_bytes() == before
    kill(fourth)
    wait_for_offer(qtbot, window)
    press_make_writable(qtbot, window)
    assert not window.read_only and read_holder(lock_path(ledger)).pid == os.getpid()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_window_ended_by_a_signal_closes_as_the_creator_closes_it(tmp_path, others, signum):
    """A logout's SIGTERM, or Ctrl+C in the terminal that started it: the window closes as
    by hand, saving where it was and letting go of the ledger (its lock file removed), and
    the process exits 0. Before, SIGTERM ended it on the spot and left both undone."""
    ledger = demo_ledger(tmp_path / "signalled.sqlite3")
    home = tmp_path / "home"
    others.append(proc := window_process(ledger, home))
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert not lock_path(ledger).exists()
    [saved] = (home / "config").rglob("*.conf")  # the window's size and place, as on a close
    assert "geometry=" in saved.read_text(errors="replace")


def test_a_window_opened_anyway_takes_the_lock_once_the_other_lets_go(qtbot, db, monkeypatch,
                                                                       tmp_path, others):
    """Opened anyway, a window holds no lock: while the other window is there a third is
    warned by that one; once it is gone this window takes the lock itself, so a window
    opened after it is warned too (it had opened without a word)."""
    ledger = demo_ledger(tmp_path / "shared.sqlite3")
    others.append(proc := window_process(ledger, tmp_path))
    _, window, asked = open_from_menu(qtbot, db, monkeypatch, ledger, "Open anyway")
    assert asked and window is not None and not window.read_only
    kill(proc)
    qtbot.waitUntil(lambda: read_holder(lock_path(ledger)).pid == os.getpid(),
                    timeout=OFFER_TIMEOUT_MS)
    assert other_process_finds(ledger) == "Holder"
    assert not window.lock_banner.isVisible()  # nothing to ask: it could write all along
    window.close()
    assert other_process_finds(ledger) == "LedgerLock"
