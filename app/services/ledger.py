"""The ledger file as the window and the command line see it: opening it, and the errors the
store raises that they turn into messages. They import these from here, never the store
itself (an import-linter contract in pyproject.toml)."""

from __future__ import annotations

from app.store.atomic import WriteError, atomic_write_bytes, check_target
from app.store.backup import BackupError
from app.store.batches import Rejected, UndoError, rejected_rows
from app.store.db import LedgerError, explain, open_db

__all__ = ["BackupError", "LedgerError", "Rejected", "UndoError", "WriteError",
           "atomic_write_bytes", "check_target", "explain", "open_db", "rejected_rows"]
