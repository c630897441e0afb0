"""The withdrawal planner: how an amount leaves the balance under the region's rules.

Every proposal is possible: each withdrawal is whole cents (rounded down: never more than can
be taken out), at least the region's minimum, at most its daily cap, one a calendar day from
the first day the balance allows it. What is left under the minimum stays on the balance and
is stated as such. A method's fee is charged once, and not at all when the region's rate was
calibrated from a payout by that method (that rate is already net of its fee).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.conversion import PayoutQuote, quote_payout
from app.core.money import ZERO, format_money, round_down
from app.core.rates import PayoutMethod, RegionRates

PerUsd = Callable[[date], Decimal]  # the payout currency's units per USD on a day


@dataclass(frozen=True)
class Withdrawal:
    day: date  # requested
    quote: PayoutQuote
    arrives: date  # requested + the method's processing days


@dataclass(frozen=True)
class WithdrawalPlan:
    """One method's withdrawals of an amount, and what stays on the balance."""

    method: PayoutMethod
    withdrawals: tuple[Withdrawal, ...]
    stays_usd: Decimal  # not taken out: under the minimum (a fraction of a cent included)
    minimum_usd: Decimal

    def _total(self, field: str) -> Decimal:
        return sum((getattr(w.quote, field) for w in self.withdrawals), ZERO)

    @property
    def gross_usd(self) -> Decimal:
        return self._total("gross_usd")

    @property
    def fee_usd(self) -> Decimal:
        return self._total("fee_usd")

    @property
    def spread_usd(self) -> Decimal:
        return self._total("spread_usd")

    @property
    def net_usd(self) -> Decimal:
        return self._total("net_usd")

    @property
    def net_local(self) -> Decimal:
        return self._total("net_local")

    @property
    def first_day(self) -> date | None:
        return self.withdrawals[0].day if self.withdrawals else None

    @property
    def arrives(self) -> date | None:
        return self.withdrawals[-1].arrives if self.withdrawals else None

    @property
    def stays_note(self) -> str:
        """"$12.34 stays: under the $100.00 minimum" ("" when nothing worth a cent stays)."""
        stays = round_down(self.stays_usd)
        if stays <= 0:
            return ""
        return f"{format_money(stays)} stays: under the {format_money(self.minimum_usd)} minimum"


def plan_withdrawals(amount_usd: Decimal, first_day: date | None, rates: RegionRates,
                     method: PayoutMethod, per_usd: PerUsd) -> WithdrawalPlan:
    """`amount_usd` out from `first_day` (None: not before the horizon, nothing planned), the
    daily cap a day, each withdrawal quoted at the exchange rate of its day. A cap under the
    minimum (rates typed so) allows no withdrawal at all: everything stays."""
    minimum, cap = rates.min_withdrawal_usd, round_down(rates.daily_cap_usd)
    possible = first_day is not None and cap >= minimum and cap > 0
    left = round_down(max(amount_usd, ZERO)) if possible else ZERO
    out: list[Withdrawal] = []
    day = first_day or date.min
    fee_included = rates.net_of_method == method.name
    while left > 0 and left >= minimum:
        part = min(left, cap)
        quote = quote_payout(part, method, rates.currency, per_usd(day),
                             fee_included=fee_included)
        out.append(Withdrawal(day, quote, day + timedelta(days=method.processing_days)))
        left -= part
        day += timedelta(days=1)
    taken = sum((w.quote.gross_usd for w in out), ZERO)
    return WithdrawalPlan(method, tuple(out), amount_usd - taken, minimum)


@dataclass(frozen=True)
class WaitChoice:
    """Withdrawing the balance now against withdrawing the grown balance on a later day, both
    under the same rules (minimum, daily cap, fees once) as the method table."""

    now: WithdrawalPlan
    later: WithdrawalPlan
    later_day: date
    later_balance_usd: Decimal

    @property
    def gain_usd(self) -> Decimal:
        """What waiting adds to what arrives."""
        return self.later.net_usd - self.now.net_usd


def now_or_later(balance_usd: Decimal, later_balance_usd: Decimal, today: date,
                 later_day: date, rates: RegionRates, method: PayoutMethod,
                 per_usd: PerUsd) -> WaitChoice:
    """Fixed fees make fewer, larger withdrawals cheaper: compare now with `later_day`."""
    now = plan_withdrawals(balance_usd, today, rates, method, per_usd)
    later = plan_withdrawals(later_balance_usd, later_day, rates, method, per_usd)
    return WaitChoice(now, later, later_day, later_balance_usd)
