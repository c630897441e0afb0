"""Shared helpers for the importer, import-service and CLI tests (plain pytest, no Qt).

Files are written as real bytes in real encodings; ledgers are real SQLite files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.services import accounts
from app.store.db import open_db

GIFT_HEADER = "time,sender,gift,coins"


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` in `encoding` (bytes are written as they are)."""
    data = text if isinstance(text, bytes) else text.encode(encoding)
    path.write_bytes(data)
    return path


def ledger(tmp_path: Path, region: str = "US", timezone: str = "UTC",
           handle: str = "me", name: str = "ledger.sqlite3") -> Database:
    """A fresh ledger file with one default account (so imports do not have to create one)."""
    db = open_db(tmp_path / name)
    accounts.add(db, handle, region, timezone)
    return db


def ts(text: str) -> int:
    """'2026-08-03 10:00:00' (UTC) -> epoch seconds."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def gift_lines(start: int, stop: int) -> list[str]:
    """Distinct gift rows numbered start..stop-1 (one a minute, different senders)."""
    base = ts("2026-08-03 00:00:00")
    rows = []
    for i in range(start, stop):
        when = datetime.fromtimestamp(base + 60 * i, UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(f"{when},fan{i},Rose,1")
    return rows


def gift_csv(path: Path, rows: list[str], header: str = GIFT_HEADER) -> Path:
    return write(path, header + "\n" + "\n".join(rows) + "\n")


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sqlite_sequence included): equal snapshots = nothing written."""
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()]
    return {name: sorted(db.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr)
            for name in names}


def counts(db: Database) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(db).items()}


def gifts(db: Database) -> list[dict[str, Any]]:
    cursor = db.execute("SELECT * FROM gifts ORDER BY ts, source_line")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def table(db: Database, name: str) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM [{name}] ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def rejected(db: Database, import_id: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT import_id, line, reason, raw, skipped FROM rejected_rows"
    params: tuple[Any, ...] = ()
    if import_id is not None:
        sql += " WHERE import_id = ?"
        params = (import_id,)
    cursor = db.execute(sql + " ORDER BY import_id, line", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def wrap_open_db(monkeypatch: Any, wrapper: Any) -> None:
    """Every ledger the CLI or window opens goes through `wrapper(original, *args, **kwargs)`.

    The CLI and the window open the ledger through `app.services.ledger`, the importers' preview
    through `app.store.db`: both names are patched, so no caller slips past the fault.
    """
    from app.services import ledger as services_ledger
    from app.store import db as store_db
    original = store_db.open_db

    def opened(*args: Any, **kwargs: Any) -> Any:
        return wrapper(original, *args, **kwargs)

    monkeypatch.setattr(store_db, "open_db", opened)
    monkeypatch.setattr(services_ledger, "open_db", opened)


def open_import_dialog(qtbot: Any, db_path: Path, *paths: Path) -> Any:
    """The import dialog on `paths`, shown, once it has read them."""
    from app.ui.dialogs.import_dialog import ImportDialog
    dialog = ImportDialog(db_path, list(paths))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.idle, timeout=20_000)
    return dialog


def shown_window(qtbot: Any, db: object) -> Any:
    """The main window on `db`, shown (offscreen) and exposed; qtbot closes it after the test
    (fixtures that yield it close it themselves first)."""
    from app.ui.window import MainWindow
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def hold_the_worker(timeout_s: float) -> Any:
    """Keep the ledger's one worker thread busy until the returned event is set (or
    `timeout_s` passed), so jobs started meanwhile queue up behind it."""
    import threading

    from app.ui import worker

    release, running = threading.Event(), threading.Event()

    def wait(_progress: Any, _cancel: Any) -> None:
        running.set()
        release.wait(timeout_s)

    worker.Worker(wait).start()
    assert running.wait(timeout_s)
    return release
