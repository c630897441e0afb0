"""Balance check-ins: the balance TikTok showed on a day, as the creator typed it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from app.core.valuation import CheckIn
from app.store.queries import rows


def add_checkin(db: Database, account_id: int, day: str, usd: str | None,
                diamonds: str | None, booked: bool) -> int:
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO checkins (account_id, day, usd, diamonds, booked) VALUES (?, ?, ?, ?, ?)",
            (account_id, day, usd, diamonds, int(booked)))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def checkins(db: Database, account_id: int) -> list[CheckIn]:
    found = rows(db, "SELECT id, day, usd, diamonds, booked FROM checkins"
                     " WHERE account_id = ? ORDER BY day, id", (account_id,))
    return [_checkin(r) for r in found]


def _checkin(r: dict[str, Any]) -> CheckIn:
    def figure(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return CheckIn(int(r["id"]), date.fromisoformat(str(r["day"])), figure(r["usd"]),
                   figure(r["diamonds"]), bool(r["booked"]))


def delete_checkin(db: Database, checkin_id: int) -> bool:
    with db.atomic():
        return db.execute("DELETE FROM checkins WHERE id = ?", (checkin_id,)).rowcount > 0
