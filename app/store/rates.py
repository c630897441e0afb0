"""The creator's own rate entries (region rates, payout methods, exchange rates).

Each entry is keyed by what it prices and the day it starts (`valid_from`); saving an entry
for a key and day that already has one replaces it, which is how an entry is edited. Figures
are stored as text and read back as exact Decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from app.core.rates import ExchangeRate, PayoutMethod, RegionRates

TABLES = ("user_region_rates", "user_payout_methods", "user_exchange_rates")


# ---- region rates -----------------------------------------------------------------------------

def region_rates(db: Database) -> list[RegionRates]:
    cursor = db.execute(
        "SELECT region, currency, valid_from, diamonds_per_coin, usd_per_diamond,"
        " min_withdrawal_usd, daily_cap_usd, source FROM user_region_rates"
        " ORDER BY region, valid_from")
    return [RegionRates(str(r[0]), str(r[1]), date.fromisoformat(r[2]), Decimal(r[3]),
                        Decimal(r[4]), Decimal(r[5]), Decimal(r[6]), str(r[7]))
            for r in cursor.fetchall()]


def save_region_rate(db: Database, entry: RegionRates) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO user_region_rates (region, valid_from, currency,"
            " diamonds_per_coin, usd_per_diamond, min_withdrawal_usd, daily_cap_usd, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.region, entry.valid_from.isoformat(), entry.currency,
             str(entry.diamonds_per_coin), str(entry.usd_per_diamond),
             str(entry.min_withdrawal_usd), str(entry.daily_cap_usd), entry.source))


def delete_region_rate(db: Database, region: str, valid_from: date) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM user_region_rates WHERE region = ? AND valid_from = ?",
                            (region, valid_from.isoformat()))
    return cursor.rowcount > 0


# ---- payout methods ---------------------------------------------------------------------------

def payout_methods(db: Database) -> list[PayoutMethod]:
    cursor = db.execute(
        "SELECT region, name, valid_from, fixed_fee_usd, percent_fee, fx_spread,"
        " processing_days, source FROM user_payout_methods ORDER BY region, name, valid_from")
    return [PayoutMethod(str(r[0]), str(r[1]), date.fromisoformat(r[2]), Decimal(r[3]),
                         Decimal(r[4]), Decimal(r[5]), int(r[6]), str(r[7]))
            for r in cursor.fetchall()]


def save_payout_method(db: Database, entry: PayoutMethod) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO user_payout_methods (region, name, valid_from,"
            " fixed_fee_usd, percent_fee, fx_spread, processing_days, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.region, entry.name, entry.valid_from.isoformat(), str(entry.fixed_fee_usd),
             str(entry.percent_fee), str(entry.fx_spread), entry.processing_days,
             entry.source))


def delete_payout_method(db: Database, region: str, name: str, valid_from: date) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM user_payout_methods WHERE region = ? AND name = ?"
                            " AND valid_from = ?", (region, name, valid_from.isoformat()))
    return cursor.rowcount > 0


# ---- exchange rates ---------------------------------------------------------------------------

def exchange_rates(db: Database) -> list[ExchangeRate]:
    cursor = db.execute("SELECT currency, valid_from, per_usd, source FROM user_exchange_rates"
                        " ORDER BY currency, valid_from")
    return [ExchangeRate(str(r[0]), date.fromisoformat(r[1]), Decimal(r[2]), str(r[3]))
            for r in cursor.fetchall()]


def save_exchange_rates(db: Database, entries: Iterable[ExchangeRate]) -> int:
    """Save many in one transaction (a CSV import); the number saved."""
    params = [(x.currency, x.valid_from.isoformat(), str(x.per_usd), x.source)
              for x in entries]
    with db.atomic():
        db.conn.executemany("INSERT OR REPLACE INTO user_exchange_rates (currency, valid_from,"
                       " per_usd, source) VALUES (?, ?, ?, ?)", params)
    return len(params)


def delete_exchange_rate(db: Database, currency: str, valid_from: date) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM user_exchange_rates WHERE currency = ?"
                            " AND valid_from = ?", (currency, valid_from.isoformat()))
    return cursor.rowcount > 0


def delete_all(db: Database) -> int:
    """Remove every user entry (restore the shipped defaults); how many went."""
    removed = 0
    with db.atomic():
        for table in TABLES:
            removed += db.execute(f"DELETE FROM {table}").rowcount
    return removed
