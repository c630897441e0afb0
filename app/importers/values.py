"""Dates and numbers as creators' files write them.

A column's format is detected once from a sample of its values and turned into one parser
function; the per-row cost is then a dict lookup and a few int() calls, not a format search.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
MONTHS.update({"sept": 9, "june": 6, "july": 7})

_TZ = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_TIME = (r"(?:[T ,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d+))?)?"
         r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?")
ISO_RE = re.compile(r"^(?P<y>\d{4})[-/](?P<a>\d{1,2})[-/](?P<b>\d{1,2})" + _TIME + _TZ + "$")
NUMERIC_RE = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
                        + _TIME + _TZ + "$")
TEXT_MONTH_RE = re.compile(
    r"^(?:(?P<d1>\d{1,2})\s+(?P<mon1>[A-Za-z]{3,9})\.?|(?P<mon2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})),?"
    r"\s+(?P<y>\d{4})" + _TIME + _TZ + "$")
EPOCH_S_RE = re.compile(r"^\d{9,10}(?:\.\d+)?$")
EPOCH_MS_RE = re.compile(r"^\d{12,13}$")
FAST_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:Z|[+-]00:00)?$")

FORMATS = ("iso", "dmy", "mdy", "text", "epoch_s", "epoch_ms")
EARLIEST = datetime(2016, 1, 1, tzinfo=UTC)  # before TikTok LIVE existed: a sure misreading


@dataclass(frozen=True)
class DateFormat:
    kind: str  # one of FORMATS
    ambiguous: bool = False  # day/month order not decided by the sample: a rule chose it
    note: str = ""


def detect_date_format(samples: Iterable[str], day_first_default: bool) -> DateFormat | None:
    """The format that reads the most sample values; None when none reads any.

    Day-first against month-first: a first number above 12 proves day-first, a second number
    above 12 proves month-first; when no sample decides, the region's convention is used and
    the result says it was a guess. Dotted dates (31.12.2026) are always day-first.
    """
    values = [s.strip() for s in samples if s and s.strip()]
    if not values:
        return None
    counts = dict.fromkeys(FORMATS, 0)
    first_over, second_over, dotted = False, False, False
    for v in values:
        if EPOCH_MS_RE.match(v):
            counts["epoch_ms"] += 1
        elif EPOCH_S_RE.match(v):
            counts["epoch_s"] += 1
        elif ISO_RE.match(v):
            counts["iso"] += 1
        elif m := NUMERIC_RE.match(v):
            counts["dmy"] += 1
            first_over |= int(m["a"]) > 12
            second_over |= int(m["b"]) > 12
            dotted |= m["sep"] == "."
        elif TEXT_MONTH_RE.match(v):
            counts["text"] += 1
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0:
        return None
    if best != "dmy":
        return DateFormat(best)
    if dotted or (first_over and not second_over):
        return DateFormat("dmy", note="day first (a day above 12 was seen)" if first_over else
                          "day first (dotted dates)")
    if second_over and not first_over:
        return DateFormat("mdy", note="month first (a day above 12 was seen in second place)")
    if first_over and second_over:
        return DateFormat("dmy", ambiguous=True,
                          note="mixed day/month order; rows that do not fit are rejected")
    kind = "dmy" if day_first_default else "mdy"
    order = "day first" if day_first_default else "month first"
    return DateFormat(kind, ambiguous=True,
                      note=f"no value decides day/month order; {order} by the region's convention")


def make_time_parser(fmt: DateFormat, tz_name: str = "UTC") -> Callable[[str], int]:
    """A function from a cell to epoch seconds (UTC); ValueError with a readable message."""
    zone = ZoneInfo(tz_name)
    offset_of = _local_offset_cache(zone)
    if fmt.kind in ("epoch_s", "epoch_ms"):
        return partial(_parse_epoch, fmt.kind)

    regex = {"iso": ISO_RE, "dmy": NUMERIC_RE, "mdy": NUMERIC_RE, "text": TEXT_MONTH_RE}[fmt.kind]
    expect = {"iso": "YYYY-MM-DD[ HH:MM[:SS]][offset]", "dmy": "DD/MM/YYYY [HH:MM[:SS]]",
              "mdy": "MM/DD/YYYY [HH:MM[:SS]]", "text": "3 Aug 2026 or Aug 3, 2026"}[fmt.kind]

    def parse_general(text: str) -> int:
        m = regex.match(text.strip())
        if m is None:
            raise ValueError(f"cannot read {text!r} as a date (expected {expect})")
        y, mo, d = _ymd(m, fmt.kind)
        hour = int(m["H"] or 0)
        if m["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError(f"cannot read {text!r}: hour {hour} with AM/PM")
            hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
        minute, sec = int(m["M"] or 0), int(m["S"] or 0)
        if hour > 23 or minute > 59 or sec > 60:
            raise ValueError(f"cannot read {text!r}: time out of range")
        try:
            base = _day_epoch(y, mo, d)
        except ValueError:
            raise ValueError(f"cannot read {text!r}: no such day") from None
        local = base + hour * 3600 + minute * 60 + min(sec, 59)
        tz = m["tz"]
        offset = offset_of(y, mo, d, hour) if tz is None else _tz_offset(tz)
        return _checked(local - offset)

    if fmt.kind != "iso":
        return parse_general
    utc = tz_name == "UTC"
    latest = _latest_s()  # once per file: a per-row clock read cost 0.6 s per million rows
    # the last 'YYYY-MM-DDTHH:MM' seen and its epoch: sorted logs repeat it row after row
    last_prefix, last_base = "", 0

    def parse_iso(text: str) -> int:
        nonlocal last_prefix, last_base
        # Fast path for the common fixed layout 2026-08-03T19:04:11[+00:00|Z]; anything else
        # goes through the general reader.
        n = len(text)
        if n in (19, 20, 25) and text[4] == "-" and text[13] == ":" and text[16] == ":" and (
                n == 19 and utc or n == 20 and text[19] == "Z" or text.endswith("+00:00")):
            prefix = text[:16]
            if prefix == last_prefix:
                base = last_base
            else:
                try:
                    hour, mins = int(text[11:13]), int(text[14:16])
                    base = _DAY_CACHE[text[:10]] + hour * 3600 + mins * 60
                except (KeyError, ValueError):
                    return parse_general(text)
                if hour > 23 or mins > 59:
                    return parse_general(text)
                last_prefix, last_base = prefix, base
            try:
                sec = int(text[17:19])
            except ValueError:
                return parse_general(text)
            value = base + sec
            if value < _EARLIEST_S or value > latest or sec > 59:
                return parse_general(text)
            return value
        return parse_general(text)
    return parse_iso


def _parse_epoch(kind: str, text: str) -> int:
    """Epoch seconds ('1723456789', '1723456789.5') or whole milliseconds, through the
    bounded number parser: a value of thousands of digits is refused in a short reason."""
    unit = "seconds" if kind == "epoch_s" else "milliseconds"
    try:
        value = bounded_decimal(text.strip(), text)
    except ValueError as exc:
        raise ValueError(f"{exc} (epoch {unit})") from None
    if kind == "epoch_ms" and value != value.to_integral_value():
        raise ValueError(f"cannot read {shown(text)} as epoch milliseconds")
    return _checked(int(value) if kind == "epoch_s" else int(value) // 1000)


def make_block_time_parser(fmt: DateFormat, tz_name: str = "UTC"
                           ) -> Callable[[Sequence[str]], list[int]]:
    """make_time_parser for a block of cells: the same values, or ValueError for the block
    (the caller then reads its rows one by one to report which). A block written entirely in
    the UTC layout 2026-08-03T19:04:11+00:00 (or ...Z, or a space for the T) is read in C:
    each cell is three slices, its 'YYYY-MM-DDTHH' looked up in a cache of hours (checked
    when first seen) and its ':MM:SS' in a table of the 3,600 valid ones. Any other block goes
    through the one-cell parser."""
    one = make_time_parser(fmt, tz_name)
    if fmt.kind != "iso":
        return lambda texts: list(map(one, texts))
    latest = _latest_s()
    hours, minutes = _HOUR_CACHE.__getitem__, _MINUTE_SECONDS.__getitem__
    head, middle, tail = (operator.itemgetter(slice(0, 13)), operator.itemgetter(slice(13, 19)),
                          operator.itemgetter(slice(19, None)))

    def parse_block(texts: Sequence[str]) -> list[int]:
        if texts and set(map(tail, texts)) <= _UTC_SUFFIXES:
            try:
                values = list(map(operator.add, map(hours, map(head, texts)),
                                  map(minutes, map(middle, texts))))
            except KeyError:  # not that layout, or no such day or hour: read one by one
                values = []
            if values and min(values) >= _EARLIEST_S and max(values) <= latest:
                return values
        return list(map(one, texts))
    return parse_block


_UTC_SUFFIXES = frozenset({"+00:00", "Z"})
_MINUTE_SECONDS = {f":{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(60)}
_HOUR_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}")


class _HourCache(dict[str, int]):
    """'YYYY-MM-DDTHH' (or with a space) -> epoch seconds of that UTC hour, filled on first
    use; KeyError for anything else, a day or hour that does not exist included."""

    def __missing__(self, key: str) -> int:
        if not _HOUR_RE.fullmatch(key) or int(key[11:13]) > 23:
            raise KeyError(key)
        try:
            value = _day_epoch(int(key[:4]), int(key[5:7]), int(key[8:10]))
        except ValueError:
            raise KeyError(key) from None
        value += int(key[11:13]) * 3600
        if len(self) < 100_000:
            self[key] = value
        return value


_HOUR_CACHE = _HourCache()


class _DayCache(dict[str, int]):
    """'YYYY-MM-DD' -> epoch seconds of that UTC midnight, filled on first use."""

    def __missing__(self, key: str) -> int:
        if len(key) != 10 or key[4] != "-" or key[7] != "-":
            raise KeyError(key)
        try:
            value = _day_epoch(int(key[:4]), int(key[5:7]), int(key[8:10]))
        except ValueError:
            raise KeyError(key) from None
        if len(self) < 100_000:
            self[key] = value
        return value


_DAY_CACHE = _DayCache()
_EARLIEST_S = int(EARLIEST.timestamp())


def _latest_s() -> int:
    return int(datetime.now(UTC).timestamp()) + 2 * 86400


def _checked(epoch: int) -> int:
    if epoch < _EARLIEST_S:
        raise ValueError(f"date {_show(epoch)} is before 2016: not a TikTok LIVE date")
    if epoch > _latest_s():
        raise ValueError(f"date {_show(epoch)} is in the future")
    return epoch


def _show(epoch: int) -> str:
    try:
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return str(epoch)


@lru_cache(maxsize=4096)
def _day_epoch(y: int, mo: int, d: int) -> int:
    return (date(y, mo, d).toordinal() - EPOCH_ORDINAL) * 86400


def _ymd(m: re.Match[str], kind: str) -> tuple[int, int, int]:
    if kind == "iso":
        return int(m["y"]), int(m["a"]), int(m["b"])
    if kind == "text":
        mon = (m["mon1"] or m["mon2"]).casefold()
        month = MONTHS.get(mon[:4] if mon[:4] == "sept" else mon[:3])
        if month is None:
            raise ValueError(f"unknown month {mon!r}")
        return int(m["y"]), month, int(m["d1"] or m["d2"])
    y = int(m["y"])
    if y < 100:
        y += 2000
    a, b = int(m["a"]), int(m["b"])
    return (y, b, a) if kind == "dmy" else (y, a, b)


def _tz_offset(tz: str) -> int:
    if tz in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return sign * (hours * 3600 + minutes * 60)


def _local_offset_cache(zone: ZoneInfo) -> Callable[[int, int, int, int], int]:
    @lru_cache(maxsize=65536)
    def offset(y: int, mo: int, d: int, hour: int) -> int:
        delta = datetime(y, mo, d, hour, tzinfo=zone).utcoffset() or timedelta(0)
        return int(delta.total_seconds())
    return offset


# ---- numbers ---------------------------------------------------------------------------------

_STRIP = str.maketrans("", "", "$€£¥₱₺₹R \u00a0\u202f'_")
_CURRENCY_WORDS = re.compile(r"\b(?:USD|EUR|GBP|CAD|AUD|BRL|MXN|IDR|PHP|TRY|Rp|coins?|diamonds?)\b",
                             re.IGNORECASE)


def detect_decimal_mark(samples: Iterable[str]) -> str:
    """',' when the sample writes decimals with a comma (1.234,5 or 12,50), else '.'."""
    comma_votes = dot_votes = 0
    for raw in samples:
        s = _CURRENCY_WORDS.sub("", raw or "").translate(_STRIP)
        if "," in s and "." in s:
            if s.rfind(",") > s.rfind("."):
                comma_votes += 1
            else:
                dot_votes += 1
        elif "," in s:
            tail = s.rsplit(",", 1)[1]
            if len(tail) != 3 or s.count(",") == 1 and s.startswith(("0,", "-0,")):
                comma_votes += 1
        elif "." in s:
            tail = s.rsplit(".", 1)[1]
            if len(tail) != 3 or s.count(".") == 1 and s.startswith(("0.", "-0.")):
                dot_votes += 1
    return "," if comma_votes > dot_votes else "."


# Bounds checked on the text, before any conversion: Decimal and int() take time and memory
# in proportion to the value written (int(Decimal("1e9999999")) runs for minutes).
MAX_DIGITS = 28  # significant digits; Decimal's precision, and more than any real figure has
MAX_EXPONENT = 30  # |n| of an exponent written as 1e<n>
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what an SQLite INTEGER column holds
MAX_AMOUNT = Decimal(10) ** 12  # money above a trillion, in any currency, is a misread number
_NUMBER_RE = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")
_SHOWN = 40  # characters of an offending value quoted in a reason


def shown(text: str) -> str:
    """`text` quoted for a reason, cut to its first _SHOWN characters."""
    if len(text) <= _SHOWN:
        return repr(text)
    return f"{text[:_SHOWN]!r}... ({len(text):,} characters)"


def bounded_decimal(s: str, text: str) -> Decimal:
    """`s`, a plain number such as '-12.5' or '3e4' (`text` as written, for the reason), as a
    Decimal; ValueError, before converting, when it has more than MAX_DIGITS significant digits
    or an exponent beyond MAX_EXPONENT either way."""
    m = _NUMBER_RE.fullmatch(s)
    if m is None or not (m["int"] or m["frac"]):
        raise ValueError(f"cannot read {shown(text)} as a number")
    if len((m["int"] + (m["frac"] or "")).lstrip("0")) > MAX_DIGITS:
        raise ValueError(f"{shown(text)} has more than {MAX_DIGITS} digits")
    exp = m["exp"]
    if exp is not None and (len(exp.lstrip("+-0")) > 3 or abs(int(exp)) > MAX_EXPONENT):
        raise ValueError(f"{shown(text)} has an exponent beyond +/-{MAX_EXPONENT}")
    return Decimal(s)


def int64(value: int, text: str) -> int:
    """`value` (read from `text`) when an SQLite INTEGER column can hold it."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{shown(text)} is too large to store (over 64 bits)")
    return value


