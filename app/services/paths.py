"""Where the ledger lives: --db, then DIAMOND_LEDGER_DB, then the platform's app-data folder.

The folder is the one QStandardPaths.AppDataLocation gives for this app, computed without Qt
so the command line starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "DiamondLedger"
DB_NAME = "ledger.sqlite3"


def app_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR / APP_DIR


def default_db_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("DIAMOND_LEDGER_DB")
    if env:
        return Path(env).expanduser()
    return app_data_dir() / DB_NAME
