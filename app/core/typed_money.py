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
  message saying how to write either.
"""

from __future__ import annotations

import re
from decimal import Decimal

SPACES = re.compile(r"[\s\u00a0\u202f]")
GROUPED = r"\d{1,3}(?:%s\d{3})+"


class MoneyTextError(ValueError):
    """Text that is not an amount, or not one amount only; the message says why."""


def parse_typed(text: str, decimal: str = ".") -> Decimal:
    """The amount `text` holds, typed with `decimal` as the decimal separator."""
    if decimal not in (".", ","):
        raise ValueError(f"a decimal separator is '.' or ',', not {decimal!r}")
    group = "," if decimal == "." else "."
    s = SPACES.sub("", text)
    if not re.fullmatch(r"\d[\d.,]*|[.,]\d+", s) or s[-1] in ".,":
        raise MoneyTextError(f"{text.strip()!r} is not a number, such as {_example(decimal)}.")
    seps = re.sub(r"\d", "", s)
    if not seps:
        return Decimal(s)
    if len(seps) == 1:
        return _one_separator(s, seps, decimal, text)
    if seps[-1] == decimal and seps.count(decimal) == 1:
        whole, cents = s.split(decimal)
        if re.fullmatch(GROUPED % re.escape(group), whole):
            return Decimal(whole.replace(group, "") + "." + cents)
    elif decimal not in seps and re.fullmatch(GROUPED % re.escape(group), s):
        return Decimal(s.replace(group, ""))
    raise MoneyTextError(f"{text.strip()!r} is not a number written the region's way, such as "
                         f"{_example(decimal)}.")


def _one_separator(s: str, sep: str, decimal: str, text: str) -> Decimal:
    whole, after = s.split(sep)
    if len(after) == 3 and whole:
        if decimal == ",":
            raise MoneyTextError(
                f"{text.strip()!r} is ambiguous: write {whole}.{after},00 for {whole}{after}, "
                f"or {whole},{after}0 for {whole},{after}.")
        if sep == ",":
            return Decimal(whole + after)  # 1,234 where a point is the decimal: a thousand
    return Decimal((whole or "0") + "." + after)


def _example(decimal: str) -> str:
    return "1.234,50" if decimal == "," else "1,234.50"
