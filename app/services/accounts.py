"""Which creator account a command works on."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database

from app.services.reference import rate_book
from app.store import queries

DEFAULT_HANDLE = "me"


class AccountError(Exception):
    pass


def system_timezone() -> str:
    """The machine's IANA zone name when it can be found, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and valid_timezone(name):
            return name
    return "UTC"


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def provisional(handle: str | None) -> dict[str, Any]:
    """An account not yet in the ledger (id None): what an import would create."""
    return {"id": None, "handle": (handle or DEFAULT_HANDLE).lstrip("@"), "region": "US",
            "timezone": system_timezone()}


def resolve_for_import(db: Database, handle: str | None) -> dict[str, Any]:
    """The account an import goes to; a provisional one when it does not exist yet, so that
    a refused import writes nothing, not even an account."""
    try:
        return resolve(db, handle)
    except AccountError:
        return provisional(handle)


def create(db: Database, account: dict[str, Any]) -> dict[str, Any]:
    return add(db, account["handle"], account["region"], account["timezone"])


def resolve(db: Database, handle: str | None, *, create: bool = False) -> dict[str, Any]:
    """The named account, else the default one; created on first import when `create`."""
    if handle:
        handle = handle.lstrip("@")
        found = queries.account_by_handle(db, handle)
        if found:
            return found
        if not create:
            known = ", ".join(a["handle"] for a in queries.accounts(db)) or "none yet"
            raise AccountError(f"no account {handle!r} in this ledger (accounts: {known})")
        return add(db, handle)
    default = queries.get_setting(db, "default_account")
    if default:
        found = queries.account_by_handle(db, default)
        if found:
            return found
    existing = queries.accounts(db)
    if existing:
        return existing[0]
    if not create:
        raise AccountError("the ledger is empty: import a file or run `diamond-ledger demo`")
    return add(db, DEFAULT_HANDLE)


def add(db: Database, handle: str, region: str = "US", timezone: str | None = None
        ) -> dict[str, Any]:
    region = region.upper()
    if region not in rate_book().region_codes():
        raise AccountError(f"unknown region {region!r}; known: "
                           + ", ".join(rate_book().region_codes()))
    tz = timezone or system_timezone()
    if not valid_timezone(tz):
        raise AccountError(f"unknown time zone {tz!r} (use a name such as America/New_York)")
    queries.add_account(db, handle.lstrip("@"), region, tz)
    found = queries.account_by_handle(db, handle.lstrip("@"))
    assert found is not None
    return found
