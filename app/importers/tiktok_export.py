"""TikTok's "Download your data" export: LIVE sessions and wallet withdrawals as tables.

TikTok hands the export out as one JSON file (``user_data.json``, newer
``user_data_tiktok.json``) or as TXT files, one per section, usually inside a zip. Section names
are firm, record fields are not (see ECONOMY.md), so records keep their keys as written and
``fields.SYNONYMS`` maps them; only wallet keys that no payout synonym knows are renamed.

The JSON is read as a stream (``json_stream``): only the sections' subtrees are kept, so a
JSON export of any size up to ``MAX_JSON_BYTES`` costs the memory of its LIVE history and
wallet, not of the file. TXT sections above ``MAX_BYTES`` are refused. Zips are read member by
member, never extracted to disk; a JSON member is streamed out of the zip too.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import IO

import ijson

from app.importers.base import ImportRefused, storable
from app.importers.fields import SYNONYMS, norm
from app.importers.files import (
    ZipBudget,
    open_regular,
    read_capped,
    read_regular,
    regular_size,
)
from app.importers.json_stream import Utf8Stream, has_key, kept_subtrees, python_backend
from app.importers.sources import RecordTable

MAX_BYTES = 512 * 1024 * 1024  # a TXT file or zip member larger than this is refused
MAX_JSON_BYTES = 2 * 1024**3  # a streamed JSON export (file or zip member) larger is refused
EXACT_ERRORS = 64 * 1024 * 1024  # damaged JSON up to this size is parsed again for the position
MAX_FOLDER_DEPTH = 5  # TikTok_Data_<n>/Tiktok/TikTok Live/Go Live History.txt is 3 deep
MAX_FOLDER_ENTRIES = 20_000

JSON_NAMES = ("user_data_tiktok.json", "user_data.json")

Record = dict[str, object]
Numbered = list[tuple[int, Record]]


@dataclass(frozen=True)
class _Section:
    kind: str  # "sessions", "payouts" (the wallet) or "purchases" (recognised, not imported)
    title: str
    keys: frozenset[str]  # normalised JSON keys of the section
    lists: frozenset[str]  # normalised keys of its record list
    files: frozenset[str]  # normalised stems of its TXT file


_SESSIONS = _Section("sessions", "Go Live History", frozenset({"golivehistory"}),
                     frozenset({"golivelist"}), frozenset({"golivehistory"}))
_WALLET = _Section("payouts", "Income Plus Wallet Transactions",
                   frozenset({"incomepluswallettransactions", "incomewallettransactions"}),
                   frozenset({"transactionslist", "transactionlist"}),
                   frozenset({"transactionhistory", "incomepluswallettransactions",
                              "incomewallettransactions"}))
_PURCHASES = _Section("purchases", "Purchases", frozenset({"purchases", "purchasehistory"}),
                      frozenset({"sendgifts", "buygifts"}),
                      frozenset({"purchases", "purchasehistory"}))
_SECTIONS = (_SESSIONS, _WALLET, _PURCHASES)
# keys whose subtrees a streamed JSON keeps: the sections and their record lists
_SECTION_KEYS = frozenset().union(*(s.keys | s.lists for s in _SECTIONS))

# Keys (normalised) only a TikTok export has, for recognising its JSON from the first bytes:
# the top level is alphabetical, so "Ads and data" comes long before "Tiktok Live".
_JSON_MARKERS = frozenset({
    "tiktoklive", "golivehistory", "golivelist", "incomepluswallettransactions",
    "transactionslist", "adsanddata", "offtiktokactivity", "offtiktokactivitydatalist",
    "youractivity", "tiktokshop", "videobrowsinghistory", "watchlivehistory", "golivesettings",
})
_JSON_KEY_RE = re.compile(r'"((?:[^"\\\n]|\\.){1,80})"\s*:')
_LOOKED_FOR = ("Go Live History (GoLiveList) and Income Plus Wallet Transactions "
               "(TransactionsList)")
_LOOKED_FOR_TXT = "Go Live History.txt and Transaction History.txt"
_LOOKED_FOR_FILES = ("user_data.json, user_data_tiktok.json, Go Live History.txt or "
                     "Transaction History.txt")

# --- wallet records -------------------------------------------------------------------------

_WITHDRAW_RE = re.compile(r"withdr[ae]w|cash[\s_-]*out|pay[\s_-]*out", re.IGNORECASE)
_REVERSAL_RE = re.compile(r"refund|revers", re.IGNORECASE)  # "Withdrawal refund" is income
_NEGATIVE_RE = re.compile(r"^[^\d\s(−-]{0,4}\s*[(−-]\s*[^\d\s]{0,4}\s*\d")
# keys whose text says what a transaction is; when one exists and does not say "withdraw",
# a negative amount is not taken as a withdrawal (it may be coins bought with the balance)
_DESCRIPTIVE = frozenset({
    "type", "transactiontype", "description", "desc", "detail", "details", "remark", "remarks",
    "note", "notes", "category", "title", "name", "event", "action", "kind", "transaction",
    "transactionname", "transactiondescription", "item", "operation", "summary", "memo",
    "reason", "purpose", "source", "activity", "subject", "label",
})
# wallet keys our payout synonyms do not know yet, renamed to a name they know
_PAYOUT_ALIASES: dict[str, tuple[str, ...]] = {
    "requested": ("createtime", "createdtime", "creationtime", "timestamp", "created",
                  "transactiontimestamp", "transactiontimeutc", "requesttime", "applytime",
                  "withdrawtime", "withdrawaltime", "dateutc", "timeutc", "datetimeutc", "when"),
    "paid": ("completetime", "completedtime", "finishtime", "finishedat", "paytime",
             "arrivaltime", "arrivedtime", "successtime", "paymentdate", "paiddatetime"),
    "amount": ("transactionamount", "cashamount", "withdrawamount", "amountvalue",
               "withdrawalsum", "payoutamount", "grossamount", "amountinusd"),
    "currency": ("currencytype", "currencyunit", "moneytype"),
    "fee": ("servicefee", "handlingfee", "transactionfee", "withdrawfee", "withdrawalfee",
            "commission"),
    "method": ("withdrawmethod", "withdrawalmethod", "paymentchannel", "paytype",
               "payoutchannel", "destination", "bank"),
    "status": ("transactionstatus", "withdrawstatus", "withdrawalstatus", "orderstatus",
               "paymentstatus", "payoutstatus"),
    "reference": ("transactionno", "transactionnumber", "orderno", "ordernumber", "serialno",
                  "serialnumber", "tradeno", "referenceid", "referencenumber", "withdrawid",
                  "withdrawalid", "recordid"),
}
_CANONICAL = {"requested": "Requested", "paid": "Paid", "amount": "Amount",
              "currency": "Currency", "fee": "Fee", "method": "Method", "status": "Status",
              "reference": "Reference"}
_AMOUNT_KEYS = frozenset(SYNONYMS["payouts"]["amount"] + _PAYOUT_ALIASES["amount"])

# --- TXT records ----------------------------------------------------------------------------

# "Live Start Time: 2024-05-01 19:00:05", "HashTag Link:: https://...": a key starts with a
# letter and is followed by one or two colons that do not start "//" (so a URL is no key)
_KEY_LINE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9 _\-/().&'+#]{0,79}?)\s*::?(?!//)\s*(.*)$")
_COPY_SUFFIX_RE = re.compile(r"\s*\(\d+\)$")  # "Go Live History (1).txt"


@dataclass
class _Source:
    """Where the records came from, for the tables' name, digest, size and info."""

    shown: str
    digest: str
    size: int
    fmt: str
    extra: dict[str, str]


