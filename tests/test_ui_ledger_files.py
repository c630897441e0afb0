"""File menu like a desktop app's: New Ledger, Open Ledger, Open Recent (the last five),
Backup, Restore and Export CSV, on real ledger files in tmp_path; the file dialogs are replaced
through app.ui.ledger_files' wrappers, as tests replace the other modal dialogs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services import accounts
from app.store import queries
from app.store.db import open_db
from app.ui import ledger_files
from app.ui.dialogs import confirm, errors
from app.ui.settings import Settings
from app.ui.window import MainWindow


@pytest.fixture
def reported(monkeypatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(errors, "report", lambda parent, title, text, details="":
                        seen.append(f"{title}: {text}"))
    return seen


@pytest.fixture
def start(qtbot, demo_db):
    window = MainWindow(demo_db, settings=Settings())
    qtbot.addWidget(window)
    window.show()
    yield window
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            w.close()


def a_ledger(path: Path, handle: str) -> Path:
    db = open_db(path)
    accounts.add(db, handle, "GB", "Europe/London")
    db.close()
    return path


def shown(window: MainWindow) -> MainWindow:
    opened = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, MainWindow) and w.isVisible()]
    assert len(opened) == 1
    return opened[0]


def test_open_ledger_shows_that_ledgers_account_in_place_of_this_one(
        qtbot, monkeypatch, start, tmp_path):
    other = a_ledger(tmp_path / "other.sqlite3", "luna")
    monkeypatch.setattr(ledger_files, "choose_existing", lambda parent, title, folder="": other)
    start.ledger_files.open_ledger()
    now = shown(start)
    assert now is not start and not start.isVisible()
    assert now.balance_label.text() == "No earnings yet"
    assert accounts.resolve(now.db, None).handle == "luna"
    assert str(other) in now.ledger_label.text()


def test_a_file_that_is_not_a_ledger_is_one_message_and_the_window_stays(
        qtbot, monkeypatch, start, tmp_path, reported):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("shopping list\n")
    monkeypatch.setattr(ledger_files, "choose_existing", lambda parent, title, folder="": junk)
    assert start.ledger_files.open_ledger() is None
    assert shown(start) is start
    assert len(reported) == 1 and "\n" not in reported[0]
    assert junk.read_text() == "shopping list\n"


def test_new_ledger_opens_empty_and_asks_for_the_account_first(qtbot, monkeypatch, start,
                                                               tmp_path):
    fresh = tmp_path / "fresh.sqlite3"
    monkeypatch.setattr(ledger_files, "choose_new", lambda parent: fresh)
    now = start.ledger_files.new_ledger()
    assert now is not None and fresh.exists()
    assert now.needs_setup() and now.setup_dialog.isVisible()
    now.setup_dialog.reject()


def test_new_ledger_refuses_an_existing_file(qtbot, monkeypatch, start, tmp_path, reported):
    existing = a_ledger(tmp_path / "mine.sqlite3", "luna")
    monkeypatch.setattr(ledger_files, "choose_new", lambda parent: existing)
    assert start.ledger_files.new_ledger() is None
    assert shown(start) is start and "already exists" in reported[0]


def test_open_recent_keeps_the_last_five_newest_first(qtbot, monkeypatch, start, tmp_path):
    paths = [a_ledger(tmp_path / f"l{i}.sqlite3", f"c{i}") for i in range(7)]
    window = start
    for path in [*paths, paths[2]]:
        monkeypatch.setattr(ledger_files, "choose_existing", lambda p, t, f="", x=path: x)
        window = window.ledger_files.open_ledger()
    assert ledger_files.recent(Settings()) == [str(p.resolve()) for p in
                                               (paths[2], paths[6], paths[5], paths[4],
                                                paths[3])]
    window.ledger_files.fill_recent()
    entries = window.ledger_files.recent_menu.actions()
    assert [a.text() for a in entries][1] == str(paths[6].resolve())
    entries[1].trigger()
    assert accounts.resolve(shown(window).db, None).handle == "c6"


def test_backup_then_restore_brings_back_a_deleted_payout_history(
        qtbot, monkeypatch, start, tmp_path):
    copy = tmp_path / "copies" / "before.sqlite3"
    monkeypatch.setattr(ledger_files, "choose_save", lambda parent, title, suggested, k: copy)
    assert start.ledger_files.backup() == copy
    before = queries.accounts(start.db)
    payouts = start.db.execute("SELECT count(*) FROM payouts").fetchone()[0]
    assert payouts > 0
    with start.db.atomic():
        start.db.execute("DELETE FROM payouts")
    monkeypatch.setattr(ledger_files, "choose_existing", lambda parent, title, folder="": copy)
    monkeypatch.setattr(confirm, "ask", lambda *args: True)
    now = start.ledger_files.restore()
    assert now is not None and now is not start
    assert now.db.execute("SELECT count(*) FROM payouts").fetchone()[0] == payouts
    assert queries.accounts(now.db) == before
    # the replaced window lets go of the file (on Windows an open handle blocks the swap)
    assert start._watch is None or start._watch._conn is None


def test_restoring_a_file_that_is_no_backup_changes_nothing(qtbot, monkeypatch, start,
                                                            tmp_path, reported):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\0" * 4096)
    payouts = start.db.execute("SELECT count(*) FROM payouts").fetchone()[0]
    monkeypatch.setattr(ledger_files, "choose_existing", lambda parent, title, folder="": junk)
    monkeypatch.setattr(confirm, "ask", lambda *args: True)
    now = start.ledger_files.restore()
    assert len(reported) == 1 and "\n" not in reported[0]
    assert now is not None
    assert now.db.execute("SELECT count(*) FROM payouts").fetchone()[0] == payouts


@pytest.mark.parametrize("kind, column", [("gifts", "sender_name"), ("payouts", "status"),
                                          ("sessions", "title"), ("summary", "day")])
def test_export_csv_writes_the_chosen_table(qtbot, monkeypatch, start, tmp_path, kind, column):
    out = tmp_path / f"{kind}.csv"
    monkeypatch.setattr(ledger_files, "choose_export_kind", lambda parent: kind)
    monkeypatch.setattr(ledger_files, "choose_save", lambda parent, title, suggested, k: out)
    assert start.ledger_files.export_csv() == out
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and column in rows[0]


def test_export_on_a_new_ledger_is_a_message(qtbot, monkeypatch, tmp_path, reported):
    db = open_db(tmp_path / "empty.sqlite3")
    window = MainWindow(db)
    qtbot.addWidget(window)
    out = tmp_path / "gifts.csv"
    monkeypatch.setattr(ledger_files, "choose_export_kind", lambda parent: "gifts")
    monkeypatch.setattr(ledger_files, "choose_save", lambda parent, title, suggested, k: out)
    assert window.ledger_files.export_csv() is None
    assert not out.exists() and len(reported) == 1
    window.close()
    db.close()

