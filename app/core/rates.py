"""Effective-dated rate tables: regions, payout methods, exchange rates, coin packs.

Every figure is data (shipped defaults in data/, user edits in the ledger). A lookup for a day
takes the newest entry whose `valid_from` is on or before that day; a day before every entry
falls back to the oldest one and says so (`RateLookup.fallback`), as Fava's conversion does
for missing prices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Generic, Protocol, TypeVar


class Dated(Protocol):
    @property
    def valid_from(self) -> date: ...


@dataclass(frozen=True)
class RegionRates:
    region: str
    currency: str
    valid_from: date
    diamonds_per_coin: Decimal
    usd_per_diamond: Decimal
    min_withdrawal_usd: Decimal
    daily_cap_usd: Decimal
    source: str = ""
    net_of_method: str = ""  # calibrated from a payout by this method: already net of its fee


@dataclass(frozen=True)
class PayoutMethod:
    region: str
    name: str
    valid_from: date
    fixed_fee_usd: Decimal
    percent_fee: Decimal  # a fraction: 0.029 is 2.9 %
    fx_spread: Decimal  # a fraction of the converted amount lost to the provider's rate
    processing_days: int
    source: str = ""


@dataclass(frozen=True)
class ExchangeRate:
    currency: str
    valid_from: date
    per_usd: Decimal  # units of `currency` for one USD
    source: str = ""


ALWAYS = date.min  # the valid_from of a shipped coin pack: coin_packs.csv has no dates


@dataclass(frozen=True)
class CoinPack:
    region: str
    channel: str
    coins: int
    price: Decimal
    currency: str
    source: str = ""
    valid_from: date = ALWAYS  # a later entry for the same channel and coins is a new price

    @property
    def key(self) -> tuple[str, str, int]:
        """What one price history is about: the region's pack of `coins` on `channel`."""
        return (self.region, self.channel.lower(), self.coins)


T = TypeVar("T", bound=Dated)


@dataclass(frozen=True)
class RateLookup(Generic[T]):
    value: T
    fallback: bool  # True when the day is before every entry and the oldest was used


def effective(entries: Sequence[T], day: date) -> RateLookup[T]:
    """The entry in force on `day` (entries in any order, at least one)."""
    if not entries:
        raise LookupError("no rate entries")
    ordered = sorted(entries, key=lambda e: e.valid_from)
    chosen = None
    for entry in ordered:
        if entry.valid_from <= day:
            chosen = entry
    if chosen is None:
        return RateLookup(ordered[0], True)
    return RateLookup(chosen, False)


@dataclass(frozen=True)
class RateBook:
    regions: tuple[RegionRates, ...]
    methods: tuple[PayoutMethod, ...] = ()
    fx: tuple[ExchangeRate, ...] = ()
    packs: tuple[CoinPack, ...] = ()
    presets: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def region_codes(self) -> list[str]:
        return sorted({r.region for r in self.regions})

    def region(self, code: str, day: date) -> RegionRates:
        entries = [r for r in self.regions if r.region == code.upper()]
        if not entries:
            raise KeyError(f"unknown region {code!r}; known: {', '.join(self.region_codes())}")
        return effective(entries, day).value

    def region_history(self, code: str) -> list[RegionRates]:
        return sorted((r for r in self.regions if r.region == code.upper()),
                      key=lambda r: r.valid_from)

    def payout_methods(self, code: str, day: date) -> list[PayoutMethod]:
        names = sorted({m.name for m in self.methods if m.region == code.upper()})
        out = []
        for name in names:
            entries = [m for m in self.methods if m.region == code.upper() and m.name == name]
            out.append(effective(entries, day).value)
        return out

    def payout_method(self, code: str, name: str, day: date) -> PayoutMethod:
        for method in self.payout_methods(code, day):
            if method.name.lower() == name.lower():
                return method
        known = ", ".join(m.name for m in self.payout_methods(code, day)) or "none"
        raise KeyError(f"no payout method {name!r} in region {code}; known: {known}")

    def per_usd(self, currency: str, day: date) -> Decimal:
        """Units of `currency` per USD on `day` (1 for USD)."""
        if currency.upper() == "USD":
            return Decimal(1)
        entries = [x for x in self.fx if x.currency == currency.upper()]
        if not entries:
            raise KeyError(f"no exchange rate for {currency}")
        return effective(entries, day).value.per_usd

    def coin_packs(self, code: str, day: date | None = None) -> list[CoinPack]:
        """The region's packs on `day` (the newest price of each without a day); a pack whose
        first price starts after `day` is not on sale yet."""
        newest: dict[tuple[str, str, int], CoinPack] = {}
        for pack in self.coin_pack_history(code):
            if day is None or pack.valid_from <= day:
                newest[pack.key] = pack
        return sorted(newest.values(), key=lambda p: (p.channel.lower(), p.coins))

    def coin_pack_history(self, code: str) -> list[CoinPack]:
        """Every price of every pack of the region, oldest first."""
        return sorted((p for p in self.packs if p.region == code.upper()),
                      key=lambda p: p.valid_from)

    def with_preset(self, name: str) -> RateBook:
        """The same book with a preset's parameters applied to every region entry."""
        if name == "default":
            return self
        if name not in self.presets:
            raise KeyError(f"unknown preset {name!r}; known: default, {', '.join(self.presets)}")
        params = self.presets[name]
        regions = tuple(replace(r, **params) for r in self.regions)  # type: ignore[arg-type]
        return replace(self, regions=regions)

    def with_regions(self, extra: Iterable[RegionRates]) -> RateBook:
        return replace(self, regions=self.regions + tuple(extra))
