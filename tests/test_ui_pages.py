"""The LIVEs, Payouts and Imports pages on the demo ledger, driven as a creator would."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402

from app.store.batches import Rejected  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui.dialogs import confirm  # noqa: E402
from app.ui.pages import imports, lives, payouts  # noqa: E402
from app.ui.tablemodels import TONES, RowsModel  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402
from app.ui.worker import wait_for_workers  # noqa: E402

DEMO_BALANCE = "$361.04"


pytestmark = pytest.mark.usefixtures("no_leaked_windows")


class Asker:
    """Stands in for confirm.ask: records each question and gives `reply`."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.reply = True

    def __call__(self, parent, title, text, action="Yes") -> bool:
        self.asked.append(text)
        return self.reply


@pytest.fixture
def asker(monkeypatch) -> Asker:
    stand_in = Asker()
    monkeypatch.setattr(confirm, "ask", stand_in)
    monkeypatch.setattr(confirm, "tell", lambda *a: pytest.fail(f"unexpected notice {a}"))
    return stand_in


def page(window: MainWindow, name: str):
    index = PAGES.index(name)
    window.show_page(index)
    return window.pages[index]


def balance(window: MainWindow) -> str:
    return window.overview.balance_card.value.text()


def cell(model, row: int, column: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in model.columns].index(column)
    return model.data(model.index(row, col), role)


# ---- LIVEs ---------------------------------------------------------------------------------

def test_lives_table_has_every_live_and_three_the_log_missed(window):
    live = page(window, "LIVEs")
    model = live.model
    assert model.rowCount() == 45
    diffs = [cell(model, r, "Gap") for r in range(45)]
    missed = [r for r in range(45) if diffs[r].startswith("+")]
    assert len(missed) == 3
    assert sum(int(diffs[r][1:].replace(",", "")) for r in missed) == 504
    red = QColor(TONES["bad"][0])
    assert all(cell(model, r, "Gap", Qt.ItemDataRole.ForegroundRole).color() == red
               for r in missed)
    assert "missed 504 diamonds in 3 LIVEs" in live.subtitle.text()


def test_lives_start_newest_first_in_local_time(window):
    model = page(window, "LIVEs").model
    first, last = cell(model, 0, "Start"), cell(model, 44, "Start")
    assert first == "Oct 30, 2026  21:30"  # 2026-10-31 01:30 UTC in New York
    assert last == "Aug 2, 2026  21:50"
    assert cell(model, 0, "Start", Qt.ItemDataRole.ToolTipRole).startswith("Friday, Oct 30")


def test_clicking_a_header_sorts_the_lives(window, qtbot):
    live = page(window, "LIVEs")
    header = live.table.horizontalHeader()
    column = [c.title for c in live.model.columns].index("Gap")
    header.sectionClicked.emit(column)  # figures sort biggest first
    assert [cell(live.model, r, "Gap")[0] for r in range(3)] == ["+", "+", "+"]
    assert live.model.headerData(column, Qt.Orientation.Horizontal).endswith("\u25be")


def test_lives_charts_are_drawn(window):
    live = page(window, "LIVEs")
    assert len(live.bars_chart.caught.opts["height"]) == 45
    assert len(live.bars_chart.missed.opts["height"]) == 3
    image = live.heatmap_chart.image.image
    assert image.shape == (7, 24)
    assert image.sum() == pytest.approx(202_704)
    assert live.heatmap_chart.plot.getAxis("left")._tickLevels[0][0][1] == "Mon"
    assert "Best slot" in live.best.text()


def test_lives_page_of_an_empty_ledger_says_what_to_import(qtbot, db_path):
    db = open_db(db_path)
    try:
        live = lives.Page(db)
        qtbot.addWidget(live)
        live.refresh()
        assert live.showing_empty_state
    finally:
        db.close()


# ---- Payouts -------------------------------------------------------------------------------

def open_add_dialog(window):
    pay = page(window, "Payouts")
    pay.add_button.click()
    assert pay.dialog is not None and pay.dialog.isVisible()
    return pay, pay.dialog


