"""The creator's own rate entries (region rates, payout methods, exchange rates, gifts and
coin packs).

Each entry is keyed by what it prices and the day it starts (`valid_from`); saving an entry
for a key and day that already has one replaces it, which is how an entry is edited. Figures
are stored as text and read back as exact Decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from app.core.catalogue import Gift
from app.core.rates import CoinPack, ExchangeRate, PayoutMethod, RegionRates

TABLES = ("user_region_rates", "user_payout_methods", "user_exchange_rates", "user_gifts",
          "user_coin_packs")


# ---- region rates -----------------------------------------------------------------------------

def region_rates(db: Database) -> list[RegionRates]:
    cursor = db.execute(
        "SELECT region, currency, valid_from, diamonds_per_coin, usd_per_diamond,"
        " min_withdrawal_usd, daily_cap_usd, source, net_of_method FROM user_region_rates"
        " ORDER BY region, valid_from")
    return [RegionRates(str(r[0]), str(r[1]), date.fromisoformat(r[2]), Decimal(r[3]),
                        Decimal(r[4]), Decimal(r[5]), Decimal(r[6]), str(r[7]), str(r[8]))
            for r in cursor.fetchall()]


def save_region_rate(db: Database, entry: RegionRates) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO user_region_rates (region, valid_from, currency,"
            " diamonds_per_coin, usd_per_diamond, min_withdrawal_usd, daily_cap_usd, source,"
            " net_of_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.region, entry.valid_from.isoformat(), entry.currency,
             str(entry.diamonds_per_coin), str(entry.usd_per_diamond),
             str(entry.min_withdrawal_usd), str(entry.daily_cap_usd), entry.source,
             entry.net_of_method))


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


# ---- gifts --------------------------------------------------------------------------------------

def gifts(db: Database) -> list[Gift]:
    cursor = db.execute("SELECT gift_id, name, coins, valid_from, source, valid_to"
                        " FROM user_gifts ORDER BY gift_id, valid_from")
    return [Gift(int(r[0]), str(r[1]), int(r[2]), date.fromisoformat(r[3]), str(r[4]),
                 date.fromisoformat(r[5]) if r[5] else None)
            for r in cursor.fetchall()]


def save_gift(db: Database, gift: Gift, replacing: Gift | None = None) -> None:
    """Save `gift`; `replacing` (an entry being edited, perhaps to another day) goes with it."""
    with db.atomic():
        if replacing is not None:
            delete_gift(db, replacing.gift_id, replacing.valid_from)
        db.execute("INSERT OR REPLACE INTO user_gifts (gift_id, valid_from, name, coins, source,"
                   " valid_to) VALUES (?, ?, ?, ?, ?, ?)",
                   (gift.gift_id, gift.valid_from.isoformat(), gift.name, gift.coins,
                    gift.source, gift.valid_to.isoformat() if gift.valid_to else ""))


def delete_gift(db: Database, gift_id: int, valid_from: date) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM user_gifts WHERE gift_id = ? AND valid_from = ?",
                            (gift_id, valid_from.isoformat()))
    return cursor.rowcount > 0



def gift_choices(db: Database) -> dict[str, int]:
    """The gift each ambiguous name means, by folded name (see core.catalogue.norm)."""
    return {str(r[0]): int(r[1]) for r in db.execute(
        "SELECT name, gift_id FROM gift_name_choices ORDER BY name").fetchall()}


def save_gift_choice(db: Database, name: str, gift_id: int) -> None:
    with db.atomic():
        db.execute("INSERT OR REPLACE INTO gift_name_choices (name, gift_id) VALUES (?, ?)",
                   (name, gift_id))


def delete_gift_choice(db: Database, name: str) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM gift_name_choices WHERE name = ?", (name,))
    return cursor.rowcount > 0

# ---- coin packs ---------------------------------------------------------------------------------

def coin_packs(db: Database) -> list[CoinPack]:
    cursor = db.execute("SELECT region, channel, coins, price, currency, source, valid_from"
                        " FROM user_coin_packs ORDER BY region, channel, coins, valid_from")
    return [CoinPack(str(r[0]), str(r[1]), int(r[2]), Decimal(r[3]), str(r[4]), str(r[5]),
                     date.fromisoformat(r[6])) for r in cursor.fetchall()]


def save_coin_pack(db: Database, pack: CoinPack, replacing: CoinPack | None = None) -> None:
    with db.atomic():
        if replacing is not None:
            delete_coin_pack(db, replacing)
        db.execute("INSERT OR REPLACE INTO user_coin_packs (region, channel, coins, valid_from,"
                   " price, currency, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (pack.region, pack.channel, pack.coins, pack.valid_from.isoformat(),
                    str(pack.price), pack.currency, pack.source))


def delete_coin_pack(db: Database, pack: CoinPack) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM user_coin_packs WHERE region = ? AND channel = ?"
                            " AND coins = ? AND valid_from = ?",
                            (pack.region, pack.channel, pack.coins,
                             pack.valid_from.isoformat()))
    return cursor.rowcount > 0


def count_all(db: Database) -> dict[str, int]:
    """How many entries each table holds (what restoring the defaults would remove)."""
    return {table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in TABLES}


def delete_all(db: Database) -> int:
    """Remove every user entry (restore the shipped defaults); how many went."""
    removed = 0
    with db.atomic():
        for table in TABLES:
            removed += db.execute(f"DELETE FROM {table}").rowcount
    return removed
