"""The ledger's schema as named migrations; applying them twice does nothing."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("diamond_ledger")


@migrations()
def m001_core_tables(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            region TEXT NOT NULL DEFAULT 'US',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        ) STRICT;

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            profile TEXT NOT NULL DEFAULT '',
            details TEXT NOT NULL DEFAULT '{}',
            rows_read INTEGER NOT NULL DEFAULT 0,
            inserted INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            folded INTEGER NOT NULL DEFAULT 0,
            first_row_id INTEGER,
            last_row_id INTEGER,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            undone_at TEXT
        ) STRICT;

        -- Gift rows after streak folding. Every key column is NOT NULL ('' or 0 when the file
        -- has no such column) because a UNIQUE index treats NULLs as all different.
        CREATE TABLE gifts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            room_id TEXT NOT NULL,
            sender_id TEXT NOT NULL,
            sender_name TEXT NOT NULL,
            gift_id INTEGER NOT NULL,
            gift_name TEXT NOT NULL,
            repeat_count INTEGER NOT NULL,
            coins_each INTEGER NOT NULL,
            coins_total INTEGER NOT NULL,
            occurrence INTEGER NOT NULL,
            import_id INTEGER NOT NULL,
            source_line INTEGER NOT NULL
        ) STRICT;
        -- The dedup key: normalised content plus the occurrence number among identical rows of
        -- one file. It leads with (account_id, ts) and holds coins_total, so it also serves
        -- time-range sums without touching the table.
        CREATE UNIQUE INDEX gifts_key ON gifts (account_id, ts, sender_id, sender_name, gift_id,
            gift_name, repeat_count, coins_total, room_id, occurrence);

        -- Hourly rollup kept in step by save and undo: dashboards read this, not the raw rows.
        CREATE TABLE gift_hourly (
            account_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            gifts INTEGER NOT NULL,
            coins INTEGER NOT NULL,
            PRIMARY KEY (account_id, hour)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER,
            duration_s INTEGER,
            room_id TEXT NOT NULL,
            title TEXT NOT NULL,
            diamonds INTEGER,
            gifters INTEGER,
            viewers INTEGER,
            likes INTEGER,
            occurrence INTEGER NOT NULL,
            import_id INTEGER NOT NULL,
            source_line INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX sessions_key ON sessions (account_id, start_ts, room_id, occurrence);

        CREATE TABLE payouts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            requested_ts INTEGER NOT NULL,
            paid_ts INTEGER,
            diamonds INTEGER,
            amount TEXT,
            currency TEXT NOT NULL,
            usd TEXT,
            fee_usd TEXT,
            method TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
            reference TEXT NOT NULL,
            occurrence INTEGER NOT NULL,
            import_id INTEGER,
            source_line INTEGER
        ) STRICT;
        CREATE UNIQUE INDEX payouts_key ON payouts (account_id, requested_ts,
            coalesce(amount, ''), coalesce(diamonds, -1), currency, reference, occurrence);

        CREATE TABLE rejected_rows (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL,
            line INTEGER NOT NULL,
            reason TEXT NOT NULL,
            raw TEXT NOT NULL,
            skipped INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX rejected_rows_import ON rejected_rows (import_id, line);

        CREATE TABLE profiles (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            signature TEXT NOT NULL,
            mapping TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        ) STRICT;
        CREATE INDEX profiles_signature ON profiles (signature);

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """
    )


def migrate(db: Database) -> None:
    migrations.apply(db)


def pending(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


@migrations()
def m002_browse_indexes(db: Database) -> None:
    # Measured on 1M gift rows (tests/benchmarks/bench_gifts_table.py): sorting the Gifts
    # table by coins pages in 0.1 ms instead of 140 ms a page, the gift mix takes 110 ms
    # instead of 420 ms. Both keys grow at the end of few runs (about 20 coin values and gift
    # names), so together they add ~1 s to a 1M-row import. A sender index would serve the
    # gifter views but costs +2 s there (random inserts): a per-gifter rollup is the better fix.
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS gifts_coins ON gifts (account_id, coins_total);
        CREATE INDEX IF NOT EXISTS gifts_gift ON gifts (account_id, gift_name, coins_total);
        """
    )


@migrations()
def m003_user_rates(db: Database) -> None:
    # The creator's own rate entries, on top of the shipped defaults in data/. Figures are TEXT
    # so a Decimal comes back exactly as typed. One entry per key and day: saving another for
    # the same day replaces it (that is how an entry is edited).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS user_region_rates (
            region TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            currency TEXT NOT NULL,
            diamonds_per_coin TEXT NOT NULL,
            usd_per_diamond TEXT NOT NULL,
            min_withdrawal_usd TEXT NOT NULL,
            daily_cap_usd TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (region, valid_from)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS user_payout_methods (
            region TEXT NOT NULL,
            name TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            fixed_fee_usd TEXT NOT NULL,
            percent_fee TEXT NOT NULL,
            fx_spread TEXT NOT NULL,
            processing_days INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (region, name, valid_from)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS user_exchange_rates (
            currency TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            per_usd TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (currency, valid_from)
        ) STRICT, WITHOUT ROWID;
        """
    )


