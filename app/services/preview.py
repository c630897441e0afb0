"""What the import dialog shows before anything is written, and the import it then runs.

Everything here goes through app.services.importing (prepare, choose_mapping, import_files):
the preview rows are the real reader's first records, the counts a real dry run, so what the
dialog promises is what the import does.
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account, NewAccount
from app.core.records import FIELDS
from app.importers.base import CancelFn, ImportCancelled, ImportRefused, ProgressFn
from app.importers.fields import SYNONYMS, Mapping, guess_mapping
from app.importers.sources import Table
from app.services import accounts, importing
from app.store import queries
from app.store.db import LedgerError, db_file, explain, open_db

PREVIEW_ROWS = 20
SCALE = 1000  # progress of one file, in thousandths
TIME_FIELDS = frozenset({"ts", "start_ts", "end_ts", "requested_ts", "paid_ts"})
HIDDEN_FIELDS = frozenset({"occurrence"})
T = TypeVar("T")


@dataclass(frozen=True)
class Choices:
    """What the user chose for one file; empty means "as detected"."""

    kind: str = "auto"
    profile: str = ""
    overrides: dict[str, str] = field(default_factory=dict)  # field -> column ('' = unmapped)
    options: dict[str, str] = field(default_factory=dict)  # date_format, decimal, header_line
    account: str = ""  # the handle of the account it goes to ('' = the default account)

    def arguments(self) -> dict[str, Any]:
        return {"kind": self.kind, "profile": self.profile or None,
                "overrides": dict(self.overrides) or None, "options": dict(self.options) or None}

    def import_arguments(self) -> dict[str, Any]:
        """The arguments of importing.import_files: how to read, and into which account."""
        return {**self.arguments(), "account": self.account or None}

    def as_detected(self) -> bool:
        """Nothing chosen about how the file is read (the account is not about that)."""
        return replace(self, account="") == Choices()


@dataclass(frozen=True)
class Section:
    """One table of a file (a CSV has one; a TikTok export may have several)."""

    kind: str
    info: dict[str, str]  # encoding, delimiter, header_line
    header: list[str]
    mapping: Mapping
    columns: tuple[str, ...]  # stored field names of `rows`
    rows: list[tuple[str, ...]]  # the first records as they will be stored, as text
    samples: dict[str, str]  # column -> its first non-empty value in the file
    notes: tuple[str, ...] = ()  # how the reader read the file ("Coins are row totals: ...")
    date_question: str = ""  # "03/11/2026 = 3 Nov or 11 Mar?" when no value decides
    date_answers: tuple[tuple[str, str], ...] = ()  # (button text, date_format)


@dataclass(frozen=True)
class Earlier:
    """The latest live import of the same file (same bytes) into this account."""

    import_id: int
    day: str
    mapping: Mapping

    def text(self) -> str:
        return f"imported before as #{self.import_id} on {self.day}"


@dataclass(frozen=True)
class Preview:
    path: Path
    account: str
    timezone: str
    sections: list[Section]
    profiles: list[str]
    error: str = ""  # why the file cannot be imported as chosen ('' = it can)
    before: Earlier | None = None
    choices: Choices = field(default_factory=lambda: Choices())  # what the preview used
    warning: str = ""  # importing as chosen would count the earlier import's rows twice


@dataclass(frozen=True)
class Counts:
    rows: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    folded: int = 0

    @staticmethod
    def of(reports: list[importing.ImportReport]) -> Counts:
        return Counts(sum(r.rows for r in reports), sum(r.inserted for r in reports),
                      sum(r.duplicates for r in reports), sum(r.rejected for r in reports),
                      sum(r.folded for r in reports))

    def text(self) -> str:
        parts = [f"{self.new:,} new", f"{self.duplicate:,} duplicate",
                 f"{self.rejected:,} rejected"]
        if self.folded:
            parts.append(f"{self.folded:,} streak events folded")
        return " \u00b7 ".join(parts)


@dataclass(frozen=True)
class FileResult:
    path: Path
    reports: list[importing.ImportReport]
    refused: str = ""  # the one-line reason when the file was refused (nothing written)
    skipped: list[importing.SkippedFile] = field(default_factory=list)  # no money in them


@dataclass(frozen=True)
class Outcome:
    files: list[FileResult]
    cancelled: str = ""  # the file being imported when the user cancelled ('' = not cancelled)

    @property
    def inserted(self) -> int:
        return sum(r.inserted for f in self.files for r in f.reports)

    def wrote(self) -> bool:
        return any(f.reports for f in self.files)


# ---- the ledger on the worker thread --------------------------------------------------------

def ledger_path(db: Database) -> Path:
    """The file behind a connection, for a worker to open its own connection to it."""
    path = db_file(db)
    if path is None:
        raise ValueError("this ledger is in memory: a background job cannot open it")
    return path


def in_ledger(path: Path, work: Callable[[Database, ProgressFn, CancelFn], T]
              ) -> Callable[[ProgressFn, CancelFn], T]:
    """`work` as a background job: the connection is opened and closed on the job's thread.

    A file found damaged mid-job ("database disk image is malformed") is said as the command
    line says it: the damage, and the newest backup to restore (store.db.explain)."""
    def job(progress: ProgressFn, cancel: CancelFn) -> T:
        db = open_db(path)
        try:
            return work(db, progress, cancel)
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:  # locked, interrupted, ...: as it is
                raise
            raise LedgerError(explain(path, exc)) from exc
        finally:
            db.close()
    return job


# ---- preview ---------------------------------------------------------------------------------

def preview(db: Database, path: Path, choices: Choices) -> Preview:
    """Detection, mapping and the first records of `path`; a refusal comes back as `error`."""
    account = accounts.resolve_for_import(db, choices.account or None)
    names = [p["name"] for p in queries.profiles(db)]
    before = earlier_import(db, path, account)
    if before is not None and choices.as_detected():  # the mapping that import used
        choices = replace(choices_of(db, before.mapping), account=choices.account)
    try:
        prepared = _prepare(db, path, account, choices)
    except ImportRefused as exc:
        return Preview(path, account.handle, account.timezone,
                       _bare_sections(db, path, choices), names, str(exc), before, choices)
    sections = []
    for item in prepared:
        try:
            sections.append(_section(item, account.timezone))
        finally:
            _close(item.rows)
    return Preview(path, account.handle, account.timezone, sections, names,
                   before=before, choices=choices, warning=twice_warning(before, sections))


def earlier_import(db: Database, path: Path, account: NewAccount) -> Earlier | None:
    """The latest import of this file's bytes (found as the CLI finds it after importing)."""
    if not isinstance(account, Account) or not path.is_file():
        return None
    try:
        sha = importing.file_sha256(path)
    except OSError:
        return None
    found = importing.earlier_imports(db, sha, account.id)
    if not found:
        return None
    latest = found[-1]
    return Earlier(latest["id"], str(latest["started_at"])[:10], importing.batch_mapping(latest))


