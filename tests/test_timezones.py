"""A time zone is a valid IANA zone or a clear one-line message, never a traceback: one
function (app.services.accounts.timezone_problem) for the Settings dialog and the command line.
"Europe" is a folder of zones, which zoneinfo answers with IsADirectoryError."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.services import accounts
from app.services import settings as account_settings
from app.store import queries

ZONES = sorted(available_timezones())


@pytest.mark.parametrize("name, says", [
    ("Europe", "'Europe' is a region, not a time zone: choose one in it, such as Europe/"),
    ("America/", "is a region, not a time zone"),
    ("", "Choose a time zone"),
    ("Mars/Olympus_Mons", "Unknown time zone 'Mars/Olympus_Mons'"),
    ("../etc/passwd", "Unknown time zone"),
    ("/etc/localtime", "Unknown time zone"),
    ("Europe/Par", "Unknown time zone 'Europe/Par'"),
])
def test_a_partial_or_invalid_zone_is_a_sentence(name, says):
    problem = accounts.timezone_problem(name)
    assert problem is not None and says in problem and "\n" not in problem
    assert not accounts.valid_timezone(name)
    assert account_settings.problem("US", name) == problem


def test_real_zones_pass():
    for name in ("Europe/Paris", "America/Sao_Paulo", "UTC", " Asia/Tokyo "):
        assert accounts.timezone_problem(name) is None


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=30), st.sampled_from(ZONES).map(lambda z: z[: len(z) // 2])))
def test_no_text_makes_the_check_raise(text):
    problem = accounts.timezone_problem(text)
    assert problem is None or (problem and "\n" not in problem)
    assert (problem is None) == (text.strip() in available_timezones())


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_accounts_set_with_a_partial_zone_is_a_message_not_a_traceback(demo_db, db_path,
                                                                       capsys):
    before = queries.accounts(demo_db)
    code, out, err = run(capsys, "accounts", "set", "demo_creator", "--timezone", "Europe",
                         "--db", db_path)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"diamond-ledger: {accounts.timezone_problem('Europe')}"]
    assert "Traceback" not in err and queries.accounts(demo_db) == before


def test_accounts_add_with_a_partial_zone_is_a_message_and_adds_nothing(db, db_path, capsys):
    code, _out, err = run(capsys, "accounts", "add", "someone", "--timezone", "Europe",
                          "--db", db_path)
    assert code == 1 and "is a region, not a time zone" in err
    assert len(err.strip().splitlines()) == 1
    assert queries.accounts(db) == []


def test_settings_time_zone_is_a_searchable_list_and_europe_is_a_message(qtbot, demo_db):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QCompleter

    from app.ui.dialogs.settings_dialog import SettingsDialog
    dialog = SettingsDialog(queries.accounts(demo_db)[0], "system", "ledger.sqlite3")
    qtbot.addWidget(dialog)
    box = dialog.timezone
    names = [box.itemText(i) for i in range(box.count())]
    assert len(names) > 300 and all(n in available_timezones() for n in names)
    completer = box.completer()
    assert completer.filterMode() == Qt.MatchFlag.MatchContains
    assert completer.completionMode() == QCompleter.CompletionMode.PopupCompletion
    for partial in ("E", "Eu", "Europe", "Europe/"):  # typed one key at a time
        box.setCurrentText(partial)
        assert not dialog.ok_button.isEnabled()
    assert "is a region, not a time zone" in dialog.message.text()
    box.setCurrentText("Europe/Paris")
    assert dialog.ok_button.isEnabled() and dialog.message.text() == ""


def test_import_with_a_partial_zone_names_the_option_not_the_file(db, db_path, tmp_path,
                                                                   capsys):
    """`import g.csv --timezone Europe` said "g.csv: cannot read the file (Is a directory)"."""
    gifts = tmp_path / "g.csv"
    gifts.write_text("Date,Username,Gift,Quantity\n2026-11-01 10:00,fan,Rose,1\n")
    before = queries.accounts(db)
    code, out, err = run(capsys, "import", str(gifts), "--timezone", "Europe", "--db", db_path)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"diamond-ledger: --timezone: {accounts.timezone_problem('Europe')}"]
    assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    assert queries.accounts(db) == before


def test_a_saved_profile_with_a_folder_for_a_zone_is_refused_by_name():
    from app.importers.fields import Mapping
    mapping = Mapping("gifts", {"time": "Date"}, timezone="Europe", name="p")
    assert mapping.problem() == accounts.timezone_problem("Europe")