# --- detection ------------------------------------------------------------------------------


def looks_like_export(name: str, head: bytes) -> bool:
    """Whether a file is (part of) a TikTok export, from its name and first bytes.

    A zip is judged by the member names in the local headers within ``head``; when ``name``
    is an absolute path to an existing file its central directory is read as well, which sees
    every member (pass ``str(path)`` rather than ``path.name`` to get that).
    """
    base = PurePath(name).name
    lower = base.lower()
    if head.startswith(b"PK\x03\x04") or lower.endswith(".zip"):
        if not head.startswith(b"PK"):
            return False
        if any(_export_member(m, loose=True) for m in _local_member_names(head)):
            return True
        return _zip_on_disk_is_export(name)
    if lower.endswith(".json"):
        if lower == "user_data_tiktok.json":
            return True
        text = head.decode("utf-8", errors="ignore")
        return (any(_is_marker(key) for key in _JSON_KEY_RE.findall(text))
                or _json_on_disk_is_export(name))
    if lower.endswith(".txt"):
        return _txt_section(base) is not None
    return False


def _local_member_names(head: bytes) -> Iterator[str]:
    """Names of the zip members whose local header lies in ``head``."""
    offset = 0
    while offset + 30 <= len(head) and head.startswith(b"PK\x03\x04", offset):
        flags, _method, _t, _d, _crc, compressed, _size, name_len, extra_len = struct.unpack(
            "<HHHHIIIHH", head[offset + 6:offset + 30])
        raw = head[offset + 30:offset + 30 + name_len]
        yield raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        if flags & 0x08:  # sizes follow the data: the next header cannot be found cheaply
            return
        offset += 30 + name_len + extra_len + compressed


