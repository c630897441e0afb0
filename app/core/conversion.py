"""coins -> diamonds -> USD -> local currency, fees and withdrawability. Exact Decimals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.core.money import ZERO, round_money
from app.core.rates import CoinPack, PayoutMethod, RegionRates


@dataclass(frozen=True)
class Conversion:
    coins: int
    region: str
    diamonds: Decimal
    usd: Decimal
    currency: str
    local: Decimal


def coins_to_diamonds(coins: int | Decimal, rates: RegionRates) -> Decimal:
    return Decimal(coins) * rates.diamonds_per_coin


def diamonds_to_usd(diamonds: Decimal | int, rates: RegionRates) -> Decimal:
    return Decimal(diamonds) * rates.usd_per_diamond


def usd_to_diamonds(usd: Decimal, rates: RegionRates) -> Decimal:
    return usd / rates.usd_per_diamond


def convert(coins: int, rates: RegionRates, per_usd: Decimal) -> Conversion:
    diamonds = coins_to_diamonds(coins, rates)
    usd = diamonds_to_usd(diamonds, rates)
    return Conversion(coins, rates.region, diamonds, usd, rates.currency, usd * per_usd)


@dataclass(frozen=True)
class PayoutQuote:
    method: str
    gross_usd: Decimal
    fee_usd: Decimal  # fixed + percent fee
    spread_usd: Decimal  # lost to the provider's exchange rate
    net_usd: Decimal  # what arrives, in USD terms, rounded to cents
    net_local: Decimal  # what arrives in the payout currency, rounded to cents
    currency: str
    processing_days: int


def quote_payout(gross_usd: Decimal, method: PayoutMethod, currency: str,
                 per_usd: Decimal, *, fee_included: bool = False) -> PayoutQuote:
    """What arrives from a withdrawal of `gross_usd` by `method` (fees never exceed the amount):
    amount - fee - spread, exact, rounded once to cents. `fee_included`: the rate is already
    net of this method's fee (calibrated from a payout by it), so none is charged again."""
    fee = ZERO if fee_included else method.fixed_fee_usd + gross_usd * method.percent_fee
    fee = min(fee, gross_usd)
    after_fee = gross_usd - fee
    spread = after_fee * method.fx_spread if currency != "USD" else ZERO
    net = after_fee - spread
    return PayoutQuote(
        method=method.name,
        gross_usd=gross_usd,
        fee_usd=round_money(fee),
        spread_usd=round_money(spread),
        net_usd=round_money(net),
        net_local=round_money(net * per_usd),
        currency=currency,
        processing_days=method.processing_days,
    )


def is_withdrawable(balance_usd: Decimal, rates: RegionRates) -> bool:
    return balance_usd >= rates.min_withdrawal_usd


@dataclass(frozen=True)
class FanSpend:
    coins: int
    currency: str
    low: Decimal  # every coin bought in the cheapest pack per coin
    high: Decimal  # every coin bought in the dearest pack per coin


def fan_spend(coins: int, packs: list[CoinPack]) -> FanSpend:
    """What fans paid for `coins`, as a range over the region's coin packs: exact, so that a
    conversion to another currency comes before the one rounding at display."""
    if not packs:
        raise ValueError("no coin packs for this region")
    per_coin = [p.price / p.coins for p in packs]
    currency = packs[0].currency
    return FanSpend(coins, currency, coins * min(per_coin), coins * max(per_coin))


@dataclass(frozen=True)
class Calibration:
    usd_per_diamond: Decimal
    implied_fee_fraction: Decimal  # share of the nominal value that did not arrive


def calibrate(diamonds: int, cash_usd: Decimal, nominal: RegionRates) -> Calibration:
    """The true rate from a real payout: diamonds withdrawn and USD received."""
    if diamonds <= 0:
        raise ValueError("diamonds withdrawn must be positive")
    rate = cash_usd / Decimal(diamonds)
    nominal_usd = diamonds_to_usd(diamonds, nominal)
    fee = (nominal_usd - cash_usd) / nominal_usd if nominal_usd else ZERO
    return Calibration(rate, fee)
