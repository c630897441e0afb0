"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.core.money import plain, round_money
from app.services import accounts
from app.services.currency import converter
from app.services.money_views import ledger_view
from app.store import queries
from app.store.atomic import atomic_open, make_folder

EXPORT_KINDS = ("gifts", "payouts", "sessions", "summary")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_TIME_COLUMNS = frozenset({"ts", "start_ts", "end_ts", "requested_ts", "paid_ts"})
_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "gifts": [("time_utc", "ts"), ("room_id", "room_id"), ("sender_id", "sender_id"),
              ("sender_name", "sender_name"), ("gift_id", "gift_id"), ("gift_name", "gift_name"),
              ("repeat_count", "repeat_count"), ("coins_each", "coins_each"),
              ("coins_total", "coins_total"), ("import_id", "import_id")],
    "sessions": [("start_utc", "start_ts"), ("end_utc", "end_ts"), ("duration_s", "duration_s"),
                 ("room_id", "room_id"), ("title", "title"), ("diamonds", "diamonds"),
                 ("gifters", "gifters"), ("viewers", "viewers"), ("likes", "likes")],
    "payouts": [("requested_utc", "requested_ts"), ("paid_utc", "paid_ts"),
                ("diamonds", "diamonds"), ("amount", "amount"), ("currency", "currency"),
                ("usd", "usd"), ("fee_usd", "fee_usd"), ("method", "method"),
                ("status", "status"), ("reference", "reference")],
}


def export(db: Database, kind: str, out: Path, account: str | None = None) -> int:
    """Write `kind` to `out` as UTF-8 CSV (with BOM, so spreadsheets read it as UTF-8)."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export {kind!r}; choose " + ", ".join(EXPORT_KINDS))
    acct = accounts.resolve(db, account)
    if kind == "summary":
        v = ledger_view(db, acct)
        conv = converter(v.book, acct.region)
        header = ["day", "gifts", "coins", "diamonds", "usd", f"local_{conv.currency.lower()}",
                  "per_usd"]

        def local(day: date, usd: Decimal) -> list[str]:
            rate = conv.rate(day).per_usd
            if rate is None:
                return ["", ""]  # no exchange rate for the currency
            return [plain(usd * rate), plain(rate)]  # exact: the days add up to the total
        rows: Iterable[list[Any]] = ([d.day.isoformat(), d.gifts, d.coins, plain(d.diamonds),
                                      plain(round_money(d.usd, 4)), *local(d.day, d.usd)]
                                     for d in v.days)
    else:
        cols = _COLUMNS[kind]
        header = [c for c, _ in cols]
        rows = ([_iso(r[src]) if src in _TIME_COLUMNS else r[src] for _, src in cols]
                for r in queries.iter_table(db, kind, acct.id))
    make_folder(out)
    count = 0
    with atomic_open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(c) for c in row])
            count += 1
    return count
