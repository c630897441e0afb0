"""Edit > Settings: the current account's region and time zone (kept in the ledger), the theme
and where the ledger lives (kept in the window's settings). The dialog only asks; the window
saves what `choice()` returns and repaints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from app.services import settings as account_settings
from app.services.accounts import Account
from app.ui.widgets.named import named

THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
FIELD_HEIGHT = 30
RESTART_NOTE = "A new location takes effect the next time Diamond Ledger starts."


@dataclass(frozen=True)
class SettingsChoice:
    theme: str
    ledger_path: str
    region: str | None  # None when the ledger has no account yet
    timezone: str | None


def choose_ledger(parent: QWidget | None, current: str) -> str | None:
    """A file dialog for the ledger's location (tests replace this function)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, "Ledger location", current, "Ledger (*.sqlite3);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite)
    return path or None


class SettingsDialog(QDialog):
    def __init__(self, account: Account | None, theme: str, ledger_path: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(680)
        self.account = account
        self._build(theme, ledger_path)
        self._connect()
        self.validate()

    # ---- building ------------------------------------------------------------------------

    def _build(self, theme: str, ledger_path: str) -> None:
        self.region = QComboBox()
        for region in account_settings.regions():
            self.region.addItem(region.label(), region.code)
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(account_settings.timezones())
        completer = self.timezone.completer()
        assert completer is not None  # an editable combo box has one
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.theme = QComboBox()
        for value, label in THEME_CHOICES:
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme)))
        self.ledger = QLineEdit(ledger_path)
        self.browse = named(QPushButton("Browse\u2026"), "secondaryButton")
        self.message = named(QLabel(), "formError")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(20)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self._show_account()
        self._assemble()

    def _show_account(self) -> None:
        if self.account is None:
            self.region.setEnabled(False)
            self.timezone.setEnabled(False)
            return
        self.region.setCurrentIndex(max(0, self.region.findData(self.account.region)))
        self.timezone.setCurrentText(self.account.timezone)

    def _heading(self, form: QFormLayout, title: str, detail: str = "") -> None:
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(named(QLabel(title), "cardHeading"))
        if detail:
            row.addWidget(named(QLabel(detail), "tableNote"))
        row.addStretch(1)
        if form.rowCount():
            form.addItem(QSpacerItem(0, 10))
        form.addRow(row)

    def _note(self, form: QFormLayout, text: str) -> None:
        note = named(QLabel(text), "tableNote")
        note.setWordWrap(True)
        form.addRow("", note)

    def _assemble(self) -> None:
        for field in (self.region, self.timezone, self.theme, self.ledger):
            field.setMinimumHeight(FIELD_HEIGHT)
        self.browse.setMinimumHeight(FIELD_HEIGHT)
        where = QHBoxLayout()
        where.addWidget(self.ledger, 1)
        where.addWidget(self.browse)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        self._heading(form, "Account", f"@{self.account.handle}" if self.account else "")
        form.addRow("Region", self.region)
        form.addRow("Time zone", self.timezone)
        self._note(form, "The region's rates value every diamond of this account; the time "
                         "zone decides which day a gift belongs to." if self.account else
                         "No account yet: set it up with File > Set Up Account\u2026 (handle, "
                         "region and time zone), then change them here.")
        self._heading(form, "Appearance")
        form.addRow("Theme", self.theme)
        self._heading(form, "Ledger")
        form.addRow("Location", where)
        self._note(form, RESTART_NOTE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self._browse)
        self.timezone.currentTextChanged.connect(self.validate)
        self.ledger.textChanged.connect(self.validate)

    # ---- asking ----------------------------------------------------------------------------

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _browse(self) -> None:
        path = choose_ledger(self, self.ledger.text())
        if path:
            self.ledger.setText(path)

    def problem(self) -> str | None:
        where = self.ledger.text().strip()
        if not where:
            return "Choose where the ledger lives."
        if Path(where).expanduser().is_dir():
            return "That is a folder: give the ledger a file name, such as ledger.sqlite3."
        if self.account is None:
            return None
        return account_settings.problem(self.region.currentData(), self.timezone.currentText())

    def validate(self) -> None:
        reason = self.problem()
        self.message.setText(reason or "")
        self.ok_button.setEnabled(reason is None)

    def choice(self) -> SettingsChoice:
        has_account = self.account is not None
        return SettingsChoice(
            theme=self.theme.currentData(), ledger_path=self.ledger.text().strip(),
            region=self.region.currentData() if has_account else None,
            timezone=self.timezone.currentText().strip() if has_account else None)
