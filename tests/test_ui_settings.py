"""Settings, themes, the window coming back where it was, and errors shown as boxes (offscreen).

Every test has its own QSettings file in a temporary folder (tests/conftest.py)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QByteArray, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from app.services import accounts  # noqa: E402
from app.services.backups import backup, backups  # noqa: E402
from app.services.paths import default_db_path  # noqa: E402
from app.store import queries  # noqa: E402
from app.store.db import open_db  # noqa: E402
from app.ui import main  # noqa: E402
from app.ui.dialogs import errors, settings_dialog  # noqa: E402
from app.ui.resources import apply_theme, current_theme, stylesheet  # noqa: E402
from app.ui.settings import VERSION, VERSION_KEY, Settings, qsettings  # noqa: E402
from app.ui.window import PAGES, MainWindow  # noqa: E402
from app.ui.worker import wait_for_workers  # noqa: E402


@pytest.fixture(autouse=True)
def _light_again(qapp: QApplication) -> Iterator[None]:
    """The theme is the application's: put it back for the tests that follow."""
    yield
    apply_theme(qapp, "light")


def _window(qtbot, db, settings: Settings | None = None) -> MainWindow:
    win = MainWindow(db, settings=settings if settings is not None else Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _charts(win: MainWindow) -> list[pg.GraphicsView]:
    return [v for v in win.findChildren(pg.GraphicsView) if isinstance(v, pg.GraphicsView)]


# ---- the settings table -------------------------------------------------------------------

def test_settings_never_touch_the_developers_file(tmp_path_factory):
    tmp = tmp_path_factory.getbasetemp().resolve()
    for name in (Settings().file_name(), QSettings().fileName()):
        assert Path(name).resolve().is_relative_to(tmp), name


def test_defaults_when_empty():
    settings = Settings()
    assert settings.get("theme") == "system"
    assert settings.get("window/last_page") == "Overview"
    assert settings.get("window/geometry") == QByteArray()
    assert settings.get("ledger/path") == str(default_db_path())
    assert qsettings().allKeys() == []  # reading wrote nothing
    settings.set("theme", "light")
    assert int(qsettings().value(VERSION_KEY)) == VERSION


def test_a_value_round_trips_and_a_bad_one_is_refused():
    settings = Settings()
    settings.set("theme", "dark")
    settings.set("window/geometry", QByteArray(b"\x01\x02"))
    settings.sync()
    again = Settings()
    assert again.get("theme") == "dark"
    assert again.get("window/geometry") == QByteArray(b"\x01\x02")
    with pytest.raises(ValueError):
        again.set("theme", "purple")
    with pytest.raises(TypeError):
        again.set("window/last_page", 3)
    again.set("ledger/path", str(default_db_path()))
    assert not again.store.contains("ledger/path")  # the default is not pinned
    raw = qsettings()
    raw.setValue("theme", "purple")  # edited by hand
    raw.sync()
    assert Settings().get("theme") == "system"


def test_an_old_settings_file_is_upgraded():
    raw = qsettings()
    raw.setValue("theme", "dark")
    raw.setValue("window/page", 3)  # version 1 (no version key) kept the page's index
    raw.sync()
    settings = Settings()
    assert settings.get("window/last_page") == "LIVEs"
    assert settings.get("theme") == "dark"
    assert not settings.store.contains("window/page")
    assert int(settings.store.value(VERSION_KEY)) == VERSION


def test_screenshots_leave_the_settings_alone(qapp, tmp_path):
    assert main.run_window(demo=True, screenshot=str(tmp_path / "shots")) == 0
    assert qsettings().allKeys() == []


def test_the_ledger_location_setting_is_used_at_the_next_start(qapp, tmp_path):
    chosen = tmp_path / "elsewhere" / "mine.sqlite3"
    Settings().set("ledger/path", str(chosen))
    QTimer.singleShot(0, qapp.quit)
    assert main.run_window() == 0
    assert chosen.exists()
    assert not default_db_path().exists()


# ---- the window comes back as it was --------------------------------------------------------

def test_geometry_and_last_page_are_restored(qtbot, demo_db):
    first = _window(qtbot, demo_db)
    # the offscreen screen is 800 px wide, narrower than the window may be: vary the height
    first.resize(first.width(), 610)
    first.show_page(PAGES.index("LIVEs"))
    first.close()
    second = _window(qtbot, demo_db)
    assert second.height() == 610
    assert second.stack.currentIndex() == PAGES.index("LIVEs")
    assert second.sidebar.currentRow() == PAGES.index("LIVEs")
    second.showMaximized()
    second.close()
    third = _window(qtbot, demo_db)
    assert third.isMaximized()
    third.close()


def test_a_window_without_settings_remembers_nothing(qtbot, demo_db):
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show_page(2)
    win.close()
    assert not qsettings().contains("window/last_page")


# ---- the settings dialog -------------------------------------------------------------------

def test_settings_dialog_changes_the_region_and_the_theme(qtbot, demo_db, qapp):
    settings = Settings()
    win = _window(qtbot, demo_db, settings)
    assert "Ctrl+," in {a.shortcut().toString() for a in win.findChildren(QAction)}
    dialog = win.open_settings()
    assert dialog.region.currentData() == "US"
    assert "USD" in dialog.region.currentText()
    dialog.region.setCurrentIndex(dialog.region.findData("GB"))
    assert "GBP" in dialog.region.currentText()
    dialog.timezone.setCurrentText("Europe/London")
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    wait_for_workers()  # the account is written on the worker
    (account,) = queries.accounts(demo_db)
    assert (account.region, account.timezone) == ("GB", "Europe/London")
    assert settings.get("theme") == "dark"
    assert current_theme() == "dark"
    assert qapp.styleSheet() == stylesheet("dark")


def test_settings_dialog_refuses_an_unknown_time_zone(qtbot, demo_db):
    win = _window(qtbot, demo_db)
    dialog = win.open_settings()
    dialog.timezone.setCurrentText("Mars/Olympus_Mons")
    assert not dialog.ok_button.isEnabled()
    assert "Mars/Olympus_Mons" in dialog.message.text()
    dialog.timezone.setCurrentText("Asia/Tokyo")
    assert dialog.ok_button.isEnabled()
    dialog.reject()
    assert queries.accounts(demo_db)[0].timezone != "Asia/Tokyo"


def test_browse_fills_the_ledger_location(qtbot, demo_db, monkeypatch, tmp_path):
    target = str(tmp_path / "moved.sqlite3")
    monkeypatch.setattr(settings_dialog, "choose_ledger", lambda parent, current: target)
    win = _window(qtbot, demo_db)
    dialog = win.open_settings()
    assert "next time" in " ".join(label.text() for label in dialog.findChildren(
        settings_dialog.QLabel))
    dialog.browse.click()
    assert dialog.ledger.text() == target
    dialog.accept()
    assert win.settings.get("ledger/path") == target


def test_an_empty_ledger_has_no_account_to_edit(qtbot, db):
    win = _window(qtbot, db)
    dialog = win.open_settings()
    assert not dialog.region.isEnabled() and not dialog.timezone.isEnabled()
    assert dialog.ok_button.isEnabled()
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.accept()
    assert queries.accounts(db) == []


def test_dark_theme_paints_the_window_and_the_charts_dark(qtbot, demo_db, qapp):
    settings = Settings()
    win = _window(qtbot, demo_db, settings)
    for i in range(len(PAGES)):
        win.show_page(i)  # hidden pages draw their charts when first shown
    light = {id(v): v.backgroundBrush().color().lightness() for v in _charts(win)}
    assert len(light) >= 4 and min(light.values()) > 240
    settings.set("theme", "dark")
    assert win.apply_theme() == "dark"
    assert qapp.styleSheet() == stylesheet("dark") != stylesheet("light")
    for view in _charts(win):
        assert view.backgroundBrush().color().lightness() < 60
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                assert item.textPen().color().lightness() > 150
    settings.set("theme", "light")
    win.apply_theme()
    assert all(v.backgroundBrush().color().lightness() > 240 for v in _charts(win))


def _object_names(qss: str) -> set[str]:
    words = re.findall(r"#(\w+)", re.sub(r"/\*.*?\*/", "", qss, flags=re.S))
    return {w for w in words if not re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", w)}


def test_a_window_opening_dark_on_a_chart_page_draws_its_labels_light(qtbot, demo_db, qapp):
    settings = Settings()
    settings.set("theme", "dark")
    settings.set("window/last_page", "Gifts")
    apply_theme(qapp, settings.get("theme"))  # as run_window does, before the window
    win = _window(qtbot, demo_db, settings)
    assert win.stack.currentIndex() == PAGES.index("Gifts")
    labels = [item for view in _charts(win.stack.currentWidget())
              for item in view.scene().items() if isinstance(item, pg.TextItem)]
    assert labels and all(t.color.lightness() > 150 for t in labels if t.isVisible())


def test_the_dark_theme_styles_every_name_the_light_one_does():
    names = _object_names(stylesheet("light"))
    assert {"sidebar", "card", "primaryButton", "giftTable", "settingsDialog"} <= names
    assert names == _object_names(stylesheet("dark"))


# ---- errors: a box, never a traceback -------------------------------------------------------

def _damage(path: Path) -> None:
    path.write_bytes(b"this is not a database, just garbage \x00\xff" * 64)


def _ledger_with_backup(path: Path) -> Path:
    db = open_db(path)
    accounts.add(db, "kept_creator", "GB", "Europe/London")
    db.close()
    return backup(path)


def test_a_damaged_ledger_with_a_backup_is_restored_when_asked(qapp, db_path, monkeypatch):
    newest = _ledger_with_backup(db_path)
    _damage(db_path)
    asked: list[tuple[str, Path]] = []
    monkeypatch.setattr(errors, "ask_restore",
                        lambda parent, message, found: asked.append((message, found)) or True)
    seen: dict[str, object] = {}

    def look_then_quit() -> None:
        seen["windows"] = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        seen["hook"] = sys.excepthook
        qapp.quit()

    QTimer.singleShot(0, look_then_quit)
    assert main.run_window(db_path=str(db_path)) == 0
    assert asked and asked[0][1] == newest
    assert "not a Diamond Ledger database" in asked[0][0]
    assert len(seen["windows"]) == 1
    assert seen["hook"] is errors._hook and sys.excepthook is not errors._hook
    db = open_db(db_path)
    assert [a.handle for a in queries.accounts(db)] == ["kept_creator"]
    db.close()
    assert db_path.with_name(db_path.name + ".damaged").exists()  # nothing thrown away


def test_quit_leaves_the_damaged_ledger_alone(qapp, db_path, monkeypatch):
    _ledger_with_backup(db_path)
    _damage(db_path)
    before = db_path.read_bytes()
    monkeypatch.setattr(errors, "ask_restore", lambda *args: False)
    assert main.run_window(db_path=str(db_path)) == 1
    assert db_path.read_bytes() == before


def test_a_damaged_ledger_without_backup_is_reported_without_a_traceback(
        qapp, db_path, monkeypatch, capsys):
    _damage(db_path)
    assert backups(db_path) == []
    reported: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "report",
                        lambda parent, title, text, details="", **_: reported.append((title, text)))
    monkeypatch.setattr(errors, "ask_restore", lambda *args: pytest.fail("no backup to offer"))
    assert main.run_window(db_path=str(db_path)) == 1
    assert reported == [(errors.LEDGER_TITLE, reported[0][1])]
    assert str(db_path) in reported[0][1]
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert not any(isinstance(w, MainWindow) for w in qapp.topLevelWidgets())


def test_a_ledger_in_a_folder_that_cannot_be_made_is_reported(qapp, tmp_path, monkeypatch,
                                                               capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    reported: list[str] = []
    monkeypatch.setattr(errors, "report",
                        lambda parent, title, text, details="", **_: reported.append(text))
    assert main.run_window(db_path=str(blocker / "ledger.sqlite3")) == 1
    assert reported and str(blocker) in reported[0]
    assert "Traceback" not in capsys.readouterr().err


def test_an_error_in_a_slot_shows_a_short_box_and_logs_the_traceback(qtbot, monkeypatch,
                                                                     capsys):
    shown: list[tuple[str, str, str, str]] = []
    monkeypatch.setattr(errors, "report", lambda parent, title, text, details="", advice="":
                        shown.append((title, text, details, advice)))
    button = QPushButton()
    qtbot.addWidget(button)

    def broken() -> None:
        raise RuntimeError("the planner divided by zero\nsecond line")

    button.clicked.connect(broken)
    previous = errors.install_excepthook()
    try:
        button.click()
    finally:
        sys.excepthook = previous
    (title, text, details, advice), = shown
    assert title == "Something went wrong"
    assert "RuntimeError: the planner divided by zero" in advice and "Try again" in advice
    assert "second line" not in advice and "Traceback" not in text + advice
    # the traceback only behind the box's Show Details button
    assert details.startswith("Traceback") and "in broken" in details
    assert "Traceback" in capsys.readouterr().err
