"""File > Import as a creator uses it: real files, a real ledger, the work on the worker thread."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from helpers import open_import_dialog as open_dialog  # noqa: E402
from helpers import snapshot  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QAction, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.importers.fields import Mapping  # noqa: E402
from app.services.importing import import_files  # noqa: E402
from app.store import queries  # noqa: E402
from app.ui import worker  # noqa: E402
from app.ui.dialogs import import_dialog  # noqa: E402
from app.ui.dialogs.import_dialog import NOT_MAPPED, ImportDialog  # noqa: E402
from app.ui.window import MainWindow  # noqa: E402

ODD_GIFTS = ("When;Fan;Present;Qty;Cost\n"
             "13.08.2026 10:00:00;Ana;Rose;1;1\n"
             "13.08.2026 10:01:00;Ben;Mystery Box;2;7\n"
             "13.08.2026 10:02:00;Cy;Lion;1;29999\n")


pytestmark = pytest.mark.usefixtures("nothing_left_running")


@pytest.fixture
def odd_file(tmp_path: Path) -> Path:
    path = tmp_path / "odd gifts.csv"
    path.write_text(ODD_GIFTS, encoding="utf-8")
    return path


def gift_count(db) -> int:
    return db.execute("SELECT count(*) FROM gifts").fetchone()[0]


def test_odd_semicolon_headers_are_mapped_and_previewed_as_stored(qtbot, qtmodeltester,
                                                                  ledger, db_path, odd_file):
    dialog = open_dialog(qtbot, db_path, odd_file)
    assert dialog.mapping.mapped() == {"time": "When", "sender_name": "Fan",
                                       "gift_name": "Present", "repeat_count": "Qty"}
    assert dialog.mapping.combos["coins_each"].currentText() == NOT_MAPPED
    assert (dialog.kind.currentText(), dialog.delimiter.text(), dialog.encoding.text()) == (
        "auto: gifts", "semicolon", "utf-8")
    # the rows as they will be stored: local time text, the catalogue's price for a Rose
    assert dialog.rows.headerData(1, Qt.Orientation.Horizontal) == "Time"
    first = [dialog.rows.index(0, c).data() for c in range(dialog.rows.columnCount())]
    assert first[:2] == ["2", "2026-08-13 10:00:00"]
    assert "Rose" in first
    qtmodeltester.check(dialog.rows)
    # "Mystery Box" is not in the catalogue and no column gives its price
    assert dialog.counts.text() == "2 new \u00b7 0 duplicate \u00b7 1 rejected"
    dialog.close()


def test_fixing_a_column_reruns_the_preview_and_the_counts(qtbot, ledger, db_path, odd_file):
    dialog = open_dialog(qtbot, db_path, odd_file)
    combo = dialog.mapping.combos["coins_each"]
    with qtbot.waitSignal(dialog.counts_updated, timeout=20_000):
        combo.setCurrentIndex(combo.findText("Cost"))
    assert dialog.counts.text() == "3 new \u00b7 0 duplicate \u00b7 0 rejected"
    assert dialog.mapping.mapped()["coins_each"] == "Cost"
    senders = [dialog.rows.index(r, 4).data() for r in range(dialog.rows.rowCount())]
    assert senders == ["Ana", "Ben", "Cy"]
    assert gift_count(ledger) == 0  # a preview never writes
    dialog.close()


def test_quick_edits_cost_one_preview(qtbot, ledger, db_path, odd_file):
    dialog = open_dialog(qtbot, db_path, odd_file)
    previews: list[int] = []
    dialog.preview_updated.connect(lambda: previews.append(1))
    with qtbot.waitSignal(dialog.counts_updated, timeout=20_000):
        for fmt in ("dmy", "auto", "dmy"):
            dialog.date_format.setCurrentIndex(dialog.date_format.findData(fmt))
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert previews == [1]
    assert dialog.choices().options == {"date_format": "dmy"}
    assert dialog.date_format.currentData() == "dmy"
    dialog.close()


def test_dropping_a_file_imports_it_and_the_overview_shows_the_new_balance(
        qtbot, ledger, db_path, odd_file):
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    window.show()
    assert window.overview.showing_empty_state
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(odd_file))])
    drop = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    dialog = window.import_dialog
    assert dialog is not None and dialog.files.item(0).text() == "odd gifts.csv"
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert dialog.result_title.text() == "Imported 2 new records"
    assert "odd gifts.csv (gifts): 2 new" in dialog.result_text.toPlainText()
    assert "line 3: " in dialog.result_text.toPlainText()  # the first reasons, by line
    assert gift_count(ledger) == 2
    assert not window.overview.showing_empty_state
    assert window.overview.balance_card.value.text().startswith("$")
    dialog.close_button.click()
    window.close()


def test_file_import_menu_opens_the_chosen_files(qtbot, monkeypatch, ledger, odd_file):
    monkeypatch.setattr(import_dialog, "choose_files", lambda parent, start="": [odd_file])
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    [action] = [a for a in window.findChildren(QAction) if a.text() == "&Import\u2026"]
    assert action.shortcut().toString() == "Ctrl+I"
    action.trigger()
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert dialog.counts.text().startswith("2 new")
    dialog.close()
    window.close()


def big_gift_log(path: Path, rows: int) -> Path:
    lines = ["timestamp,user_id,nickname,gift_name,repeat_count"]
    lines += [f"2026-08-{1 + i // 86400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:"
              f"{i % 60:02d}+00:00,{1000 + i % 5000},fan{i % 5000},Rose,1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cancel_half_way_leaves_the_ledger_as_it_was(qtbot, ledger, db_path, tmp_path,
                                                     odd_file):
    import_files(ledger, [odd_file])
    before = snapshot(ledger)
    big = big_gift_log(tmp_path / "big.csv", 200_000)
    dialog = ImportDialog(db_path, [big])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview_worker is not None
                    and not dialog.preview_worker.running, timeout=20_000)
    dialog.import_button.click()
    job = dialog.import_worker
    assert job is not None
    with qtbot.waitSignal(job.progress_changed, timeout=20_000):
        pass
    assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.cancel_button.click()
    assert dialog.result_title.text() == "Import cancelled: nothing was written"
    assert snapshot(ledger) == before
    assert gift_count(ledger) == 2
    dialog.close()


def test_closing_while_importing_cancels_instead(qtbot, ledger, db_path, tmp_path):
    big = big_gift_log(tmp_path / "big.csv", 100_000)
    before = snapshot(ledger)
    dialog = open_dialog(qtbot, db_path, big)
    dialog.import_button.click()
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.reject()  # Escape
        assert dialog.isVisible()
    assert "cancelled" in dialog.result_title.text()
    assert snapshot(ledger) == before
    dialog.close()


def test_a_file_that_is_not_a_gift_log_shows_its_refusal(qtbot, ledger, db_path, tmp_path,
                                                        odd_file):
    bad = tmp_path / "notes.txt"
    bad.write_text("dear diary\nlots of gifts today\n", encoding="utf-8")
    dialog = open_dialog(qtbot, db_path, bad, odd_file)
    assert dialog.problem.isVisibleTo(dialog)
    assert dialog.problem.text().startswith("no header row found: the first line is "
                                            "'dear diary'")
    assert not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    text = dialog.result_text.toPlainText()
    assert "notes.txt: not imported: no header row found" in text
    assert "odd gifts.csv (gifts): 2 new" in text
    assert "Traceback" not in text
    assert dialog.result_title.text() == "Imported 2 new records; 1 file refused"
    dialog.close()


def test_unmapping_a_needed_column_says_what_is_missing(qtbot, ledger, db_path, odd_file):
    dialog = open_dialog(qtbot, db_path, odd_file)
    combo = dialog.mapping.combos["time"]
    with qtbot.waitSignal(dialog.preview_updated, timeout=20_000):
        combo.setCurrentIndex(combo.findText(NOT_MAPPED))
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert "missing time" in dialog.problem.text()
    assert dialog.rows.rowCount() == 0
    assert dialog.mapping.combos["time"].currentText() == NOT_MAPPED  # still there to fix
    dialog.close()


def test_saving_the_mapping_as_a_profile_stores_it(qtbot, monkeypatch, ledger, db_path,
                                                   odd_file):
    monkeypatch.setattr(import_dialog, "ask_profile_name", lambda parent, name: "semicolons")
    dialog = open_dialog(qtbot, db_path, odd_file)
    combo = dialog.mapping.combos["coins_each"]
    with qtbot.waitSignal(dialog.counts_updated, timeout=20_000):
        combo.setCurrentIndex(combo.findText("Cost"))
    with qtbot.waitSignal(dialog.profile_saved, timeout=20_000):
        dialog.save_button.click()
    [stored] = queries.profiles(ledger)
    assert stored["name"] == "semicolons"
    assert Mapping.from_json(stored["mapping"]).columns["coins_each"] == "Cost"
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert dialog.profile.currentText() == "semicolons"
    assert dialog.counts.text() == "3 new \u00b7 0 duplicate \u00b7 0 rejected"
    dialog.close()


def test_a_declined_profile_name_saves_nothing(qtbot, monkeypatch, ledger, db_path, odd_file):
    monkeypatch.setattr(import_dialog, "ask_profile_name", lambda parent, name: None)
    dialog = open_dialog(qtbot, db_path, odd_file)
    dialog.save_button.click()
    assert dialog.save_worker is None
    assert queries.profiles(ledger) == []
    dialog.close()


# ---- the worker on its own ---------------------------------------------------------------------

def test_worker_reports_progress_and_result_on_the_gui_thread(qtbot):
    seen: list[object] = []

    def job(progress, cancel):
        progress(1, 2)
        return "done"

    w = worker.Worker(job)
    w.progress_changed.connect(lambda d, t: seen.append((d, t, QApplication.instance().thread()
                                                         is w.thread())))
    with qtbot.waitSignal(w.finished, timeout=10_000) as blocker:
        w.start()
    assert blocker.args == ["done"]
    assert seen == [(1, 2, True)]


def test_worker_failure_is_one_line_and_a_cancel_is_a_cancel(qtbot):
    def broken(progress, cancel):
        raise OSError("disk on fire\nsecond line")

    with qtbot.waitSignal(worker.Worker(broken).start().failed, timeout=10_000) as blocker:
        pass
    assert blocker.args == ["disk on fire"]

    def patient(progress, cancel):
        while not cancel():
            progress(0, 1)
            time.sleep(0.005)
        raise RuntimeError("stopped")

    w = worker.Worker(patient)
    with qtbot.waitSignal(w.cancelled, timeout=10_000):
        w.start()
        w.cancel()


SHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"


def test_the_header_line_can_be_chosen_and_the_preview_follows(qtbot, ledger, db_path):
    dialog = open_dialog(qtbot, db_path, SHEETS / "notes_above_header.csv")
    assert dialog.header_line.value() == 4  # found by its column names
    assert dialog.rows.rowCount() == 2
    with qtbot.waitSignal(dialog.preview_updated, timeout=20_000):
        dialog.header_line.setValue(3)  # "who,what,when": not the header
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert dialog.problem.isVisibleTo(dialog)
    assert dialog.rows.rowCount() == 0
    assert dialog.header_line.value() == 3 and dialog.header_line.isEnabled()
    with qtbot.waitSignal(dialog.preview_updated, timeout=20_000):
        dialog.header_line.setValue(4)
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    assert not dialog.problem.isVisibleTo(dialog)
    assert dialog.rows.rowCount() == 2
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert dialog.result_title.text() == "Imported 2 new records"
    dialog.close()


def test_a_file_with_no_money_says_nothing_was_imported(qtbot, ledger, db_path):
    likes = (Path(__file__).parent / "fixtures" / "logger_session"
             / "creator_20260803_201500_likes.csv")
    dialog = open_dialog(qtbot, db_path, likes)
    assert dialog.problem.text() == "likes log: no money in it, skipped"
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert dialog.result_title.text() == (
        "Nothing was imported: 1 file skipped (no money in them)")
    assert "likes log: no money in it, skipped" in dialog.result_text.toPlainText()
    dialog.close()


def test_the_dialog_shows_how_the_coins_are_read_and_with_what_evidence(qtbot, ledger,
                                                                        db_path):
    dialog = open_dialog(qtbot, db_path, SHEETS / "coins_are_row_totals.csv")
    assert dialog.notes.isVisibleTo(dialog)
    assert ("Coins are row totals: 48 of 50 rows match price x quantity"
            in dialog.notes.text())
    assert dialog.counts.text() == "48 new \u00b7 0 duplicate \u00b7 2 rejected"
    dialog.close()


def test_a_file_imported_before_is_said_so_with_its_mapping_chosen_and_a_warning_before_another(
        qtbot, ledger, db_path, monkeypatch):
    from app.ui.dialogs import confirm
    path = Path(__file__).parent / "fixtures" / "reimport" / "day_first_dates.csv"
    [first] = import_files(ledger, [path], options={"date_format": "dmy"})
    dialog = open_dialog(qtbot, db_path, path)
    assert dialog.before.text().startswith(
        f"This file was imported before as #{first.import_id} on 20")
    assert dialog.date_format.currentData() == "dmy"  # that import's mapping, preselected
    assert dialog.counts.text().startswith("0 new \u00b7 3 duplicate")
    with qtbot.waitSignal(dialog.counts_updated, timeout=20_000):
        dialog.date_format.setCurrentIndex(dialog.date_format.findData("mdy"))
    assert "would count its rows a second time" in dialog.before.text()
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, text, _a="": asked.append(text) or False)
    dialog.import_button.click()
    assert len(asked) == 1 and "day_first_dates.csv: This file was imported before" in asked[0]
    assert gift_count(ledger) == 3  # nothing imported a second time
    assert dialog.setup_page.isVisible()
    dialog.close()


def test_dates_no_value_decides_are_asked_about_with_an_example(qtbot, ledger, db_path):
    path = Path(__file__).parent / "fixtures" / "reimport" / "day_first_dates.csv"
    dialog = open_dialog(qtbot, db_path, path)
    assert dialog.date_question.isVisibleTo(dialog)
    assert dialog.date_question.text() == "03/08/2026 20:15 = 3 Aug or 8 Mar?"
    assert [b.text() for b in dialog.date_buttons] == ["3 Aug (day first)",
                                                        "8 Mar (month first)"]
    assert dialog.rows.index(0, 1).data().startswith("2026-03-08")  # the region's way
    with qtbot.waitSignal(dialog.counts_updated, timeout=20_000):
        dialog.date_buttons[0].click()
    assert dialog.date_format.currentData() == "dmy"
    assert not dialog.date_question.isVisibleTo(dialog)
    assert dialog.rows.index(0, 1).data() == "2026-08-03 20:15:00"
    dialog.close()


def test_the_date_answer_is_saved_in_the_profile_the_file_was_read_with(qtbot, ledger,
                                                                         db_path):
    import json

    from app.services import preview as pv
    path = Path(__file__).parent / "fixtures" / "reimport" / "day_first_dates.csv"
    pv.save_profile(ledger, "gift report", path, pv.Choices())
    dialog = open_dialog(qtbot, db_path, path)
    assert dialog.date_question.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.profile_saved, timeout=20_000):
        dialog.date_buttons[1].click()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    saved = json.loads(queries.profile(ledger, "gift report")["mapping"])
    assert saved["date_format"] == "mdy"
    assert not dialog.date_question.isVisibleTo(dialog)
    dialog.close()
