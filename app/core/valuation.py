"""Earnings per local day, valued at the rates of each day, and the balance they leave.

Which number is the truth: a LIVE's official diamond total wins over the gift log. The gift
log gives the coins of each hour; for a LIVE with an official total, the difference between
that total and what the log caught in the LIVE's span is added on the LIVE's start day, so
totals equal the official figures and the day-by-day shape still comes from the log.

How the balance is counted: two balances are kept side by side, each a plain sum.
- The diamond balance: the diamonds of every day's earnings less the diamonds of every payout
  (pending ones included, failed ones not).
- The cash balance (USD): each day's diamonds valued at that day's rate, less each payout's
  cash: its stated USD, else its amount at the day's exchange rate, else its diamonds at the
  day's rate. A payout's diamonds, when not stated, are its USD at the day's rate.
So a payout that states both moves each balance by what it states: 20,000 diamonds paid as
$98.00 takes 20,000 from the diamond balance and $98.00 from the cash balance, and the cash
balance is then $2.00 above the diamond balance at a $0.005 rate. Days valued at another rate
than today's make the same kind of gap. Neither is corrected: the gap is shown with its reason.
A booked check-in (the balance TikTok shows on a day) adds one adjustment on its day that sets
both balances to TikTok's figure; it is no withdrawal, and deleting the check-in removes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.core.money import ZERO
from app.core.rates import RegionRates

RatesOn = Callable[[date], RegionRates]
PerUsdOn = Callable[[str, date], Decimal]


@dataclass(frozen=True)
class SessionTotals:
    start_ts: int
    official_diamonds: int | None
    logged_coins: int


@dataclass(frozen=True)
class DayTotal:
    day: date
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal


@dataclass(frozen=True)
class PayoutValue:
    day: date
    status: str
    usd: Decimal
    diamonds: Decimal


def local_day(ts: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, UTC).astimezone(zone).date()


def earnings_by_day(hourly: Iterable[tuple[int, int, int]], sessions: Iterable[SessionTotals],
                    tz_name: str, rates_on: RatesOn) -> list[DayTotal]:
    zone = ZoneInfo(tz_name)
    gifts: dict[date, int] = defaultdict(int)
    coins: dict[date, int] = defaultdict(int)
    extra: dict[date, Decimal] = defaultdict(Decimal)
    for hour, n, c in hourly:
        day = local_day(hour * 3600, zone)
        gifts[day] += n
        coins[day] += c
    for s in sessions:
        if s.official_diamonds is None:
            continue
        day = local_day(s.start_ts, zone)
        logged = Decimal(s.logged_coins) * rates_on(day).diamonds_per_coin
        extra[day] += Decimal(s.official_diamonds) - logged
    out = []
    for day in sorted(set(coins) | set(extra)):
        rates = rates_on(day)
        diamonds = Decimal(coins[day]) * rates.diamonds_per_coin + extra[day]
        out.append(DayTotal(day, gifts[day], coins[day], diamonds,
                            diamonds * rates.usd_per_diamond))
    return out


def value_payout(payout: dict[str, object], tz_name: str, rates_on: RatesOn,
                 per_usd_on: PerUsdOn) -> PayoutValue:
    """A payout's USD value and diamonds, from what the record states, at that day's rates."""
    ts = payout["requested_ts"]
    assert isinstance(ts, int)
    day = local_day(ts, ZoneInfo(tz_name))
    rates = rates_on(day)
    currency = str(payout.get("currency") or "USD")
    usd: Decimal | None = None
    if payout.get("usd") not in (None, ""):
        usd = Decimal(str(payout["usd"]))
    elif payout.get("amount") not in (None, ""):
        amount = Decimal(str(payout["amount"]))
        usd = amount if currency == "USD" else amount / per_usd_on(currency, day)
    diamonds_raw = payout.get("diamonds")
    diamonds = Decimal(str(diamonds_raw)) if diamonds_raw is not None else None
    if usd is None:
        usd = (diamonds or ZERO) * rates.usd_per_diamond
    if diamonds is None:
        diamonds = usd / rates.usd_per_diamond
    return PayoutValue(day, str(payout.get("status", "paid")), usd, diamonds)


@dataclass(frozen=True)
class Summary:
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    withdrawn_usd: Decimal
    balance_diamonds: Decimal
    balance_usd: Decimal
    threshold_usd: Decimal
    withdrawable: bool
    first_day: date | None
    last_day: date | None


def summarize(days: Sequence[DayTotal], payouts: Sequence[PayoutValue], threshold_usd: Decimal,
              start: date | None = None, end: date | None = None) -> Summary:
    """Totals of [start, end] and the balance at the end of `end` (all history up to it).

    Pending payouts count as withdrawn (the money has left the balance); failed ones do not.
    A booked check-in's adjustment moves the balance but is no withdrawal.
    """
    def inside(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    period = [d for d in days if inside(d.day)]
    upto = [d for d in days if end is None or d.day <= end]
    out = [p for p in payouts if p.status != "failed"]
    withdrawn_period = sum((p.usd for p in out if inside(p.day) and p.status != ADJUSTMENT),
                           ZERO)
    withdrawn_upto = [p for p in out if end is None or p.day <= end]
    balance_usd = sum((d.usd for d in upto), ZERO) - sum((p.usd for p in withdrawn_upto), ZERO)
    balance_diamonds = (sum((d.diamonds for d in upto), ZERO)
                        - sum((p.diamonds for p in withdrawn_upto), ZERO))
    active = [d.day for d in period if d.gifts or d.diamonds]
    return Summary(
        gifts=sum(d.gifts for d in period), coins=sum(d.coins for d in period),
        diamonds=sum((d.diamonds for d in period), ZERO), usd=sum((d.usd for d in period), ZERO),
        withdrawn_usd=withdrawn_period, balance_diamonds=balance_diamonds,
        balance_usd=balance_usd, threshold_usd=threshold_usd,
        withdrawable=balance_usd >= threshold_usd,
        first_day=min(active) if active else None, last_day=max(active) if active else None)


# ---- check-ins: the balance TikTok shows on a day ------------------------------------------

ADJUSTMENT = "adjustment"  # the status of a booked check-in's entry among the payouts


@dataclass(frozen=True)
class CheckIn:
    """The balance the creator read in TikTok on `day`: in USD or in diamonds (one of them)."""

    id: int
    day: date
    usd: Decimal | None
    diamonds: Decimal | None
    booked: bool


@dataclass(frozen=True)
class Reconciled:
    """A check-in beside the ledger's own balance at the end of its day (earlier booked
    check-ins counted, this one not): `difference_usd` is what TikTok shows above it."""

    checkin: CheckIn
    usd: Decimal  # what TikTok shows, in USD (diamonds at the day's rate)
    diamonds: Decimal  # what TikTok shows, in diamonds (USD at the day's rate)
    ledger_usd: Decimal
    ledger_diamonds: Decimal

    @property
    def difference_usd(self) -> Decimal:
        return self.usd - self.ledger_usd

    @property
    def difference_diamonds(self) -> Decimal:
        return self.diamonds - self.ledger_diamonds

    @property
    def adjustment(self) -> PayoutValue:
        """The entry that takes the ledger's balance to the check-in's (a negative payout
        when TikTok shows more)."""
        return PayoutValue(self.checkin.day, ADJUSTMENT, -self.difference_usd,
                           -self.difference_diamonds)


def reconcile(days: Sequence[DayTotal], payouts: Sequence[PayoutValue],
              checkins: Sequence[CheckIn], rates_on: RatesOn) -> list[Reconciled]:
    """Each check-in against the ledger, in day order; a booked one's adjustment counts for
    the check-ins after it, so each booked check-in sets the balance of its day exactly."""
    booked: list[PayoutValue] = []
    out = []
    for c in sorted(checkins, key=lambda c: (c.day, c.id)):
        s = summarize(days, [*payouts, *booked], ZERO, None, c.day)
        rate = rates_on(c.day).usd_per_diamond
        usd = c.usd if c.usd is not None else (c.diamonds or ZERO) * rate
        diamonds = c.diamonds if c.diamonds is not None else usd / rate
        r = Reconciled(c, usd, diamonds, s.balance_usd, s.balance_diamonds)
        if c.booked:
            booked.append(r.adjustment)
        out.append(r)
    return out


@dataclass(frozen=True)
class BalanceGap:
    """Why the cash balance is not the diamond balance at `rate` (today's USD per diamond):
    `payouts_usd` is the cash the payouts took above their diamonds' value at `rate`;
    `rates_usd` what the earnings (and check-ins) were valued above their diamonds at `rate`."""

    payouts_usd: Decimal
    rates_usd: Decimal

    @property
    def total_usd(self) -> Decimal:
        """Cash balance less the diamond balance at the rate."""
        return self.rates_usd - self.payouts_usd


def balance_gap(days: Sequence[DayTotal], payouts: Sequence[PayoutValue], rate: Decimal,
                end: date | None = None) -> BalanceGap:
    """The gap between the two balances at the end of `end`, split by its cause."""
    def upto(day: date) -> bool:
        return end is None or day <= end

    counted = [p for p in payouts if p.status != "failed" and upto(p.day)]
    paid = sum((p.usd - p.diamonds * rate for p in counted if p.status != ADJUSTMENT), ZERO)
    booked = sum((p.usd - p.diamonds * rate for p in counted if p.status == ADJUSTMENT), ZERO)
    earned = sum((d.usd - d.diamonds * rate for d in days if upto(d.day)), ZERO)
    return BalanceGap(paid, earned - booked)
