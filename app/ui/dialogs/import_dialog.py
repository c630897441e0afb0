"""File > Import: check how each file is read, fix its mapping, see the counts, then import.

Every look at the ledger or a file runs on a background Worker (app.ui.worker) with its own
ledger connection; the dialog only reads its widgets, starts a job and shows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.importers.fields import REQUIRED, SYNONYMS
from app.services import accounts, dashboard
from app.services import preview as pv
from app.services import settings as account_settings
from app.services.importing import expand_paths
from app.ui.dialogs import confirm, errors
from app.ui.edits import Edit, Runner
from app.ui.geometry import fitting_size
from app.ui.settings import Settings
from app.ui.widgets.named import named
from app.ui.worker import Worker, wait_for_workers

KINDS = ("auto", "gifts", "sessions", "payouts")
DATE_FORMATS = ("auto", "iso", "dmy", "mdy", "text", "epoch_s", "epoch_ms")
DECIMALS = ("auto", ".", ",")
NOT_MAPPED = "\u2014 not mapped \u2014"
AUTOMATIC = "Automatic"
NEW_ACCOUNT = "New account\u2026"
DEBOUNCE_MS = 250
DIALOG_SIZE = (1280, 800)
MAPPING_WIDTH = 420  # px: the column mapping's card, its choices readable
CHOICE_WIDTH = 240  # px: the account and profile choices at most
HEADER_LINES = 200  # the lines of a file's sample the header can be chosen from
REFUSED_ADVICE = ("Nothing of it is written. Check that it is the file you exported (a gift "
                  "log, a LIVE list, payouts, or TikTok's zip), or export it again.")
# Under a summary of several files: which ones were refused is said above it, per file.
REFUSED_FILES_ADVICE = ("Nothing of a refused file is written. Check that each is the file you "
                        "exported (a gift log, a LIVE list, payouts, or TikTok's zip), or export "
                        "it again.")
UNEXPECTED_TITLE = "Something went wrong"
_ROOT = QModelIndex()
LABELS = {
    "ts": "Time", "time": "Time", "room_id": "LIVE / room", "sender_id": "Sender id",
    "sender_name": "Sender", "gift_id": "Gift id", "gift_name": "Gift",
    "repeat_count": "Count", "coins_each": "Coins each", "coins_total": "Coins total",
    "streakable": "Streakable", "streaking": "Streaking", "repeat_end": "Streak end",
    "source_line": "Line", "start": "Start", "start_ts": "Start", "end": "End",
    "end_ts": "End", "duration": "Duration", "duration_s": "Seconds", "title": "Title",
    "diamonds": "Diamonds", "gifters": "Gifters", "viewers": "Viewers", "likes": "Likes",
    "requested": "Requested", "requested_ts": "Requested", "paid": "Paid", "paid_ts": "Paid",
    "amount": "Amount", "currency": "Currency", "usd": "USD", "fee": "Fee", "fee_usd": "Fee USD",
    "method": "Method", "status": "Status", "reference": "Reference",
}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def required_text(kind: str) -> str:
    """'* needed: Time · Gift id or Gift · ...': one field of each group must be mapped."""
    groups = []
    for group in REQUIRED[kind]:
        names = [label(f) for f in group]
        many = len(names) > 2
        text = " or ".join(names) if not many else ", ".join(names[:-1]) + " or " + names[-1]
        groups.append(f"one of {text}" if many else text)
    return "* needed: " + " \u00b7 ".join(groups)


FILE_FILTER = ("Gift logs, LIVE lists, payouts (*.csv *.tsv *.txt *.xlsx *.json *.zip);;"
               "All files (*)")


def choose_files(parent: QWidget, start: str = "") -> list[Path]:
    """The files to import, from the system's file chooser opened in `start`. Tests replace
    this."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Import files", start, FILE_FILTER)
    return [Path(n) for n in names]


def choose_folder(parent: QWidget, start: str = "") -> Path | None:
    """A folder to import (a TXT export, a gift logger's folder), opened in `start`; None
    when the user cancels. Tests replace this."""
    name = QFileDialog.getExistingDirectory(parent, "Import a folder", start)
    return Path(name) if name else None


