"""Payout edits (the Payouts page) and what an undo would take away (the Imports page)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from app.store.queries import rows

# The columns a payout edit may set; account, import and source line stay as they were.
EDITABLE = ("requested_ts", "paid_ts", "diamonds", "amount", "currency", "usd", "fee_usd",
            "method", "status", "reference")
# What each batch kind put into which table.
BATCH_TABLES = {"gifts": "gifts", "sessions": "sessions", "payouts": "payouts"}


def payout(db: Database, payout_id: int) -> dict[str, Any] | None:
    found = rows(db, "SELECT * FROM payouts WHERE id = ?", (payout_id,))
    return found[0] if found else None


def _occurrence(db: Database, account_id: int, values: dict[str, Any], payout_id: int) -> int:
    """The next free occurrence number among payouts with the same key, this one left out,
    so an edit that makes two payouts identical keeps both (as two real withdrawals)."""
    row = db.execute(
        "SELECT coalesce(max(occurrence), 0) + 1 FROM payouts WHERE account_id = ? AND"
        " requested_ts = ? AND coalesce(amount, '') = coalesce(?, '') AND"
        " coalesce(diamonds, -1) = coalesce(?, -1) AND currency = ? AND reference = ?"
        " AND id != ?",
        (account_id, values["requested_ts"], values.get("amount"), values.get("diamonds"),
         values["currency"], values.get("reference", ""), payout_id)).fetchone()
    return int(row[0])


def update_payout(db: Database, payout_id: int, values: dict[str, Any]) -> bool:
    """Replace a payout's editable fields (all of them: a missing one becomes NULL/'')."""
    with db.atomic():
        found = db.execute("SELECT account_id FROM payouts WHERE id = ?",
                           (payout_id,)).fetchone()
        if found is None:
            return False
        full = {name: values.get(name) for name in EDITABLE}
        full["method"] = full["method"] or ""
        full["reference"] = full["reference"] or ""
        full["status"] = full["status"] or "paid"
        occurrence = _occurrence(db, int(found[0]), full, payout_id)
        db.execute(
            "UPDATE payouts SET " + ", ".join(f"{n} = ?" for n in EDITABLE)
            + ", occurrence = ? WHERE id = ?",
            (*(full[n] for n in EDITABLE), occurrence, payout_id))
    return True


def delete_payout(db: Database, payout_id: int) -> bool:
    with db.atomic():
        return db.execute("DELETE FROM payouts WHERE id = ?", (payout_id,)).rowcount > 0


def batch_rows_left(db: Database, import_id: int) -> int:
    """How many rows of a batch are still in the ledger: what an undo would remove now
    (a payout of the batch may have been deleted by hand since)."""
    found = db.execute("SELECT kind, first_row_id, last_row_id, undone_at FROM imports"
                       " WHERE id = ?", (import_id,)).fetchone()
    if found is None or found[3] is not None or found[1] is None:
        return 0
    table = BATCH_TABLES[str(found[0])]
    row = db.execute(f"SELECT count(*) FROM {table} WHERE id BETWEEN ? AND ?"
                     " AND import_id = ?", (found[1], found[2], import_id)).fetchone()
    return int(row[0])