def choices_of(db: Database, mapping: Mapping) -> Choices:
    """Choices that map a file as `mapping` does: its profile while it exists, else its
    columns (the fields it left out unmapped) and reading options."""
    options = {k: v for k, v in (("date_format", mapping.date_format),
                                 ("decimal", mapping.decimal)) if v != "auto"}
    if mapping.name and queries.profile(db, mapping.name) is not None:
        return Choices(mapping.kind, mapping.name)
    overrides = {f: mapping.columns.get(f, "") for f in SYNONYMS[mapping.kind]}
    return Choices(mapping.kind, "", overrides, options)


def twice_warning(before: Earlier | None, sections: list[Section]) -> str:
    """A warning when the chosen mapping reads the file differently from the import it had:
    its rows would not match the earlier ones and would be counted a second time."""
    if before is None or not sections:
        return ""
    chosen, earlier = sections[0].mapping, before.mapping
    if (chosen.kind, chosen.columns, chosen.date_format, chosen.decimal) == (
            earlier.kind, earlier.columns, earlier.date_format, earlier.decimal):
        return ""
    return (f"This file was {before.text()} with another mapping: importing it with this one "
            "would count its rows a second time. Undo #"
            f"{before.import_id} first, or keep that import's mapping.")


def _prepare(db: Database, path: Path, account: NewAccount, choices: Choices,
             **feedback: Any) -> list[importing.Prepared]:
    try:
        return importing.prepare(db, path, account, **choices.arguments(), **feedback)
    except OSError as exc:
        raise ImportRefused(f"cannot read the file ({exc.strerror or exc})") from None


def _section(item: importing.Prepared, timezone: str) -> Section:
    names = FIELDS[item.kind]
    shown = [i for i, n in enumerate(names) if n not in HIDDEN_FIELDS]
    zone = ZoneInfo(timezone)
    rows = [tuple(_cell(names[i], row[i], zone) for i in shown)
            for row in islice(item.rows, PREVIEW_ROWS)]
    example = item.feedback.decided.get("ambiguous_date", "")
    question, answers = date_question(example) if example else ("", ())
    return Section(item.kind, dict(item.table.info), list(item.table.header), item.mapping,
                   tuple(names[i] for i in shown), rows, _samples(item.table),
                   tuple(dict.fromkeys(item.feedback.notes)), question, answers)


