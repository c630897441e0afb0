"""Which creator account a command works on."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlite_utils import Database

from app.core.account import Account, NewAccount
from app.core.zones import zone_problem
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


def timezone_problem(name: str) -> str | None:
    """Why `name` is not a time zone, in a sentence; None when it is one (app.core.zones)."""
    return zone_problem(name)


def valid_timezone(name: str) -> bool:
    return timezone_problem(name) is None


def provisional(handle: str | None) -> NewAccount:
    """An account not yet in the ledger (no id): what an import would create."""
    return NewAccount((handle or DEFAULT_HANDLE).lstrip("@"), "US", system_timezone())


def resolve_for_import(db: Database, handle: str | None) -> NewAccount:
    """The account an import goes to; a provisional one when it does not exist yet, so that
    a refused import writes nothing, not even an account."""
    try:
        return resolve(db, handle)
    except AccountError:
        return provisional(handle)


def create(db: Database, account: NewAccount) -> Account:
    return add(db, account.handle, account.region, account.timezone)


def resolve(db: Database, handle: str | None, *, create: bool = False) -> Account:
    """The named account, else the default one; created on first import when `create`."""
    if handle:
        handle = handle.lstrip("@")
        found = queries.account_by_handle(db, handle)
        if found:
            return found
        if not create:
            known = ", ".join(a.handle for a in queries.accounts(db)) or "none yet"
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
        ) -> Account:
    region = region.upper()
    if region not in rate_book().region_codes():
        raise AccountError(f"unknown region {region!r}; known: "
                           + ", ".join(rate_book().region_codes()))
    tz = (timezone or system_timezone()).strip()
    problem = timezone_problem(tz)
    if problem:
        raise AccountError(problem)
    queries.add_account(db, handle.lstrip("@"), region, tz)
    found = queries.account_by_handle(db, handle.lstrip("@"))
    assert found is not None
    return found


def set_up(db: Database, handle: str, region: str, timezone: str) -> Account:
    """The first-run setup: create the creator's account and make it the one every later
    import (and the window) uses. Nothing is written when any field is refused."""
    handle = handle.strip().lstrip("@").strip()
    if not handle:
        raise AccountError("Enter your TikTok handle, such as @yourname.")
    if queries.account_by_handle(db, handle):
        raise AccountError(f"@{handle} is already in this ledger.")
    problem = timezone_problem(timezone)
    if problem:
        raise AccountError(problem)
    account = add(db, handle, region, timezone)
    queries.set_setting(db, "default_account", handle)
    return account


def listed(db: Database) -> list[Account]:
    """Every account of the ledger, as `accounts` lists them."""
    return queries.accounts(db)


def change(db: Database, action: str, handle: str | None, region: str | None,
           timezone: str | None, make_default: bool = False) -> list[Account]:
    """`accounts add` or `accounts set`: add an account, or change one's region and time
    zone (each checked; nothing is written when one is refused); then every account."""
    if not handle:
        raise AccountError(f"accounts {action} needs a HANDLE")
    name = handle.lstrip("@")
    found = queries.account_by_handle(db, name)
    if action == "add":
        if found:
            raise AccountError(f"account {handle!r} exists already")
        add(db, handle, region or "US", timezone)
    else:
        if not found:
            raise AccountError(f"no account {handle!r}")
        code = (region or found.region).upper()
        tz = (timezone or found.timezone).strip()
        problem = timezone_problem(tz)
        if problem:
            raise AccountError(problem)
        if code not in rate_book().region_codes():
            raise AccountError(f"unknown region {code!r}")
        queries.update_account(db, found.id, code, tz)
    if make_default:
        queries.set_setting(db, "default_account", name)
    return listed(db)
