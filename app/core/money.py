"""Money as Decimal, and the one place where amounts are rounded.

The rule, everywhere: compute exactly (convert to the other currency first), round once, at
display or payout time, half up to the cent (`round_money`). Except where a figure says what
can be taken out (a balance, what it is worth, its share of the minimum): that is rounded
toward zero (`round_down`), and what is still missing to the minimum away from zero
(`round_up`), so that nothing reads as withdrawable before it is.

A table whose rows have a total (a report's months, its payouts) shows the rounded exact total,
and its rows are allocated by the largest-remainder method (`allocate`): each row is rounded
down to the cent, and the cents still missing to the rounded total go one each to the rows
that lost most to that rounding (the earlier row on a tie). So the rows shown always add up to
the total shown, the total is the figure every other view shows for the same period, and no
row is more than a cent away from its exact value.

Rates (diamonds per coin, USD per diamond, an exchange rate) are shown with `rate_text`: plain
notation, never "1.6E+4", and at most RATE_DIGITS significant digits, so a computed rate such
as 16666.666... reads 16666.7.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
RATE_DIGITS = 6


def dec(value: object) -> Decimal:
    """A Decimal from an int, a str or a Decimal; floats are refused (they are not exact)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"refusing inexact {type(value).__name__} {value!r} as money")
    if isinstance(value, (int, str)):
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    raise TypeError(f"cannot make a Decimal of {type(value).__name__}")


def round_money(amount: Decimal, places: int = 2) -> Decimal:
    """Round half up to `places` decimals: used at display and payout time only."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_down(amount: Decimal, places: int = 2) -> Decimal:
    """Whole cents toward zero: an amount that can be taken out is never shown above what can
    be taken out ($99.995 is $99.99, under a $100 minimum). With `places` 0, a share of the
    threshold as a whole percent: 99.995% is 99%, never the 100% of "withdrawable"."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def round_up(amount: Decimal) -> Decimal:
    """Whole cents away from zero: what is still missing to an amount is never shown below
    what is missing ($0.004 missing is $0.01, not "$0.00 still missing")."""
    return amount.quantize(CENT, rounding=ROUND_UP)


def allocate(amounts: Sequence[Decimal], places: int = 2) -> tuple[list[Decimal], Decimal]:
    """The rows rounded so that they add up to their rounded total, and that total: the
    largest-remainder method (see the module's docstring)."""
    unit = Decimal(1).scaleb(-places)
    total = round_money(sum(amounts, ZERO), places)
    floors = [a.quantize(unit, rounding=ROUND_FLOOR) for a in amounts]
    missing = int((total - sum(floors, ZERO)) / unit)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (floors[i] - amounts[i], i))
    for i in by_remainder[:missing]:
        floors[i] += unit
    return floors, total


def rate_text(rate: Decimal, digits: int = RATE_DIGITS) -> str:
    """A rate in plain notation with at most `digits` significant digits: 0.005, 16000,
    16666.7, 0.7512."""
    if not rate:
        return "0"
    exponent = rate.adjusted() - digits + 1
    rounded = rate.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) \
        if exponent < 0 else round_money(rate, 0)
    return plain(rounded)


def plain(amount: Decimal) -> str:
    """Exact, non-scientific text for JSON: 149.995 stays "149.995", 75.0 becomes "75"."""
    if amount == amount.to_integral_value():
        return str(amount.quantize(Decimal(1)))
    text = format(amount.normalize(), "f")
    return text


def format_money(amount: Decimal, currency: str = "USD") -> str:
    symbols = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$", "BRL": "R$",
               "MXN": "MX$", "IDR": "Rp ", "PHP": "₱", "TRY": "₺"}
    rounded = round_money(amount)
    sign = "-" if rounded < 0 else ""
    body = f"{abs(rounded):,.2f}"
    prefix = symbols.get(currency)
    return f"{sign}{prefix}{body}" if prefix else f"{sign}{body} {currency}"
