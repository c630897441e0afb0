"""How amounts, dates and changes read on screen (rounding through app.core.money only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.core.forecast import Forecast
from app.core.money import format_money, round_down, round_money, round_up


def usd(amount: Decimal) -> str:
    return format_money(amount, "USD")


def balance(amount: Decimal, currency: str = "USD") -> str:
    """A balance (or what it is worth in the account's currency), in whole cents rounded down:
    never shown above what can be taken out ($99.995 is $99.99, not $100.00 beside "not yet
    withdrawable")."""
    return format_money(round_down(amount), currency)


def missing(amount: Decimal) -> str:
    """What is still missing to the minimum, in whole cents rounded up: never less than it
    is ($0.005 missing is $0.01, not $0.00)."""
    return format_money(round_up(amount), "USD")


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


def forecast_day(f: Forecast) -> tuple[str, str]:
    """The forecast as a card shows it: its day and band, or why there is none."""
    if f.expected is None:
        return "No forecast", f.note
    if f.low is None or f.high is None:
        return day(f.expected), "likely band beyond a year"
    return day(f.expected), f"likely {f.low:%b} {f.low.day} \u2013 {day(f.high)}"


def progress(fraction: Decimal) -> str:
    """A balance's share of the minimum as a whole percent rounded down: 0.99995 is 99%,
    never the 100% of a withdrawable balance."""
    return f"{whole_percent(fraction):,}%"


def whole_percent(fraction: Decimal) -> int:
    """For a progress bar, rounded down as `progress`: 0.6394 -> 63, 0.99995 -> 99."""
    return int(round_down(fraction * 100, 0))