def ask_new_account(parent: QWidget) -> tuple[str, str, str] | None:
    """Handle, region and time zone of a new account; None when the user cancels. Tests
    replace this."""
    handle, ok = QInputDialog.getText(parent, "New account", "TikTok handle (@name):")
    if not ok or not handle.strip():
        return None
    regions = [f"{r.code} \u00b7 {r.label()}" for r in account_settings.regions()]
    region, ok = QInputDialog.getItem(parent, "New account", "Region (sets the rates):",
                                      regions, 0, False)
    if not ok:
        return None
    zone, ok = QInputDialog.getText(parent, "New account", "Time zone of its files:",
                                    text=accounts.system_timezone())
    return (handle.strip(), region.split(" ")[0], zone.strip()) if ok else None


def last_folder() -> str:
    """The folder the last files or folder to import were chosen in ('' before the first)."""
    return str(Settings().get("import/last_folder"))


def remember_folder(chosen: Path) -> None:
    settings = Settings()
    settings.set("import/last_folder", str(chosen.parent))
    settings.sync()


def ask_profile_name(parent: QWidget, suggested: str) -> str | None:
    """The name to save a mapping under; None when the user cancels. Tests replace this."""
    name, ok = QInputDialog.getText(parent, "Save mapping as profile",
                                    "Profile name (used again for files with these columns):",
                                    text=suggested)
    return name.strip() if ok and name.strip() else None


class RowsModel(QAbstractTableModel):
    """The first records of a file, as text, under the names of the fields they are stored in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._rows: list[tuple[str, ...]] = []

    def set_rows(self, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._columns, self._rows = columns, rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._rows[index.row()][index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return label(self._columns[section]) if section < len(self._columns) else None
        return str(section + 1)


class MappingTable(QTableWidget):
    """One row per field of the kind: its name, a combo of the file's columns, a sample."""

    column_chosen = Signal(str, str)  # field, column ('' = not mapped)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["Field", "Read from column", "First value"])
        self.verticalHeader().hide()
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, QComboBox] = {}

    def fill(self, section: pv.Section) -> None:
        fields = list(SYNONYMS[section.mapping.kind])
        required = {f for group in REQUIRED[section.mapping.kind] for f in group}
        self.combos = {}
        self.setRowCount(len(fields))
        for row, name in enumerate(fields):
            self._field_row(row, name, name in required, section)

    def _field_row(self, row: int, name: str, required: bool, section: pv.Section) -> None:
        item = self._item(label(name) + (" *" if required else ""))
        item.setToolTip("required (one of its group)" if required else "optional")
        self.setItem(row, 0, item)
        combo = QComboBox()
        combo.addItem(NOT_MAPPED, "")
        for column in section.header:
            combo.addItem(column, column)
        chosen = section.mapping.columns.get(name, "")
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.currentIndexChanged.connect(partial(self._chosen, name))
        self.setCellWidget(row, 1, combo)
        self.combos[name] = combo
        self.setItem(row, 2, self._item(section.samples.get(chosen, "")))

    def _item(self, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        return item

    def _chosen(self, name: str, _index: int) -> None:
        self.column_chosen.emit(name, self.combos[name].currentData() or "")

    def mapped(self) -> dict[str, str]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData()}


