"""File menu like a desktop app's: New Ledger, Open Ledger, Open Recent, Backup, Restore, Export
CSV. The work is in app.services (backups, exporting); this module asks for the files, and
opening another ledger opens a window on it (its own connection and services) in place of this
one, as main.py opens the first.

The file dialogs are module-level functions so tests replace them, like errors.report."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget
from sqlite_utils import Database

from app.services import backups, exporting
from app.services.accounts import AccountError
from app.services.ledger import LedgerError, open_db
from app.services.preview import ledger_path
from app.ui.dialogs import confirm, errors
from app.ui.ledger_lock import claim
from app.ui.read_only import refused, writes
from app.ui.settings import Settings

if TYPE_CHECKING:
    from app.ui.window import MainWindow

RECENT_KEY = "ledger/recent"
RECENT_COUNT = 5
LEDGER_FILTER = "Ledger (*.sqlite3);;All files (*)"
_OPEN: set[MainWindow] = set()  # windows opened from the menu, kept until they close


def choose_new(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "New ledger", "ledger.sqlite3", LEDGER_FILTER)
    return Path(path) if path else None


def choose_existing(parent: QWidget | None, title: str, folder: str = "") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, LEDGER_FILTER)
    return Path(path) if path else None


def choose_save(parent: QWidget | None, title: str, suggested: str, kinds: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, kinds)
    return Path(path) if path else None


def choose_export_kind(parent: QWidget | None) -> str | None:
    """Which table to export (tests replace this too)."""
    from PySide6.QtWidgets import QInputDialog

    kind, ok = QInputDialog.getItem(parent, "Export CSV", "Export", list(exporting.EXPORT_KINDS),
                                    0, False)
    return kind if ok else None


def recent(settings: Settings) -> list[str]:
    """The last ledgers opened, newest first (at most five)."""
    return [p for p in str(settings.get(RECENT_KEY)).split("\n") if p][:RECENT_COUNT]


def remember(settings: Settings, path: Path) -> None:
    name = str(path.resolve())
    settings.set(RECENT_KEY, "\n".join([name, *(p for p in recent(settings) if p != name)]
                                       [:RECENT_COUNT]))
    settings.sync()


def _closed(window: MainWindow, db: Database) -> None:
    """A window opened from the menu is gone: its ledger connection goes with it."""
    db.close()
    _OPEN.discard(window)


class LedgerFiles:
    """The File menu's ledger entries for `window`."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.window = window
        self._add(menu, "&New Ledger\u2026", "Ctrl+N", self.new_ledger)
        self._add(menu, "&Open Ledger\u2026", "Ctrl+O", self.open_ledger)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        menu.addSeparator()
        self._add(menu, "&Backup\u2026", "", self.backup)
        writes(self._add(menu, "R&estore\u2026", "", self.restore))
        self._add(menu, "Export &CSV\u2026", "", self.export_csv)
        menu.addSeparator()

    def _add(self, menu: QMenu, text: str, shortcut: str, slot: object) -> QAction:
        action = menu.addAction(text)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    @property
    def path(self) -> Path:
        return ledger_path(self.window.db)

    def settings(self) -> Settings:
        return self.window.settings if self.window.settings is not None else Settings()

    # ---- another ledger --------------------------------------------------------------------

    def new_ledger(self) -> MainWindow | None:
        path = choose_new(self.window)
        if path is None:
            return None
        if path.exists():
            errors.report(self.window, "No new ledger was made",
                          f"{path} already exists: open it with File > Open Ledger.")
            return None
        return self.switch_to(path, create=True, why="a new ledger was opened")

    def open_ledger(self) -> MainWindow | None:
        path = choose_existing(self.window, "Open ledger", str(self.path.parent))
        return self.switch_to(path, create=False) if path else None

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for name in recent(self.settings()):
            action = self.recent_menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.switch_to(Path(n), False))
        self.recent_menu.setEnabled(True)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No ledgers opened yet").setEnabled(False)

    def switch_to(self, path: Path, create: bool,
                  why: str = "another ledger was opened") -> MainWindow | None:
        """A window on the ledger at `path` in place of this one; a file that cannot be opened
        is one message and this window stays as it was. Its Edit menu says `why` there is
        nothing to undo (this window's commands were made on the ledger it had). A ledger open
        in a window of another process asks first: read-only, anyway, or Cancel (this window
        stays)."""
        opening = claim(self.window, path)
        if opening is None:
            return None
        try:
            db = open_db(path, create=create)
        except (LedgerError, OSError, sqlite3.Error) as exc:
            opening.release()
            text = str(exc) if isinstance(exc, LedgerError) else f"{path}: {exc}"
            errors.report(self.window, errors.LEDGER_TITLE, text)
            return None
        from app.ui.window import MainWindow

        opened = MainWindow(db, f"Ledger: {path}", settings=self.window.settings,
                            opening=opening)
        opened.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _OPEN.add(opened)
        opened.destroyed.connect(lambda: _closed(opened, db))
        remember(self.settings(), path)
        opened.undo.clear(why)
        opened.setGeometry(self.window.geometry())
        opened.show()
        self.window.close()
        opened.offer_setup()
        return opened

    # ---- copies of this ledger -------------------------------------------------------------

    def backup(self) -> Path | None:
        out = choose_save(self.window, "Back up the ledger", f"{self.path.stem}-backup.sqlite3",
                          LEDGER_FILTER)
        if out is None:
            return None
        try:
            made = backups.backup(self.path, out)
        except (backups.BackupError, LedgerError, OSError) as exc:
            errors.report(self.window, "No backup was made", str(exc))
            return None
        self.window.statusBar().showMessage(f"Backed up to {made}", 5000)
        return made

    def restore(self) -> MainWindow | None:
        """Put a backup in place of this ledger (the current one is backed up first), then
        open it again; a file that is not a sound ledger backup changes nothing. Not in a
        read-only window: the other window has the ledger open."""
        if refused(self.window, "The backup was not restored"):
            return None
        source = choose_existing(self.window, "Restore a backup",
                                 str(self.path.parent / "backups"))
        if source is None or not confirm.ask(
                self.window, "Restore this backup?",
                f"The ledger is replaced by {source.name}; the current one is backed up first.",
                "Restore"):
            return None
        path = self.path
        self.window.hide()
        self.window.stop_watching()  # its connection on the file goes before the file does
        self.window.db.close()
        try:
            backups.restore(source, path)
        except (backups.BackupError, LedgerError, OSError, sqlite3.Error) as exc:
            errors.report(self.window, "The backup was not restored", str(exc))
        return self.switch_to(path, create=False, why="a backup was restored")

    def export_csv(self) -> Path | None:
        kind = choose_export_kind(self.window)
        if kind is None:
            return None
        out = choose_save(self.window, f"Export {kind}", f"{kind}.csv", "CSV (*.csv)")
        if out is None:
            return None
        try:
            rows = exporting.export(self.window.db, kind, out)
        except (AccountError, OSError, ValueError) as exc:
            errors.report(self.window, "Nothing was exported", str(exc))
            return None
        self.window.statusBar().showMessage(f"Exported {rows} rows to {out}", 5000)
        return out
