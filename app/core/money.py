"""Money as Decimal, and the one place where amounts are rounded."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")


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


def round_down(amount: Decimal) -> Decimal:
    """Whole cents toward zero: an amount that can be taken out is never shown above what can
    be taken out ($99.995 is $99.99, under a $100 minimum)."""
    return amount.quantize(CENT, rounding=ROUND_DOWN)


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
