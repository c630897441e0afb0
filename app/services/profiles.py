"""Saved column-mapping profiles: list, show, delete and import them (the `profiles` command)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.services.importing import read_profile
from app.store import queries


class ProfileError(Exception):
    """A profile that is not there; the message says which."""


def listed(db: Database) -> list[dict[str, Any]]:
    return [{"name": p["name"], "kind": p["kind"], "signature": p["signature"]}
            for p in queries.profiles(db)]


def exported(db: Database, name: str) -> str:
    """The profile's JSON: the format `profiles import` reads back."""
    found = queries.profile(db, name)
    if not found:
        raise ProfileError(f"no profile {name!r}")
    return str(found["mapping"])


def delete(db: Database, name: str) -> None:
    if not queries.delete_profile(db, name):
        raise ProfileError(f"no profile {name!r}")


def import_file(db: Database, path: Path) -> str:
    """Read a profile's JSON file (through the safe opener, checked) and save it; its name."""
    mapping = read_profile(path)
    queries.save_profile(db, mapping.name, mapping.kind, mapping.options.get("signature", ""),
                         mapping.to_json())
    return mapping.name
