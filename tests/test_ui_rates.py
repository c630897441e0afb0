"""The Rates page on the demo ledger, driven as a creator would: the shipped entries are listed,
an entry added through the dialog re-values every page, delete and restore ask first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, Qt  # noqa: E402

from app.core.rates import ExchangeRate  # noqa: E402
from app.services import rates as service  # noqa: E402
from app.ui.dialogs import confirm, rate_dialog  # noqa: E402
from app.ui.pages.rates import Page  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402

DEMO_BALANCE = "$361.04"


pytestmark = pytest.mark.usefixtures("no_leaked_windows")


@pytest.fixture
def window(qtbot, demo_db) -> Iterator[MainWindow]:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def page(window: MainWindow) -> Page:
    window.show_page(PAGES.index("Rates"))
    built = window.page(PAGES.index("Rates"))
    assert isinstance(built, Page)
    return built


class Asker:
    """Stands in for confirm.ask: records each question and gives `reply`."""

    def __init__(self, reply: bool = True) -> None:
        self.asked: list[str] = []
        self.reply = reply

    def __call__(self, parent, title, text, action="Yes") -> bool:
        self.asked.append(text)
        return self.reply


def texts(page: Page, column: int) -> list[str]:
    return [page.model.index(r, column).data() for r in range(page.model.rowCount())]


def add_entry(qtbot, page: Page, day: date, usd_per_diamond: str) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.valid_from.setDate(QDate(day.year, day.month, day.day))
    dialog.usd_per_diamond.clear()
    qtbot.keyClicks(dialog.usd_per_diamond, "abc")
    assert not dialog.ok_button.isEnabled()
    assert "must be a number" in dialog.message.text()
    dialog.usd_per_diamond.clear()
    qtbot.keyClicks(dialog.usd_per_diamond, usd_per_diamond)
    qtbot.keyClicks(dialog.source, "my September payout")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_the_page_lists_the_shipped_us_entries(page: Page) -> None:
    assert texts(page, 0) == ["Feb 10, 2025", "Jan 1, 2020"]  # newest first
    assert texts(page, 2) == ["$0.005", "$0.005"]
    assert texts(page, 4) == ["$1,000", "$1,000"]
    assert texts(page, 5) == ["shipped \u00b7 in force", "shipped"]
    assert "United States (US)" in page.subtitle.text()
    assert page.in_force.text().startswith("$0.005 per diamond")
    assert "Feb 10, 2025 (shipped default)" in page.in_force_source.text()
    assert "Scaled LIVE rewards" in page.in_force_source.text()
    assert page.methods_model.rowCount() >= 1
    assert not page.restore_button.isEnabled() and not page.delete_button.isEnabled()


def test_an_entry_from_the_dialog_revalues_the_overview(qtbot, window: MainWindow,
                                                         page: Page) -> None:
    balance = window.overview.balance_card.value
    assert balance.text() == DEMO_BALANCE
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    assert balance.text() != DEMO_BALANCE
    assert texts(page, 0)[0] == "Oct 1, 2026"
    assert texts(page, 5)[0] == "edited \u00b7 in force"
    assert "your entry" in page.in_force_source.text()
    assert "my September payout" in page.in_force_source.text()
    assert page.in_force.text().startswith("$0.004 per diamond")
    assert page.restore_button.isEnabled()


def test_delete_asks_and_puts_the_shipped_rate_back(qtbot, window: MainWindow, page: Page,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    page.select_row(1)  # a shipped entry: nothing to delete
    assert not page.delete_button.isEnabled()
    page.select_row(0)
    assert page.delete_button.isEnabled()
    asker = Asker(reply=True)
    monkeypatch.setattr(confirm, "ask", asker)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "Oct 1, 2026" in asker.asked[0]
    assert page.model.rowCount() == 2
    assert window.overview.balance_card.value.text() == DEMO_BALANCE


def test_restore_asks_first(qtbot, window: MainWindow, page: Page,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    asker = Asker(reply=False)
    monkeypatch.setattr(confirm, "ask", asker)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert len(asker.asked) == 1 and "1 rate entries" in asker.asked[0]
    assert page.model.rowCount() == 3  # declined: nothing changed
    asker.reply = True
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert window.overview.balance_card.value.text() == DEMO_BALANCE
    assert not page.restore_button.isEnabled()


def test_a_dialog_cancelled_changes_nothing(qtbot, page: Page) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.dialog is not None
    page.dialog.reject()
    assert page.model.rowCount() == 2
    assert page.view is not None and page.view.user_entries == 0


def test_exchange_rates_import_from_a_csv(qtbot, page: Page, demo_db, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text("Date,USD,GBP,\n2026-10-01,1.1700,0.87500,\n", encoding="utf-8")
    monkeypatch.setattr(rate_dialog, "choose_csv", lambda parent: path)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.fx_note.text().startswith("Imported 2 rates for EUR, GBP")
    book = service.effective_book(demo_db)
    assert str(book.per_usd("GBP", date(2026, 10, 1))).startswith("0.7478")
    assert page.restore_button.isEnabled()


def test_a_file_that_is_not_rates_is_told(qtbot, page: Page, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.csv"
    path.write_text("day,price\n", encoding="utf-8")
    told: list[str] = []
    monkeypatch.setattr(rate_dialog, "choose_csv", lambda parent: path)
    monkeypatch.setattr(confirm, "tell", lambda parent, title, text: told.append(text))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert told and "Date,USD" in told[0]


def test_the_models_pass_qt_checks(qtbot, qtmodeltester, page: Page, demo_db) -> None:
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    service.save_exchange_rate(demo_db, ExchangeRate("GBP", date(2026, 9, 1), Decimal("0.75")))
    page.show_view(service.view(demo_db, region="GB"))  # a region with exchange rates
    assert page.fx_table.isVisibleTo(page) and page.fx_model.rowCount() >= 1
    assert page.fx_model.headerData(1, Qt.Orientation.Horizontal) == "GBP per USD"
    for model in (page.model, page.methods_model, page.fx_model):
        qtmodeltester.check(model)
