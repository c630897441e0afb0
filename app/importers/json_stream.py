"""Large JSON read as a stream: the parts we want kept, the rest only looked at in passing.

TikTok's export is one JSON object of which LIVE history and the wallet are a sliver (the bulk
is watch history, comments, likes...). ``ijson`` parses it event by event, so memory holds only
the subtrees under the keys asked for, whatever the file's size. Keys are found by name at any
depth, in file order, as the whole-document walk in ``tiktok_export`` would find them.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

CHUNK = 1 << 20
# a \uD800-\uDFFF escape; one not in a high-low pair the C parser turns into "?", while the
# Python one keeps it (one literal prefix, so the search is a fast scan for "\u")
_SURROGATE_RE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_OVERLAP = 256  # a key cut by a chunk boundary is whole in the next chunk's text

Kept = list[dict[str, object]]


class Utf8Stream:
    """A binary stream as UTF-8 bytes for the parser: a UTF-8 BOM is dropped, UTF-16 (with its
    BOM) re-encoded. ``seen`` is called with every raw byte read (for the file's digest);
    ``lone_surrogate`` tells whether an unpaired surrogate escape went past."""

    def __init__(self, raw: IO[bytes], seen: Callable[[bytes], None] | None = None) -> None:
        self._raw, self._seen = raw, seen or (lambda _b: None)
        self.lone_surrogate = False
        self._tail = b""
        head = self._take(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            self._decoder: codecs.IncrementalDecoder | None = (
                codecs.getincrementaldecoder("utf-16")())
            self._pending = self._decoder.decode(head).encode("utf-8")
        else:
            self._decoder = None
            self._pending = head.removeprefix(b"\xef\xbb\xbf")

    def _take(self, size: int) -> bytes:
        data = self._raw.read(size)
        self._seen(data)
        return data

    def read(self, size: int = CHUNK) -> bytes:
        if size == 0:  # ijson asks for 0 bytes to learn whether the stream gives bytes
            return b""
        if self._pending:
            out, self._pending = self._pending, b""
        else:
            out = self._take(max(size, 4))
            if self._decoder is not None:
                out = self._decoder.decode(out, final=not out).encode("utf-8")
        if not self.lone_surrogate:
            self.lone_surrogate = _has_lone_surrogate(self._tail + out)
            self._tail = out[-12:]
        return out

    def drain(self) -> None:
        """Read what the parser left (trailing spaces), so ``seen`` has every byte."""
        while self._take(CHUNK):
            pass


def _has_lone_surrogate(data: bytes) -> bool:
    """Whether `data` has a surrogate escape outside a high-low pair (one cut by the end of
    `data` counts as lone: the cost of a wrong yes is only a slower second read)."""
    found = [(m.start(), m.group()[3:4].lower() in b"89ab") for m in _SURROGATE_RE.finditer(data)]
    paired: set[int] = set()
    for (start, high), (after, next_high) in zip(found, found[1:], strict=False):
        if high and not next_high and after == start + 6:
            paired.update((start, after))
    return len(paired) < len(found)


def has_key(raw: IO[bytes], key_re: re.Pattern[str], wanted: Callable[[str], bool]) -> bool:
    """Whether any JSON key (a ``key_re`` match) anywhere in the stream is ``wanted``.

    Read a chunk at a time, so the key may lie at any depth and any offset of a file of any
    size; stops at the first one found.
    """
    stream = Utf8Stream(raw)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
    tail = ""
    while True:
        data = stream.read(CHUNK)
        text = tail + decoder.decode(data, final=not data)
        if any(wanted(key) for key in key_re.findall(text)):
            return True
        if not data:
            return False
        tail = text[-_OVERLAP:]


def kept_subtrees(stream: Utf8Stream, wanted: Callable[[str], bool],
                  backend: Any = ijson) -> Kept:
    """``[{key: value}, ...]`` for every key that is ``wanted``, in file order.

    A wanted key inside a kept subtree stays in it (not kept twice). Numbers read as the
    standard ``json`` module would, except that an integer over 20 digits, or a fraction a
    float cannot hold, is kept as text (so the reader rejects it with its text). Raises
    ``ijson.JSONError`` (or ``UnicodeDecodeError``) on a damaged file.
    """
    kept: Kept = []
    events = backend.basic_parse(stream, use_float=False)
    for event, value in events:
        if event == "map_key" and wanted(value):
            kept.append({value: _build(events)})
    return kept


def python_backend() -> Any:
    """ijson's pure-Python parser: slower, but it keeps a lone surrogate as it was written."""
    return ijson.get_backend("python")


def _build(events: Iterator[tuple[str, Any]]) -> object:
    """The value whose events come next (one scalar, or a container to its end)."""
    builder = ijson.ObjectBuilder()
    depth = 0
    for event, value in events:
        builder.event(event, _number(value) if event == "number" else value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
        if depth == 0:
            break
    return builder.value


def _number(value: int | Decimal) -> int | float | str:
    if isinstance(value, int):
        return value if value.bit_length() <= 66 else format(value)
    as_float = float(value)
    text = str(value).replace("E+", "e").replace("E", "e")  # 1e9999999 as it was written
    return as_float if math.isfinite(as_float) and len(text) <= 40 else text
