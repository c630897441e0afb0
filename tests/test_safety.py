"""A creator's ledger survives a killed import, and the app never opens a network connection."""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services.demo import load_demo
from app.services.importing import import_files
from app.services.money_views import plan, summary
from app.store.db import open_db

ROWS = 150_000


def _big_gift_csv(path: Path) -> Path:
    rnd = random.Random(7)
    start = 1_780_000_000  # 2026-05-28
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,user_id,nickname,gift_id,gift_name,repeat_count,coins\n")
        for i in range(ROWS):
            fan = rnd.randrange(3000)
            out.write(f"{start + i * 7},{fan},fan{fan},5655,Rose,{rnd.randint(1, 9)},1\n")
    return path


def _state(db_path: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        checks = {"gifts": "sum(id * 7 + coins_total)", "gift_hourly": "sum(hour * gifts + coins)",
                  "imports": "sum(id + inserted)", "rejected_rows": "sum(id)",
                  "accounts": "sum(id)"}
        return tuple(conn.execute(f"SELECT count(*), coalesce({expr}, 0) FROM {table}").fetchone()
                     for table, expr in checks.items())
    finally:
        conn.close()


IMPORTER = """
import sys
from pathlib import Path
from app.store.db import open_db
from app.services.importing import import_files
db = open_db(sys.argv[1])
print("started", flush=True)
import_files(db, [Path(sys.argv[2])])
print("done", flush=True)
"""


def test_killing_an_import_at_random_moments_leaves_the_ledger_as_it_was(tmp_path: Path):
    db_path = tmp_path / "ledger.sqlite3"
    db = open_db(db_path)
    load_demo(db)
    db.close()
    before = _state(db_path)
    csv_path = _big_gift_csv(tmp_path / "big.csv")
    rnd = random.Random(2026)
    kills = mid_write = 0
    journal = db_path.with_name(db_path.name + "-journal")
    for _ in range(8):
        with subprocess.Popen([sys.executable, "-c", IMPORTER, str(db_path), str(csv_path)],
                              stdout=subprocess.PIPE, text=True) as child:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "started"
            time.sleep(rnd.uniform(0.0, 1.2))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                kills += 1
            child.wait(timeout=60)
        # a hot journal left behind means the kill hit an open write transaction
        mid_write += journal.exists() and journal.stat().st_size > 0
        if child.returncode == 0:  # it finished before the kill: undo to keep comparing
            db = open_db(db_path)
            last = db.execute("SELECT max(id) FROM imports").fetchone()[0]
            from app.services.importing import undo
            undo(db, last)
            db.execute("DELETE FROM imports WHERE id = ?", (last,))
            db.close()
            continue
        assert _state(db_path)[:2] == before[:2]  # gifts and rollup exactly as before
        assert _state(db_path)[2] == before[2]  # no half-written batch
    assert kills >= 4, "the import finished too fast to be killed: make the file bigger"
    assert mid_write >= 2, "no kill landed inside the write transaction"
    db = open_db(db_path)  # the next start works and the ledger still adds up
    s, _ = summary(db)
    assert (s.gifts, s.coins, s.diamonds) == (1974, 202_704, 203_208)
    db.close()


def test_a_whole_session_opens_no_network_connection(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []

    def refuse(name: str):
        def blocked(*args: object, **kwargs: object) -> None:
            calls.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError("network access attempted")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))

    db = open_db(tmp_path / "ledger.sqlite3")
    load_demo(db)
    csv_path = tmp_path / "more.csv"
    csv_path.write_text("time,sender,gift,coins\n2026-10-01T10:00:00Z,ann,Rose,1\n")
    import_files(db, [csv_path])
    summary(db)
    plan(db)
    from app.services.exporting import export
    export(db, "gifts", tmp_path / "gifts.csv")
    db.close()
    from app.ui.main import run_window
    assert run_window(db_path=str(tmp_path / "ledger.sqlite3"), demo=False,
                      screenshot=str(tmp_path / "shots")) == 0
    assert calls == []