def parse_id(text: str) -> int:
    """An id written as int() reads it ('12345'), at most 64 bits (2**63 has 19 digits)."""
    s = text.strip()
    if len(s.lstrip("+-0_")) > 24:
        raise ValueError(f"{shown(text)} is not a number of at most 64 bits")
    try:
        value = int(s)
    except ValueError:
        raise ValueError(f"{shown(text)} is not a number") from None
    return int64(value, text)


def parse_decimal(text: str, mark: str = ".") -> Decimal:
    """'1,234.50', '1.234,5', '1 234', '$12.50', '12,50 €', '(5.00)' -> Decimal."""
    s = _CURRENCY_WORDS.sub("", text).translate(_STRIP)
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    if "," in s and "." in s:  # both written: the last one is the decimal mark
        mark = "," if s.rfind(",") > s.rfind(".") else "."
    s = s.replace(".", "").replace(",", ".") if mark == "," else s.replace(",", "")
    if not s or s in "+-":
        raise ValueError(f"cannot read {shown(text)} as a number")
    value = bounded_decimal(s, text)
    return -value if negative else value


def parse_amount(text: str, mark: str = ".") -> Decimal:
    """parse_decimal for money: at most MAX_AMOUNT either way."""
    value = parse_decimal(text, mark)
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f"{shown(text)} is over the ceiling of {MAX_AMOUNT:,} for an amount")
    return value