def _export_member(member: str, *, loose: bool = False) -> bool:
    """A member an export has; `loose` also takes any path under a TikTok folder.

    A TXT export zip starts with other sections ("TikTok_Data_<n>/Tiktok/Activity/..."), so
    judged from its first local headers only its folder names give it away.
    """
    path = PurePath(member.replace("\\", "/"))
    if path.name.lower() in JSON_NAMES:
        return True
    if path.name.lower().endswith(".txt") and _txt_section(path.name) is not None:
        return True
    return loose and any(part.lower().startswith("tiktok") for part in path.parts[:-1])


def _zip_on_disk_is_export(name: str) -> bool:
    path = Path(name)
    if not path.is_absolute() or not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(_export_member(n) for n in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _is_marker(key: str) -> bool:
    return norm(key) in _JSON_MARKERS


def _json_on_disk_is_export(name: str) -> bool:
    """Whether a JSON file holds an export's key anywhere (read as a stream, to the end)."""
    path = Path(name)
    if not path.is_absolute() or not path.is_file():
        return False
    try:
        with open_regular(path) as handle:
            return has_key(handle, _JSON_KEY_RE, _is_marker)
    except (OSError, ImportRefused):
        return False


def _txt_section(filename: str) -> _Section | None:
    stem = filename[:-4] if filename.lower().endswith(".txt") else filename
    key = norm(_COPY_SUFFIX_RE.sub("", stem))
    return next((s for s in _SECTIONS if key in s.files), None)


# --- reading --------------------------------------------------------------------------------


def read_export(path: Path) -> list[tuple[str, RecordTable]]:
    """(kind, table) for the LIVE sessions and wallet withdrawals of an export.

    ``path`` is user_data(_tiktok).json, a section TXT file, a folder holding either, or a zip
    of either. Kinds are "sessions" (Go Live History) and "payouts" (withdrawals from the
    Income Plus wallet); an absent or empty section gives no table. Raises ImportRefused when
    nothing usable is found.
    """
    if path.is_dir():
        return _read_folder(path)
    size = regular_size(path)
    try:
        with open_regular(path) as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ImportRefused(f"cannot read {path.name}: {exc.strerror or exc}") from None
    lower = path.name.lower()
    if lower.endswith(".zip") or magic.startswith(b"PK\x03\x04"):
        return _read_zip(path, size)
    if lower.endswith(".txt"):
        section = _txt_section(path.name)
        if section is None:
            raise ImportRefused(f"{path.name} is not a TikTok export section file: expected "
                                "Go Live History.txt or Transaction History.txt")
        data = read_regular(path, MAX_BYTES)
        source = _Source(path.name, _sha256(data), len(data), "TikTok export (TXT)", {})
        return _finish(*_tables_from_txt([(section, path.name, data, source)]), path.name,
                       _LOOKED_FOR_TXT)
    return _json_file_tables(path, path.name, {})


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_zip(path: Path, size: int) -> list[tuple[str, RecordTable]]:
    try:
        digest = _sha256_file(path)
    except OSError as exc:
        raise ImportRefused(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
            return _zip_tables(archive, ZipBudget(path.name, size), digest)
    except (zipfile.BadZipFile, NotImplementedError, OSError, UnicodeDecodeError,
            RuntimeError) as exc:
        # OSError too: a damaged directory makes zipfile seek to a negative offset;
        # UnicodeDecodeError: a member name flagged UTF-8 that is not
        raise ImportRefused(f"{path.name} is not a readable zip archive "
                            f"({storable(str(exc))})") from None
    except (zlib.error, lzma.LZMAError, EOFError) as exc:
        raise ImportRefused(f"{path.name} is not a readable zip archive (damaged data: "
                            f"{exc or 'unexpected end'})") from None


def _zip_tables(archive: zipfile.ZipFile, budget: ZipBudget,
                digest: str) -> list[tuple[str, RecordTable]]:
    shown = budget.archive
    members = budget.members(archive)
    by_base = {PurePath(m.filename.replace("\\", "/")).name.lower(): m
               for m in reversed(members)}  # reversed: the first of a name wins
    json_member = next((by_base[n] for n in JSON_NAMES if n in by_base), None)
    if json_member is not None:
        source = _Source(shown, digest, budget.size, "TikTok export (zip of JSON)",
                         {"member": storable(json_member.filename)})
        name = f"{storable(json_member.filename)} in {shown}"
        budget.check(json_member, MAX_JSON_BYTES)
        kept = _stream_json(lambda: archive.open(json_member), name, json_member.file_size)
        return _tables_from_json(kept, source)
    found: list[tuple[_Section, str, bytes, _Source]] = []
    for member in members:
        base = PurePath(member.filename.replace("\\", "/")).name
        section = _txt_section(base) if base.lower().endswith(".txt") else None
        if section is None or any(f[0] is section for f in found):
            continue
        data = budget.read(archive, member, MAX_BYTES)
        source = _Source(shown, digest, budget.size, "TikTok export (zip of TXT)",
                         {"member": storable(member.filename)})
        found.append((section, storable(member.filename), data, source))
    if not found:
        raise ImportRefused(f"{shown} is not a TikTok data export: no "
                            f"{_LOOKED_FOR_FILES} inside")
    return _finish(*_tables_from_txt(found), shown, _LOOKED_FOR_TXT)


def _read_folder(folder: Path) -> list[tuple[str, RecordTable]]:
    files = _folder_files(folder)
    by_name = {p.name.lower(): p for p in reversed(files)}
    json_path = next((by_name[n] for n in JSON_NAMES if n in by_name), None)
    if json_path is not None:
        return _json_file_tables(json_path, json_path.name,
                                 {"file": json_path.relative_to(folder).as_posix()})
    found: list[tuple[_Section, str, bytes, _Source]] = []
    for file in files:
        section = _txt_section(file.name) if file.name.lower().endswith(".txt") else None
        if section is None or any(f[0] is section for f in found):
            continue
        data = read_regular(file, MAX_BYTES)
        rel = file.relative_to(folder).as_posix()
        source = _Source(file.name, _sha256(data), len(data), "TikTok export (TXT)",
                         {"file": rel})
        found.append((section, rel, data, source))
    if not found:
        raise ImportRefused(f"no TikTok data export in folder {folder.name}: looked for "
                            f"{_LOOKED_FOR_FILES}")
    return _finish(*_tables_from_txt(found), folder.name, _LOOKED_FOR_TXT)


def holds_export(folder: Path) -> bool:
    """Whether a folder holds a TikTok export's JSON or TXT section files (by name)."""
    return any(f.name.lower() in JSON_NAMES or (f.name.lower().endswith(".txt")
                                                and _txt_section(f.name) is not None)
               for f in _folder_files(folder))


def _folder_files(folder: Path) -> list[Path]:
    """Files up to MAX_FOLDER_DEPTH levels down, in a stable order; hidden ones left out."""
    files: list[Path] = []
    seen = 0
    for root, dirs, names in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        keep = depth < MAX_FOLDER_DEPTH
        dirs[:] = sorted(d for d in dirs if keep and not d.startswith("."))
        for name in sorted(names):
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                return files
            if not name.startswith("."):
                files.append(Path(root) / name)
    return files


# --- JSON -----------------------------------------------------------------------------------


def _json_file_tables(path: Path, shown: str,
                      extra: dict[str, str]) -> list[tuple[str, RecordTable]]:
    size = regular_size(path)
    if size > MAX_JSON_BYTES:
        raise ImportRefused(f"{shown} is over {MAX_JSON_BYTES // 2**30} GB; JSON exports "
                            "that large are refused")
    digest = hashlib.sha256()
    kept = _stream_json(lambda: open_regular(path), shown, size, digest.update)
    source = _Source(shown, digest.hexdigest(), size, "TikTok export (JSON)", extra)
    return _tables_from_json(kept, source)


def _wanted_key(key: str) -> bool:
    return _norm_key(key) in _SECTION_KEYS


def _stream_json(opener: Callable[[], IO[bytes]], shown: str, size: int,
                 seen: Callable[[bytes], None] | None = None) -> object:
    """The sections' subtrees of a JSON export, read as a stream (see json_stream).

    A file the stream parser cannot read, up to EXACT_ERRORS bytes, is parsed again whole by
    the standard parser: it names the line and column of a fault, and reads what the C
    parser cannot (an integer past Python's 4,300 digits, a SystemError there); a larger one
    is refused with the stream parser's words.
    """
    try:
        with opener() as raw:
            stream = Utf8Stream(raw, seen)
            kept = kept_subtrees(stream, _wanted_key)
            stream.drain()
        if stream.lone_surrogate:  # read again by the parser that keeps it, for the reader
            with opener() as raw:
                kept = kept_subtrees(Utf8Stream(raw), _wanted_key, python_backend())
        return kept
    except (ijson.JSONError, UnicodeDecodeError, ValueError, SystemError) as exc:
        if size > EXACT_ERRORS:
            raise ImportRefused(f"{shown} is not valid JSON: {storable(str(exc))}") from None
    except OSError as exc:
        raise ImportRefused(f"cannot read {shown}: {exc.strerror or exc}") from None
    with opener() as raw:
        return _parse_json(read_capped(raw, EXACT_ERRORS, f"{shown} grew while read"), shown)


def _decode(data: bytes, shown: str) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{shown} is not UTF-8 text (undecodable byte at offset "
                            f"{exc.start})") from None


def _parse_json(data: bytes, shown: str) -> object:
    text = _decode(data, shown)
    try:
        value: object = json.loads(text, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{shown} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}") from None
    except RecursionError:
        raise ImportRefused(f"{shown} is nested too deeply to read as JSON") from None
    return value


def _json_int(text: str) -> int | str:
    """A JSON integer; one too long for a number column is kept as written, so the reader
    rejects its record with the reason (int() itself refuses over 4,300 digits)."""
    return int(text) if len(text) <= 20 else text


def _json_float(text: str) -> float | str:
    """A JSON number with a fraction or exponent; one a float cannot hold (1e999 would read
    as inf) is kept as written for the reader to reject."""
    value = float(text)
    return value if math.isfinite(value) and len(text) <= 40 else text


def _walk(root: object) -> Iterator[tuple[str, object]]:
    """(normalised key, value) of every entry below root, depth first in file order.

    Iterative, so nesting depth costs no recursion. List items come with the key "".
    """
    stack = [_children(root)]
    while stack:
        try:
            key, value = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        yield key, value
        if isinstance(value, dict | list):
            stack.append(_children(value))


@lru_cache(maxsize=4096)
def _norm_key(key: str) -> str:
    return norm(key)


def _children(node: object) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        return iter([(_norm_key(str(k)), v) for k, v in node.items()])
    if isinstance(node, list):
        return iter([("", v) for v in node])
    return iter(())


def _numbered(items: list[object]) -> Numbered:
    """Dict items of a record list with their 1-based position; empty records dropped."""
    out: Numbered = []
    for index, item in enumerate(items, 1):
        if isinstance(item, dict) and any(v is not None and v != "" for v in item.values()):
            out.append((index, {str(k): v for k, v in item.items()}))
    return out


def _records_in(node: object, section: _Section) -> Numbered:
    if isinstance(node, list):
        return _numbered(node)
    if not isinstance(node, dict):
        return []
    for key, value in _walk(node):
        if key in section.lists and isinstance(value, list) and (found := _numbered(value)):
            return found
    for _key, value in _walk(node):  # a list under another name: the first that holds records
        if isinstance(value, list) and (found := _numbered(value)):
            return found
    return []


def _json_section(root: object, section: _Section) -> tuple[bool, Numbered]:
    """(whether the section is there, its records) found by key name at any depth."""
    present = False
    for key, value in _walk(root):
        if key in section.keys:
            present = True
            if found := _records_in(value, section):
                return True, found
    for key, value in _walk(root):  # the record list alone, its section renamed or moved
        if key in section.lists:
            present = True
            if isinstance(value, list) and (found := _numbered(value)):
                return True, found
    return present, []


def _tables_from_json(root: object, source: _Source) -> list[tuple[str, RecordTable]]:
    tables: list[tuple[str, RecordTable]] = []
    why: list[str] = []
    for section in _SECTIONS:
        present, records = _json_section(root, section)
        _add(tables, why, section, present, records, source)
    return _finish(tables, why, source.shown, _LOOKED_FOR)


# --- TXT ------------------------------------------------------------------------------------


def _parse_txt(text: str, section: _Section) -> tuple[Numbered, int]:
    """Records of `Key: value` lines separated by blank lines, each with the line it starts on.

    Lines before the first record that are not `Key: value` (a title) are skipped and counted;
    a line without a key inside a record continues the previous value; a key seen twice starts
    a new record (a missing blank line). Single-key blocks whose key no other record has
    (a title such as "Go Live History:") are dropped as well.
    """
    records: Numbered = []
    current: Record | None = None
    last_key = ""
    skipped = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not any(c.isalnum() for c in line):  # blank, or a rule such as "-----"
            current, last_key = None, ""
            continue
        match = _KEY_LINE_RE.match(line)
        if match is None:
            if current is not None and last_key:
                current[last_key] = f"{current[last_key]}\n{line}"
            else:
                skipped += 1
            continue
        key, value = match.group(1).strip(), match.group(2).strip()
        if not records and current is None and not value and norm(key) in section.files:
            skipped += 1  # "Go Live History:" as a title
            continue
        if current is None or key in current:
            current = {}
            records.append((number, current))
        current[key] = value
        last_key = key
    multi = [r for _, r in records if len(r) > 1]
    if multi:
        common = {norm(k) for r in multi for k in r}
        kept = [(n, r) for n, r in records if len(r) > 1 or norm(next(iter(r))) in common]
        skipped += len(records) - len(kept)
        records = kept
    return records, skipped


def _tables_from_txt(found: list[tuple[_Section, str, bytes, _Source]]
                     ) -> tuple[list[tuple[str, RecordTable]], list[str]]:
    tables: list[tuple[str, RecordTable]] = []
    why: list[str] = []
    for section, shown, data, source in sorted(found, key=lambda f: _SECTIONS.index(f[0])):
        records, skipped = _parse_txt(_decode(data, shown), section)
        if skipped:
            source.extra["skipped_lines"] = (f"{skipped} line{'s' if skipped > 1 else ''} "
                                             "not part of a Key: value record")
        _add(tables, why, section, True, records, source)
    return tables, why


# --- tables ---------------------------------------------------------------------------------


def _add(tables: list[tuple[str, RecordTable]], why: list[str], section: _Section,
         present: bool, records: Numbered, source: _Source) -> None:
    """Append the section's table, or say in `why` why it gave none."""
    info = {"format": source.fmt, "section": section.title, **source.extra}
    name = f"{source.shown}: {section.title}"
    if section is _PURCHASES:
        if records:
            why.append(f"{section.title} ({len(records)} records) holds gifts sent and coins "
                       "bought as a viewer, which are not imported")
        return
    if not records:
        if present:
            why.append(f"{section.title} is empty")
        return
    if section is _SESSIONS:
        tables.append(("sessions", RecordTable(
            name, [r for _, r in records], source.digest, source.size, info,
            [n for n, _ in records])))
        return
    withdrawals = [(n, r) for n, r in records if _is_withdrawal(r)]
    ignored = len(records) - len(withdrawals)
    if not withdrawals:
        why.append(f"the wallet has {len(records)} transactions, none of them a withdrawal")
        return
    if ignored:
        info["ignored_records"] = f"{ignored} non-withdrawal wallet records"
    renamed, notes = _rename_payout_keys([r for _, r in withdrawals])
    if notes:
        info["renamed"] = ", ".join(notes)
    tables.append(("payouts", RecordTable(
        name, renamed, source.digest, source.size, info, [n for n, _ in withdrawals])))


def _finish(tables: list[tuple[str, RecordTable]], why: list[str], shown: str,
            looked_for: str) -> list[tuple[str, RecordTable]]:
    if not tables:
        detail = f" ({'; '.join(why)})" if why else ""
        raise ImportRefused(f"no LIVE sessions or wallet withdrawals in {shown}: looked for "
                            f"{looked_for}{detail}")
    return tables


def _is_withdrawal(record: Record) -> bool:
    """A withdrawal says so (withdraw, cash out, payout) or, undescribed, has a negative amount.

    "Withdrawal refund" or "reversal" records are money coming back, not a payout.
    """
    described = [str(v) for k, v in record.items()
                 if norm(k) in _DESCRIPTIVE and v is not None and str(v).strip()]
    texts = [v for v in record.values() if isinstance(v, str)]
    if any(_WITHDRAW_RE.search(t) for t in texts):
        return not any(_REVERSAL_RE.search(t) for t in described)
    if described:
        return False
    return any(_negative(v) for k, v in record.items() if norm(k) in _AMOUNT_KEYS)


def _negative(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value < 0
    return isinstance(value, str) and _NEGATIVE_RE.match(value.strip()) is not None


def _rename_payout_keys(records: list[Record]) -> tuple[list[Record], list[str]]:
    """Records with keys no payout synonym knows renamed to one it knows, where one fits."""
    present: dict[str, str] = {}
    for record in records:
        for key in record:
            present.setdefault(norm(key), key)
    renames: dict[str, str] = {}  # normalised old key -> new key
    notes: list[str] = []
    for fld, aliases in _PAYOUT_ALIASES.items():
        if any(syn in present for syn in SYNONYMS["payouts"][fld]):
            continue
        alias = next((a for a in aliases if a in present and a not in renames), None)
        if alias is not None:
            renames[alias] = _CANONICAL[fld]
            notes.append(f"{present[alias]} -> {_CANONICAL[fld]}")
    if not renames:
        return records, []
    return [{renames.get(norm(k), k): v for k, v in r.items()} for r in records], notes
