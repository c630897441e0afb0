"""Money as a person types it, the region's way: "40,50" is 40.50 where the region writes a
decimal comma (the euro area, Brazil...), "1.234,56" is 1234.56 there and "1,234.56" is
1234.56 where it writes a decimal point. Pure: the separator comes from data/number_formats.json
through the caller.

The rules, for a region whose decimal separator is `decimal` (the other of "." and "," groups
thousands):
- digits, with at most one decimal separator; spaces (also no-break ones) are ignored;
- thousands groups are of three digits, before the decimal separator;
- a single separator that cannot be a thousands group ("40.50", "40,50") is the decimal
  separator, whichever it is;
- in a decimal-comma region one separator followed by exactly three digits ("1,234", "1.234")
  is ambiguous (a thousand or one and a bit: both are common there) and refused, with a
  message saying how to write either;
- but a zero before the separator ("0,005", "0.005") is never a thousands group: that is a
  rate's decimal, in every region.

Whole numbers (coins, diamonds) are digits grouped by threes with the region's thousands
separator ("1.000" there, "1,000" here); `as_typed` writes a stored figure back so that it
reads as the same number the region's way.
"""

from __future__ import annotations

import re
from decimal import Decimal

SPACES = re.compile(r"[\s\u00a0\u202f]")
GROUPED = r"\d{1,3}(?:%s\d{3})+"


class MoneyTextError(ValueError):
    """Text that is not an amount, or not one amount only; the message says why."""


def _group(decimal: str) -> str:
    if decimal not in (".", ","):
        raise ValueError(f"a decimal separator is '.' or ',', not {decimal!r}")
    return "," if decimal == "." else "."


def parse_signed(text: str, decimal: str = ".") -> Decimal:
    """As `parse_typed`, with a leading + or -: a form can then say "must be more than 0"
    of "-5" rather than "not a number"."""
    s = text.strip()
    sign = s[:1] if s[:1] in ("+", "-") else ""
    value = parse_typed(s[len(sign):], decimal, shown=text)
    return -value if sign == "-" else value


def parse_whole(text: str, decimal: str = ".") -> int:
    """The whole number `text` holds: digits, grouped by threes with the region's thousands
    separator or not at all ("1.000" or "1000" where the decimal is a comma)."""
    group = _group(decimal)
    s = SPACES.sub("", text)
    if re.fullmatch(r"\d+", s) or re.fullmatch(GROUPED % re.escape(group), s):
        return int(s.replace(group, ""))
    example = "1.000" if decimal == "," else "1,000"
    raise MoneyTextError(f"{text.strip()!r} is not a whole number, such as {example}.")


def as_typed(value: object, decimal: str = ".") -> str:
    """A stored figure ("40.5", Decimal("0.005")) as the region types it ("40,5", "0,005"),
    reading back as the same number: in a decimal-comma region three decimals after a whole
    part get a fourth zero ("1,1250"), since "1,125" there is ambiguous and refused."""
    text = "" if value in (None, "") else str(value)
    if decimal != "," or "." not in text:
        return text
    whole, cents = text.split(".", 1)
    if len(cents) == 3 and whole.lstrip("-").strip("0"):
        cents += "0"
    return f"{whole},{cents}"


def parse_typed(text: str, decimal: str = ".", shown: str | None = None) -> Decimal:
    """The amount `text` holds, typed with `decimal` as the decimal separator (`shown`: the
    text as the person typed it, for the message)."""
    group = _group(decimal)
    said = (text if shown is None else shown).strip()
    s = SPACES.sub("", text)
    if not re.fullmatch(r"\d[\d.,]*|[.,]\d+", s) or s[-1] in ".,":
        raise MoneyTextError(f"{said!r} is not a number, such as {_example(decimal)}.")
    seps = re.sub(r"\d", "", s)
    if not seps:
        return Decimal(s)
    if len(seps) == 1:
        return _one_separator(s, seps, decimal, said)
    if seps[-1] == decimal and seps.count(decimal) == 1:
        whole, cents = s.split(decimal)
        if re.fullmatch(GROUPED % re.escape(group), whole):
            return Decimal(whole.replace(group, "") + "." + cents)
    elif decimal not in seps and re.fullmatch(GROUPED % re.escape(group), s):
        return Decimal(s.replace(group, ""))
    raise MoneyTextError(f"{said!r} is not a number written the region's way, such as "
                         f"{_example(decimal)}.")


def _one_separator(s: str, sep: str, decimal: str, said: str) -> Decimal:
    whole, after = s.split(sep)
    if len(after) == 3 and whole.strip("0"):  # a zero is never a thousands group
        if decimal == ",":
            raise MoneyTextError(
                f"{said!r} is ambiguous: write {whole}.{after},00 for {whole}{after}, "
                f"or {whole},{after}0 for {whole},{after}.")
        if sep == ",":
            return Decimal(whole + after)  # 1,234 where a point is the decimal: a thousand
    return Decimal((whole or "0") + "." + after)


def _example(decimal: str) -> str:
    return "1.234,50" if decimal == "," else "1,234.50"
