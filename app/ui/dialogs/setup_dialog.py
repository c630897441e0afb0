"""First run: the creator's account (handle, region with its currency, time zone), asked before
anything else on a new ledger. The account is created through app.services.accounts, so the
checks are those of the command line; every later import goes to it.

The account is an `Edit` handed to `run_edit`: in the window it is written on the worker and is
on Edit > Undo ("Undo Set up account @luna"); a refusal is said under the form, the dialog
stays open, and nothing is written."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.services import accounts
from app.services import settings as account_settings
from app.services.accounts import Account
from app.ui.edits import Edit, Runner, run_here
from app.ui.widgets.named import named

INTRO = ("Welcome to Diamond Ledger. Tell it whose LIVE earnings this ledger keeps: the region's "
         "rates value every diamond, and the time zone decides which day a gift belongs to.")


def timezone_box() -> QComboBox:
    """An editable list of every zone; typing any part of a name ("york") filters it."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(account_settings.timezones())
    completer = box.completer()
    assert completer is not None  # an editable combo box has one
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return box


class SetupDialog(QDialog):
    """OK creates the account; a refused field is named under the form and nothing is
    written."""

    account_created = Signal(object)  # the Account made

    def __init__(self, db: Database, parent: QWidget | None = None,
                 run_edit: Runner | None = None) -> None:
        """Without `run_edit` the account is written at once with `db`."""
        super().__init__(parent)
        self.db = db
        self.run_edit: Runner = run_edit or run_here(self, db, lambda: None)
        self.setWindowTitle("Set up your account")
        self.setObjectName("setupDialog")
        self.setMinimumWidth(560)
        self.handle = QLineEdit()
        self.handle.setPlaceholderText("@yourname")
        self.region = QComboBox()
        for region in account_settings.regions():
            self.region.addItem(region.label(), region.code)
        self.region.setCurrentIndex(max(0, self.region.findData("US")))
        self.timezone = timezone_box()
        self.timezone.setCurrentText(accounts.system_timezone())
        self.message = named(QLabel(), "formError")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setText("Create account")
        self.buttons.accepted.connect(self.create_account)
        self.buttons.rejected.connect(self.reject)
        self._assemble()

    def _assemble(self) -> None:
        intro = named(QLabel(INTRO), "tableNote")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("TikTok handle", self.handle)
        form.addRow("Region \u00b7 currency", self.region)
        form.addRow("Time zone", self.timezone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def create_account(self) -> None:
        """The account as filled in, through `run_edit`; OK waits until it is written."""
        handle, region = self.handle.text(), str(self.region.currentData())
        zone = self.timezone.currentText()
        self.message.setText("")
        self.ok_button.setEnabled(False)
        self.run_edit(Edit(f"Set up account @{handle.strip().lstrip('@').strip()}",
                           lambda db: accounts.set_up(db, handle, region, zone),
                           "Account not set up", self._created, self._refused))

    def _created(self, account: Account) -> None:
        if shiboken6.isValid(self):  # closed meanwhile: the window follows the ledger anyway
            self.account_created.emit(account)
            self.accept()

    def _refused(self, message: str) -> None:
        if shiboken6.isValid(self):
            self.message.setText(message)
            self.ok_button.setEnabled(True)
