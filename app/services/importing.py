"""Import files into the ledger: detect, map, read, save as one batch per table; or undo one."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.core.account import Account, NewAccount
from app.core.catalogue import Catalogue
from app.importers import tiktok_export, xlsx
from app.importers.base import (
    CancelFn,
    Feedback,
    ImportCancelled,
    ImportRefused,
    NoMoneyInFile,
    ProgressFn,
    RowError,
    storable,
)
from app.importers.fields import (
    KINDS,
    Mapping,
    apply_overrides,
    detect_kind,
    event_log,
    guess_mapping,
    header_signature,
)
from app.importers.files import open_regular, read_regular, regular_size
from app.importers.readers import READERS, ReadContext
from app.importers.sources import CsvTable, Table, first_rows
from app.importers.xlsx import XlsxTable
from app.services import accounts
from app.services.catalogue import effective_catalogue
from app.services.rates import effective_book
from app.services.reference import MONTH_FIRST_REGIONS
from app.store import batches, queries

MAX_REPORTED_ERRORS = 1000
MAX_PROFILE_BYTES = 2**20  # a profile's JSON is a few hundred bytes
EXPORT_TIMEZONE = "UTC"  # of the times a TikTok export writes without an offset
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")  # what a folder of logger files is read for


@dataclass
class Prepared:
    """One table of one file, detected and mapped, ready to read."""

    path: Path
    kind: str
    table: Table
    mapping: Mapping
    feedback: Feedback
    rows: Iterator[tuple[Any, ...]]


@dataclass
class ImportReport:
    import_id: int | None
    file: str
    kind: str
    rows: int
    inserted: int
    duplicates: int
    rejected: int
    skipped: int
    folded: int
    errors: list[RowError]
    details: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"import_id": self.import_id, "file": self.file, "kind": self.kind,
                "rows": self.rows, "inserted": self.inserted, "duplicates": self.duplicates,
                "rejected": self.rejected, "skipped": self.skipped, "folded": self.folded,
                "dry_run": self.dry_run, "details": self.details,
                "errors": [{"line": e.line, "reason": e.reason} for e in self.errors
                           if not e.skipped],
                "skipped_lines": [{"line": e.line, "reason": e.reason} for e in self.errors
                                  if e.skipped]}


@dataclass(frozen=True)
class SkippedFile:
    """A file read and recognised that holds no money (a likes log...): nothing imported."""

    file: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason}


class Reports(list[ImportReport]):
    """One report per batch written, and the files that were skipped with their reasons."""

    def __init__(self, reports: list[ImportReport], skipped: list[SkippedFile]) -> None:
        super().__init__(reports)
        self.skipped = skipped


def expand_paths(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(path, came from a folder): a folder that is not a TikTok export stands for the table
    files in it (a logger's recordings folder: gifts, likes, comments... one CSV each)."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        found = []
        if path.is_dir() and not tiktok_export.holds_export(path):
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                           and not p.name.startswith("."))
        out.extend([(p, True) for p in found] or [(path, False)])
    return out


def header_line_option(options: dict[str, str] | None) -> int | None:
    """The header line the user chose (1-based), or None to find it."""
    text = (options or {}).get("header_line", "")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ImportRefused(f"header line {text!r} is not a line number (1, 2, 3...)")
    return int(text)


def open_tables(path: Path, header_line: int | None = None) -> list[tuple[str | None, Table]]:
    """The tables a file (or an export folder) holds; kind is known for TikTok exports.
    `header_line` (1-based) is the user's choice of header line for a CSV."""
    if path.is_dir():
        return [(k, t) for k, t in tiktok_export.read_export(path)]
    size = regular_size(path)  # a FIFO, device or socket is refused before it is opened
    with open_regular(path) as handle:
        head = handle.read(4096)
    if xlsx.is_workbook(path.name, head):
        return [(None, XlsxTable(path.name, lambda: open_regular(path), size, header_line))]
    # every other zip goes to the export reader: it refuses a zip that is not one, clearly
    if head.startswith(b"PK\x03\x04") or tiktok_export.looks_like_export(str(path), head):
        return [(k, t) for k, t in tiktok_export.read_export(path)]
    note = xlsx.disguised(path.name, head)  # refuses an HTML or .xls page named .xlsx
    table = CsvTable(path.name, lambda: open_regular(path), size, header_line)
    if note:
        table.notes.append(note)
    return [(None, table)]


