"""The Imports page fixes a row rejected for its gift where the creator sees it: "Add
“Moon Castle” to the catalogue…" and "Which “Heart” is it?", each one change on Edit > Undo
(the catalogue entry and the rows it let in go back together), in the real window."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from helpers import gifts, shown_window, snapshot, write  # noqa: E402

from app.services import accounts  # noqa: E402
from app.services.importing import import_files  # noqa: E402
from app.ui.window import PAGES  # noqa: E402
from app.ui.worker import wait_for_workers  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")
RETRY = Path(__file__).parent / "fixtures" / "retry" / "new_gifts_2026.csv"


def imports_page(qtbot, db, log: Path):
    """The window on a ledger holding `log`'s batch, that batch selected on the Imports page."""
    accounts.add(db, "me", "US", "UTC")
    [report] = import_files(db, [log])
    win = shown_window(qtbot, db)
    win.show_page(PAGES.index("Imports"))
    page = win.page(PAGES.index("Imports"))
    page.select_batch(report.import_id)
    return win, page, report


@pytest.fixture
def imports(qtbot, db):
    win, page, _report = imports_page(qtbot, db, RETRY)
    yield win, page
    win.close()


def select_line(page, line: int) -> None:
    page.rejected_table.selectRow([r.line for r in page.rejected_model.rows()].index(line))


def test_which_heart_is_it_brings_the_row_in_and_one_undo_takes_both_back(imports, db):
    win, page = imports
    select_line(page, 4)  # Marco's 2 Hearts
    assert page.fix_bar.isVisibleTo(page) and page.choose_button.isVisibleTo(page)
    assert not page.add_gift_button.isVisibleTo(page)
    assert page.fix_note.text() == ("Line 4: 2 gifts are named \u201cHeart\u201d (1 or 10 "
                                    "coins) and the file does not say which.")
    texts = [a.text() for a in page.choose_menu.actions()]
    assert texts == ["This Heart is the 1-coin one (id 6247)",
                     "This Heart is the 10-coin one (id 5480)"]
    before = snapshot(db)
    page.choose_menu.actions()[1].trigger()
    wait_for_workers()
    assert [g["coins_total"] for g in gifts(db) if g["gift_id"] == 5480] == [20]
    assert page.retry_status.text() == "#1: 1 of 4 rows added; 3 still rejected"
    assert page.model.rows()[0].rejected == 3
    name = "Heart = the 10-coin gift (id 5480), retried"
    assert win.undo.undo_action.text() == f"Undo {name}"
    after = snapshot(db)
    win.undo.undo_action.trigger()
    wait_for_workers()
    assert snapshot(db) == before  # the choice and the row, in one step
    win.undo.redo_action.trigger()
    wait_for_workers()
    assert snapshot(db) == after


def test_add_this_gift_opens_the_catalogue_dialog_with_its_name_and_retries(imports, db):
    win, page = imports
    select_line(page, 3)  # Moonie's Moon Castle, unknown
    assert page.add_gift_button.isVisibleTo(page) and not page.choose_button.isVisibleTo(page)
    assert page.add_gift_button.text() == "Add \u201cMoon Castle\u201d to the catalogue\u2026"
    before = snapshot(db)
    page.add_gift_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.name.text() == "Moon Castle"
    assert not dialog.ok_button.isEnabled()  # no coins typed yet
    dialog.coins.setText("300")
    dialog.ok_button.click()
    wait_for_workers()
    castles = [g for g in gifts(db) if g["gift_name"] == "Moon Castle"]
    assert [g["coins_total"] for g in castles] == [300, 300]  # both rows of that gift
    assert page.model.rows()[0].rejected == 2
    assert win.undo.undo_action.text() == "Undo Add gift Moon Castle (300 coins), retried"
    win.undo.undo_action.trigger()
    wait_for_workers()
    assert snapshot(db) == before


def test_a_row_rejected_for_another_reason_offers_no_gift_fix(qtbot, db, tmp_path):
    log = write(tmp_path / "bad.csv", "time,sender,gift,count\n"
                "2026-09-05 19:00:00,Ann,Rose,1\n2026-09-05 19:01:00,Bo,Rose,many\n")
    win, page, report = imports_page(qtbot, db, log)
    assert report.rejected == 1
    select_line(page, 3)
    assert not page.fix_bar.isVisibleTo(page)
    win.close()
