"""How amounts, dates and changes read on screen (rounding through app.core.money only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.core.money import format_money, round_money


def usd(amount: Decimal) -> str:
    return format_money(amount, "USD")


def money(amount: Decimal, currency: str) -> str:
    """£270.78, €12.00, 16,600.00 IDR."""
    return format_money(amount, currency)


def local(amount: Decimal | None, currency: str, fallback: bool = False) -> str:
    """An amount converted at its day's rate: "no rate" without one, a trailing * when the day
    is before the currency's first rate (its tooltip and the page's rates line say so)."""
    if amount is None:
        return "no rate"
    return format_money(amount, currency) + (" *" if fallback else "")


def diamonds(amount: Decimal) -> str:
    """72,208; a half diamond (the 0.5 diamonds-per-coin preset) keeps its one decimal."""
    whole = round_money(amount, 0)
    if whole == amount:
        return f"{whole:,}"
    return f"{round_money(amount, 1):,}"


def percent(fraction: Decimal) -> str:
    return f"{round_money(fraction * 100, 0):,}%"


def change(fraction: Decimal) -> str:
    """+12% / −8% (a real minus sign, so it reads as a change and not as a hyphen)."""
    text = percent(abs(fraction))
    return f"+{text}" if fraction >= 0 else f"\u2212{text}"


def day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def whole_percent(fraction: Decimal) -> int:
    """For a progress bar: 0.6394 -> 64."""
    return int(round_money(fraction * 100, 0))
