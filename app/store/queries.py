"""Named read operations (and the small writes: accounts, profiles, settings, payouts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from app.core.account import Account


def rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


# ---- accounts -------------------------------------------------------------------------------

def _account(row: tuple[Any, ...]) -> Account:
    return Account(id=int(row[0]), handle=str(row[1]), region=str(row[2]), timezone=str(row[3]))


def accounts(db: Database) -> list[Account]:
    return [_account(r) for r in
            db.execute("SELECT id, handle, region, timezone FROM accounts ORDER BY id")]


def account_by_handle(db: Database, handle: str) -> Account | None:
    row = db.execute("SELECT id, handle, region, timezone FROM accounts WHERE handle = ?",
                     (handle,)).fetchone()
    return None if row is None else _account(row)


def account_by_id(db: Database, account_id: int) -> Account | None:
    row = db.execute("SELECT id, handle, region, timezone FROM accounts WHERE id = ?",
                     (account_id,)).fetchone()
    return None if row is None else _account(row)


def add_account(db: Database, handle: str, region: str, timezone: str) -> int:
    with db.atomic():
        cursor = db.execute("INSERT INTO accounts (handle, region, timezone) VALUES (?, ?, ?)",
                            (handle, region, timezone))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_account(db: Database, account_id: int, region: str, timezone: str) -> None:
    with db.atomic():
        db.execute("UPDATE accounts SET region = ?, timezone = ? WHERE id = ?",
                   (region, timezone, account_id))


# ---- settings and profiles --------------------------------------------------------------------

def get_setting(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, key: str, value: str) -> None:
    with db.atomic():
        db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key)"
                   " DO UPDATE SET value = excluded.value", (key, value))


def save_profile(db: Database, name: str, kind: str, signature: str, mapping_json: str) -> None:
    with db.atomic():
        db.execute("INSERT INTO profiles (name, kind, signature, mapping) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, signature ="
                   " excluded.signature, mapping = excluded.mapping, updated_at ="
                   " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", (name, kind, signature, mapping_json))


def profile(db: Database, name: str) -> dict[str, Any] | None:
    found = rows(db, "SELECT * FROM profiles WHERE name = ?", (name,))
    return found[0] if found else None


def profile_for_signature(db: Database, signature: str) -> dict[str, Any] | None:
    found = rows(db, "SELECT * FROM profiles WHERE signature = ? ORDER BY updated_at DESC"
                     " LIMIT 1", (signature,))
    return found[0] if found else None


def profiles(db: Database) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM profiles ORDER BY name")


def delete_profile(db: Database, name: str) -> bool:
    with db.atomic():
        return db.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount > 0


# ---- earnings ---------------------------------------------------------------------------------

def hourly_totals(db: Database, account_id: int, start_ts: int | None = None,
                  end_ts: int | None = None) -> list[tuple[int, int, int]]:
    """(hour since epoch, gifts, coins) from the rollup, hours in [start_ts, end_ts)."""
    lo = -(2**62) if start_ts is None else start_ts // 3600
    hi = 2**62 if end_ts is None else (end_ts - 1) // 3600
    return [(int(r[0]), int(r[1]), int(r[2])) for r in db.execute(
        "SELECT hour, gifts, coins FROM gift_hourly WHERE account_id = ? AND hour BETWEEN ? AND ?"
        " ORDER BY hour", (account_id, lo, hi))]


def sessions(db: Database, account_id: int, start_ts: int | None = None,
             end_ts: int | None = None) -> list[dict[str, Any]]:
    """LIVEs with their official diamonds and what the gift log holds for the same span."""
    lo = -(2**62) if start_ts is None else start_ts
    hi = 2**62 if end_ts is None else end_ts
    return rows(db, """
        SELECT s.id, s.start_ts, s.end_ts, s.duration_s, s.room_id, s.title, s.diamonds,
               s.gifters, s.viewers, s.likes,
               (SELECT coalesce(sum(g.coins_total), 0) FROM gifts g
                 WHERE g.account_id = s.account_id AND s.end_ts IS NOT NULL
                   AND g.ts >= s.start_ts AND g.ts < s.end_ts) AS logged_coins,
               (SELECT count(*) FROM gifts g
                 WHERE g.account_id = s.account_id AND s.end_ts IS NOT NULL
                   AND g.ts >= s.start_ts AND g.ts < s.end_ts) AS logged_gifts
          FROM sessions s
         WHERE s.account_id = ? AND s.start_ts >= ? AND s.start_ts < ?
         ORDER BY s.start_ts""", (account_id, lo, hi))


def payouts(db: Database, account_id: int, start_ts: int | None = None,
            end_ts: int | None = None) -> list[dict[str, Any]]:
    lo = -(2**62) if start_ts is None else start_ts
    hi = 2**62 if end_ts is None else end_ts
    return rows(db, "SELECT id, requested_ts, paid_ts, diamonds, amount, currency, usd, fee_usd,"
                    " method, status, reference, import_id FROM payouts WHERE account_id = ?"
                    " AND requested_ts >= ? AND requested_ts < ? ORDER BY requested_ts, id",
                (account_id, lo, hi))


def top_gifters(db: Database, account_id: int, start_ts: int | None = None,
                end_ts: int | None = None, limit: int = 10) -> list[dict[str, Any]]:
    lo = -(2**62) if start_ts is None else start_ts
    hi = 2**62 if end_ts is None else end_ts
    return rows(db, """
        SELECT CASE WHEN sender_id != '' THEN sender_id ELSE sender_name END AS sender,
               max(sender_name) AS name, sum(coins_total) AS coins, count(*) AS gifts,
               count(DISTINCT room_id) AS lives, min(ts) AS first_ts, max(ts) AS last_ts
          FROM gifts WHERE account_id = ? AND ts >= ? AND ts < ?
         GROUP BY 1 ORDER BY coins DESC, sender LIMIT ?""", (account_id, lo, hi, limit))


def gift_mix(db: Database, account_id: int, start_ts: int | None = None,
             end_ts: int | None = None) -> list[dict[str, Any]]:
    lo = -(2**62) if start_ts is None else start_ts
    hi = 2**62 if end_ts is None else end_ts
    return rows(db, "SELECT gift_name, sum(repeat_count) AS count, sum(coins_total) AS coins"
                    " FROM gifts WHERE account_id = ? AND ts >= ? AND ts < ?"
                    " GROUP BY gift_name ORDER BY coins DESC", (account_id, lo, hi))


def iter_table(db: Database, kind: str, account_id: int) -> Iterator[dict[str, Any]]:
    """Every row of gifts/sessions/payouts of an account, in time order, streamed."""
    order = {"gifts": "ts, id", "sessions": "start_ts, id", "payouts": "requested_ts, id"}[kind]
    cursor = db.execute(f"SELECT * FROM {kind} WHERE account_id = ? ORDER BY {order}",
                        (account_id,))
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def data_span(db: Database, account_id: int) -> tuple[int | None, int | None]:
    row = db.execute("""
        SELECT min(t), max(t) FROM (
          SELECT min(hour) * 3600 AS t FROM gift_hourly WHERE account_id = ?1
          UNION ALL SELECT max(hour) * 3600 FROM gift_hourly WHERE account_id = ?1
          UNION ALL SELECT min(start_ts) FROM sessions WHERE account_id = ?1
          UNION ALL SELECT max(start_ts) FROM sessions WHERE account_id = ?1)""",
                     (account_id,)).fetchone()
    return row[0], row[1]


def add_payout(db: Database, account_id: int, values: dict[str, Any]) -> int:
    with db.atomic():
        occ = db.execute(
            "SELECT coalesce(max(occurrence), 0) + 1 FROM payouts WHERE account_id = ? AND"
            " requested_ts = ? AND coalesce(amount, '') = coalesce(?, '') AND"
            " coalesce(diamonds, -1) = coalesce(?, -1) AND currency = ? AND reference = ?",
            (account_id, values["requested_ts"], values.get("amount"), values.get("diamonds"),
             values["currency"], values.get("reference", ""))).fetchone()[0]
        cursor = db.execute(
            "INSERT INTO payouts (account_id, requested_ts, paid_ts, diamonds, amount, currency,"
            " usd, fee_usd, method, status, reference, occurrence) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, values["requested_ts"], values.get("paid_ts"), values.get("diamonds"),
             values.get("amount"), values["currency"], values.get("usd"), values.get("fee_usd"),
             values.get("method", ""), values.get("status", "paid"), values.get("reference", ""),
             occ))
    assert cursor.lastrowid is not None
    return cursor.lastrowid
