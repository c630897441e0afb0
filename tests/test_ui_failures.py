"""Hostile files and ledgers through the window: each failure is a message in words with what
to do, never a traceback; an unexpected error is a plain sentence with its traceback only
behind a Show Details button. Real files, a real ledger, Qt offscreen."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from helpers import open_import_dialog as open_dialog  # noqa: E402
from helpers import snapshot, write  # noqa: E402

from app.services import preview as pv  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui import main as ui_main  # noqa: E402
from app.ui import worker  # noqa: E402
from app.ui.dialogs import errors  # noqa: E402
from app.ui.dialogs.import_dialog import (  # noqa: E402
    REFUSED_ADVICE,
    REFUSED_FILES_ADVICE,
    ImportDialog,
)
from app.ui.reports import dialog as report_dialog  # noqa: E402
from app.ui.window import MainWindow  # noqa: E402

EXPORT = Path(__file__).parent / "fixtures" / "tiktok_export" / "user_data_tiktok.json"
GIFTS = "time,sender,gift_id,gift,coins\n2026-08-03 10:00:01,bob,5655,Rose,1\n"


pytestmark = pytest.mark.usefixtures("nothing_left_running")


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """The message boxes the window would show (modal boxes are replaced in tests)."""
    shown: list[dict[str, str]] = []
    monkeypatch.setattr(errors, "report", lambda _p, title, text, details="", advice="": (
        shown.append({"title": title, "text": text, "details": details, "advice": advice})))
    return shown


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "gifts.csv")  # opened to read, it would wait for a writer forever
    return tmp / "gifts.csv"


def _dangling(tmp: Path) -> Path:
    (tmp / "gone.csv").symlink_to(tmp / "moved away.csv")
    return tmp / "gone.csv"


def _bomb(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("user_data_tiktok.json", b" " * (40 * 2**20))  # 40 MB in 40 KB
    return tmp / "export.zip"


def _damaged_lzma(tmp: Path) -> Path:
    path = tmp / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("user_data_tiktok.json", EXPORT.read_bytes())
    data = path.read_bytes()
    middle = len(data) // 3
    path.write_bytes(data[:middle] + bytes(64) + data[middle + 64:])
    return path


REFUSED = {
    "a FIFO": (_fifo, "(a named pipe)"),
    "an empty file": (lambda tmp: write(tmp / "empty.csv", b""), "the file is empty"),
    "a file that is not there": (_dangling, "no such file"),
    "a zip bomb": (_bomb, "refused as a zip bomb"),
    "a damaged LZMA member": (_damaged_lzma, "is not a readable zip archive"),
    "a broken JSON with a lone surrogate": (
        lambda tmp: write(tmp / "export.json", b'{"a": "\\ud800'), "no header row found"),
}


def import_all(qtbot: Any, dialog: ImportDialog) -> str:
    with qtbot.waitSignal(dialog.import_finished, timeout=30_000):
        dialog.import_button.click()
    return dialog.result_text.toPlainText()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_that_cannot_be_read_is_said_in_words_with_what_to_do(
        qtbot: Any, ledger: Any, db_path: Path, tmp_path: Path, boxes: list[Any],
        case: str) -> None:
    make, reason = REFUSED[case]
    path = make(tmp_path)
    before = snapshot(ledger)
    dialog = open_dialog(qtbot, db_path, path)
    problem = dialog.problem.text()
    assert reason in problem and problem.endswith(REFUSED_ADVICE)
    text = import_all(qtbot, dialog)
    assert dialog.result_title.text() == "Nothing was imported: 1 file refused"
    assert f"{path.name}: not imported:" in text and reason in text
    assert text.endswith(REFUSED_FILES_ADVICE)
    assert "Traceback" not in problem + text and boxes == []
    assert snapshot(ledger) == before
    dialog.close()


def test_huge_numbers_reject_their_rows_and_the_result_names_each(
        qtbot: Any, ledger: Any, db_path: Path, tmp_path: Path, boxes: list[Any]) -> None:
    path = write(tmp_path / "huge.csv", GIFTS + "2026-08-03 10:00:02,ann,5655,Rose,"
                 + "9" * 5000 + "\n" + "2026-08-03 10:00:03,cy,5655,Rose,1e9999999\n")
    dialog = open_dialog(qtbot, db_path, path)
    assert dialog.counts.text() == "1 new \u00b7 0 duplicate \u00b7 2 rejected"
    text = import_all(qtbot, dialog)
    assert dialog.result_title.text() == "Imported 1 new records"
    assert "line 3: '99999" in text and "(5,000 characters) has more than 28 digits" in text
    assert "line 4: '1e9999999' has an exponent beyond" in text
    assert max(map(len, text.splitlines())) < 200 and boxes == []
    dialog.close()


def test_a_lone_surrogate_in_an_export_rejects_its_record_and_says_so(
        qtbot: Any, ledger: Any, db_path: Path, tmp_path: Path, boxes: list[Any]) -> None:
    path = write(tmp_path / "user_data_tiktok.json", EXPORT.read_text(encoding="utf-8").replace(
        '"RoomTitle": "Friday chill stream"', '"RoomTitle": "Friday \\ud800 stream"'))
    dialog = open_dialog(qtbot, db_path, path)
    text = import_all(qtbot, dialog)
    assert "(sessions): 3 new \u00b7 0 duplicate \u00b7 1 rejected" in text
    assert "line 1: 'Friday \\ud800 stream'" in text and "a lone surrogate" in text
    assert "\ud800" not in text and boxes == []
    dialog.close()


# ---- an unexpected error: a sentence, and the traceback behind Show Details -------------------

def test_an_unexpected_error_is_a_plain_sentence_with_the_traceback_behind_details(
        qtbot: Any, ledger: Any, db_path: Path, tmp_path: Path, boxes: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise KeyError("ts")  # a bug, as the dialog would meet one

    monkeypatch.setattr(pv, "preview", broken)
    dialog = open_dialog(qtbot, db_path, write(tmp_path / "gifts.csv", GIFTS))
    assert dialog.problem.text() == worker.UNEXPECTED
    [box] = boxes
    assert box["text"] == worker.UNEXPECTED and "KeyError" not in box["text"]
    assert box["details"].startswith("Traceback") and "KeyError: 'ts'" in box["details"]
    dialog.close()


def test_the_box_keeps_the_traceback_behind_its_show_details_button(qapp: Any) -> None:
    box = errors.message_box(None, "Something went wrong", worker.UNEXPECTED,
                             details="Traceback (most recent call last):\n  ...",
                             advice="Try again.")
    assert (box.text(), box.informativeText()) == (worker.UNEXPECTED, "Try again.")
    assert box.detailedText().startswith("Traceback")
    assert any(b.text().startswith("Show Details") for b in box.buttons())
    box.deleteLater()


# ---- the ledger opened in the window, and a report saved where it cannot be ---------------------

def _another_apps_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE photos (id, name); INSERT INTO photos VALUES (1, 'a');")
    conn.close()


def _damaged_without_backup(path: Path) -> None:
    from test_health import damage_page
    db = open_db(path)
    db.execute("CREATE TABLE filler (x)")
    db.execute("INSERT INTO filler VALUES (zeroblob(100000))")
    db.close()
    damage_page(path, "filler")


@pytest.mark.parametrize(("spoil", "said"), [
    (_another_apps_database, "not a Diamond Ledger file"),
    (_damaged_without_backup, "is damaged"),
])
def test_a_ledger_that_cannot_be_opened_is_said_with_what_to_do(
        qapp: Any, tmp_path: Path, boxes: list[Any], monkeypatch: pytest.MonkeyPatch,
        spoil: Any, said: str) -> None:
    path = tmp_path / "ledger.sqlite3"
    spoil(path)
    before = path.read_bytes()
    monkeypatch.setattr(errors, "ask_restore", lambda *a: pytest.fail("no backup to offer"))
    with ExitStack() as stack:
        assert ui_main.open_or_recover(stack, path) is None
    [box] = boxes
    assert box["title"] == errors.LEDGER_TITLE and said in box["text"]
    assert str(path) in box["text"] and "\n" not in box["text"]
    assert box["advice"] == ui_main.LEDGER_ADVICE and "--db PATH" in box["advice"]
    assert "Traceback" not in str(box)
    assert path.read_bytes() == before and not (tmp_path / "backups").exists()


@pytest.mark.parametrize(("where", "reason"), [
    (lambda tmp: write(tmp / "notes.txt", "a file") / "report.pdf", "a part of the path is a file"),
    (lambda tmp: Path("/proc/report.csv"), "could not write /proc/report.csv"),
])
def test_a_report_saved_where_it_cannot_be_written_says_so_and_what_to_do(
        qtbot: Any, demo_db: Any, tmp_path: Path, boxes: list[Any],
        monkeypatch: pytest.MonkeyPatch, where: Any, reason: str) -> None:
    target = where(tmp_path)
    monkeypatch.setattr(report_dialog, "choose_path", lambda _parent, _name: target)
    monkeypatch.setattr(report_dialog, "saved", lambda *a: pytest.fail("nothing was saved"))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    chooser = report_dialog.ReportDialog(demo_db, "UTC")
    qtbot.addWidget(chooser)
    period = chooser.period()
    assert report_dialog.save_to_chosen_file(window, demo_db, period) is None
    [box] = boxes
    assert box["title"] == "The report was not saved"
    assert box["text"].startswith("could not write ") and reason in box["text"]
    assert box["text"].endswith("; nothing was written")
    assert "\n" not in box["text"] and "Errno" not in box["text"]
    assert box["advice"] == report_dialog.SAVE_ADVICE
    assert not target.exists()
    window.close()
