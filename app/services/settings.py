"""An account's own settings, kept in the ledger: its region (whose rates value its diamonds)
and its time zone (which decides what "a day" is). The Settings dialog reads and writes them
here; the checks are those of app.services.accounts, so the command line agrees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from zoneinfo import available_timezones

from sqlite_utils import Database

from app.core.account import Account
from app.services import accounts
from app.services.accounts import AccountError
from app.services.reference import data_text, rate_book
from app.store import queries

__all__ = ["AccountError", "Region", "current_account", "problem", "regions", "save_account",
           "timezones"]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    currency: str

    def label(self) -> str:
        return f"{self.name} ({self.code}) \u00b7 {self.currency}"


@cache
def regions() -> tuple[Region, ...]:
    """The regions the rate tables know, with the currency they pay out in today."""
    names = {r["region"]: r.get("name", r["region"])
             for r in json.loads(data_text("regions.json"))["regions"]}
    book = rate_book()
    return tuple(Region(code, names.get(code, code), book.region(code, date.today()).currency)
                 for code in book.region_codes())


@cache
def timezones() -> tuple[str, ...]:
    """IANA zone names, sorted; the legacy aliases ("US/Eastern", "Etc/GMT+5") left out."""
    return tuple(sorted(z for z in available_timezones()
                        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))
                 ) + ("UTC",)


def current_account(db: Database) -> Account | None:
    """The account the window shows (None while the ledger is empty)."""
    try:
        return accounts.resolve(db, None)
    except AccountError:
        return None


def problem(region: str, timezone: str) -> str | None:
    """Why these cannot be saved, in a sentence; None when they can."""
    if region.upper() not in rate_book().region_codes():
        return f"Unknown region {region!r}."
    return accounts.timezone_problem(timezone)


def save_account(db: Database, account_id: int, region: str, timezone: str) -> bool:
    """Store the account's region and time zone; False when nothing changed."""
    reason = problem(region, timezone)
    if reason:
        raise AccountError(reason)
    region, timezone = region.upper(), timezone.strip()
    before = next((a for a in queries.accounts(db) if a.id == account_id), None)
    if before is None:
        raise AccountError(f"no account {account_id} in this ledger")
    if (before.region, before.timezone) == (region, timezone):
        return False
    queries.update_account(db, account_id, region, timezone)
    return True
