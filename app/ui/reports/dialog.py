"""File > Save report: a year or a range of days, then a file (.pdf or .csv by its extension).

The dialog only asks; `save_report` builds the report through app.services.reports and writes
it. The file chooser is a module function so tests can replace it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.services import reports, settings
from app.services.reports import Period
from app.ui.dialogs import errors
from app.ui.reports.pdf import write_pdf

DATE_FORMAT = "MMM d, yyyy"
FILTERS = "PDF document (*.pdf);;CSV for spreadsheets (*.csv)"
SAVE_ADVICE = ("Choose Save report again and pick another place: a folder you may write to, "
               "on a disk with room (an earlier report there was left as it was).")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def choose_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to save the report (None when cancelled); a name without .pdf or .csv gets the
    extension of the chosen filter. Tests replace this."""
    name, chosen = QFileDialog.getSaveFileName(parent, "Save report", suggested, FILTERS)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in reports.REPORT_FORMATS:
        path = path.with_name(path.name + (".csv" if "csv" in chosen.lower() else ".pdf"))
    return path


def save_report(db: Database, period: Period, path: Path) -> str:
    """Build the report of `period` and write it to `path` (.pdf or .csv); a sentence saying
    what was written. Raises ReportError or OSError."""
    kind = reports.check_output(path)
    report = reports.build(db, period)
    if kind == "csv":
        return f"Saved the report of {period.label} as {path.name} " \
               f"({reports.write_csv(report, path)} rows)."
    return f"Saved the report of {period.label} as {path.name} " \
           f"({write_pdf(report, path)} pages)."


class ReportDialog(QDialog):
    """Choose the period of a report: a year (the region's tax year where it is known, else
    the calendar year), or from one day to another."""

    def __init__(self, db: Database, timezone: str, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save report")
        self.setObjectName("reportDialog")
        self.setMinimumWidth(440)
        today = today or date.today()
        account = settings.current_account(db)
        self.region = None if account is None else str(account.region)
        first, last = reports.data_days(db)
        self._build(first or today, last or today, timezone)
        self._sync()

    def _build(self, first: date, last: date, timezone: str) -> None:
        self.by_year = QRadioButton(reports.year_label(self.region))
        self.by_range = QRadioButton("From")
        self.by_year.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_year)
        group.addButton(self.by_range)
        self.year = QSpinBox()
        self.year.setRange(1970, 9998)
        self.year.setValue(reports.year_of(last, self.region).start.year)
        self.start = QDateEdit(_qdate(first))
        self.end = QDateEdit(_qdate(last))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
        grid = QGridLayout()
        grid.addWidget(self.by_year, 0, 0)
        grid.addWidget(self.year, 0, 1, 1, 3)
        grid.addWidget(self.by_range, 1, 0)
        grid.addWidget(self.start, 1, 1)
        grid.addWidget(QLabel("to"), 1, 2)
        grid.addWidget(self.end, 1, 3)
        sample = reports.year(2001, self.region)  # any year: the days it runs between
        span = (f"{sample.start.day} {sample.start:%B} to {sample.end.day} {sample.end:%B}")
        kind = "tax year" if sample.tax_year else "year"
        note = QLabel(f"A {kind} runs from {span} in {timezone}, the account's time zone. Next "
                      "you choose the file: .pdf for a document with charts, .csv for a "
                      "spreadsheet.")
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Save\u2026")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(grid)
        column.addWidget(note)
        column.addWidget(self.problem)
        column.addWidget(self.buttons)
        for signal in (self.by_year.toggled, self.start.dateChanged, self.end.dateChanged,
                       self.year.valueChanged):
            signal.connect(self._sync)

    def _sync(self) -> None:
        ranged = self.by_range.isChecked()
        self.year.setEnabled(not ranged)
        self.start.setEnabled(ranged)
        self.end.setEnabled(ranged)
        bad = ranged and self.start.date() > self.end.date()
        self.problem.setText("The first day is after the last one." if bad else "")
        self.ok.setEnabled(not bad)

    def period(self) -> Period:
        if self.by_range.isChecked():
            return Period(_day(self.start.date()), _day(self.end.date()))
        return reports.year(self.year.value(), self.region)


def saved(parent: QWidget | None, message: str) -> None:
    """Say where the report went. Tests replace this."""
    QMessageBox.information(parent, "Report saved", message)


def open_report(parent: QWidget, db: Database) -> ReportDialog | None:
    """File > Save report: the period dialog (window-modal), then the file, then the report."""
    account = settings.current_account(db)
    if account is None:
        errors.report(parent, "There is nothing to report yet",
                      "Import your gifts first, or try the app with diamond-ledger --demo.")
        return None
    dialog = ReportDialog(db, account.timezone, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: save_to_chosen_file(parent, db, dialog.period()))
    dialog.open()
    return dialog


def save_to_chosen_file(parent: QWidget, db: Database, period: Period) -> Path | None:
    path = choose_path(parent, f"{period.file_stem}.pdf")
    if path is None:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        message = save_report(db, period, path)
    except (reports.ReportError, OSError) as exc:
        QGuiApplication.restoreOverrideCursor()
        errors.report(parent, "The report was not saved", str(exc), advice=SAVE_ADVICE)
        return None
    QGuiApplication.restoreOverrideCursor()
    saved(parent, message)
    return path
