"""The shipped sample data, imported through the real importers as a user would.

The sample (data/sample/, made by tools/make_sample.py) runs 2026-08-02 .. 2026-10-30 in New
York time. Loaded for a day (`today`), every date in it moves by whole weeks so that its last
LIVE falls within the seven days before that day: "the last 30 days", the forecast and the
planner then tell a story that makes sense on the day the demo is opened, and every LIVE keeps
its weekday (a whole-week shift; the hour in New York may move by one where daylight saving
time differs). Without `today` the files load as shipped (the tests' fixed ledger).
"""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.services import accounts, importing
from app.store import queries

DEMO_HANDLE = "demo_creator"
DEMO_ZONE = "America/New_York"
DEMO_FILES = ("gift_log.csv", "sessions.csv", "payouts.csv")
# a date written before a time ("2026-10-31T01:30:16+00:00", "2026-10-31 01:30:16 UTC"); the
# ids, counts and references of the files hold no such text
DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=[T ]\d{2}:)")


def load_demo(db: Database, today: date | None = None) -> list[importing.ImportReport]:
    """Import the sample; with `today`, moved so that it ends in the week before it."""
    if queries.account_by_handle(db, DEMO_HANDLE) is None:
        accounts.add(db, DEMO_HANDLE, "US", DEMO_ZONE)
    if not queries.get_setting(db, "default_account"):
        queries.set_setting(db, "default_account", DEMO_HANDLE)
    folder = resources.files("app.data.sample")
    with resources.as_file(folder) as path, tempfile.TemporaryDirectory() as moved:
        files = [Path(path) / name for name in DEMO_FILES]
        if today is not None:
            files = shifted(files, shift_for(files, today), Path(moved))
        return importing.import_files(db, files, account=DEMO_HANDLE)


def last_live_day(sessions: Path) -> date:
    """The New York day of the sample's last LIVE (sessions.csv's starts are UTC)."""
    starts = [datetime.fromisoformat(line.split(",")[0].removesuffix(" UTC") + "+00:00")
              for line in sessions.read_text(encoding="utf-8").splitlines()[1:] if line]
    return max(starts).astimezone(ZoneInfo(DEMO_ZONE)).date()


def shift_for(files: list[Path], today: date) -> timedelta:
    """Whole weeks that put the last LIVE within the 7 days before `today`."""
    yesterday = today - timedelta(days=1)
    last = last_live_day(next(f for f in files if f.name == "sessions.csv"))
    return timedelta(days=(yesterday - last).days // 7 * 7)


def shifted(files: list[Path], by: timedelta, folder: Path) -> list[Path]:
    """Copies of `files` in `folder` with every date moved by `by` (times of day kept)."""
    def move(match: re.Match[str]) -> str:
        day = date(int(match[1]), int(match[2]), int(match[3])) + by
        return day.isoformat()

    out = []
    for source in files:
        target = folder / source.name
        target.write_text(DAY.sub(move, source.read_text(encoding="utf-8")), encoding="utf-8")
        out.append(target)
    return out
