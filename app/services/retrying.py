"""Fix and retry: a batch's rejected rows read again under today's catalogue and mapping.

A creator who adds a missing gift to the catalogue (or fixes a mapping profile) retries the
import: the rows that pass now join the same batch (undoing it removes them too) and leave
the rejected rows; the rest keep the reason they fail for today. Retrying again adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.core.catalogue import name_key, named_in
from app.importers.base import Feedback, ImportRefused, RowError
from app.importers.fields import Mapping
from app.importers.readers import READERS
from app.services.importing import read_context
from app.store import batches, queries

DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


@dataclass(frozen=True)
class RetryReport:
    import_id: int
    retried: int  # rejected rows read again
    inserted: int
    duplicates: int
    rejected: int  # still rejected
    errors: list[RowError]

    def to_json(self) -> dict[str, Any]:
        return {"import_id": self.import_id, "retried": self.retried,
                "inserted": self.inserted, "duplicates": self.duplicates,
                "rejected": self.rejected,
                "errors": [{"line": e.line, "reason": e.reason} for e in self.errors]}


def retry(db: Database, import_id: int) -> RetryReport:
    """Read batch `import_id`'s rejected rows again and add those that pass to it."""
    batch = _batch(db, import_id)
    details = json.loads(batch["details"] or "{}")
    if not details.get("header") or not details.get("mapping"):
        raise ImportRefused(f"import #{import_id} was made before retry existed: its rows "
                            "cannot be read again; import its file again instead")
    rejected = [r for r in batches.rejected_rows(db, import_id, limit=-1) if not r["skipped"]]
    if not rejected:
        return RetryReport(import_id, 0, 0, 0, 0, [])
    table = _RejectedTable(Path(batch["file"]).name, details["header"],
                           details.get("delimiter", "comma"), rejected)
    feedback = Feedback()
    account = queries.account_by_id(db, batch["account_id"])
    if account is None:
        raise LookupError(f"import {import_id} belongs to no account of this ledger")
    rows = list(READERS[batch["kind"]](table, _mapping(db, details), read_context(
        db, account, feedback)))
    errors = [e for e in feedback.errors if not e.skipped]
    try:
        done = batches.extend_batch(db, import_id, rows, [row[0] for row in rows],
                                    {e.line: e.reason for e in errors})
    except batches.UndoError as exc:
        raise ImportRefused(str(exc)) from None
    return RetryReport(import_id, len(rejected), done.inserted, done.duplicates,
                       done.still_rejected, errors)


def batches_rejecting(db: Database, name: str) -> list[int]:
    """The live batches with rows rejected for the gift `name` (unknown, or ambiguous), oldest
    first: those a fix of that name can bring in."""
    key = name_key(name)
    found: set[int] = set()
    for import_id, reason in db.execute(
            "SELECT r.import_id, r.reason FROM rejected_rows r JOIN imports i"
            " ON i.id = r.import_id WHERE i.undone_at IS NULL AND r.skipped = 0"
            " AND instr(r.reason, 'gift') > 0").fetchall():
        named = named_in(str(reason))
        if named is not None and name_key(named[1]) == key:
            found.add(int(import_id))
    return sorted(found)


def retry_named(db: Database, name: str, first: int) -> list[RetryReport]:
    """Retry batch `first` and every other live batch with rows rejected for `name`, after a
    fix of that gift (added to the catalogue, or said which gift the name means). Batches
    made before retry existed are left out, except `first`, whose refusal is said."""
    reports = [retry(db, first)]
    for import_id in batches_rejecting(db, name):
        if import_id == first:
            continue
        try:
            reports.append(retry(db, import_id))
        except ImportRefused:
            continue
    return reports


def fix_and_retry(db: Database, fix: Callable[[Database], object], name: str,
                  first: int) -> list[RetryReport]:
    """A fix of the gift `name` (catalogue.save_gift or choose_gift), then `retry_named`: one
    write, so that one undo takes both back."""
    fix(db)
    return retry_named(db, name, first)


def _batch(db: Database, import_id: int) -> dict[str, Any]:
    found = queries.rows(db, "SELECT * FROM imports WHERE id = ?", (import_id,))
    if not found:
        raise ImportRefused(f"there is no import {import_id}")
    if found[0]["undone_at"]:
        raise ImportRefused(f"import {import_id} was undone at {found[0]['undone_at']}: "
                            "nothing to retry")
    return found[0]


def _mapping(db: Database, details: dict[str, Any]) -> Mapping:
    """The batch's mapping as it is today (its profile's, when it still exists), reading
    dates and coins the way the import decided for the whole file."""
    mapping = Mapping.from_json(json.dumps(details["mapping"]))
    profile = queries.profile(db, mapping.name) if mapping.name else None
    if profile is not None and profile["kind"] == mapping.kind:
        mapping = Mapping.from_json(profile["mapping"])
    decided = details.get("decided", {})
    date_format = (decided.get("date_format", "auto") if mapping.date_format == "auto"
                   else mapping.date_format)
    options = {**mapping.options, **({"coins": decided["coins"]} if "coins" in decided else {})}
    return Mapping(mapping.kind, mapping.columns, date_format, mapping.decimal,
                   mapping.timezone, mapping.name, options)


class _RejectedTable:
    """The rejected rows as a Table with the file's header; a row's raw text is its cells
    joined by the file's delimiter, so a row of the wrong width stays one."""

    def __init__(self, name: str, header: list[str], delimiter: str,
                 rejected: list[dict[str, Any]]) -> None:
        self.name, self.header = name, header
        self.info = {"delimiter": delimiter}
        sep = DELIMITERS.get(delimiter, ",")
        self._rows = [(int(r["line"]), str(r["raw"]).split(sep)) for r in rejected]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return iter(self._rows)

    def progress(self) -> tuple[int, int]:
        return 0, 0

    def sha256(self) -> str:
        return ""

    def decoded_cleanly(self) -> bool:
        return False  # raw text keeps undecodable bytes as \x.. escapes: look at every row