def date_question(example: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """'03/11/2026 = 3 Nov or 11 Mar?' and its two answers, for a date no value decides."""
    a, b = (int(n) for n in re.findall(r"\d+", example)[:2])
    day_first, month_first = f"{a} {calendar.month_abbr[b]}", f"{b} {calendar.month_abbr[a]}"
    return (f"{example} = {day_first} or {month_first}?",
            ((f"{day_first} (day first)", "dmy"), (f"{month_first} (month first)", "mdy")))


def _bare_sections(db: Database, path: Path, choices: Choices) -> list[Section]:
    """Header and mapping of a file the reader refused, so the user can fix the mapping."""
    try:
        tables = importing.open_tables(path, importing.header_line_option(choices.options))
    except (ImportRefused, OSError):
        return []
    sections = []
    for known, table in tables[:1]:
        try:
            mapping = importing.choose_mapping(db, table, choices.kind, known,
                                               choices.profile or None,
                                               dict(choices.overrides) or None)
        except ImportRefused:
            wanted = choices.kind if choices.kind != "auto" else (known or "gifts")
            mapping = guess_mapping(wanted, table.header)
        sections.append(Section(mapping.kind, dict(table.info), list(table.header), mapping,
                                (), [], _samples(table)))
    return sections


def _samples(table: Table, lines: int = 20) -> dict[str, str]:
    rows = table.rows()
    try:
        found: dict[str, str] = {}
        for _line, cells in islice(rows, lines):
            for name, value in zip(table.header, cells, strict=False):
                if value.strip() and name not in found:
                    found[name] = value.strip()
        return found
    finally:
        _close(rows)


def _close(rows: Iterator[Any]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _cell(name: str, value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if name in TIME_FIELDS:
        return datetime.fromtimestamp(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


# ---- dry run, import, profiles ---------------------------------------------------------------

def dry_run(db: Database, path: Path, choices: Choices, progress: ProgressFn,
            cancel: CancelFn) -> Counts:
    """What importing `path` would add, from a real import that is rolled back."""
    reports = importing.import_files(db, [path], dry_run=True, progress=scaled(progress, 0, 1),
                                     cancel=cancel, **choices.import_arguments())
    return Counts.of(reports)


def import_each(db: Database, items: list[tuple[Path, Choices]], progress: ProgressFn,
                cancel: CancelFn) -> Outcome:
    """Import each file as its own batch, with its own choices. A refused file is reported and
    the others go on; a cancel rolls back the file being imported and stops."""
    done: list[FileResult] = []
    for index, (path, choices) in enumerate(items):
        if cancel():
            return Outcome(done, cancelled=path.name)
        try:
            reports = importing.import_files(db, [path], progress=scaled(progress, index,
                                                                           len(items)),
                                             cancel=cancel, **choices.import_arguments())
        except ImportRefused as exc:
            done.append(FileResult(path, [], str(exc).removeprefix(f"{path}: ")))
            continue
        except ImportCancelled:
            return Outcome(done, cancelled=path.name)
        done.append(FileResult(path, list(reports), skipped=reports.skipped))
    return Outcome(done)


def scaled(progress: ProgressFn, index: int, count: int) -> ProgressFn:
    """Progress of file `index` of `count` as thousandths of the whole (bytes overflow ints)."""
    def report(done: int, total: int) -> None:
        part = SCALE * done // total if total else 0
        progress(index * SCALE + min(part, SCALE), count * SCALE)
    return report


def save_profile(db: Database, name: str, path: Path, choices: Choices) -> str:
    """Save the mapping `choices` give for `path` as profile `name`."""
    account = accounts.resolve_for_import(db, choices.account or None)
    prepared = _prepare(db, path, account, choices)
    try:
        if len(prepared) != 1:
            raise ImportRefused("a profile is saved from a file with one table")
        importing.save_profile(db, name, prepared[0])
    finally:
        for item in prepared:
            _close(item.rows)
    return name


# ---- summary ---------------------------------------------------------------------------------

FIRST_REASONS = 3


def summary_lines(outcome: Outcome) -> list[str]:
    """Per file: what was added, what was refused, and the first reasons rows were rejected."""
    lines = []
    for result in outcome.files:
        if result.refused:
            lines.append(f"{result.path.name}: not imported: {result.refused}")
            continue
        lines.extend(f"{Path(s.file).name}: {s.reason}" for s in result.skipped)
        for report in result.reports:
            counts = Counts.of([report])
            lines.append(f"{result.path.name} ({report.kind}): {counts.text()}")
            bad = [e for e in report.errors if not e.skipped]
            lines.extend(f"    line {e.line}: {e.reason}" for e in bad[:FIRST_REASONS])
            if report.rejected > FIRST_REASONS:
                lines.append(f"    \u2026 and {report.rejected - FIRST_REASONS:,} more "
                             "rejected rows (kept with the import)")
    if outcome.cancelled:
        lines.append(cancelled_text(outcome))
    return lines


def outcome_title(outcome: Outcome) -> str:
    """The one line that says what the import did; never "imported" when nothing went in."""
    if outcome.cancelled:
        return cancelled_text(outcome)
    refused = sum(1 for f in outcome.files if f.refused)
    skipped = sum(len(f.skipped) for f in outcome.files)
    left = "; ".join(part for part in (
        _files(refused, "refused"), _files(skipped, "skipped (no money in them)")) if part)
    if not outcome.wrote():
        return "Nothing was imported" + (f": {left}" if left else "")
    if not outcome.inserted:
        head = "Nothing new was imported: every record was a duplicate or rejected"
    else:
        head = f"Imported {outcome.inserted:,} new records"
    return head + (f"; {left}" if left else "")


def _files(count: int, what: str) -> str:
    return "" if not count else f"{count} file{'s' if count > 1 else ''} {what}"


def cancelled_text(outcome: Outcome) -> str:
    if not outcome.wrote():
        return "Import cancelled: nothing was written"
    return (f"Import cancelled: nothing of {outcome.cancelled} was written; the files above "
            "were imported")