def test_adding_a_payout_lowers_the_balance(window, qtbot):
    assert balance(window) == DEMO_BALANCE
    pay, dialog = open_add_dialog(window)
    qtbot.keyClicks(dialog.amount, "50")
    qtbot.keyClicks(dialog.reference, "PP-TEST")
    dialog.method.setCurrentText("PayPal")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert pay.model.rowCount() == 3
    assert "PP-TEST" in [cell(pay.model, r, "Reference") for r in range(3)]
    assert balance(window) == "$311.04"
    assert pay.pending_card.value.text() == "$50.00"


def test_invalid_input_keeps_ok_disabled(window, qtbot):
    pay, dialog = open_add_dialog(window)
    assert not dialog.ok_button.isEnabled()  # no amount yet
    qtbot.keyClicks(dialog.amount, "0")
    assert not dialog.ok_button.isEnabled()
    assert "more than 0" in dialog.message.text()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "25")
    assert dialog.ok_button.isEnabled() and dialog.message.text() == ""
    dialog.currency.clear()
    qtbot.keyClicks(dialog.currency, "US")
    assert not dialog.ok_button.isEnabled() and "3-letter" in dialog.message.text()
    dialog.currency.setText("USD")
    dialog.requested.setDate(QDate.currentDate().addDays(3))
    assert not dialog.ok_button.isEnabled() and "future" in dialog.message.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # a disabled OK does nothing
    assert dialog.isVisible()
    dialog.reject()
    assert pay.model.rowCount() == 2
    assert balance(window) == DEMO_BALANCE


def test_the_dialog_offers_the_regions_payout_methods(window):
    from app.services.payouts import methods
    _pay, dialog = open_add_dialog(window)
    offered = [dialog.method.itemText(i) for i in range(dialog.method.count())]
    assert offered == methods("US") and offered
    assert [dialog.status.itemText(i) for i in range(3)] == ["pending", "paid", "failed"]
    dialog.reject()


def select(page_, column: str, text: str) -> int:
    rows = [cell(page_.model, r, column) for r in range(page_.model.rowCount())]
    row = rows.index(text)
    page_.table.selectRow(row)
    return row


def test_editing_a_payout_changes_its_row_and_the_balance(window, qtbot):
    pay = page(window, "Payouts")
    select(pay, "Reference", "PP-2026-0829-7731")
    pay.edit_button.click()
    dialog = pay.dialog
    assert dialog.amount.text() == "290" and dialog.status.currentText() == "paid"
    dialog.amount.setText("190")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert balance(window) == "$461.04"
    assert "$190.00" in [cell(pay.model, r, "Amount") for r in range(2)]


def test_deleting_asks_then_removes(window, asker):
    pay = page(window, "Payouts")
    assert not pay.delete_button.isEnabled()  # nothing selected yet
    select(pay, "Reference", "PP-2026-0829-7731")
    pay.delete_button.click()
    wait_for_workers()  # the change is written on the worker
    assert len(asker.asked) == 1 and "290.00 USD" in asker.asked[0]
    assert pay.model.rowCount() == 1
    assert balance(window) == "$651.04"


def test_deleting_after_a_no_changes_nothing(window, asker):
    asker.reply = False
    pay = page(window, "Payouts")
    select(pay, "Reference", "PP-2026-0829-7731")
    pay.delete_button.click()
    assert len(asker.asked) == 1
    assert pay.model.rowCount() == 2
    assert balance(window) == DEMO_BALANCE


def test_a_payout_in_an_empty_ledger_creates_the_account(qtbot, db_path):
    db = open_db(db_path)
    try:
        pay = payouts.Page(db)
        qtbot.addWidget(pay)
        pay.refresh()
        assert pay.note.isVisibleTo(pay) and not pay.edit_button.isEnabled()
        pay.add_button.click()
        pay.dialog.amount.setText("120")
        with qtbot.waitSignal(pay.ledger_changed):  # the window would reload every page
            pay.dialog.ok_button.click()
        pay.refresh()
        assert pay.model.rowCount() == 1
    finally:
        db.close()


# ---- Imports --------------------------------------------------------------------------------