def stored_mapping(stored: dict[str, Any]) -> Mapping:
    """A saved profile as a Mapping named after it; ImportRefused when it cannot be used
    (saved by an older version, or edited by hand, with an unknown date format...)."""
    try:
        mapping = Mapping.from_json(stored["mapping"])
    except (ValueError, TypeError, AttributeError) as exc:
        raise ImportRefused(f"the saved profile {stored['name']!r} cannot be used: {exc}; "
                            "save it again or delete it") from None
    return Mapping(mapping.kind, mapping.columns, mapping.date_format, mapping.decimal,
                   mapping.timezone, stored["name"], mapping.options)


def choose_mapping(db: Database, table: Table, kind: str, known_kind: str | None,
                   profile: str | None, overrides: dict[str, str] | None,
                   notes: list[str] | None = None) -> Mapping:
    """The mapping for `table`: the named profile, else one saved for its columns (ignored,
    with a note, when it cannot be used), else the columns' own names."""
    if profile:
        stored = queries.profile(db, profile)
        if stored is None:
            names = ", ".join(p["name"] for p in queries.profiles(db)) or "none saved"
            raise ImportRefused(f"no mapping profile {profile!r} (profiles: {names})")
        mapping = stored_mapping(stored)
    else:
        stored = queries.profile_for_signature(db, header_signature(table.header))
        wanted = kind if kind != "auto" else known_kind
        try:
            usable = stored_mapping(stored) if stored else None
        except ImportRefused as exc:
            usable = None
            if notes is not None:
                notes.append(f"{exc}; the columns were read by their names instead")
        if usable and (wanted is None or usable.kind == wanted):
            mapping = usable
        elif wanted:
            mapping = guess_mapping(wanted, table.header)
        else:
            found = detect_kind(table.header, first_rows(table))
            what = event_log(table.header, table.name) if found is None else None
            if what and not overrides:
                raise NoMoneyInFile(f"{what}: no money in it, skipped")
            if found is None and not overrides:
                raise ImportRefused(
                    "cannot tell what this file holds: its columns (" + ", ".join(table.header)
                    + ") match no gift log, LIVE list or payout list; choose --kind and map "
                    "columns with --map FIELD=COLUMN")
            mapping = found[1] if found else guess_mapping("gifts", table.header)
    if kind != "auto" and mapping.kind != kind:
        raise ImportRefused(f"profile {mapping.name!r} is for {mapping.kind}, not {kind}")
    if overrides:
        try:
            mapping = apply_overrides(mapping, overrides, table.header)
        except ValueError as exc:
            raise ImportRefused(str(exc)) from None
    return mapping


def prepare(db: Database, path: Path, account: NewAccount, *, kind: str = "auto",
            profile: str | None = None, overrides: dict[str, str] | None = None,
            options: dict[str, str] | None = None, progress: ProgressFn | None = None,
            cancel: CancelFn | None = None) -> list[Prepared]:
    """Detect and map every table of a file and start its readers; raises ImportRefused."""
    if kind not in ("auto", *KINDS):
        raise ImportRefused(f"unknown kind {kind!r}; choose auto, " + ", ".join(KINDS))
    prepared = []
    gifts = effective_catalogue(db)  # the creator's gifts and price changes count
    for known_kind, table in open_tables(path, header_line_option(options)):
        if kind != "auto" and known_kind and known_kind != kind:
            continue
        feedback = Feedback(progress=progress, cancel=cancel)
        feedback.notes.extend(getattr(table, "notes", ()))  # which sheet, read as what
        mapping = choose_mapping(db, table, kind, known_kind, profile, overrides,
                                 feedback.notes)
        if options:
            mapping = Mapping(mapping.kind, mapping.columns,
                              options.get("date_format", mapping.date_format),
                              options.get("decimal", mapping.decimal),
                              options.get("timezone", mapping.timezone), mapping.name,
                              mapping.options)
        if known_kind:
            mapping = export_timezone(mapping, feedback.notes)
        problem = mapping.problem()
        if problem:
            raise ImportRefused(problem)
        rows = READERS[mapping.kind](table, mapping, read_context(db, account, feedback, gifts))
        prepared.append(Prepared(path, mapping.kind, table, mapping, feedback, rows))
    if not prepared:
        raise ImportRefused(f"this export holds no {kind} section")
    return prepared


def export_timezone(mapping: Mapping, notes: list[str]) -> Mapping:
    """A TikTok export's times without an offset are UTC (what its one public parser
    assumes), not the account's zone, unless the user chose a zone; the note says which."""
    zone = mapping.timezone or EXPORT_TIMEZONE
    notes.append(f"times without an offset read as {zone}"
                 + (" (TikTok's export states no zone; choose another with --timezone)"
                    if not mapping.timezone else ""))
    return replace(mapping, timezone=zone)


