"""Balance check-in: the balance TikTok shows on a day, beside the ledger's own figure, and
booked (when asked) as an adjustment so that every balance after it starts from TikTok's.

Also the one line that says why the cash balance and the diamond balance disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from app.core.money import CENT, ZERO, format_money, round_money
from app.core.typed_money import MoneyTextError
from app.core.valuation import ADJUSTMENT, Reconciled, Summary, balance_gap, reconcile
from app.services import accounts, money_views
from app.services.money_views import LedgerView
from app.services.rates import typed_count, typed_figure
from app.store import checkins as store

NEGATIVE = "payouts exceed the gifts logged: some gift logs are missing; check in your balance"


class CheckInError(ValueError):
    """A check-in that cannot be recorded: one line, nothing was written."""


@dataclass(frozen=True)
class CheckInView:
    """A check-in as the window and `checkins` show it."""

    id: int
    day: date
    typed: str  # as the creator gave it: "$402.00" or "80,000 diamonds"
    booked: bool
    usd: Decimal
    diamonds: Decimal
    ledger_usd: Decimal
    ledger_diamonds: Decimal
    difference_usd: Decimal
    note: str


def figure(text: str, what: str, decimal: str = ".") -> Decimal:
    """A typed balance: a non-negative number (diamonds: a whole one), written with `decimal`
    as the decimal separator ("402,50" in the euro area; an ambiguous "1,234" is refused)."""
    try:
        value = Decimal(typed_count(text, decimal)) if what == "diamonds" else None
    except MoneyTextError:
        value = None  # "12.5" diamonds: a number, but not a whole one (said below)
    try:
        value = typed_figure(text, decimal) if value is None else value
    except MoneyTextError as exc:
        raise CheckInError(f"not a number of {what}: {exc} Nothing was recorded.") from None
    if not value.is_finite() or value < 0:
        raise CheckInError(f"the balance in {what} must be 0 or more: {text!r}; "
                           "nothing was recorded")
    if what == "diamonds" and value != value.to_integral_value():
        raise CheckInError(f"diamonds are whole: {text!r}; nothing was recorded")
    if what == "USD" and value != value.quantize(CENT, rounding="ROUND_DOWN"):
        raise CheckInError(f"USD has whole cents: {text!r}; nothing was recorded")
    return value


def add(db: Database, day: date, *, usd: str | None = None, diamonds: str | None = None,
        book: bool = False, account: str | None = None, today: date | None = None,
        decimal: str = ".") -> CheckInView:
    """Record the balance TikTok shows on `day` (USD or diamonds, exactly one), typed with
    `decimal` as the decimal separator (the window: the region's; the command line: '.')."""
    if (usd is None) == (diamonds is None):
        raise CheckInError("give the balance in USD or in diamonds (one of them)")
    if day > (today or date.today()):
        raise CheckInError(f"{day} is in the future: check in a balance you have seen; "
                           "nothing was recorded")
    a = accounts.resolve(db, account)
    usd_value = None if usd is None else figure(usd, "USD", decimal)
    dia_value = None if diamonds is None else figure(diamonds, "diamonds", decimal)
    new_id = store.add_checkin(db, a.id, day.isoformat(),
                               None if usd_value is None else str(usd_value),
                               None if dia_value is None else str(dia_value), book)
    return next(c for c in listed(db, account=a.handle) if c.id == new_id)


def listed(db: Database, *, account: str | None = None) -> list[CheckInView]:
    """The account's check-ins, by day, each beside the ledger's figure of its day."""
    v = money_views.view_of(db, account)
    return [_view(r) for r in _reconciled(db, v)]


def delete(db: Database, checkin_id: int) -> None:
    """Forget a check-in; a booked one's adjustment goes with it."""
    if not store.delete_checkin(db, checkin_id):
        raise CheckInError(f"no check-in {checkin_id} in this ledger")


def _reconciled(db: Database, v: LedgerView) -> list[Reconciled]:
    payouts = [p for p in v.payouts if p.status != ADJUSTMENT]
    return reconcile(v.days, payouts, store.checkins(db, v.account.id), v.rates_on)


def _view(r: Reconciled) -> CheckInView:
    c = r.checkin
    typed = (format_money(c.usd) if c.usd is not None
             else f"{c.diamonds or ZERO:,f} diamonds")
    return CheckInView(c.id, c.day, typed, c.booked, r.usd, r.diamonds, r.ledger_usd,
                       r.ledger_diamonds, r.difference_usd, difference_note(r))


def difference_note(r: Reconciled) -> str:
    """What the difference means, in one line."""
    diff = round_money(r.difference_usd)
    day = r.checkin.day
    if diff == 0:
        return f"the ledger agrees with TikTok on {day}"
    booked = " (booked as an adjustment)" if r.checkin.booked else ""
    if diff > 0:
        return (f"TikTok shows {format_money(diff)} more than the ledger on {day}: gift logs "
                f"are missing or rates drifted{booked}")
    return (f"TikTok shows {format_money(-diff)} less than the ledger on {day}: a payout is "
            f"missing or rates drifted{booked}")


def balance_note(s: Summary, v: LedgerView, rate: Decimal, end: date | None = None) -> str:
    """Why the cash balance is not the diamond balance at `rate` (today's), in one line;
    '' when they agree to the cent. A negative balance points to the check-in."""
    if s.balance_usd < 0:
        return NEGATIVE
    gap = balance_gap(v.days, v.payouts, rate, end)
    if round_money(gap.total_usd) == 0:
        return ""
    parts = []
    if round_money(gap.payouts_usd) != 0:
        more = "more" if gap.payouts_usd > 0 else "less"
        parts.append(f"payouts took {format_money(abs(gap.payouts_usd))} {more} than their "
                     "diamonds' value at today's rate")
    if round_money(gap.rates_usd) != 0:
        more = "more" if gap.rates_usd > 0 else "less"
        parts.append(f"earlier days' rates valued the earnings "
                     f"{format_money(abs(gap.rates_usd))} {more}")
    return "; ".join(parts)