def parse_count(text: str, mark: str = ".") -> int:
    """A whole number such as a coin or repeat count ('1,234', '1 234', '1.234' with mark ','),
    at most 64 bits."""
    try:
        value = int(text)  # Python refuses over 4,300 digits: a long text costs little here
    except ValueError:
        value = _whole(parse_decimal(text, mark), text)
    return int64(value, text)


def _whole(value: Decimal, text: str) -> int:
    if value != value.to_integral_value():
        if _GROUPED_RE.match(text.strip()):
            # '1.234' or '1,234' in a whole-number column can only be thousands grouping
            return int(text.strip().replace(".", "").replace(",", ""))
        raise ValueError(f"{shown(text)} is not a whole number")
    return int(value)  # at most MAX_DIGITS digits and exponent MAX_EXPONENT: cheap


_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}([.,])\d{3}(?:\1\d{3})*$")


TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", ""})


def parse_bool(text: str) -> bool:
    s = text.strip().casefold()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise ValueError(f"cannot read {text!r} as true/false")


_DURATION_RE = re.compile(
    r"^(?:(?P<h>\d{1,9})\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d{1,9})\s*m(?:in(?:utes?)?)?)?\s*"
    r"(?:(?P<s>\d{1,9})\s*s(?:ec(?:onds?)?)?)?$", re.IGNORECASE)
_CLOCK_RE = re.compile(r"(\d{1,9}):(\d{1,9})(?::(\d{1,9}))?")
_PLAIN_RE = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_duration(text: str, unit_seconds: int = 1) -> int:
    """'1:23:45', '83:10', '1h 23m', '83 min', or a plain number in `unit_seconds` units.

    Digits are decimal digits (regex \\d): a superscript two passes str.isdigit(), but int()
    refuses it."""
    s = text.strip()
    if m := _CLOCK_RE.fullmatch(s):
        hours, minutes, seconds = (m[1], m[2], m[3]) if m[3] else ("0", m[1], m[2])
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    if _PLAIN_RE.fullmatch(s):
        return int(bounded_decimal(s, text) * unit_seconds)
    if s and (m := _DURATION_RE.match(s)) and any(m.groupdict().values()):
        return int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60 + int(m["s"] or 0)
    raise ValueError(f"cannot read {shown(text)} as a duration")
