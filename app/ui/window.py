"""The main window: a sidebar of pages, menus and shortcuts. It assembles, pages do the work.

Given its Settings, it comes back where it was closed (geometry, page) and keeps the theme.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QProcess, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app import __version__
from app.services import settings as account_settings
from app.services.changes import LedgerWatch
from app.services.lock import Holder, holder_of
from app.ui import format as fmt
from app.ui import worker
from app.ui.charts import export as chart_export
from app.ui.dialogs.settings_dialog import SettingsChoice, SettingsDialog
from app.ui.edits import Edit
from app.ui.geometry import fit_on_screen, fitting_size
from app.ui.idle_builds import IdleBuilds
from app.ui.ledger_files import LedgerFiles
from app.ui.ledger_lock import FreedWatch, Opening, reclaim
from app.ui.pages.overview import OverviewPage
from app.ui.read_only import (
    READ_ONLY,
    READ_ONLY_TEXT,
    KeepDisabled,
    lock_writes,
    refused,
    unlock_writes,
    writes,
)
from app.ui.resources import apply_theme, icon, pixmap, theme_charts
from app.ui.settings import Settings
from app.ui.undo import WindowUndo
from app.ui.widgets.elided import ElidedLabel
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.lock_banner import LockBanner
from app.ui.widgets.named import named
from app.ui.worker import Latest

if TYPE_CHECKING:  # the import dialog and its services load on first use: start-up time
    from app.services.preview import Outcome
    from app.ui.dialogs.import_dialog import ImportDialog
    from app.ui.dialogs.setup_dialog import SetupDialog

PAGES = ("Overview", "Gifts", "Gifters", "LIVEs", "Payouts", "Imports", "Planner", "Regions",
         "Rates")


def build_page(name: str, db: Database) -> QWidget:
    """The page for `name`: `Page(db)` of app/ui/pages/<name in lower case>.py; pages expose
    refresh(), which the window calls after any change to the ledger."""
    module = importlib.import_module(f"app.ui.pages.{name.lower()}")
    page: QWidget = module.Page(db)
    return page
DEFAULT_SIZE = QSize(1280, 800)
COMPACT_BELOW = 1180  # px: a narrower window has the narrow side panel
WATCH_MS = 500  # how often the ledger is asked about changes made elsewhere


def start_demo() -> bool:
    """`diamond-ledger --demo` as a process of its own (this window's ledger is untouched).
    In a standalone build (PyInstaller sets sys.frozen) the executable is the app itself."""
    app_args = [] if getattr(sys, "frozen", False) else ["-m", "app"]
    return QProcess.startDetached(sys.executable, [*app_args, "--demo"])[0]


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files (or export folders) in a drag, in the order they were dragged."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def about_text() -> str:
    return (f"<h3>Diamond Ledger {__version__}</h3>"
            "<p>A local ledger of TikTok LIVE gifts, diamonds and payouts, with withdrawal "
            "planning. Your data stays on this computer.</p>")


class MainWindow(QMainWindow):
    def __init__(self, db: Database, ledger_label: str = "", parent: QWidget | None = None,
                 *, settings: Settings | None = None, opening: Opening | None = None):
        """Without `settings` (tests, screenshots) the window remembers nothing. `opening`:
        the ledger's lock this window holds until it closes, or read-only (another window
        has the ledger open; app.ui.ledger_lock) until it takes the lock after all."""
        super().__init__(parent)
        self.settings = settings
        self.opening = opening or Opening(None)
        self.read_only = self.opening.read_only
        self.setProperty(READ_ONLY, self.read_only)  # the pages' write slots ask it
        self._keep_disabled = KeepDisabled(self)
        self.destroyed.connect(self.opening.release)
        self.setWindowTitle(self._title())
        self.setWindowIcon(icon("diamond"))
        self.resize(DEFAULT_SIZE)
        self.db = db  # the import dialog's jobs open their own connection to its file
        self.import_dialog: ImportDialog | None = None
        self.setAcceptDrops(True)
        self.overview = OverviewPage(db)
        self._connect_empty_states(self.overview)
        # a check-in made by the page itself (in the window its run_edit is the undo stack's)
        self.overview.ledger_changed.connect(self.refresh_all)
        self.overview.loaded.connect(self.show_balance)  # read on the worker on a big ledger
        chart_export.install(self.overview)  # right-click a chart: export as PNG or SVG
        # pages other than the Overview are built when first shown (start-up time: building
        # them all cost 160 ms of a 1.3 s cold start); until then the stack holds a stand-in
        self._built: list[QWidget | None] = [self.overview, *([None] * (len(PAGES) - 1))]
        self._stale: set[QWidget] = set()  # built pages to reload when next shown
        self._unread: set[QWidget] = set()  # built pages that have not read the ledger yet
        self.idle_builds = IdleBuilds(self, self._next_unbuilt, self._build, self._working)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        for _ in PAGES[1:]:
            self.stack.addWidget(QWidget())
        self.stack.currentChanged.connect(self._page_shown)
        self.sidebar = self._sidebar()
        self._assemble(ledger_label)
        self._menus()
        if self.read_only:
            lock_writes(self, self._keep_disabled)
        self._watch_ledger()
        self._watch_lock()
        self.refresh_all()
        if settings is not None:
            self.restore_state(settings)
            QApplication.styleHints().colorSchemeChanged.connect(self._system_theme_changed)

    def _sidebar(self) -> QListWidget:
        sidebar = named(QListWidget(), "sidebar")
        sidebar.addItems(PAGES)
        sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        sidebar.setCurrentRow(0)
        return sidebar

    def _assemble(self, ledger_label: str) -> None:
        brand = named(QLabel(), "brand")
        brand.setPixmap(pixmap("diamond").scaledToHeight(
            28, Qt.TransformationMode.SmoothTransformation))
        self.brand_name = name = named(QLabel("Diamond Ledger"), "brandName")
        header = QHBoxLayout()
        header.addWidget(brand)
        header.addWidget(name, 1)
        self.side_panel = side = named(QWidget(), "sidePanel")
        column = QVBoxLayout(side)  # its margins: _fit_side_panel
        column.addLayout(header)
        column.addSpacing(14)
        column.addWidget(self.sidebar, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(side)
        pages = QVBoxLayout()
        pages.setSpacing(0)
        self.lock_banner = LockBanner()  # a read-only window's offer to become writable
        pages.addWidget(self.lock_banner)
        pages.addWidget(self.stack, 1)
        row.addLayout(pages, 1)
        self.setCentralWidget(central)
        self._status_bar(ledger_label)
        self._fit_side_panel()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_side_panel()

    def _fit_side_panel(self) -> None:
        """Below COMPACT_BELOW px the side panel narrows to its page names (the themes'
        #sidePanel[compact]) and the app's name goes (the title bar has it): at 1,024 px
        its 200 px left a GB creator's Gifts and LIVEs tables 84 and 68 px short, their
        pound columns behind a sideways scroll bar; at 116 px "Overview" keeps 80 px."""
        compact = self.width() < COMPACT_BELOW
        if self.side_panel.property("compact") == compact:
            return
        self.side_panel.setProperty("compact", compact)
        self.brand_name.setVisible(not compact)
        side = 8 if compact else 12
        self.side_panel.layout().setContentsMargins(side, 18, side, 14)
        style = self.side_panel.style()
        style.unpolish(self.side_panel)
        style.polish(self.side_panel)

    def _status_bar(self, ledger_label: str) -> None:
        """The ledger's path (or the demo notice) on the left, its balance on the right."""
        self.ledger_label = named(ElidedLabel(ledger_label), "ledgerLabel")
        self.balance_label = named(QLabel(), "statusBalance")
        bar = self.statusBar()
        bar.addWidget(self.ledger_label, 1)
        if self.read_only:
            self.read_only_label = named(QLabel(READ_ONLY_TEXT), "readOnlyLabel")
            self._name_holder(self.opening.holder)
            bar.addPermanentWidget(self.read_only_label)
        bar.addPermanentWidget(self.balance_label)

    def _name_holder(self, holder: Holder | None) -> None:
        self.read_only_label.setToolTip(
            "Nothing can be changed in this window: the ledger is open in another one"
            + (f" ({holder.describe()})" if holder else "")
            + ". Its changes show here within 2 seconds.")

    def _title(self) -> str:
        return "Diamond Ledger (read-only)" if self.read_only else "Diamond Ledger"

    def show_balance(self) -> None:
        """The balance the Overview shows (its account), in the status bar."""
        dashboard = self.overview.dashboard
        if dashboard is None:
            self.balance_label.setText("No earnings yet")
            return
        s = dashboard.summary
        self.balance_label.setText(f"@{dashboard.handle} \u00b7 balance "
                                   f"{fmt.balance(s.balance_usd)} "
                                   f"({fmt.diamonds(s.balance_diamonds)} diamonds)")

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        writes(self._action(file_menu, "&Import\u2026", "Ctrl+I", self.open_import))
        self.setup_action = writes(self._action(file_menu, "Set &Up Account\u2026", "",
                                                self.open_setup))
        self.setup_action.setEnabled(self.needs_setup())  # one account per first run
        self.ledger_files = LedgerFiles(self, file_menu)  # New, Open, Recent, Backup...
        self._action(file_menu, "Save &Report\u2026", "",
                     self.open_report)
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close)
        edit = self.menuBar().addMenu("&Edit")
        self.undo = WindowUndo(self, self._ledger_file(), edit,  # Undo and Redo
                               read_only=self.read_only)
        self.overview.run_edit = self.undo.run  # a check-in
        edit.addSeparator()
        self._action(edit, "&Find", QKeySequence.StandardKey.Find, self.find)
        prefs = self._action(edit, "&Settings\u2026", "Ctrl+,", self.open_settings)
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        view = self.menuBar().addMenu("&View")
        self._action(view, "&Reload", QKeySequence.StandardKey.Refresh, self.reload_page)
        view.addSeparator()
        for i, name in enumerate(PAGES):
            self._action(view, name, f"Ctrl+{i + 1}", self._page_slot(i))
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Diamond Ledger", "", self.show_about)

    def _ledger_file(self) -> Path | None:
        """The ledger's file, for the worker's own connection (None: a ledger in memory)."""
        from app.services.preview import ledger_path

        try:
            return ledger_path(self.db)
        except ValueError:
            return None

    def _action(self, menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _page_slot(self, index: int) -> Callable[[], None]:
        return lambda: self.show_page(index)

    def show_page(self, index: int) -> None:
        self.sidebar.setCurrentRow(index)

    def page_name(self, index: int) -> str:
        return PAGES[index]

    def page(self, index: int) -> QWidget:
        """The page at `index`, built (and put in the stack) on first use, and read."""
        built = self._built[index]
        if built is None:
            built = self._build(index)
        if built in self._unread:  # built while the window was idle: it reads now
            self._unread.discard(built)
            self._stale.discard(built)
            refresh = getattr(built, "refresh", None)
            if refresh is not None:
                refresh()
        return built

    def _build(self, index: int) -> QWidget:
        """Build the page at `index` in place of its stand-in, wired to the window; it has not
        read the ledger yet (`page` reads it)."""
        built = build_page(PAGES[index], self.db)
        stand_in = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.blockSignals(True)
        self.stack.insertWidget(index, built)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.stack.setCurrentIndex(current)
        self.stack.blockSignals(False)
        self._built[index] = built
        self._unread.add(built)
        if self.read_only:
            lock_writes(built, self._keep_disabled)
        chart_export.install(built)
        changed = getattr(built, "ledger_changed", None)  # a page that writes says so
        if changed is not None:
            changed.connect(self.refresh_all)
        if hasattr(built, "run_edit"):  # its changes go through Edit > Undo's stack
            built.run_edit = self.undo.run
        self._connect_empty_states(built)
        return built

    def _next_unbuilt(self) -> int | None:
        return next((i for i, page in enumerate(self._built) if page is None), None)

    def _working(self) -> bool:
        """A job on the worker, or a page reading: the idle builds wait."""
        return bool(worker.busy()) or any(getattr(page, "loading", False)
                                          for page in self._built if page is not None)

    @property
    def pages(self) -> list[QWidget]:
        """Every page, built."""
        return [self.page(i) for i in range(len(PAGES))]

    def _page_shown(self, index: int) -> None:
        page = self.page(index)
        if page in self._stale:  # the ledger changed while it was hidden
            self._stale.remove(page)
            refresh = getattr(page, "refresh", None)
            if refresh is not None:
                refresh()
        # a hidden page loads when first shown: its charts take the theme then
        theme_charts(page)

    def reload_page(self) -> None:
        """View > Reload (F5): the page shown reads the ledger again."""
        page = self.stack.currentWidget()
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            refresh()
        if page is not self.overview:
            self.overview.refresh()  # the status bar's balance comes from it
        self.show_balance()
        theme_charts(page)

    def find(self) -> None:
        """Edit > Find (Ctrl+F): the shown page's search field, its text selected to retype."""
        boxes = [box for box in self.stack.currentWidget().findChildren(QLineEdit, "searchBox")
                 if box.isVisible()]
        if not boxes:
            self.statusBar().showMessage("This page has no search field", 3000)
            return
        boxes[0].setFocus(Qt.FocusReason.ShortcutFocusReason)
        boxes[0].selectAll()

    def refresh_all(self) -> None:
        """The ledger changed (an import, an undo, a payout edit): the page shown and the
        Overview (the status bar's balance comes from it) re-read it now; every other page
        when it is next shown (on a 1M-gift ledger, reloading all of them at once froze the
        window for 0.4-0.8 s after every edit: tests/benchmarks/bench_stalls.py)."""
        shown = self.stack.currentWidget()
        for page in self._built:
            if page is None:
                continue
            if page is shown or page is self.overview:
                self._stale.discard(page)
                refresh = getattr(page, "refresh", None)
                if refresh is not None:
                    refresh()
            else:
                self._stale.add(page)
        self.show_balance()
        self._show_setup()
        theme_charts(self)  # a refresh may have added chart labels in the light colours
        self._look(absorb=True)  # what was just read is no news for the watch

    # ---- changes made elsewhere: the command line, another window --------------------------

    def _watch_ledger(self) -> None:
        """Twice a second while shown, the worker asks the ledger whether another connection
        committed (app.services.changes); if so every page reloads."""
        self._watch = LedgerWatch.of(self.db)
        self._looks = Latest(self)
        self._looks.finished.connect(self._looked)
        self._poll = QTimer(self, interval=WATCH_MS)
        self._poll.timeout.connect(self._look)
        watch = self._watch
        if watch is not None:
            self.destroyed.connect(lambda: watch.close())

    def stop_watching(self) -> None:
        """No more looks at the ledger, and the watch's own connection closed, before the file
        is replaced (File > Restore). A closed window keeps its connection: shown again, it
        tells what changed meanwhile."""
        self._poll.stop()
        self._looks.discard()
        if self._watch is not None:
            self._watch.close()  # a later look (the window shown again) opens it anew

    def _look(self, absorb: bool = False) -> None:
        """Ask the watch (on the worker). `absorb`: take the ledger as it is now as seen,
        after this window's own change; it replaces a look under way, whose news it covers."""
        watch = self._watch
        if watch is None or not self._poll.isActive() or (self._looks.running and not absorb):
            return
        self._looks.start(lambda _progress, _cancel: (absorb, watch.changed()))

    def _looked(self, result: tuple[bool, bool]) -> None:
        absorbed, changed = result
        if changed and not absorbed:
            self.refresh_all()
            self.undo.changed_elsewhere()  # its commands' rows may be among those changed

    # ---- a window without the lock whose other window closed ------------------------------

    def _watch_lock(self) -> None:
        """Opened while another window held the ledger, and shown, the window looks every 2 s
        whether that window let go. A read-only one then offers Make writable in its banner
        (never a silent switch: the creator may be in the middle of reading); one opened
        anyway takes the lock unasked, so that a window opened later is warned."""
        path = self._ledger_file()
        unguarded = self.opening.lock is None and self.opening.holder is not None
        self._freed = FreedWatch(self, path) if unguarded and path is not None else None
        if self._freed is not None:
            self._freed.lock_changed.connect(self._lock_changed)
            self.lock_banner.make_writable_requested.connect(self.make_writable)

    def _lock_changed(self, free: bool) -> None:
        if free and not self.read_only:
            self._keep_lock()
        elif free:
            self.lock_banner.offer()
        elif self.lock_banner.offering and self._freed is not None:  # taken before a press
            self._taken(holder_of(self._freed.ledger))

    def _taken(self, holder: Holder) -> None:
        self.lock_banner.taken(holder)
        self._name_holder(holder)

    def _take_lock(self) -> Holder | None:
        """The ledger's lock for this window now that the other let go, kept until it closes;
        or the window that took it first (the watch then looks for its going)."""
        assert self._freed is not None
        got = reclaim(self._freed.ledger)
        if isinstance(got, Holder):
            self._freed.taken()
            return got
        self._freed.stop()
        self.opening = got
        self.destroyed.connect(got.release)
        return None

    def _keep_lock(self) -> None:
        """Opened anyway, and the other window let go: this one takes the lock, so that a
        window opened after it asks first (if another window was quicker, it looks again)."""
        if self._take_lock() is None:
            self.statusBar().showMessage("The other window on this ledger closed: a window "
                                         "opened on it now asks first", 8000)

    def make_writable(self) -> bool:
        """The banner's Make writable: take the ledger's lock; then every write control and
        slot works as in any window, and Edit > Undo with them. When another window took the
        lock first, the banner says so and this window stays read-only."""
        if self._freed is None or not self.read_only:
            return not self.read_only
        holder = self._take_lock()
        if holder is not None:
            self._taken(holder)
            return False
        self.read_only = False
        self.setProperty(READ_ONLY, False)
        unlock_writes(self, self._keep_disabled)
        self.undo.make_writable()
        self.lock_banner.hide()
        self.read_only_label.hide()
        self.setWindowTitle(self._title())
        self.statusBar().showMessage("This window can change the ledger now", 8000)
        return True

    def _connect_empty_states(self, page: QWidget) -> None:
        """A page's "nothing here yet" buttons: Set up (while the ledger has no account),
        File > Import, or the demo in a new window."""
        for empty in page.findChildren(EmptyState):
            empty.setup_requested.connect(self.open_setup)
            empty.import_requested.connect(self.open_import)
            empty.demo_requested.connect(self.open_demo)
        self._show_setup_buttons(page)

    # ---- first run: the creator's account -------------------------------------------------

    def needs_setup(self) -> bool:
        return account_settings.current_account(self.db) is None

    def offer_setup(self) -> SetupDialog | None:
        """On a new ledger (no account yet) the setup dialog, before anything else (not in a
        read-only window: setting up writes)."""
        return self.open_setup() if self.needs_setup() and not self.read_only else None

    def open_setup(self) -> SetupDialog | None:
        from app.ui.dialogs.setup_dialog import SetupDialog

        if refused(self, "No account was set up"):
            return None
        dialog = SetupDialog(self.db, self, self.undo.run)  # on Edit > Undo
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.setup_dialog = dialog
        return dialog

    def _show_setup(self) -> None:
        """File > Set Up Account and the pages' Set up buttons while the ledger has no account
        (again after the setup is undone)."""
        self.setup_action.setEnabled(self.needs_setup())
        for page in self._built:
            if page is not None:
                self._show_setup_buttons(page)

    def _show_setup_buttons(self, page: QWidget) -> None:
        needed = self.needs_setup()
        for empty in page.findChildren(EmptyState):
            empty.setup_button.setVisible(needed)

    def open_demo(self) -> None:
        """A second window on the sample data, in its own process and temporary ledger."""
        if not start_demo():
            self.statusBar().showMessage("The demo could not be started", 5000)

    def open_report(self) -> None:
        """File > Save Report: imported on first use (the PDF writer is not needed to start)."""
        from app.ui.reports import dialog as report_dialog

        report_dialog.open_report(self, self.db)

    def open_import(self) -> None:
        """File > Import: choose files, then check and import them in the import dialog."""
        from app.ui.dialogs import import_dialog

        if refused(self, "Nothing was imported"):  # its entry and buttons are off too
            return
        paths = import_dialog.choose_files(self, import_dialog.last_folder())
        if paths:
            import_dialog.remember_folder(paths[0])
            self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> ImportDialog | None:
        from app.services.preview import ledger_path
        from app.ui.dialogs.import_dialog import ImportDialog

        if refused(self, "Nothing was imported"):
            return None
        dialog = ImportDialog(ledger_path(self.db), paths, self)
        dialog.run_edit = self.undo.run  # a new account or a saved profile: on Edit > Undo
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.import_finished.connect(self._imported)
        dialog.show()
        self.import_dialog = dialog
        return dialog

    def _imported(self, outcome: Outcome) -> None:
        if outcome.wrote():
            self.refresh_all()
            self.undo.imported(outcome)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event.mimeData()) and not self.read_only:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event.mimeData())
        if paths and self.read_only:
            self.statusBar().showMessage("Read-only: nothing can be imported in this window",
                                         5000)
        elif paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def show_about(self) -> None:
        QMessageBox.about(self, "About Diamond Ledger", about_text())

    # ---- settings, theme, where the window was -----------------------------------------------

    def _settings(self) -> Settings:
        return self.settings if self.settings is not None else Settings()

    def open_settings(self) -> SettingsDialog:
        """Edit > Settings: a window-modal dialog; OK saves and repaints."""
        settings = self._settings()
        dialog = SettingsDialog(account_settings.current_account(self.db), settings.get("theme"),
                                settings.get("ledger/path"), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.read_only:  # the theme is this computer's; the account is the ledger's
            writes(dialog.region)
            writes(dialog.timezone)
            lock_writes(dialog, self._keep_disabled)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.choice()))
        dialog.open()
        return dialog

    def apply_settings(self, choice: SettingsChoice) -> None:
        settings = self._settings()
        settings.set("theme", choice.theme)
        settings.set("ledger/path", choice.ledger_path)
        settings.sync()
        self.apply_theme()
        account = account_settings.current_account(self.db)
        # a read-only window keeps the ledger's account as it is (its fields are off)
        if account is None or not choice.region or not choice.timezone or self.read_only:
            self.refresh_all()
            return
        if (account.region, account.timezone) == (choice.region.upper(),
                                                        choice.timezone.strip()):
            self.refresh_all()
            return
        account_id = account.id
        self.undo.run(Edit(
            f"Change account settings (region {choice.region}, time zone {choice.timezone})",
            lambda db: account_settings.save_account(db, account_id, choice.region,
                                                     choice.timezone),
            "The account was not changed"))

    def apply_theme(self) -> str:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme = apply_theme(app, self._settings().get("theme"))
        theme_charts(self, theme)
        return theme

    def _system_theme_changed(self) -> None:
        if self._settings().get("theme") == "system":
            self.apply_theme()

    def restore_state(self, settings: Settings) -> None:
        geometry = settings.get("window/geometry")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
            self.keep_on_screen()
        else:  # a first start: the default size, or the screen's where that is smaller
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:
                self.resize(fitting_size(DEFAULT_SIZE, screen.availableGeometry()))
        state = settings.get("window/state")
        if not state.isEmpty():
            self.restoreState(state)
        page = settings.get("window/last_page")
        if page in PAGES:
            self.show_page(PAGES.index(page))

    def keep_on_screen(self) -> None:
        """Bring a restored window inside the screen it is on (or the main one)."""
        if self.isMaximized() or self.isFullScreen():
            return
        screen = (QGuiApplication.screenAt(self.geometry().center()) or self.screen()
                  or QGuiApplication.primaryScreen())
        fitted = fit_on_screen(self.geometry(), screen.availableGeometry())
        if fitted != self.geometry():
            self.setGeometry(fitted)

    def save_state(self, settings: Settings) -> None:
        settings.set("window/geometry", self.saveGeometry())
        settings.set("window/state", self.saveState())
        settings.set("window/last_page", PAGES[max(0, self.sidebar.currentRow())])
        settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        theme_charts(self)  # the page on show loaded just now, its charts in light colours
        if not self._poll.isActive():
            self._poll.start()
            self._look()  # the first look only notes the ledger; later ones see what changed
        self.idle_builds.start()
        if self._freed is not None and self.opening.lock is None:
            self._freed.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous():  # a minimised window keeps watching, a closed one stops
            self._poll.stop()
            self._looks.discard()
            self.idle_builds.stop()
            if self._freed is not None:
                self._freed.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings is not None:
            self.save_state(self.settings)
        self.undo.close()
        super().closeEvent(event)
        if event.isAccepted():
            self.opening.release()  # another window may now open the ledger without asking
