"""The shipped sample data, imported through the real importers as a user would."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlite_utils import Database

from app.services import accounts, importing
from app.store import queries

DEMO_HANDLE = "demo_creator"
DEMO_FILES = ("gift_log.csv", "sessions.csv", "payouts.csv")


def load_demo(db: Database) -> list[importing.ImportReport]:
    if queries.account_by_handle(db, DEMO_HANDLE) is None:
        accounts.add(db, DEMO_HANDLE, "US", "America/New_York")
    if not queries.get_setting(db, "default_account"):
        queries.set_setting(db, "default_account", DEMO_HANDLE)
    folder = resources.files("app.data.sample")
    with resources.as_file(folder) as path:
        files = [Path(path) / name for name in DEMO_FILES]
        return importing.import_files(db, files, account=DEMO_HANDLE)
