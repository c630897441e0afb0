"""Has the ledger changed behind the window's back (the command line, another window)?

A `LedgerWatch` keeps one read-only connection and compares SQLite's data_version between
looks: it moves with every commit made through any other connection. Looking costs a few
microseconds, so the window can ask twice a second (on its worker, off the GUI thread).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlite_utils import Database

from app.store.db import data_version, db_file, watch_connection


class LedgerWatch:
    """Looks on the worker, closes from any thread (the window's end): a lock keeps the two
    apart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, db: Database) -> LedgerWatch | None:
        """A watch on the file behind `db`; None for a ledger in memory (nothing else can
        change it)."""
        path = db_file(db)
        return None if path is None else cls(path)

    def changed(self) -> bool:
        """True when a commit happened since the last look (never on the first look)."""
        with self._lock:
            if self._conn is None:
                self._conn = watch_connection(self.path)
            version = data_version(self._conn)
            moved = self._seen is not None and version != self._seen
            self._seen = version
            return moved

    def close(self) -> None:
        """Let go of the file; a later look opens it again and starts over."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._seen = None  # another connection's counts are not comparable
