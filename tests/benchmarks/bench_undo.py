"""Benchmark: Edit > Undo of a big import (journalled, so that Redo can restore it) against the
plain batch undo of the Imports page and the command line.

    .venv/bin/python tests/benchmarks/bench_undo.py [--rows 200000] [--repeat 3]

Imports a gift log of --rows rows into a fresh ledger, copies it, then on each copy measures

- baseline: `importing.undo` (the batch undo, nothing kept to redo with);
- ours, undo: the undo stack's first undo of that import (the same batch undo, its rows
  journalled into the side file by temporary triggers);
- ours, redo: the stack's redo (every row, id and rollup back from the journal, after a check
  that none of them changed);
- ours, undo again: the stack's reapply of the journalled undo (the check, then the delete).

Prints medians over --repeat rounds and each as a ratio to the baseline of the same run.
Not a timed test: it prints figures. All of it runs on the worker in the window.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.services import accounts, importing  # noqa: E402
from app.services.undo import UndoStack  # noqa: E402
from app.store.db import open_db  # noqa: E402

GIFTS = [("Rose", 1), ("Finger Heart", 5), ("Doughnut", 30), ("Lion", 29999)]


def gift_log(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("time,sender,gift,coins\n")
        for i in range(rows):
            name, coins = GIFTS[i % len(GIFTS)]
            day, second = divmod(i, 86_000)
            out.write(f"2026-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} "
                      f"{second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d},"
                      f"fan{i % 5000},{name},{coins}\n")
    return path


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def one_round(master: Path, folder: Path) -> dict[str, float]:
    base, ours = folder / "base.sqlite3", folder / "ours.sqlite3"
    shutil.copy(master, base)
    shutil.copy(master, ours)
    db = open_db(base)
    figures = {"baseline: batch undo": timed(lambda: importing.undo(db, 1))}
    db.close()
    stack = UndoStack(folder / "journal")
    db = open_db(ours)
    stack.pushed(stack.import_command("Import gifts.csv", [1])(db))
    undo = stack.undo_job()
    figures["ours: Undo Import (journalled)"] = timed(lambda: stack.undone(undo(db)))
    redo = stack.redo_job()
    figures["ours: Redo Import (restored)"] = timed(lambda: redo(db))
    stack.redone()
    again = stack.undo_job()
    figures["ours: Undo again (reapplied)"] = timed(lambda: again(db))
    db.close()
    stack.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        master = folder / "master.sqlite3"
        db = open_db(master)
        accounts.add(db, "me", "US", "UTC")
        importing.import_files(db, [gift_log(folder / "gifts.csv", args.rows)], kind="gifts")
        db.close()
        rounds = []
        for index in range(args.repeat):
            work = folder / f"round{index}"
            work.mkdir()
            rounds.append(one_round(master, work))
            shutil.rmtree(work)
    names = list(rounds[0])
    base = statistics.median(r[names[0]] for r in rounds)
    print(f"undo of an import of {args.rows:,} gift rows, median of {args.repeat} rounds")
    print("| what | median | ratio to the batch undo |")
    print("|---|---|---|")
    for name in names:
        median = statistics.median(r[name] for r in rounds)
        ratio = statistics.median(r[name] / r[names[0]] for r in rounds)
        print(f"| {name} | {median:.2f} s | {ratio:.1f}x |")
    print(f"(baseline {base:.2f} s)")


if __name__ == "__main__":
    main()