@migrations()
def m004_user_catalogue(db: Database) -> None:
    # The creator's gifts and price changes, and coin packs, on top of data/gifts.csv and
    # data/coin_packs.csv; keyed like m003's tables by what is priced and the day it starts.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS user_gifts (
            gift_id INTEGER NOT NULL,
            valid_from TEXT NOT NULL,
            name TEXT NOT NULL,
            coins INTEGER NOT NULL CHECK (coins >= 0),
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (gift_id, valid_from)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS user_coin_packs (
            region TEXT NOT NULL,
            channel TEXT NOT NULL,
            coins INTEGER NOT NULL CHECK (coins > 0),
            valid_from TEXT NOT NULL,
            price TEXT NOT NULL,
            currency TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (region, channel, coins, valid_from)
        ) STRICT, WITHOUT ROWID;
        """
    )


@migrations()
def m005_gift_mix_rollup(db: Database) -> None:
    # m002's two sort indexes cost 2.1-2.3 s of a 1M-row import (measured: 5.4 s with them,
    # 3.1 s without, the store alone), because each insert lands in the middle of one of a few
    # hundred runs instead of at the end. What they served now comes from elsewhere: the gift
    # mix and the list of gift names from this rollup (hours x gifts: 22k rows for 1M gifts),
    # kept in step by save and undo like gift_hourly; sorting the Gifts table by coins or by
    # gift reads an order of ids like the other sorts (browse.ordered_ids).
    db.executescript(
        """
        DROP INDEX IF EXISTS gifts_coins;
        DROP INDEX IF EXISTS gifts_gift;
        CREATE TABLE IF NOT EXISTS gift_mix_hourly (
            account_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            gift_name TEXT NOT NULL,
            gifts INTEGER NOT NULL,
            coins INTEGER NOT NULL,
            PRIMARY KEY (account_id, hour, gift_name)
        ) STRICT, WITHOUT ROWID;
        INSERT OR IGNORE INTO gift_mix_hourly (account_id, hour, gift_name, gifts, coins)
            SELECT account_id, ts / 3600, gift_name, count(*), sum(coins_total) FROM gifts
             GROUP BY 1, 2, 3;
        """
    )


@migrations()
def m006_user_gift_valid_to(db: Database) -> None:
    # The last day a gift of the creator's existed ('' = it may still exist), so that a name
    # two gifts had at different times resolves by the day of the record.
    columns = {row[1] for row in db.execute("PRAGMA table_info(user_gifts)").fetchall()}
    if "valid_to" not in columns:
        db.execute("ALTER TABLE user_gifts ADD COLUMN valid_to TEXT NOT NULL DEFAULT ''")


@migrations()
def m007_checkins(db: Database) -> None:
    # The balance the creator read in TikTok on a day, in USD or in diamonds (TEXT, exact as
    # typed). A booked one counts as an adjustment of the balance; deleting it undoes that.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS checkins (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            day TEXT NOT NULL,
            usd TEXT,
            diamonds TEXT,
            booked INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            CHECK ((usd IS NULL) != (diamonds IS NULL))
        ) STRICT;
        """
    )


@migrations()
def m008_rate_net_of_method(db: Database) -> None:
    # A rate calibrated from a real payout by a method already has that method's fee taken
    # off (cash received / diamonds): the planner must not charge the fee again by it.
    columns = {c.name for c in db["user_region_rates"].columns}
    if "net_of_method" not in columns:
        db.execute("ALTER TABLE user_region_rates ADD COLUMN net_of_method TEXT NOT NULL"
                   " DEFAULT ''")



@migrations()
def m009_gift_name_choices(db: Database) -> None:
    # Which gift a name means where several gifts carry it ("Heart": 1 or 10 coins), as the
    # creator said it for their logs; keyed by the name as the catalogue compares names
    # (case and spacing folded).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS gift_name_choices (
            name TEXT PRIMARY KEY,
            gift_id INTEGER NOT NULL,
            chosen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        ) STRICT, WITHOUT ROWID;
        """
    )

# ---- which files are ours, and of which version -------------------------------------------------

def known() -> list[str]:
    """Every migration this version of the app has, in order (a function, so that one added
    further down the module counts too)."""
    return [m.name for m in migrations.pending(Database(memory=True))]


def schema_version() -> int:
    """The count of known migrations; kept in PRAGMA user_version, which any tool shows."""
    return len(known())


def schema_problem(db: Database, tables: set[str], path: object) -> str | None:
    """Why the file behind `db` (with these tables) cannot be opened as our ledger, or None.

    Read-only: another app's database is refused before anything is added to it."""
    applied = _applied(db) if "_sqlite_migrations" in tables else []
    if not applied:
        shown = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
        return (f"not a Diamond Ledger file: {path} (an SQLite database of something else, "
                f"tables: {shown}); nothing was changed")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    ours = known()
    unknown = [name for name in applied if name not in ours]
    if unknown or version > len(ours):
        named = f", with {unknown[0]}" if unknown else ""
        return (f"{path} is a ledger of a newer Diamond Ledger (schema version "
                f"{max(version, len(applied))}{named}; this version knows up to "
                f"{len(ours)}): update the app to open it; nothing was changed")
    return None


def _applied(db: Database) -> list[str]:
    try:
        return [r[0] for r in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            (migrations.name,))]
    except sqlite3.OperationalError:  # a table of that name, made by something else
        return []
