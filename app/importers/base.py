"""Shapes shared by every importer: errors, refusals, progress and cancel."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


class ImportRefused(Exception):
    """The file cannot be read at all: nothing is written, the message says why.

    The message is always one line: line breaks that come from the file (a JSON key, a
    column name) or a file name are shown escaped, so the CLI's one-line error stays one line.
    """

    def __init__(self, message: object = "") -> None:
        super().__init__(str(message).translate(_ESCAPE_BREAKS))


_ESCAPE_BREAKS = {ord(c): c.encode("unicode_escape").decode("ascii")
                  for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


class NoMoneyInFile(ImportRefused):
    """The file is read and known, but holds no money (a likes or comments log): skipped, and
    in an import of several files the others go on."""


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` as UTF-8 can hold it (SQLite, a terminal): a byte the file's encoding could not
    decode (read as a \\udc80-\\udcff surrogate) shown as \\xNN, any other lone surrogate
    (a JSON "\\ud800" escape) as \\uNNNN. Text without surrogates comes back as it is."""
    if text.isascii():
        return text
    return _SURROGATE_RE.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xdc00:02x}" if 0xdc80 <= code <= 0xdcff else f"\\u{code:04x}"


class ImportCancelled(Exception):
    """The user cancelled; the caller rolls back."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str
    raw: str
    skipped: bool = False  # junk around the data (titles, totals), kept but not a bad row


ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)
CancelFn = Callable[[], bool]


@dataclass
class Feedback:
    """Where a running parse reports: rejected rows (drained by the writer), progress, cancel."""

    progress: ProgressFn | None = None
    cancel: CancelFn | None = None
    errors: list[RowError] = field(default_factory=list)
    rejected: int = 0
    skipped: int = 0
    folded: int = 0  # streak events folded into their final event
    in_time_order: bool = True  # False: the occurrence numbers must be computed by the store
    notes: list[str] = field(default_factory=list)
    # what the reader decided from the file (date_format, coins: each/total), kept with the
    # batch so that its rejected rows are read again the same way (retry)
    decided: dict[str, str] = field(default_factory=dict)

    def reject(self, line: int, reason: str, raw: str) -> None:
        self.rejected += 1
        self.errors.append(RowError(line, storable(reason), storable(raw)))

    def skip(self, line: int, reason: str, raw: str) -> None:
        self.skipped += 1
        self.errors.append(RowError(line, storable(reason), storable(raw), skipped=True))

    def tick(self, done: int, total: int) -> None:
        if self.cancel is not None and self.cancel():
            raise ImportCancelled("import cancelled")
        if self.progress is not None:
            self.progress(done, total)
