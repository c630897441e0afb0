"""The shipped reference data in data/ (installed as app.data) as core objects."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from app.core.catalogue import Catalogue, Gift
from app.core.rates import CoinPack, ExchangeRate, PayoutMethod, RateBook, RegionRates


def data_text(name: str) -> str:
    return resources.files("app.data").joinpath(name).read_text(encoding="utf-8")


def sample_path(name: str) -> Any:
    return resources.files("app.data.sample").joinpath(name)


def _csv_rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    gifts = [Gift(int(r["gift_id"]), r["name"], int(r["coins"]),
                  date.fromisoformat(r["valid_from"]), "",
                  date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
                  r.get("confidence", "")) for r in _csv_rows(data_text("gifts.csv"))]
    return Catalogue(gifts)


@lru_cache(maxsize=1)
def rate_book() -> RateBook:
    data = json.loads(data_text("regions.json"))
    regions = tuple(RegionRates(
        region=r["region"], currency=r["currency"], valid_from=date.fromisoformat(r["valid_from"]),
        diamonds_per_coin=Decimal(r["diamonds_per_coin"]),
        usd_per_diamond=Decimal(r["usd_per_diamond"]),
        min_withdrawal_usd=Decimal(r["min_withdrawal_usd"]),
        daily_cap_usd=Decimal(r["daily_cap_usd"]), source=r.get("source", ""))
        for r in data["regions"])
    methods = tuple(PayoutMethod(
        region=m["region"], name=m["name"], valid_from=date.fromisoformat(m["valid_from"]),
        fixed_fee_usd=Decimal(m["fixed_fee_usd"]), percent_fee=Decimal(m["percent_fee"]),
        fx_spread=Decimal(m["fx_spread"]), processing_days=int(m["processing_days"]),
        source=m.get("source", "")) for m in data["payout_methods"])
    fx = tuple(ExchangeRate(x["currency"], date.fromisoformat(x["valid_from"]),
                            Decimal(x["per_usd"]), x.get("source", ""))
               for x in data["exchange_rates"])
    packs = tuple(CoinPack(p["region"], p["channel"], int(p["coins"]), Decimal(p["price"]),
                           p["currency"]) for p in _csv_rows(data_text("coin_packs.csv")))
    presets = {name: {k: Decimal(v) for k, v in params.items() if k != "note"}
               for name, params in data.get("presets", {}).items()}
    return RateBook(regions, methods, fx, packs, presets)


# Day-first is the convention almost everywhere; these regions write month first.
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "CA"})


@cache
def _decimal_marks() -> dict[str, str]:
    return {k.upper(): v for k, v in json.loads(data_text("number_formats.json"))["decimal"]
            .items()}


def decimal_mark(region: str) -> str:
    """The region's decimal separator ("," in the euro area and Brazil), from
    data/number_formats.json; "." for a region it does not list."""
    return _decimal_marks().get(region.upper(), ".")