def read_context(db: Database, account: NewAccount, feedback: Feedback,
                 gifts: Catalogue | None = None) -> ReadContext:
    """How the account reads files: its time zone, date order and currency; today's catalogue."""
    rates = effective_book(db).region(account.region, date.today())  # the user's entries count
    return ReadContext(gifts or effective_catalogue(db), account.timezone,
                       account.region not in MONTH_FIRST_REGIONS, feedback, rates.currency)


def read_profile(path: Path) -> Mapping:
    """A profile as `profiles show` prints it, from a regular file (a FIFO or device is
    refused, not waited on); ImportRefused with one line when it cannot be used."""
    try:
        mapping = Mapping.from_json(read_regular(path, MAX_PROFILE_BYTES).decode("utf-8"))
    except (ImportRefused, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise ImportRefused(f"cannot read profile {storable(str(path))}: {exc}") from None
    if not mapping.name:
        raise ImportRefused(f"the profile in {storable(str(path))} has no name")
    return mapping


def save_profile(db: Database, name: str, prepared: Prepared) -> None:
    """Save the mapping under `name`; its JSON carries the header signature, so a profile
    exported and imported elsewhere is still chosen automatically for the same columns."""
    signature = header_signature(prepared.table.header)
    mapping = Mapping(prepared.mapping.kind, prepared.mapping.columns,
                      prepared.mapping.date_format, prepared.mapping.decimal,
                      prepared.mapping.timezone, name,
                      {**prepared.mapping.options, "signature": signature})
    queries.save_profile(db, name, mapping.kind, signature, mapping.to_json())


def run(db: Database, item: Prepared, account: Account, *,
        dry_run: bool = False) -> ImportReport:
    fb = item.feedback
    reported: list[RowError] = []

    def drain() -> list[batches.Rejected]:
        taken, fb.errors[:] = list(fb.errors), []
        room = MAX_REPORTED_ERRORS - len(reported)
        if room > 0:
            reported.extend(taken[:room])
        return [batches.Rejected(e.line, e.reason, e.raw, e.skipped) for e in taken]

    details: dict[str, Any] = {**item.table.info, "profile": item.mapping.name,
                               "columns": item.mapping.columns}
    file = storable(str(item.path))  # a name of undecodable bytes is kept escaped
    meta = batches.BatchMeta(account.id, file, item.kind, item.mapping.name, details)
    result = batches.save_batch(
        db, meta, item.rows, drain, item.table.sha256,
        lambda: (fb.rejected, fb.skipped, fb.folded), dry_run=dry_run,
        numbered=lambda: fb.in_time_order)
    if fb.notes:
        details["notes"] = list(dict.fromkeys(fb.notes))
    # what a retry needs to read the rejected rows again as this import read them
    details["header"] = list(item.table.header)
    details["mapping"] = json.loads(item.mapping.to_json())
    details["decided"] = dict(fb.decided)
    earlier = [i["id"] for i in earlier_imports(db, item.table.sha256(), account.id,
                                                 item.kind) if i["id"] != result.import_id]
    if earlier:
        details["imported_before"] = earlier
    if not dry_run:
        with db.atomic():
            db.execute("UPDATE imports SET details = ? WHERE id = ?",
                       (json.dumps(details), result.import_id))
    return ImportReport(None if dry_run else result.import_id, file, item.kind,
                        result.rows, result.inserted, result.duplicates, result.rejected,
                        result.skipped, result.folded, reported, details, dry_run)


def earlier_imports(db: Database, sha256: str, account_id: int | None,
                    kind: str | None = None) -> list[dict[str, Any]]:
    """The live batches of the same bytes (a zip's table: of the same table) for the account,
    oldest first: the CLI notes them after an import, the dialog before one."""
    if account_id is None:
        return []
    return [b for b in batches.list_batches(db, account_id)
            if b["sha256"] == sha256 and b["undone_at"] is None
            and (kind is None or b["kind"] == kind)]


def batch_mapping(batch: dict[str, Any]) -> Mapping:
    """The mapping a batch was imported with (older batches kept only its columns)."""
    details = json.loads(batch["details"] or "{}")
    if isinstance(details.get("mapping"), dict):
        return Mapping.from_json(json.dumps(details["mapping"]))
    return Mapping(batch["kind"], dict(details.get("columns", {})), name=batch["profile"] or "")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileFailure:
    file: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "error": self.reason}


