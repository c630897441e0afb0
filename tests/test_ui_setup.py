"""First run: a new ledger asks whose account it keeps (handle, region with its currency, time
zone) before anything else; the account it creates is the one every later import uses; bad
input is one sentence under the form and writes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import shiboken6
from helpers import shown_window
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services import accounts
from app.store import queries
from app.store.db import open_db
from app.ui.dialogs.settings_dialog import SettingsDialog
from app.ui.dialogs.setup_dialog import SetupDialog
from app.ui.window import MainWindow
from app.ui.worker import wait_for_workers

GIFTS = ("Date;Sender;Gift;Count;Coins\n"
         "13.08.2026 10:01:00;Ben;Rose;2;1\n"
         "13.08.2026 23:30:00;Cy;Lion;1;29999\n")


@pytest.fixture
def new_ledger(db_path: Path):
    db = open_db(db_path)
    yield db
    db.close()


@pytest.fixture
def new_window(qtbot, new_ledger):
    window = shown_window(qtbot, new_ledger)
    yield window
    window.close()


def fill(dialog: SetupDialog, handle: str, region: str, zone: str) -> None:
    dialog.handle.setText(handle)
    dialog.region.setCurrentIndex(dialog.region.findData(region))
    dialog.timezone.setCurrentText(zone)


def test_a_new_ledger_shows_the_setup_first_and_the_empty_pages_offer_it(qtbot, new_window):
    dialog = new_window.offer_setup()
    assert isinstance(dialog, SetupDialog) and dialog.isVisible() and dialog.isModal()
    assert "Set up your account" in new_window.overview.empty.text()
    assert new_window.setup_action.isEnabled()
    assert "GBP" in dialog.region.itemText(dialog.region.findData("GB"))  # its currency
    dialog.reject()


def test_a_ledger_with_an_account_asks_nothing(qtbot, new_ledger):
    accounts.add(new_ledger, "me", "US", "UTC")
    window = MainWindow(new_ledger)
    qtbot.addWidget(window)
    assert window.offer_setup() is None
    assert "Set up your account" not in window.overview.empty.text()


def test_the_account_it_creates_is_what_an_import_then_uses(qtbot, new_window, new_ledger,
                                                             tmp_path):
    dialog = new_window.offer_setup()
    assert dialog is not None
    fill(dialog, "@luna", "GB", "Europe/London")
    dialog.ok_button.click()
    wait_for_workers()  # the account is written on the worker
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed
    [luna] = queries.accounts(new_ledger)
    assert (luna.handle, luna.region, luna.timezone) == ("luna", "GB", "Europe/London")
    assert "Set up your account" not in new_window.overview.empty.text()
    assert not new_window.setup_action.isEnabled()  # File > Set Up Account makes no second one
    path = tmp_path / "gifts.csv"
    path.write_text(GIFTS, encoding="utf-8")
    imported = new_window.import_paths([path])
    qtbot.waitUntil(imported.idle, timeout=20_000)
    assert "Into @luna" in imported.account.text()
    with qtbot.waitSignal(imported.import_finished, timeout=20_000):
        imported.import_button.click()
    imported.close_button.click()
    owners = {row[0] for row in new_ledger.execute("SELECT account_id FROM gifts").fetchall()}
    assert owners == {luna.id}
    assert [a.handle for a in queries.accounts(new_ledger)] == ["luna"]  # no "@me" made


@pytest.mark.parametrize("handle, zone, says", [
    ("", "Europe/Paris", "Enter your TikTok handle"),
    ("  @ ", "Europe/Paris", "Enter your TikTok handle"),
    ("luna", "Europe", "'Europe' is a region, not a time zone"),
    ("luna", "Mars/Base", "Unknown time zone"),
])
def test_bad_input_is_refused_with_a_message_and_writes_nothing(qtbot, new_window, new_ledger,
                                                                handle, zone, says):
    dialog = new_window.offer_setup()
    assert dialog is not None
    fill(dialog, handle, "EU", zone)
    dialog.ok_button.click()
    wait_for_workers()  # the account is written on the worker
    assert dialog.isVisible()
    assert says in dialog.message.text() and "\n" not in dialog.message.text()
    assert queries.accounts(new_ledger) == []
    assert new_window.needs_setup()
    dialog.reject()


def test_settings_on_a_new_ledger_points_to_the_setup(qtbot):
    dialog = SettingsDialog(None, "system", "ledger.sqlite3")
    qtbot.addWidget(dialog)
    notes = " ".join(label.text() for label in dialog.findChildren(type(dialog.message)))
    assert "import a file first" not in notes
    assert "Set Up Account" in notes


@settings(max_examples=60, deadline=None)
@given(handle=st.one_of(st.text(max_size=12), st.sampled_from(["", " ", "@", " @ "])),
       zone=st.one_of(st.text(max_size=20), st.sampled_from(["Europe", "America/", "UTC",
                                                              "Asia/Tokyo"])))
def test_setup_creates_exactly_the_account_asked_or_nothing(handle, zone):
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "ledger.sqlite3")
        try:
            made = accounts.set_up(db, handle, "US", zone)
        except accounts.AccountError as exc:
            assert str(exc) and "\n" not in str(exc)
            assert queries.accounts(db) == []
            assert not handle.strip().lstrip("@").strip() or not accounts.valid_timezone(zone)
        else:
            assert queries.accounts(db) == [made]
            assert made.handle == handle.strip().lstrip("@").strip() != ""
            assert accounts.resolve(db, None) == made
            assert made.timezone == zone.strip()
        finally:
            db.close()
