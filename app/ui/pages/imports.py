"""Imports: every batch with its counts, the rows of the selected one that were not imported,
and undo (after a question that says exactly what will leave the ledger)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.core.catalogue import Gift, named_in
from app.services import catalogue, importing, retrying
from app.services import payouts as service
from app.services.catalogue import RowFix
from app.services.ledger import Rejected, UndoError
from app.services.payouts import BatchRow
from app.services.preview import in_ledger
from app.services.rates import typing_mark
from app.ui import format as fmt
from app.ui.dialogs import confirm
from app.ui.dialogs.catalogue_dialog import GiftDialog
from app.ui.dialogs.owned import open_owned
from app.ui.edits import Edit, Runner, run_here
from app.ui.page_reads import PageReads, busy_label, ledger_file, say_busy
from app.ui.read_only import refused, writes
from app.ui.tablemodels import Column, RowsModel, keep_rows, table_view
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.named import named
from app.ui.widgets.page import card, empty_or_content, page_layout, scrolling_down
from app.ui.worker import Latest

# what one row of each kind of batch is, for sentences (singular, plural)
NOUNS = {"gifts": ("gift", "gifts"), "sessions": ("LIVE", "LIVEs"),
         "payouts": ("payout", "payouts")}
EMPTY_HEADING = "Nothing imported yet"
EMPTY_BODY = ("Import a gift log, TikTok's LIVE list or payout history with <b>File \u203a "
              "Import</b> (Ctrl+I) or by dropping files on the window: each file becomes a "
              "batch here that you can inspect and undo. To try it on sample data:")


def count(n: int, kind: str) -> str:
    one, many = NOUNS.get(kind, ("row", "rows"))
    return f"{n:,} {one if n == 1 else many}"


def when_text(row: BatchRow) -> str:
    return f"{fmt.day(row.when.date())}, {row.when:%H:%M}"


def batch_columns() -> list[Column[BatchRow]]:
    return [
        Column("Import", lambda r: f"#{r.import_id}", True, key=lambda r: r.import_id),
        Column("File", lambda r: r.file_name, tip=lambda r: f"{r.path}\naccount @{r.account}",
               fill=90),
        Column("Kind", lambda r: NOUNS.get(r.kind, (r.kind, r.kind))[1]),
        Column("When", when_text, key=lambda r: r.when),
        Column("Status", status_text, tip=status_tip),  # before the counts: undone or not
        Column("New", lambda r: f"{r.inserted:,}", True, key=lambda r: r.inserted),
        Column("Duplicate", lambda r: f"{r.duplicates:,}", True, key=lambda r: r.duplicates,
               tip=lambda r: "Already in the ledger from an earlier import: not added again"),
        Column("Rejected", lambda r: f"{r.rejected:,}", True, key=lambda r: r.rejected,
               tone=lambda r: "bad" if r.rejected else ""),
    ]  # the rows read, skipped and folded: in the selected batch's line (read_text)


def read_text(row: BatchRow) -> str:
    """How the file's rows went, beyond the table's new, duplicate and rejected."""
    parts = [f"{row.rows:,} rows read"]
    if row.skipped:
        parts.append(f"{row.skipped:,} skipped (totals, empty lines)")
    if row.folded:
        parts.append(f"{row.folded:,} streak events folded into the gifts they ended with")
    return " \u00b7 ".join(parts)


def status_text(row: BatchRow) -> str:
    return "undone" if row.undone else "in the ledger"


def status_tip(row: BatchRow) -> str:
    if row.undone:
        return "Undone: its rows were removed from the ledger"
    return f"{count(row.left, row.kind)} of this batch are in the ledger"


def rejected_columns() -> list[Column[Rejected]]:
    return [
        Column("Line", lambda r: f"{r.line:,}", True, key=lambda r: r.line),
        Column("", lambda r: "skipped" if r.skipped else "rejected",
               tone=lambda r: "muted" if r.skipped else "bad"),
        Column("Reason", lambda r: r.reason, tip=lambda r: r.reason, fill=120),
        Column("Raw text", lambda r: r.raw, tip=lambda r: r.raw, fill=120),
    ]


def retry_text(result: retrying.RetryReport) -> str:
    return (f"#{result.import_id}: {result.inserted:,} of {result.retried:,} rows added"
            + (f", {result.duplicates:,} already in the ledger" if result.duplicates else "")
            + f"; {result.rejected:,} still rejected")


def retry_texts(results: list[retrying.RetryReport]) -> str:
    return " \u00b7 ".join(retry_text(r) for r in results)


def fix_note(line: int, fix: RowFix) -> str:
    if fix.kind == "unknown":
        return f"Line {line:,}: the catalogue has no gift named \u201c{fix.name}\u201d."
    prices = " or ".join(f"{g.coins:,}" for g in fix.options)
    return (f"Line {line:,}: {len(fix.options)} gifts are named \u201c{fix.name}\u201d "
            f"({prices} coins) and the file does not say which.")


def undo_question(row: BatchRow) -> str:
    if row.left == 0:
        return (f"Undo import #{row.import_id} of {row.file_name}? None of its rows are left "
                "in the ledger; the batch will be marked undone.")
    return (f"Undo import #{row.import_id} of {row.file_name}? "
            f"{count(row.left, row.kind)} will be removed from the ledger.")


# A batch of fewer rows is undone on the GUI thread: 10,000 gifts take ~30 ms, less than a
# busy state would flash for.
INLINE_ROWS = 10_000


class Page(QWidget):
    ledger_changed = Signal()  # this page changed the ledger: the window reloads its pages

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        # who makes a change: at once here; in the window, its undo stack on the worker
        self._here: Runner = run_here(self, db, self.ledger_changed.emit)
        self.run_edit: Runner = self._here
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_BODY, demo=True)
        # a low window scrolls the page down: the rejected rows keep theirs in view
        self.stack = empty_or_content(self, self.empty,
                                      scrolling_down(self._content(), "importsScroll"))
        self.busy = busy_label(self.stack)
        self.batches: list[BatchRow] | None = None  # None until first read
        self.reads = PageReads(self, db, self.show_batches, self._show_busy)
        self.inline_below = INLINE_ROWS
        self.undoing = Latest(self)
        self.undoing.finished.connect(self._undone)
        self.undoing.failed.connect(self._undone)  # the ledger could not be opened, or locked

    def _content(self) -> QWidget:
        content = QWidget()
        layout, self.subtitle = page_layout(content, "Imports")
        layout.addWidget(self._batchescard(), 1)
        layout.addWidget(self._rejectedcard(), 1)
        self.content_layout = layout
        return content

    def _batchescard(self) -> QFrame:
        self.model: RowsModel[BatchRow] = RowsModel(
            batch_columns(), row_tone=lambda r: "muted" if r.undone else "", parent=self)
        self.table = table_view(self.model, sort_column=0)  # newest first
        keep_rows(self.table, 3)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.undo_button = writes(named(QPushButton("Undo import\u2026"), "dangerButton"))
        self.undo_button.clicked.connect(self.undo)
        header = QHBoxLayout()
        header.addWidget(named(QLabel("Batches"), "cardHeading"))
        header.addStretch(1)
        header.addWidget(self.undo_button)
        return card(header, self.table)

    def _rejectedcard(self) -> QFrame:
        self.rejected_model: RowsModel[Rejected] = RowsModel(rejected_columns(), parent=self)
        self.rejected_table = table_view(self.rejected_model)
        self.rejected_heading = named(QLabel("Rows not imported"), "cardHeading")
        self.batch_info = named(QLabel(), "tableNote")
        self.batch_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.batch_info.setWordWrap(True)
        self.rejected_note = named(QLabel(), "tableNote")
        self.rejected_note.setWordWrap(True)
        self.rejected_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.rejected_pages = QStackedWidget()
        self.rejected_pages.addWidget(self.rejected_note)
        self.rejected_pages.addWidget(self.rejected_table)
        self.retry_status = named(QLabel(), "tableNote")
        self.retry_button = writes(QPushButton("Retry rejected rows"))
        self.retry_button.setToolTip("Read this batch's rejected rows again with today's gift "
                                     "catalogue and mapping; the rows that pass join the batch")
        self.retry_button.clicked.connect(self.retry)
        header = QHBoxLayout()
        header.addWidget(self.rejected_heading)
        header.addStretch(1)
        header.addWidget(self.retry_status)
        header.addWidget(self.retry_button)
        self.rejected_table.selectionModel().selectionChanged.connect(self._show_fix)
        self.rejected_card = card(header, self.batch_info, self.rejected_pages,
                                  self._fixbar())
        layout = self.rejected_card.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.setStretchFactor(self.rejected_pages, 1)  # the rows take the height, not the bar
        layout.setStretchFactor(self.fix_bar, 0)
        return self.rejected_card

    def _fixbar(self) -> QWidget:
        """Under the rejected rows: the fix the selected row (or the batch's first row
        rejected for its gift) calls for, which also retries the batches it lets in."""
        self.fix_bar = QWidget()
        row = QHBoxLayout(self.fix_bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.fix_note = named(QLabel(), "tableNote")
        self.fix_note.setWordWrap(True)
        self.add_gift_button = writes(QPushButton())
        self.add_gift_button.setToolTip("Add the gift to the catalogue with its coins, then "
                                        "read again every batch's rows rejected for it")
        self.add_gift_button.clicked.connect(self.add_gift)
        self.choose_button = writes(QToolButton())
        self.choose_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.choose_button.setToolTip("Say which gift the name means in your logs (kept for "
                                      "later imports), then read again every batch's rows "
                                      "rejected for it")
        self.choose_menu = QMenu(self.choose_button)
        self.choose_button.setMenu(self.choose_menu)
        row.addWidget(self.fix_note, 1)
        row.addWidget(self.add_gift_button)
        row.addWidget(self.choose_button)
        self.fix: tuple[int, RowFix] | None = None  # (line, fix) the bar offers
        self.fix_bar.hide()
        self.dialog: GiftDialog | None = None
        return self.fix_bar

    # ---- showing ------------------------------------------------------------------------------

    @property
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def refresh(self) -> None:
        """Read the batches again: on a big ledger on the worker (1M gifts: ~160 ms)."""
        self.reads.start(service.import_batches)

    def _show_busy(self, text: str) -> None:
        say_busy(self.stack, self.busy, self.subtitle, text, self.batches is not None)

    def show_batches(self, rows: list[BatchRow]) -> None:
        keep = self.selected()
        self.batches = rows
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(1 if rows else 0)
        undone = sum(1 for r in rows if r.undone)
        self.subtitle.setText(f"{len(rows)} import{'s' if len(rows) != 1 else ''}"
                              + (f" \u00b7 {undone} undone" if undone else "")
                              + " \u00b7 select a batch to see the rows it did not import")
        self.select_batch(keep.import_id if keep else None)

    def select_batch(self, import_id: int | None) -> None:
        """Select a batch by id (the first row, the newest, when it is gone or None)."""
        ids = [r.import_id for r in self.model.rows()]
        if not ids:
            self._selection_changed()
            return
        self.table.selectRow(ids.index(import_id) if import_id in ids else 0)

    def selected(self) -> BatchRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row_at(chosen[0].row()) if chosen else None

    def _selection_changed(self, *_args: object) -> None:
        row = self.selected()
        self.undo_button.setEnabled(row is not None and not row.undone)
        self.retry_button.setEnabled(row is not None and not row.undone and row.rejected > 0)
        self._show_rejected(row)

    def _show_rejected(self, row: BatchRow | None) -> None:
        found = service.rejected_rows(self._db, row.import_id) if row else []
        self.rejected_model.set_rows(found)
        self.rejected_pages.setCurrentIndex(1 if found else 0)
        # a batch without such rows needs two lines, not half the page
        self.content_layout.setStretchFactor(self.rejected_card, 1 if found else 0)
        self.rejected_pages.setMaximumHeight(16_777_215 if found else 40)
        if found:  # three rows at least (a low window scrolls the page down); none, no room
            keep_rows(self.rejected_table, 3)
        else:
            self.rejected_table.setMinimumHeight(0)
        self.batch_info.setText(self._info(row))
        if row is None:
            self.rejected_heading.setText("Rows not imported")
            self.rejected_note.setText("Select a batch above.")
            return
        self.rejected_heading.setText(f"Rows of #{row.import_id} {row.file_name} not imported"
                                      f" ({len(found):,})")
        self.rejected_note.setText(
            f"Every row of {row.file_name} was read: none rejected, none skipped.")
        self._show_fix()

    # ---- fixing a row rejected for its gift --------------------------------------------------

    def _show_fix(self, *_args: object) -> None:
        batch = self.selected()
        rows = self.rejected_model.rows()
        chosen = self.rejected_table.selectionModel().selectedRows()
        candidates = ([rows[chosen[0].row()]] if chosen else rows) if batch else []
        if batch is not None and batch.undone:
            candidates = []
        self.fix = None
        cat = None  # read once, and only for a row rejected for its gift
        for r in candidates:
            if r.skipped or named_in(r.reason) is None:
                continue
            cat = cat or catalogue.effective_catalogue(self._db)
            fix = catalogue.row_fix(self._db, r.reason, cat)
            if fix is not None:
                self.fix = (r.line, fix)
                break
        self.fix_bar.setVisible(self.fix is not None)
        if self.fix is None:
            return
        line, fix = self.fix
        self.fix_note.setText(fix_note(line, fix))
        self.add_gift_button.setVisible(fix.kind == "unknown")
        self.add_gift_button.setText(f"Add \u201c{fix.name}\u201d to the catalogue\u2026")
        self.choose_button.setVisible(fix.kind == "ambiguous")
        self.choose_button.setText(f"Which \u201c{fix.name}\u201d is it?")
        self.choose_menu.clear()
        for gift in fix.options:
            action = self.choose_menu.addAction(fix.choice_text(gift))
            action.triggered.connect(partial(self.choose_gift, gift))

    def choose_gift(self, gift: Gift) -> None:
        """"This Heart is the 10-coin one": kept as the name's meaning, then the retries."""
        batch = self.selected()
        if refused(self, "Gift not chosen") or self.fix is None or batch is None:
            return
        name, import_id = self.fix[1].name, batch.import_id
        self.run_edit(Edit(
            f"{name} = the {gift.coins:,}-coin gift (id {gift.gift_id}), retried",
            lambda db: retrying.fix_and_retry(
                db, lambda d: catalogue.choose_gift(d, name, gift_id=gift.gift_id), name,
                import_id),
            "Gift not chosen", self._retried))

    def add_gift(self) -> None:
        """Add the unknown gift (its coins typed in the catalogue's dialog), then the
        retries: one change, one undo."""
        batch = self.selected()
        if refused(self, "Gift not added") or self.fix is None or batch is None:
            return
        name, import_id = self.fix[1].name, batch.import_id
        form = catalogue.gift_named_form(self._db, name, typing_mark(self._db))
        dialog = GiftDialog(form, f"Add \u201c{name}\u201d to the gift catalogue",
                            catalogue.gift_checker(self._db), self)

        def accepted() -> None:
            chosen = dialog.form()
            self.run_edit(Edit(
                f"Add gift {chosen.name.strip()} ({chosen.coins.strip()} coins), retried",
                lambda db: retrying.fix_and_retry(
                    db, lambda d: catalogue.save_gift(d, chosen), name, import_id),
                "Gift not added",
                self._retried))
        open_owned(dialog, accepted, partial(setattr, self, "dialog"))

    def _retried(self, results: list[retrying.RetryReport]) -> None:
        self.retry_status.setText(retry_texts(results))

    def _info(self, row: BatchRow | None) -> str:
        if row is None:
            return ""
        state = "undone" if row.undone else f"{count(row.left, row.kind)} in the ledger"
        return f"{row.path} \u00b7 account @{row.account} \u00b7 {state}\n{read_text(row)}"

    # ---- retry and undo -----------------------------------------------------------------------

    def retry(self) -> None:
        row = self.selected()
        if row is None or row.undone or refused(self, "Rows not retried"):
            return
        import_id = row.import_id
        self.run_edit(Edit(f"Retry rejected rows of #{import_id} {row.file_name}",
                           lambda db: retrying.retry(db, import_id), "Rows not retried",
                           lambda result: self.retry_status.setText(retry_text(result))))

    def undo(self) -> None:
        """Undo the selected batch after asking. On a ledger file the delete runs on the
        ledger's worker (500k gifts take ~2 s, measured by tests/benchmarks/bench_stalls.py)
        while the page says so; the window reloads once it is done."""
        row = self.selected()
        if row is None or row.undone or self.undoing.running:
            return
        if refused(self, "Import not undone"):
            return
        if not confirm.ask(self, "Undo import", undo_question(row), "Undo import"):
            return
        import_id = row.import_id
        ledger = ledger_file(self._db)
        if self.run_edit is not self._here or ledger is None or row.left < self.inline_below:
            # in the window: its undo stack runs it on the worker, so Edit > Undo takes it back
            self.run_edit(Edit(f"Undo of import #{import_id} {row.file_name}",
                               lambda db: importing.undo(db, import_id), "Import not undone"))
            return
        self.undo_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        self.retry_status.setText(f"Undoing #{row.import_id} ({count(row.left, row.kind)})"
                                  "\u2026")
        self.undoing.start(in_ledger(ledger, lambda db, _progress, _cancel: undo_batch(
            db, row.import_id)))

    @property
    def loading(self) -> bool:
        """An undo, or a read of the batches, is under way on the worker."""
        return self.undoing.running or self.reads.running

    def _undone(self, problem: str) -> None:
        self.retry_status.setText("")
        if problem:
            confirm.tell(self, "Import not undone", problem)
        self.ledger_changed.emit()


def undo_batch(db: Database, import_id: int) -> str:
    """Undo a batch; what went wrong in one line, or '' (on the worker, or here)."""
    try:
        importing.undo(db, import_id)
    except UndoError as exc:
        return str(exc)
    return ""