class Facts(QFrame):
    """The file's facts and choices, each a title over its value, in one row while they fit
    (their titles and values whole), else in two rows of half as many: a 960 px screen wraps
    them instead of squeezing the choices to "@demo_cre"."""

    def __init__(self, pairs: list[tuple[str, QWidget]], under: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(16, 12, 16, 12)
        self.grid.setHorizontalSpacing(18)
        self.pairs = [(named(QLabel(title), "cardTitle"), widget) for title, widget in pairs]
        self.under = under
        self.rows = 0
        self.arrange(1)

    def one_row(self) -> int:
        """The width the pairs take side by side, each as wide as it would like."""
        m = self.grid.contentsMargins()
        widths = [max(title.sizeHint().width(), value.sizeHint().width())
                  for title, value in self.pairs]
        return sum(widths) + self.grid.horizontalSpacing() * len(widths) + m.left() + m.right()

    def arrange(self, rows: int) -> None:
        if rows == self.rows:
            return
        for title, value in self.pairs:
            self.grid.removeWidget(title)
            self.grid.removeWidget(value)
        self.grid.removeWidget(self.under)
        per_row = -(-len(self.pairs) // rows)
        for i, (title, value) in enumerate(self.pairs):
            row, col = divmod(i, per_row)
            self.grid.addWidget(title, 2 * row, col)
            self.grid.addWidget(value, 2 * row + 1, col)
        self.grid.addWidget(self.under, 2 * rows, 0, 1, per_row + 1)
        for col in range(self.grid.columnCount()):
            self.grid.setColumnStretch(col, 1 if col == per_row else 0)
        self.rows = rows

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Two rows' narrowest: the dialog may be that narrow (they wrap)."""
        hint = super().minimumSizeHint()
        if self.rows == 1:
            half = len(self.pairs) - len(self.pairs) // 2
            m = self.grid.contentsMargins()
            widths = sorted((max(t.minimumSizeHint().width(), v.minimumSizeHint().width())
                             for t, v in self.pairs), reverse=True)[:half]
            hint.setWidth(sum(widths) + self.grid.horizontalSpacing() * half
                          + m.left() + m.right())
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.arrange(1 if event.size().width() >= self.one_row() else 2)

    def event(self, event: QEvent) -> bool:
        # a choice got its items (the accounts, the profiles) and would like more width
        if event.type() == QEvent.Type.LayoutRequest:
            self.arrange(1 if self.width() >= self.one_row() else 2)
        return super().event(event)


class ImportDialog(QDialog):
    """Shows, for each chosen file, how it will be read and what it will add; imports them."""

    preview_updated = Signal()  # the selected file's preview (or its refusal) is on screen
    counts_updated = Signal()  # the dry-run counts of the selected file are on screen
    profile_saved = Signal(str)
    import_finished = Signal(object)  # a preview.Outcome

    def __init__(self, ledger: Path, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import files")
        self.resize(*dialog_size(self))
        self._ledger = ledger
        self._paths = [Path(p) for p in paths]
        self._choices: dict[Path, pv.Choices] = {p: pv.Choices() for p in self._paths}
        self._warnings: dict[Path, str] = {}  # from each file's latest preview
        self._filling = False
        self.preview_worker: Worker | None = None
        self.count_worker: Worker | None = None
        self.import_worker: Worker | None = None
        self.save_worker: Worker | None = None
        self.account_worker: Worker | None = None
        # who writes an account or a profile: None, this dialog's own jobs; in the window, its
        # undo stack (app.ui.undo), so Edit > Undo takes the change back
        self.run_edit: Runner | None = None
        self._writing = 0  # changes handed to run_edit and not yet done
        self._account = ""  # the handle imports go to ('' = the ledger's default account)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self._build()
        self._load_accounts()
        self.files.setCurrentRow(0)

    # ---- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setup_page, self.result_page = self._setup_page(), self._result_page()
        self.result_page.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.setup_page, 1)
        layout.addWidget(self.result_page, 1)
        layout.addLayout(self._buttons())

    def _setup_page(self) -> QWidget:
        page = QWidget()
        self.files = QListWidget()
        self.files.setFixedWidth(164)
        for path in self._paths:
            self.files.addItem(path.name)
            self.files.item(self.files.count() - 1).setToolTip(str(path))
        self.files.currentRowChanged.connect(self._file_selected)
        left = QVBoxLayout()
        left.addWidget(named(QLabel("Files"), "cardHeading"))
        left.addWidget(self.files, 1)
        adding = QHBoxLayout()
        self.files_button = QPushButton("Files\u2026")
        self.files_button.setToolTip("Add files to import")
        self.files_button.clicked.connect(self.add_files)
        self.folder_button = QPushButton("Folder\u2026")
        self.folder_button.setToolTip("Add a folder: a TikTok TXT export, or a gift logger's "
                                      "folder of CSV files")
        self.folder_button.clicked.connect(self.add_folder)
        adding.addWidget(self.files_button)
        adding.addWidget(self.folder_button)
        left.addLayout(adding)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self._facts())
        panels = QHBoxLayout()
        panels.setSpacing(12)
        # the records take what the columns leave: on a 960 px screen (1,920 x 1,080 at
        # 200 %) they give up width (and scroll) instead of the dialog growing past it
        panels.addWidget(self._mapping_card())
        panels.addWidget(self._preview_card(), 1)
        right.addLayout(panels, 1)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addLayout(left)
        row.addLayout(right, 1)
        return page

    def _facts(self) -> QFrame:
        self.kind = self._combo(KINDS, self._kind_chosen)
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profile = self._combo((AUTOMATIC,), self._profile_chosen)
        named_by_user(self.profile)
        self.encoding, self.delimiter = QLabel(), QLabel()
        self.header_line = QSpinBox()
        self.header_line.setRange(1, HEADER_LINES)
        self.header_line.setToolTip("The line that holds the column names; the lines above "
                                    "it are skipped")
        self.header_line.valueChanged.connect(self._header_line_chosen)
        self.account = named(QLabel(), "cardDetail")
        self.account_choice = QComboBox()
        named_by_user(self.account_choice)
        self.account_choice.setToolTip("The account the files are imported into")
        self.account_choice.currentIndexChanged.connect(self._account_chosen)
        pairs = [("Account", self.account_choice), ("Holds", self.kind),
                 ("Encoding", self.encoding), ("Delimiter", self.delimiter),
                 ("Header on line", self.header_line),
                 ("Mapping profile", self.profile)]
        # the account line under the choices, not beside them (too wide for 1,024 px)
        self.facts = Facts(pairs, self.account)
        return self.facts

    def _mapping_card(self) -> QFrame:
        card = named(QFrame(), "card")
        card.setFixedWidth(MAPPING_WIDTH)
        self.mapping = MappingTable(card)
        self.mapping.column_chosen.connect(self._column_chosen)
        self.date_format = self._combo(DATE_FORMATS, partial(self._option_chosen, "date_format"))
        self.decimal = self._combo(DECIMALS, partial(self._option_chosen, "decimal"))
        self.save_button = QPushButton("Save mapping as profile\u2026")
        self.save_button.clicked.connect(self.save_profile)
        options = QHBoxLayout()
        for title, combo in (("Dates", self.date_format), ("Decimal mark", self.decimal)):
            options.addWidget(QLabel(title))
            options.addWidget(combo)
        options.addStretch(1)
        self.required = named(QLabel(), "cardDetail")
        self.required.setWordWrap(True)
        heading = QHBoxLayout()
        heading.addWidget(named(QLabel("Columns"), "cardHeading"), 1)
        heading.addWidget(self.save_button)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(heading)
        layout.addWidget(self.mapping, 1)
        layout.addWidget(self.required)
        layout.addLayout(options)
        return card

    def _preview_card(self) -> QFrame:
        card = named(QFrame(), "card")
        self.rows = RowsModel(card)
        self.table = QTableView(card)
        self.table.setModel(self.rows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.problem = named(QLabel(), "cardDetail")
        self.problem.setProperty("tone", "bad")
        self.problem.setWordWrap(True)
        self.notes = named(QLabel(), "cardDetail")
        self.notes.setWordWrap(True)
        self.before = named(QLabel(), "cardDetail")
        self.before.setWordWrap(True)
        self.date_question = named(QLabel(), "cardDetail")
        self.date_buttons = [QPushButton(), QPushButton()]
        self._date_answers: tuple[tuple[str, str], ...] = ()
        self._date_profile = ""
        question = QHBoxLayout()
        question.addWidget(self.date_question, 1)
        for index, button in enumerate(self.date_buttons):
            button.clicked.connect(partial(self._date_answered, index))
            question.addWidget(button)
        self.counts = named(QLabel(), "cardHeading")
        self.counts.setWordWrap(True)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = named(QLabel(f"First {pv.PREVIEW_ROWS} records as they will be stored"),
                        "cardHeading")
        heading.setWordWrap(True)  # a narrow screen wraps it instead of widening the dialog
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.before)
        layout.addLayout(question)
        layout.addWidget(self.problem)
        layout.addWidget(self.notes)
        layout.addWidget(self.counts)
        return card

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.result_title = named(QLabel(), "pageTitle")
        self.result_text = QPlainTextEdit()
        self.result_text.setReadOnly(True)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_text, 1)
        return page

    def _buttons(self) -> QHBoxLayout:
        self.progress = QProgressBar()
        self.progress.setFixedHeight(8)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = named(QLabel(), "cardDetail")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        self.import_button = QPushButton(f"Import {self._file_count()}")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addStretch(0)
        row.addWidget(self.import_button)
        row.addWidget(self.close_button)
        return row

    def _file_count(self) -> str:
        n = len(self._paths)
        return "1 file" if n == 1 else f"{n} files"

    def _combo(self, items: tuple[str, ...], slot: Any) -> QComboBox:
        combo = QComboBox()
        for item in items:
            combo.addItem(item, item)
        combo.currentIndexChanged.connect(lambda _i: None if self._filling else slot())
        return combo

    # ---- the account ---------------------------------------------------------------------------

    def _load_accounts(self, select: str = "") -> None:
        self.account_worker = self._run(
            lambda db, _p, _c: (dashboard.accounts_for_picker(db), select),
            self._accounts_ready, self._show_failure)

    def _accounts_ready(self, loaded: Any) -> None:
        (choices, default), select = loaded
        self._filling = True
        self.account_choice.clear()
        for choice in choices:
            self.account_choice.addItem(choice.label, choice.handle)
        self.account_choice.addItem(NEW_ACCOUNT, NEW_ACCOUNT)
        self._filling = False
        wanted = select or self._account or default or ""
        index = self.account_choice.findData(wanted) if wanted else -1
        self._select_account(index if index >= 0 else 0)

    def _select_account(self, index: int) -> None:
        self._filling = True
        self.account_choice.setCurrentIndex(index)
        self._filling = False
        handle = self.account_choice.itemData(index)
        if handle != NEW_ACCOUNT and handle != self._account:
            self._set_account(handle or "")

    def _account_chosen(self, index: int) -> None:
        if self._filling or index < 0:
            return
        if self.account_choice.itemData(index) != NEW_ACCOUNT:
            self._set_account(self.account_choice.itemData(index))
            return
        asked = ask_new_account(self)
        if asked is None:
            self._select_account(max(self.account_choice.findData(self._account), 0))
            return
        handle, region, zone = asked
        self.account_worker = self._write(
            f"Add account @{handle.lstrip('@')}",
            lambda db: accounts.add(db, handle, region, zone).handle, "Account not added",
            self._load_accounts, self._account_refused)

    def _account_refused(self, message: str) -> None:
        self._select_account(max(self.account_choice.findData(self._account), 0))
        self._show_failure(f"The account was not added: {message}")

    def _set_account(self, handle: str) -> None:
        """Every file goes to `handle`: its preview and counts are read again for it."""
        self._account = handle
        self._choices = {p: replace(c, account=handle) for p, c in self._choices.items()}
        self.schedule_preview(now=True)

    # ---- adding files -------------------------------------------------------------------------

    def add_files(self) -> None:
        self.add_paths(choose_files(self, last_folder()))

    def add_folder(self) -> None:
        folder = choose_folder(self, last_folder())
        self.add_paths([folder] if folder else [])

    def add_paths(self, chosen: list[Path]) -> None:
        """Add files or folders to the list (a folder that is no export stands for its table
        files) and select the first one added; the folder they came from is remembered."""
        if not chosen:
            return
        remember_folder(chosen[0])
        new = [p for p, _ in expand_paths(chosen) if p not in self._choices]
        for path in new:
            self._paths.append(path)
            self._choices[path] = pv.Choices(account=self._account)
            self.files.addItem(path.name)
            self.files.item(self.files.count() - 1).setToolTip(str(path))
        self.import_button.setText(f"Import {self._file_count()}")
        if new:
            self.files.setCurrentRow(self._paths.index(new[0]))

    # ---- the selected file ---------------------------------------------------------------------

    @property
    def current(self) -> Path:
        return self._paths[max(self.files.currentRow(), 0)]

    def choices(self, path: Path | None = None) -> pv.Choices:
        return self._choices[path or self.current]

    def _choose(self, **changes: Any) -> None:
        old = self.choices()
        self._choices[self.current] = pv.Choices(**{**old.__dict__, **changes})
        self.schedule_preview()

    def _file_selected(self, _row: int) -> None:
        self.schedule_preview(now=True)

    def _kind_chosen(self) -> None:
        self._choose(kind=self.kind.currentData(), overrides={})

    def _profile_chosen(self) -> None:
        name = self.profile.currentData() or ""
        self._choose(profile=name, overrides={}, options={})

    def _column_chosen(self, field: str, column: str) -> None:
        self._choose(overrides={**self.choices().overrides, field: column})

    def _header_line_chosen(self, line: int) -> None:
        if not self._filling:
            self._choose(options={**self.choices().options, "header_line": str(line)})

    def _option_chosen(self, key: str) -> None:
        combo = self.date_format if key == "date_format" else self.decimal
        self._choose(options={**self.choices().options, key: combo.currentData()})

    # ---- preview and counts (background) -------------------------------------------------------

    def schedule_preview(self, now: bool = False) -> None:
        """Re-read the selected file soon: edits in quick succession cost one preview."""
        self._discard(self.preview_worker, self.count_worker)
        self.counts.setText("Reading the file\u2026")
        self._timer.start(0 if now else DEBOUNCE_MS)

    def refresh_preview(self) -> None:
        path, choices = self.current, self.choices()
        self._discard(self.preview_worker, self.count_worker)
        self.preview_worker = self._run(
            lambda db, _p, _c: pv.preview(db, path, choices), self._preview_ready,
            self._show_failure)

    def _preview_ready(self, result: pv.Preview) -> None:
        self._choices[result.path] = result.choices  # an earlier import's mapping, preselected
        self._warnings[result.path] = result.warning
        self._show_preview(result)
        self.preview_updated.emit()
        if not result.error:
            self._count(result.path, self.choices(result.path))

    def _count(self, path: Path, choices: pv.Choices) -> None:
        self.counts.setText("Counting what this file adds\u2026")
        self.count_worker = self._run(
            lambda db, p, c: pv.dry_run(db, path, choices, p, c), self._counts_ready,
            self._show_failure)
        self.count_worker.progress_changed.connect(self._counting)

    def _counting(self, done: int, total: int) -> None:
        self.counts.setText(f"Counting what this file adds\u2026 {100 * done // total}%")

    def _counts_ready(self, counts: pv.Counts) -> None:
        self.counts.setText(counts.text())
        self.counts_updated.emit()

    def _show_failure(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)
        self.counts.setText("")
        self.preview_updated.emit()

    def _show_preview(self, result: pv.Preview) -> None:
        self._filling = True
        try:
            self._show_facts(result)
            section = result.sections[0] if result.sections else None
            if section is not None:
                self.mapping.fill(section)
                self.required.setText(required_text(section.mapping.kind))
                self._set_combo(self.date_format, section.mapping.date_format)
                self._set_combo(self.decimal, section.mapping.decimal)
            else:
                self.mapping.setRowCount(0)
            self.rows.set_rows(section.columns if section else (),
                               section.rows if section else [])
            self.table.resizeColumnsToContents()
        finally:
            self._filling = False
        unreadable = result.error and not result.sections  # not even a header: no mapping helps
        self.problem.setText(f"{result.error}\n{REFUSED_ADVICE}" if unreadable else result.error)
        self.problem.setVisible(bool(result.error))
        self.before.setText(result.warning or (
            f"This file was {result.before.text()}: its mapping is chosen, so only rows it did "
            "not hold are added." if result.before else ""))
        self.before.setProperty("tone", "bad" if result.warning else "")
        self.before.setVisible(bool(self.before.text()))
        self._show_date_question(result.sections[0] if result.sections else None)
        self.notes.setText("\n".join(note for sec in result.sections for note in sec.notes))
        self.notes.setVisible(bool(self.notes.text()))
        self.counts.setText("" if not result.error else "Nothing from this file can be "
                            "imported as it is mapped now.")
        self.save_button.setEnabled(not result.error and len(result.sections) == 1)
        self.mapping.setEnabled(len(result.sections) <= 1)

    def _show_date_question(self, section: pv.Section | None) -> None:
        """Ask which order dates like 03/11/2026 are in when no value in the file tells."""
        self._date_answers = section.date_answers if section else ()
        self._date_profile = section.mapping.name if section else ""  # the profile read with
        self.date_question.setText(section.date_question if section else "")
        self.date_question.setVisible(bool(self._date_answers))
        for button, answer in zip(self.date_buttons, self._date_answers or (("", ""),) * 2,
                                  strict=True):
            button.setText(answer[0])
            button.setVisible(bool(self._date_answers))

    def _date_answered(self, index: int) -> None:
        """The creator's answer becomes the file's date format, and its profile's if it has
        one (so the next file of that shape is not asked again)."""
        self._choose(options={**self.choices().options,
                              "date_format": self._date_answers[index][1]})
        path, choices, name = self.current, self.choices(), self._date_profile
        if name:
            self.save_worker = self._write(
                f"Save profile \u201c{name}\u201d",
                lambda db: pv.save_profile(db, name, path, choices), "Profile not saved",
                self._profile_saved, self._show_failure)

    def _show_facts(self, result: pv.Preview) -> None:
        section = result.sections[0] if result.sections else None
        info = section.info if section else {}
        kinds = ", ".join(s.kind for s in result.sections)
        self.kind.setItemText(0, f"auto: {kinds}" if kinds else "auto")
        self.kind.setCurrentIndex(max(self.kind.findData(self.choices(result.path).kind), 0))
        self.encoding.setText(info.get("encoding", "\u2014"))
        self.delimiter.setText(info.get("delimiter", "\u2014"))
        chosen = info.get("header_line") or self.choices(result.path).options.get("header_line")
        self.header_line.setEnabled(bool(chosen) or not result.sections)  # not an export
        self.header_line.setValue(int(chosen or 1))
        self._fill_profiles(result, section.mapping.name if section else "")
        self.account.setText(f"Into @{result.account} \u00b7 times in {result.timezone}")

    def _fill_profiles(self, result: pv.Preview, used: str) -> None:
        chosen = self.choices(result.path).profile
        self.profile.clear()
        automatic = f"{AUTOMATIC}: {used}" if used and not chosen else (
            f"{AUTOMATIC} (column names)")
        self.profile.addItem(automatic, "")
        for name in result.profiles:
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(max(self.profile.findData(chosen), 0))

    @staticmethod
    def _set_combo(combo: QComboBox, value: str) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    # ---- save profile ----------------------------------------------------------------------------

    def save_profile(self) -> None:
        name = ask_profile_name(self, self.current.stem)
        if not name:
            return
        path, choices = self.current, self.choices()
        self.save_worker = self._write(
            f"Save profile \u201c{name}\u201d",
            lambda db: pv.save_profile(db, name, path, choices), "Profile not saved",
            self._profile_saved, self._show_failure)

    def _profile_saved(self, name: str) -> None:
        self.status.setText(f"Saved profile \u201c{name}\u201d")
        self.profile_saved.emit(name)
        self._choices[self.current] = pv.Choices(self.choices().kind, name, account=self._account)
        self.schedule_preview(now=True)

    # ---- import ----------------------------------------------------------------------------------

    def start_import(self) -> None:
        warnings = [f"{p.name}: {self._warnings[p]}" for p in self._paths if self._warnings.get(p)]
        if warnings and not confirm.ask(self, "Count rows twice?", "\n\n".join(warnings),
                                        "Import anyway"):
            return
        self._timer.stop()
        self._discard(self.preview_worker, self.count_worker)
        items = [(path, self.choices(path)) for path in self._paths]
        self.import_worker = self._run(
            lambda db, p, c: pv.import_each(db, items, p, c), self._imported,
            self._import_failed)
        self.import_worker.progress_changed.connect(self._import_progressed)
        self.import_worker.cancelled.connect(self._import_cancelled)
        self._importing(True)

    def _importing(self, busy: bool) -> None:
        self.setup_page.setEnabled(not busy)
        self.import_button.setVisible(not busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.close_button.setEnabled(not busy)
        self.status.setText("Importing\u2026" if busy else "")

    def _import_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def cancel_import(self) -> None:
        if self.import_worker is not None and self.import_worker.running:
            self.import_worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling\u2026")

    def _imported(self, outcome: pv.Outcome) -> None:
        lines = pv.summary_lines(outcome)
        if any(f.refused for f in outcome.files):
            lines.append(f"\n{REFUSED_FILES_ADVICE}")
        self._show_result(pv.outcome_title(outcome), "\n".join(lines))
        self.import_finished.emit(outcome)

    def _import_cancelled(self) -> None:
        self._imported(pv.Outcome([], cancelled=self.current.name))

    def _import_failed(self, message: str) -> None:
        self._show_result("The import failed: nothing of the file being imported was written",
                          message)
        self.import_finished.emit(pv.Outcome([]))

    def _show_result(self, title: str, text: str) -> None:
        self._importing(False)
        self.result_title.setText(title)
        self.result_text.setPlainText(text)
        self.setup_page.hide()
        self.result_page.show()
        self.import_button.hide()
        self.close_button.setText("Done")
        self.close_button.setFocus()

    # ---- jobs ------------------------------------------------------------------------------------

    def idle(self) -> bool:
        """No preview is due and none of this dialog's jobs is still running."""
        jobs = (self.preview_worker, self.count_worker, self.save_worker, self.import_worker,
                self.account_worker)
        return (not self._timer.isActive() and not self._writing
                and not any(w is not None and w.running for w in jobs))

    def _write(self, name: str, write: Callable[[Database], Any], failure: str,
               done: Callable[[Any], object], failed: Callable[[str], object]) -> Worker | None:
        """A change to the ledger (an account, a profile): on its own, a job of this dialog;
        in the window, an `Edit` through its undo stack (`run_edit`), so Edit > Undo names it
        and takes it back. `failed` says a refusal in the dialog."""
        if self.run_edit is None:
            return self._run(lambda db, _p, _c: write(db), done, failed)
        self._writing += 1

        def then(result: Any) -> None:
            self._writing -= 1
            if shiboken6.isValid(self):
                done(result)

        def refused(message: str) -> None:
            self._writing -= 1
            if shiboken6.isValid(self):
                failed(message)
        self.run_edit(Edit(name, write, failure, then, refused))
        return None

    def _run(self, work: Any, done: Any, failed: Any) -> Worker:
        worker = Worker(pv.in_ledger(self._ledger, work))
        worker.finished.connect(done)

        def on_failed(message: str) -> None:
            failed(message)
            if worker.details:  # a bug, not the file: its traceback behind Show Details
                errors.report(self, UNEXPECTED_TITLE, message, details=worker.details)
        worker.failed.connect(on_failed)
        return worker.start()

    @staticmethod
    def _discard(*workers: Worker | None) -> None:
        for worker in workers:
            if worker is not None:
                worker.discard()

    def reject(self) -> None:
        """Close; while importing, Escape or the window's close button cancel instead."""
        if self.import_worker is not None and self.import_worker.running:
            self.cancel_import()
            return
        self._discard(self.preview_worker, self.count_worker, self.save_worker)
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_worker is not None and self.import_worker.running:
            self.cancel_import()
            event.ignore()
            return
        self._discard(self.preview_worker, self.count_worker, self.save_worker)
        super().closeEvent(event)


def named_by_user(combo: QComboBox) -> None:
    """A combo of names the creator chose (accounts, saved profiles): as wide as its
    longest up to CHOICE_WIDTH, a longer name shortened in the box (whole in its list), so
    that one long name does not widen the dialog past a small screen."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMaximumWidth(CHOICE_WIDTH)


def sample_gift_log() -> Path:
    """The shipped demo gift log (data/sample/gift_log.csv), for the screenshot."""
    return Path(str(resources.files("app.data.sample").joinpath("gift_log.csv")))


def dialog_size(widget: QWidget) -> tuple[int, int]:
    """DIALOG_SIZE, or the screen's available size less a frame where that is smaller (a
    1,024 x 600 netbook had the dialog's buttons off the screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return DIALOG_SIZE
    size = fitting_size(QSize(*DIALOG_SIZE), screen.availableGeometry())
    return size.width(), size.height()


def render_import_dialog(db: Database, path: Path, out_png: Path) -> Path:
    """Render the dialog on `path` (its preview and counts done) to a 1280x800 PNG."""
    dialog = ImportDialog(pv.ledger_path(db), [Path(path)])
    try:
        dialog.resize(*DIALOG_SIZE)
        dialog.show()
        _settle(dialog)
        out_png.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(out_png)):
            raise OSError(f"could not write {out_png}")
        return out_png
    finally:
        dialog.close()
        dialog.deleteLater()


def _settle(dialog: ImportDialog, rounds: int = 1000) -> None:
    """Let the preview and the dry run finish and their results reach the widgets."""
    for _ in range(rounds):
        QApplication.processEvents()
        wait_for_workers()
        if dialog.idle():
            QApplication.processEvents()
            return
