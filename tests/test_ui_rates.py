"""The Rates page on the demo ledger, driven as a creator would: the shipped entries are listed,
an entry added through the dialog re-values every page, delete and restore ask first; gifts
and coin packs are added and re-priced through their dialogs, which refuse bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, Qt  # noqa: E402

from app.core.conversion import fan_spend  # noqa: E402
from app.core.money import round_money  # noqa: E402
from app.core.rates import ExchangeRate  # noqa: E402
from app.services import importing  # noqa: E402
from app.services import rates as service  # noqa: E402
from app.ui.dialogs import confirm, rate_dialog  # noqa: E402
from app.ui.pages.rates import Page  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402
from app.ui.worker import wait_for_workers  # noqa: E402

DEMO_BALANCE = "$361.04"


pytestmark = pytest.mark.usefixtures("no_leaked_windows")


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
    wait_for_workers()  # the change is written on the worker


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
    wait_for_workers()  # the change is written on the worker
    assert "Oct 1, 2026" in asker.asked[0]
    assert page.model.rowCount() == 2
    assert window.overview.balance_card.value.text() == DEMO_BALANCE


def test_restore_asks_first(qtbot, window: MainWindow, page: Page,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    asker = Asker(reply=False)
    monkeypatch.setattr(confirm, "ask", asker)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert len(asker.asked) == 1 and "everything you entered" in asker.asked[0]
    assert "in every region: 1 region rate?" in asker.asked[0]
    assert page.model.rowCount() == 3  # declined: nothing changed
    asker.reply = True
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
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
    wait_for_workers()  # the change is written on the worker
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
    wait_for_workers()  # the change is written on the worker
    assert told and "Date,USD" in told[0]


def test_the_models_pass_qt_checks(qtbot, qtmodeltester, page: Page, demo_db) -> None:
    add_entry(qtbot, page, date(2026, 10, 1), "0.004")
    service.save_exchange_rate(demo_db, ExchangeRate("GBP", date(2026, 9, 1), Decimal("0.75")))
    page.show_view(service.view(demo_db, region="GB"))  # a region with exchange rates
    assert page.fx_table.isVisibleTo(page) and page.fx_model.rowCount() >= 1
    assert page.fx_model.headerData(1, Qt.Orientation.Horizontal) == "GBP per USD"
    for model in (page.model, page.methods_model, page.fx_model):
        qtmodeltester.check(model)


# ---- the gift catalogue and coin packs ------------------------------------------------------

def type_into(qtbot, edit, text: str) -> None:
    edit.clear()
    if text:
        qtbot.keyClicks(edit, text)


def column(model, index: int) -> list[str]:
    return [model.index(r, index).data() for r in range(model.rowCount())]


def refused(dialog, message: str) -> bool:
    return not dialog.ok_button.isEnabled() and message in dialog.message.text()


def test_a_gift_price_change_from_the_dialog_prices_later_imports(qtbot, page: Page, demo_db,
                                                                   tmp_path: Path) -> None:
    qtbot.mouseClick(page.sections.button(1), Qt.MouseButton.LeftButton)
    gifts = page.gifts
    assert page.stack.currentWidget() is gifts
    qtbot.keyClicks(gifts.search, "rose")
    names = column(gifts.model, 1)
    assert "Rose" in names and all("rose" in n.lower() for n in names)
    gifts.table.selectRow(names.index("Rose"))
    assert gifts.change_button.text() == "Change price\u2026"
    assert not gifts.delete_button.isEnabled()  # a shipped price
    qtbot.mouseClick(gifts.change_button, Qt.MouseButton.LeftButton)
    dialog = gifts.dialog
    assert dialog is not None and dialog.gift_id.isReadOnly() and dialog.gift_id.text() == "5655"
    for coins, day, message in (("-2", "2026-10-01", "at least 1"),
                                ("1.5", "2026-10-01", "whole number"),
                                ("2", "01/10/2026", "year-month-day"),
                                ("2", "2023-09-02", "already has a price from Sep 2, 2023")):
        type_into(qtbot, dialog.coins, coins)
        type_into(qtbot, dialog.valid_from, day)
        assert refused(dialog, message), dialog.message.text()
    type_into(qtbot, dialog.coins, "2")
    type_into(qtbot, dialog.valid_from, "2026-10-01")
    assert dialog.ok_button.isEnabled() and dialog.message.text() == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    roses = [(r[0], r[2], r[3], r[4]) for r in zip(*(column(gifts.model, c) for c in range(5)),
                                                    strict=True) if r[1] == "Rose"]
    assert roses == [("5655", "1", "Sep 2, 2023", "shipped"),
                     ("5655", "2", "Oct 1, 2026", "yours \u00b7 in force")]
    assert page.restore_button.isEnabled()
    # an import from now on prices the Rose of Sep 30 at 1 coin and that of Oct 2 at 2
    log = tmp_path / "log.csv"
    log.write_text("time,sender,gift\n2026-09-30 12:00:00,zed,Rose\n"
                   "2026-10-02 12:00:00,zed,Rose\n", encoding="utf-8")
    report = importing.import_files(demo_db, [log], kind="gifts")[0]
    coins = demo_db.execute("SELECT coins_each FROM gifts WHERE import_id = ? ORDER BY ts",
                            [report.import_id]).fetchall()
    assert coins == [(1,), (2,)]


def test_a_new_gift_from_the_dialog_is_checked_then_listed(qtbot, page: Page) -> None:
    page.show_section(1)
    gifts = page.gifts
    qtbot.mouseClick(gifts.add_button, Qt.MouseButton.LeftButton)
    dialog = gifts.dialog
    assert dialog is not None and not dialog.gift_id.isReadOnly()
    assert refused(dialog, "Gift id is missing")
    type_into(qtbot, dialog.gift_id, "5655")
    type_into(qtbot, dialog.coins, "450")
    assert refused(dialog, "Name is missing")
    type_into(qtbot, dialog.name, "Comet Tail")
    assert refused(dialog, "already in the catalogue (Rose)")
    type_into(qtbot, dialog.gift_id, "990001")
    type_into(qtbot, dialog.name, "lion")
    assert refused(dialog, "already the name of gift id 6369")
    type_into(qtbot, dialog.name, "Comet Tail")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    qtbot.keyClicks(gifts.search, "comet")
    assert column(gifts.model, 0) == ["990001"]
    assert column(gifts.model, 4) == ["yours \u00b7 in force"]
    assert gifts.note.text().startswith("1 shown \u00b7 192 gifts")  # 191 shipped + 1


def test_a_coin_pack_from_the_dialog_changes_what_fans_paid(qtbot, page: Page, demo_db,
                                                             monkeypatch) -> None:
    qtbot.mouseClick(page.sections.button(2), Qt.MouseButton.LeftButton)
    packs = page.packs
    assert packs.heading.text() == "Coin packs \u00b7 United States (US)"
    assert packs.model.rowCount() == 7 and "7 packs on sale today" in packs.note.text()
    qtbot.mouseClick(packs.add_button, Qt.MouseButton.LeftButton)
    dialog = packs.dialog
    assert dialog is not None and dialog.currency.text() == "USD"
    dialog.channel.setCurrentText("web")
    type_into(qtbot, dialog.coins, "1000")
    type_into(qtbot, dialog.price, "0")
    assert refused(dialog, "Price must be more than 0")
    type_into(qtbot, dialog.price, "5.00")
    type_into(qtbot, dialog.currency, "dollars")
    assert refused(dialog, "three-letter code")
    type_into(qtbot, dialog.currency, "USD")
    type_into(qtbot, dialog.coins, "ten")
    assert refused(dialog, "whole number")
    type_into(qtbot, dialog.coins, "1000")
    type_into(qtbot, dialog.valid_from, "2026-10-01")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert "yours \u00b7 in force" in column(packs.model, 5)
    # 6,607 coins at $0.005 a coin: 33.035 -> $33.04 (was $69.85 at 70 coins for $0.74)
    assert round_money(fan_spend(6_607, service.effective_book(demo_db).coin_packs("US")).low
                       ) == Decimal("33.04")
    packs.table.selectRow(column(packs.model, 5).index("yours \u00b7 in force"))
    assert packs.delete_button.isEnabled() and packs.change_button.text() == "Edit\u2026"
    asker = Asker(reply=True)
    monkeypatch.setattr(confirm, "ask", asker)
    qtbot.mouseClick(packs.delete_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert "web pack of 1,000 coins for $5.00" in asker.asked[0]
    assert packs.model.rowCount() == 7


def test_restore_says_what_goes_and_clears_gifts_and_packs(qtbot, page: Page, demo_db,
                                                           monkeypatch) -> None:
    from app.services import catalogue
    catalogue.save_gift(demo_db, catalogue.GiftForm("5655", "Rose", "2", "2026-10-01"))
    catalogue.save_coin_pack(demo_db, "US", catalogue.PackForm("web", "1000", "5", "USD",
                                                               "2026-10-01"))
    page.refresh()
    assert page.restore_button.isEnabled()
    asker = Asker(reply=True)
    monkeypatch.setattr(confirm, "ask", asker)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    wait_for_workers()  # the change is written on the worker
    assert "1 gift entry and 1 coin pack" in asker.asked[0]
    assert "shipped catalogue" in asker.asked[0]
    assert not any(e.edited for e in page.gifts.model.rows())
    assert not any(e.edited for e in page.packs.model.rows())
    assert not page.restore_button.isEnabled()


def test_the_catalogue_models_pass_qt_checks(qtbot, qtmodeltester, page: Page,
                                             demo_db) -> None:
    from app.services import catalogue
    catalogue.save_gift(demo_db, catalogue.GiftForm("5655", "Rose", "2", "2026-10-01"))
    catalogue.save_coin_pack(demo_db, "US", catalogue.PackForm("web", "1000", "5", "USD",
                                                               "2026-10-01"))
    page.refresh()
    page.show_section(1)
    qtbot.keyClicks(page.gifts.search, "ro")
    for model in (page.gifts.model, page.packs.model):
        assert model.rowCount() > 1
        qtmodeltester.check(model)
