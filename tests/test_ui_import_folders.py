"""The import dialog adds a folder (a TXT export is a folder; so is a logger's recordings)
and opens its choosers in the folder the creator last chose from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from helpers import open_import_dialog as open_dialog  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402

from app.services import accounts  # noqa: E402
from app.ui.dialogs import import_dialog  # noqa: E402
from app.ui.dialogs.import_dialog import ImportDialog  # noqa: E402
from app.ui.window import MainWindow  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
TXT_EXPORT = FIXTURES / "tiktok_export" / "txt_export"
LOGGER = FIXTURES / "logger_session"


pytestmark = pytest.mark.usefixtures("nothing_left_running")


def listed(dialog: ImportDialog) -> list[str]:
    return [dialog.files.item(i).text() for i in range(dialog.files.count())]


def test_a_txt_export_folder_is_added_and_imported(qtbot, monkeypatch, ledger, db_path,
                                                   tmp_path):
    downloads = tmp_path / "Downloads"
    export = shutil.copytree(TXT_EXPORT, downloads / "TikTok_Data")
    logger = shutil.copytree(LOGGER, tmp_path / "logger")
    gifts = next(p for p in sorted(logger.iterdir()) if p.name.endswith("_gifts.csv"))
    dialog = open_dialog(qtbot, db_path, gifts)
    monkeypatch.setattr(import_dialog, "choose_folder", lambda parent, start="": export)
    dialog.folder_button.click()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert listed(dialog) == [gifts.name, "TikTok_Data"]
    assert dialog.files.currentRow() == 1  # the folder is shown
    assert dialog.kind.itemText(0) == "auto: sessions, payouts"
    assert dialog.import_button.text() == "Import 2 files"
    with qtbot.waitSignal(dialog.import_finished, timeout=30_000):
        dialog.import_button.click()
    kinds = {row[0] for row in ledger.execute("SELECT kind FROM imports").fetchall()}
    assert {"sessions", "payouts"} <= kinds
    assert import_dialog.last_folder() == str(downloads)
    dialog.close()


def test_a_logger_folder_adds_its_table_files(qtbot, monkeypatch, ledger, db_path, tmp_path):
    logger = shutil.copytree(LOGGER, tmp_path / "logger")
    first = sorted(p for p in logger.iterdir() if p.suffix == ".csv")[0]
    dialog = open_dialog(qtbot, db_path, first)
    monkeypatch.setattr(import_dialog, "choose_folder", lambda parent, start="": logger)
    dialog.folder_button.click()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    tables = sorted(p.name for p in logger.iterdir() if p.suffix in (".csv", ".txt"))
    assert sorted(listed(dialog)) == tables  # the file already listed is not added twice
    monkeypatch.setattr(import_dialog, "choose_folder", lambda parent, start="": None)
    dialog.folder_button.click()  # cancelled: nothing changes
    assert sorted(listed(dialog)) == tables
    dialog.close()


def test_the_choosers_open_in_the_folder_last_chosen_from(qtbot, monkeypatch, ledger,
                                                          db_path, tmp_path):
    shown: list[str] = []
    first, second = tmp_path / "a" / "one.csv", tmp_path / "b" / "two.csv"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text("time,sender,gift,coins\n2026-08-03 10:00:00,ann,Rose,1\n")
    picks = iter([[first], [second]])
    monkeypatch.setattr(import_dialog, "choose_files",
                        lambda parent, start="": shown.append(start) or next(picks))
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    [action] = [a for a in window.findChildren(QAction) if a.text() == "&Import\u2026"]
    action.trigger()
    dialog = window.import_dialog
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    dialog.files_button.click()  # the dialog's own Files... button
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert listed(dialog) == ["one.csv", "two.csv"]
    assert shown == ["", str(first.parent)]
    assert import_dialog.last_folder() == str(second.parent)
    dialog.close()
    window.close()


# --- the account ------------------------------------------------------------------------------

GIFTS = "time,sender,gift,coins\n2026-08-03 10:00:00,ann,Rose,1\n"


def account_counts(db) -> dict[str, int]:
    rows = db.execute("SELECT a.handle, count(g.id) FROM accounts a "
                      "LEFT JOIN gifts g ON g.account_id = a.id GROUP BY a.handle").fetchall()
    return dict(rows)


def test_the_account_is_chosen_from_the_ledgers_accounts(qtbot, ledger, db_path, tmp_path):
    accounts.add(ledger, "second", "GB", "Europe/London")
    path = tmp_path / "gifts.csv"
    path.write_text(GIFTS)
    dialog = open_dialog(qtbot, db_path, path)
    items = [dialog.account_choice.itemText(i) for i in range(dialog.account_choice.count())]
    assert items == ["@me \u00b7 US", "@second \u00b7 GB", "New account\u2026"]
    assert dialog.account_choice.currentIndex() == 0
    dialog.account_choice.setCurrentIndex(1)
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert dialog.account.text().startswith("Into @second \u00b7 times in Europe/London")
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert account_counts(ledger) == {"me": 0, "second": 1}
    dialog.close()


def test_a_new_account_is_asked_for_and_imported_into(qtbot, monkeypatch, ledger, db_path,
                                                      tmp_path):
    path = tmp_path / "gifts.csv"
    path.write_text(GIFTS)
    dialog = open_dialog(qtbot, db_path, path)
    monkeypatch.setattr(import_dialog, "ask_new_account",
                        lambda parent: ("@newbie", "EU", "Europe/Berlin"))
    dialog.account_choice.setCurrentIndex(dialog.account_choice.findData("New account\u2026"))
    qtbot.waitUntil(lambda: dialog.account_choice.currentData() == "newbie", timeout=20_000)
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert dialog.account.text().startswith("Into @newbie \u00b7 times in Europe/Berlin")
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert account_counts(ledger) == {"me": 0, "newbie": 1}
    dialog.close()


def test_a_refused_new_account_adds_nothing_and_says_why(qtbot, monkeypatch, ledger, db_path,
                                                         tmp_path):
    path = tmp_path / "gifts.csv"
    path.write_text(GIFTS)
    dialog = open_dialog(qtbot, db_path, path)
    monkeypatch.setattr(import_dialog, "ask_new_account",
                        lambda parent: ("other", "US", "Europe"))  # a partial zone
    dialog.account_choice.setCurrentIndex(dialog.account_choice.findData("New account\u2026"))
    qtbot.waitUntil(lambda: dialog.problem.text().startswith("The account was not added"),
                    timeout=20_000)
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert "\n" not in dialog.problem.text()
    assert dialog.account_choice.currentData() == "me"
    assert [a.handle for a in accounts.queries.accounts(ledger)] == ["me"]
    dialog.close()
