"""A workbook through File > Import: the chooser offers .xlsx, the preview finds the header
below the merged title, and the import books its rows; a page saved as .xlsx is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")


from helpers import open_import_dialog as open_dialog  # noqa: E402

from app.ui.dialogs import import_dialog  # noqa: E402

SHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"


pytestmark = pytest.mark.usefixtures("nothing_left_running")


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
