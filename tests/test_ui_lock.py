"""A ledger already open in a window of another process: File > Open asks Open read-only /
Open anyway / Cancel, a read-only window changes nothing (every write path refused, Edit >
Undo / Redo off, the file's bytes as they were) yet shows the other process's writes, and a
window killed with kill -9 leaves no lock that blocks. The other window is a real
`diamond-ledger` process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import GIFT_HEADER, snapshot, write
from lock_windows import demo_ledger, end, open_from_menu, window_process
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from app.services import payouts as payout_service
from app.services.lock import lock_path, read_holder
from app.store.db import open_db
from app.ui import ledger_files
from app.ui.dialogs import confirm, lock_dialog, rate_dialog
from app.ui.dialogs.settings_dialog import SettingsChoice
from app.ui.edits import Edit
from app.ui.read_only import READ_ONLY_TEXT, REFUSAL, is_write
from app.ui.window import PAGES, MainWindow
from app.ui.worker import wait_for_workers


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A demo ledger open in another process's window for the tests of this module."""
    folder = tmp_path_factory.mktemp("held")
    ledger = demo_ledger(folder / "shared.sqlite3")
    proc = window_process(ledger, folder)
    yield ledger, proc.pid
    end(proc)


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every "Delete...?" is answered Yes (a read-only window must refuse before asking
    matters not: nothing may be written either way); every notice is kept, not shown."""
    notices: list[tuple[str, str]] = []
    monkeypatch.setattr(confirm, "ask", lambda *_args: True)
    monkeypatch.setattr(confirm, "tell",
                        lambda _parent, title, text: notices.append((title, text)))
    return notices


@pytest.fixture(autouse=True)
def _close_windows(qapp) -> Iterator[None]:
    """Windows opened from the menu delete themselves on close: close them all at the end."""
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            w.close()


def write_controls(window: MainWindow) -> list[object]:
    return [c for c in window.findChildren(QPushButton) if is_write(c)]


def test_open_read_only_names_the_other_window_and_disables_every_write(
        qtbot, db, monkeypatch, held):
    ledger, pid = held
    before = snapshot(open_db(ledger))
    _, window, asked = open_from_menu(qtbot, db, monkeypatch, ledger, "Open read-only")
    assert asked and str(ledger) in asked[0] and f"process {pid}" in asked[0]
    assert window is not None and window.read_only
    assert window.read_only_label.text() == READ_ONLY_TEXT
    assert window.read_only_label.isVisible()
    assert "(read-only)" in window.windowTitle()
    pages = window.pages  # every page built
    controls = write_controls(window)
    assert len(controls) >= 15  # payouts, imports, rates, catalogue, check-in, calibration...
    assert not [c.text() for c in controls if c.isEnabled()]
    payouts = pages[PAGES.index("Payouts")]
    payouts.table.selectRow(0)  # selecting a row turns Edit and Delete on in a normal window
    assert not payouts.edit_button.isEnabled() and not payouts.delete_button.isEnabled()
    payouts.edit()  # a double-click on the row: no dialog, a notice why
    assert payouts.dialog is None
    file_menu = {a.text(): a.isEnabled() for a in window.menuBar().actions()[0].menu().actions()}
    assert not file_menu["&Import\u2026"] and not file_menu["R&estore\u2026"]
    assert file_menu["&Backup\u2026"] and file_menu["Export &CSV\u2026"]  # reading is fine
    settings = window.open_settings()
    assert not settings.region.isEnabled() and not settings.timezone.isEnabled()
    assert settings.theme.isEnabled()
    settings.reject()
    window.close()
    assert snapshot(open_db(ledger)) == before


def test_open_anyway_opens_a_window_that_can_write(qtbot, db, monkeypatch, held):
    ledger, _ = held
    _, window, asked = open_from_menu(qtbot, db, monkeypatch, ledger, "Open anyway")
    assert asked
    assert window is not None and not window.read_only
    assert "(read-only)" not in window.windowTitle()
    payouts = window.page(PAGES.index("Payouts"))
    payouts.table.selectRow(0)
    assert payouts.add_button.isEnabled() and payouts.delete_button.isEnabled()
    window.close()


def test_cancel_opens_nothing_and_the_window_stays_on_its_ledger(qtbot, db, monkeypatch, held):
    ledger, _ = held
    first, opened, asked = open_from_menu(qtbot, db, monkeypatch, ledger, "Cancel")
    assert asked
    assert opened is None
    assert first.isVisible() and first.db is db


def test_the_command_line_is_not_blocked_by_a_window_holding_the_ledger(held, tmp_path):
    ledger, _ = held
    log = write(tmp_path / "whale.csv", f"{GIFT_HEADER}\n2026-08-03 12:00:00,CliWhale,Rose,1\n")
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(ledger), "import", str(log),
                           "--kind", "gifts", "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imports"][0]["inserted"] == 1
    helped = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert "SQLite's own locking" in " ".join(helped.stdout.split())


def test_a_window_killed_with_sigkill_leaves_no_lock_that_asks(qtbot, db, monkeypatch,
                                                               tmp_path):
    ledger = demo_ledger(tmp_path / "crashed.sqlite3")
    proc = window_process(ledger, tmp_path)
    proc.send_signal(signal.SIGKILL)  # kill -9: the window gets no chance to clean up
    proc.communicate(timeout=30)
    assert read_holder(lock_path(ledger)).pid == proc.pid  # its lock file is left behind
    monkeypatch.setattr(lock_dialog, "ask", lambda *_args: pytest.fail("asked"))
    _, window, _ = open_from_menu(qtbot, db, monkeypatch, ledger, None)
    assert window is not None and not window.read_only
    assert read_holder(lock_path(ledger)).pid == os.getpid()  # this window holds it now
    window.close()
    assert not lock_path(ledger).exists()  # closing lets it go


def test_a_window_that_holds_the_ledger_makes_the_next_process_ask(qtbot, db, monkeypatch,
                                                                   tmp_path):
    ledger = demo_ledger(tmp_path / "mine.sqlite3")
    _, window, _ = open_from_menu(qtbot, db, monkeypatch, ledger, None)
    assert window is not None
    probe = ("import sys; from pathlib import Path; from app.services.lock import acquire; "
             "print(type(acquire(Path(sys.argv[1]))).__name__)")
    found = subprocess.run([sys.executable, "-c", probe, str(ledger)], capture_output=True,
                           text=True, timeout=60)
    assert found.stdout.strip() == "Holder"
    window.close()
    found = subprocess.run([sys.executable, "-c", probe, str(ledger)], capture_output=True,
                           text=True, timeout=60)
    assert found.stdout.strip() == "LedgerLock"


def refused_each(told: list[tuple[str, str]], attempts: dict[str, object]) -> list[str]:
    """The attempts (name: a call) that were not refused with the read-only message."""
    missed = []
    for name, attempt in attempts.items():
        before = len(told)
        attempt()  # type: ignore[operator]
        wait_for_workers()
        if [text for _, text in told[before:]] != [REFUSAL]:
            missed.append(name)
    return missed


def test_a_read_only_window_refuses_every_write_and_undo_and_the_file_is_unchanged(
        qtbot, db, monkeypatch, held, told, tmp_path):
    ledger, _ = held
    before_bytes, before = ledger.read_bytes(), snapshot(open_db(ledger))
    _, window, _ = open_from_menu(qtbot, db, monkeypatch, ledger, "Open read-only")
    assert window is not None and window.read_only
    chosen: list[str] = []  # refused before a file is even asked for
    monkeypatch.setattr(ledger_files, "choose_existing", lambda *_a: chosen.append("backup"))
    monkeypatch.setattr(rate_dialog, "choose_csv", lambda *_a: chosen.append("rates CSV"))
    pages = {name: window.page(PAGES.index(name)) for name in PAGES}
    payouts, imports, rates = pages["Payouts"], pages["Imports"], pages["Rates"]
    payouts.table.selectRow(0)
    imports.select_batch(3)
    rates.table.selectRow(0)
    rates.gifts.table.selectRow(0)
    rates.packs.table.selectRow(0)
    payout_id = payouts.selected().payout_id
    log = write(tmp_path / "late.csv", f"{GIFT_HEADER}\n2026-08-04 12:00:00,LateFan,Rose,1\n")
    missed = refused_each(told, {
        "payout add": payouts.add, "payout edit (a double-click)": payouts.edit,
        "payout delete": payouts.delete,
        "a page's run_edit (the undo stack)": lambda: payouts.run_edit(Edit(
            "Delete payout", lambda d: payout_service.delete_payout(d, payout_id),
            "Payout not deleted")),
        "rate add": rates.add, "rate edit": rates.edit, "rates restore": rates.restore,
        "exchange-rate import": rates.import_fx,
        "gift add": rates.gifts.add, "gift price": rates.gifts.change,
        "pack add": rates.packs.add, "pack price": rates.packs.change,
        "check-in": pages["Overview"].open_checkin,
        "calibration": pages["Planner"].save_calibration,
        "import undo": imports.undo, "retry": imports.retry,
        "add a rejected row's gift": imports.add_gift,
        "say which gift a rejected row's name is": lambda: imports.choose_gift(
            rates.gifts.selected().value),
        "File > Import": window.open_import, "import dialog": lambda: window.import_paths([log]),
        "File > Set Up Account": window.open_setup,
        "File > Restore": window.ledger_files.restore,
    })
    assert missed == []
    assert chosen == []
    assert payouts.dialog is None and rates.dialog is None and rates.gifts.dialog is None
    assert imports.dialog is None
    assert pages["Overview"].checkin_dialog is None and window.import_dialog is None
    window.apply_settings(SettingsChoice("light", str(ledger), "GB", "Europe/London"))
    undo, redo = window.undo.undo_action, window.undo.redo_action
    assert (undo.text(), redo.text()) == ("Nothing to undo (this window is read-only)",
                                          "Nothing to redo (this window is read-only)")
    assert not undo.isEnabled() and not redo.isEnabled()
    window.activateWindow()
    for key in (Qt.KeyboardModifier.ControlModifier,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
        QTest.keyClick(window, Qt.Key.Key_Z, key)  # Ctrl+Z, Ctrl+Shift+Z
    undo.trigger()
    redo.trigger()
    window.undo.undo()
    window.undo.redo()
    wait_for_workers()
    assert not window.undo.stack.commands and not undo.isEnabled()
    window.close()
    wait_for_workers()
    assert snapshot(open_db(ledger)) == before
    assert ledger.read_bytes() == before_bytes


def test_a_read_only_window_shows_another_processs_writes_within_seconds(
        qtbot, db, monkeypatch, held, tmp_path):
    ledger, _ = held
    _, window, _ = open_from_menu(qtbot, db, monkeypatch, ledger, "Open read-only")
    assert window is not None and window.read_only
    window.show_page(PAGES.index("Imports"))
    imports = window.page(PAGES.index("Imports"))
    shown = imports.model.rowCount()
    log = write(tmp_path / "elsewhere.csv",
                f"{GIFT_HEADER}\n2026-08-05 12:00:00,ElsewhereFan,Rose,1\n")
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(ledger), "import", str(log),
                           "--kind", "gifts", "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: imports.model.rowCount() == shown + 1, timeout=10_000)
    assert "elsewhere.csv" in [r.file_name for r in imports.model.rows()]
    assert "(read-only)" in window.windowTitle()
    window.close()
