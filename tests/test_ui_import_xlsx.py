"""A workbook through File > Import: the chooser offers .xlsx, the preview finds the header
below the merged title, and the import books its rows; a page saved as .xlsx is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services import accounts  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui import worker  # noqa: E402
from app.ui.dialogs import import_dialog  # noqa: E402
from app.ui.dialogs.import_dialog import ImportDialog  # noqa: E402

SHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"


@pytest.fixture(autouse=True)
def _nothing_left_running(qapp: QApplication) -> Iterator[None]:
    yield
    assert worker.wait_for_workers(), "a background job was still running"
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


@pytest.fixture
def ledger(db_path: Path) -> Iterator[object]:
    db = open_db(db_path)
    accounts.add(db, "me", "US", "UTC")
    yield db
    db.close()


def open_dialog(qtbot, db_path: Path, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(db_path, list(paths))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    return dialog


def test_the_file_chooser_offers_workbooks():
    first = import_dialog.FILE_FILTER.split(";;")[0]
    assert "*.xlsx" in first


def test_a_workbook_is_previewed_from_its_header_row_and_imported(qtbot, ledger, db_path):
    dialog = open_dialog(qtbot, db_path, SHEETS / "excel_gift_report.xlsx")
    assert dialog.header_line.value() == 3  # below the merged title and an empty row
    assert dialog.rows.rowCount() == 5
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000):
        dialog.import_button.click()
    assert dialog.result_title.text() == "Imported 5 new records"
    assert ledger.execute("SELECT count(*) FROM gifts").fetchone()[0] == 5
    dialog.close()


def test_a_web_page_saved_as_xlsx_shows_what_it_is(qtbot, ledger, db_path, tmp_path):
    page = tmp_path / "report.xlsx"
    page.write_bytes(b"<!DOCTYPE html><html><table><tr><td>Date</td></tr></table></html>")
    dialog = open_dialog(qtbot, db_path, page)
    assert "is a web page (HTML) saved under a spreadsheet name" in dialog.problem.text()
    dialog.close()
