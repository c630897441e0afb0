"""First run: the creator's account (handle, region with its currency, time zone), asked before
anything else on a new ledger. The account is created through app.services.accounts, so the
checks are those of the command line; every later import goes to it."""

from __future__ import annotations

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

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
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
        try:
            account: Account = accounts.set_up(
                self.db, self.handle.text(), str(self.region.currentData()),
                self.timezone.currentText())
        except accounts.AccountError as exc:
            self.message.setText(str(exc))
            return
        self.account_created.emit(account)
        self.accept()