class PartlyImported(Exception):
    """Some files went in (`reports`), others did not (`failures`), the rest was not tried:
    each file is one transaction, so each of them is all in or not at all."""

    def __init__(self, reports: Reports, failures: list[FileFailure],
                 not_tried: list[str]) -> None:
        super().__init__("; ".join(f"{f.file}: {f.reason}" for f in failures))
        self.reports, self.failures, self.not_tried = reports, failures, not_tried


def import_files(db: Database, paths: list[Path] | list[str], *, kind: str = "auto",
                 account: str | None = None, profile: str | None = None,
                 overrides: dict[str, str] | None = None, options: dict[str, str] | None = None,
                 save_as: str | None = None, dry_run: bool = False,
                 progress: ProgressFn | None = None,
                 cancel: CancelFn | None = None) -> Reports:
    """Import each file in one transaction: all its parts (a TikTok export's LIVEs and
    payouts) and, on a first import, its new account, or none of them. Every file is detected
    before anything is written, so a file that cannot be read stops the command with the
    ledger untouched; a file that holds no money (a likes log) is skipped, with its reason,
    and the others go on. A file that fails later is rolled back alone: when earlier files
    went in, PartlyImported says which (a refused file lets the others go on; any other error
    stops there)."""
    acct = accounts.resolve_for_import(db, account)
    files: list[tuple[Path, list[Prepared]]] = []
    skipped: list[SkippedFile] = []
    if any(str(name) == "" for name in paths):  # Path("") is the current folder
        raise ImportRefused("empty file name")
    for path, in_folder in expand_paths([Path(name) for name in paths]):
        try:
            files.append((path, prepare(db, path, acct, kind=kind, profile=profile,
                                        overrides=overrides, options=options,
                                        progress=progress, cancel=cancel)))
        except NoMoneyInFile as exc:
            skipped.append(SkippedFile(storable(str(path)), str(exc)))
        except ImportRefused as exc:
            if not in_folder:
                raise ImportRefused(f"{storable(str(path))}: {exc}") from None
            skipped.append(SkippedFile(storable(str(path)), f"not imported: {exc}"))
        except OSError as exc:
            raise ImportRefused(f"{storable(str(path))}: cannot read the file "
                                f"({exc.strerror or exc})") from None
    if save_as and (len(files) != 1 or len(files[0][1]) != 1):
        raise ImportRefused("--save-profile needs exactly one file with one table")
    reports: list[ImportReport] = []
    failures: list[FileFailure] = []
    for index, (path, items) in enumerate(files):
        try:
            reports.extend(_import_file(db, items, account, save_as, dry_run))
        except ImportRefused as exc:
            failures.append(FileFailure(storable(str(path)), str(exc)))
        except Exception as exc:
            if not reports:
                raise
            failures.append(FileFailure(storable(str(path)), _one_line(exc)))
            raise PartlyImported(Reports(reports, skipped), failures,
                                 [storable(str(p)) for p, _ in files[index + 1:]]) from exc
    if failures and not reports:
        raise ImportRefused("; ".join(f"{f.file}: {f.reason}" for f in failures))
    if failures:
        raise PartlyImported(Reports(reports, skipped), failures, [])
    return Reports(reports, skipped)


def _import_file(db: Database, items: list[Prepared], account: str | None,
                 save_as: str | None, dry_run: bool) -> list[ImportReport]:
    """The parts of one file, its new account and its saved profile: one transaction."""
    with batches.transaction(db, keep=not dry_run):
        acct = accounts.resolve_for_import(db, account)
        if not isinstance(acct, Account):
            acct = accounts.create(db, acct)
        reports = [run(db, item, acct, dry_run=dry_run) for item in items]
        if save_as and not dry_run:
            save_profile(db, save_as, items[0])
            reports[0].details["profile"] = save_as
    return reports


def _one_line(exc: Exception) -> str:
    if isinstance(exc, ImportCancelled):
        return "cancelled; nothing of this file was written"
    if isinstance(exc, sqlite3.Error):
        return f"the ledger could not be written ({exc}); nothing of this file was written"
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__) + "; nothing of this file was written"


def undo(db: Database, import_id: int) -> int:
    return batches.undo_batch(db, import_id)


def list_imports(db: Database) -> list[dict[str, Any]]:
    out = []
    for row in batches.list_batches(db):
        out.append({"import_id": row["id"], "file": row["file"], "kind": row["kind"],
                    "account": row["account"], "rows": row["rows_read"],
                    "inserted": row["inserted"], "duplicates": row["duplicates"],
                    "rejected": row["rejected"], "skipped": row["skipped"],
                    "folded": row["folded"], "started_at": row["started_at"],
                    "undone": row["undone_at"] is not None, "undone_at": row["undone_at"],
                    "details": json.loads(row["details"] or "{}")})
    return out