def test_imports_lists_every_batch_with_its_counts(window):
    imp = page(window, "Imports")
    model = imp.model
    assert model.rowCount() == 3
    by_file = {cell(model, r, "File"): r for r in range(3)}
    gifts = by_file["gift_log.csv"]
    assert [cell(model, gifts, c) for c in ("New", "Duplicate", "Rejected")] == ["1,974", "0",
                                                                                 "0"]
    assert cell(model, gifts, "Status") == "in the ledger"
    imp.select_batch(1)  # the rows read, skipped and folded: under the table, for the batch
    assert ("10,768 rows read \u00b7 8,794 streak events folded into the gifts they ended "
            "with") in imp.batch_info.text()
    assert "none rejected" in imp.rejected_note.text()


def test_undo_of_the_payouts_batch_raises_the_balance(window, asker):
    imp = page(window, "Imports")
    imp.select_batch(3)
    imp.undo_button.click()
    wait_for_workers()  # the change is written on the worker
    assert asker.asked == ["Undo import #3 of payouts.csv? 2 payouts will be removed from the "
                       "ledger."]
    assert balance(window) == "$1,016.04"  # up by $655.00
    assert page(window, "Payouts").model.rowCount() == 0
    row = [cell(imp.model, r, "File") for r in range(3)].index("payouts.csv")
    assert cell(imp.model, row, "Status") == "undone"
    grey = QColor(TONES["muted"][0])
    assert cell(imp.model, row, "File", Qt.ItemDataRole.ForegroundRole).color() == grey
    imp.select_batch(3)
    assert not imp.undo_button.isEnabled()


def test_undo_after_a_no_changes_nothing(window, asker):
    asker.reply = False
    imp = page(window, "Imports")
    imp.select_batch(1)
    imp.undo_button.click()
    assert asker.asked == ["Undo import #1 of gift_log.csv? 1,974 gifts will be removed from the "
                       "ledger."]
    assert balance(window) == DEMO_BALANCE
    assert "undone" not in [cell(imp.model, r, "Status") for r in range(3)]


def test_rejected_rows_of_a_batch_are_listed(qtbot, window):
    imp = page(window, "Imports")
    imp.rejected_model.set_rows([Rejected(7, "bad date", "x,y,z", False),
                                 Rejected(9, "streak event", "a,b", True)])
    assert imp.rejected_model.rowCount() == 2
    assert cell(imp.rejected_model, 1, "Raw text") == "a,b"


def test_imports_page_of_an_empty_ledger(qtbot, db_path):
    db = open_db(db_path)
    try:
        imp = imports.Page(db)
        qtbot.addWidget(imp)
        imp.refresh()
        assert imp.showing_empty_state
    finally:
        db.close()


# ---- the models ------------------------------------------------------------------------------

def test_every_model_passes_the_model_tester(window, qtmodeltester):
    models: list[RowsModel] = [page(window, "LIVEs").model, page(window, "Payouts").model,
                               page(window, "Imports").model]
    rejected = page(window, "Imports").rejected_model
    rejected.set_rows([Rejected(7, "bad date", "x,y,z", False)])
    for model in [*models, rejected]:
        qtmodeltester.check(model)
        model.sort(1, Qt.SortOrder.AscendingOrder)
        qtmodeltester.check(model)


def test_retry_adds_the_rows_a_new_gift_lets_in_to_the_same_batch(qtbot, db, asker):
    from pathlib import Path

    from app.services import accounts, catalogue
    from app.services.importing import import_files
    accounts.add(db, "me", "US", "UTC")
    log = Path(__file__).parent / "fixtures" / "retry" / "new_gifts_2026.csv"
    [report] = import_files(db, [log])
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    imp = page(win, "Imports")
    imp.select_batch(report.import_id)
    assert cell(imp.model, 0, "Rejected") == "4" and imp.retry_button.isEnabled()
    catalogue.add_gift(db, "Moon Castle", 300, 990100)
    imp.retry_button.click()
    wait_for_workers()  # the change is written on the worker
    assert imp.retry_status.text() == "#1: 2 of 4 rows added; 2 still rejected"
    assert [cell(imp.model, 0, c) for c in ("New", "Rejected")] == ["3", "2"]
    assert imp.rejected_model.rowCount() == 2
    imp.undo_button.click()
    wait_for_workers()  # the change is written on the worker
    assert db.execute("SELECT count(*) FROM gifts").fetchone()[0] == 0
    assert not imp.retry_button.isEnabled()
    win.close()
