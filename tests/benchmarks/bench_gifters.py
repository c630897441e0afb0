"""Gifters page benchmark: how long the GUI thread stalls, and how long until the leaderboard
and a gifter's history are on screen, on a 1M-gift ledger. A script, not a pytest test.

    python tests/benchmarks/bench_gifters.py [--rows N] [--seed S] [--runs K]

- The ledger: the gift CSV of bench_import.py imported into a ledger file, both built once
  per (rows, seed) and cached in $TMPDIR/diamond_ledger_bench/ (the ledger is ~150 MB per
  million rows; delete the folder to reclaim it).
- A 5 ms QTimer heartbeat runs on the GUI thread while the page opens (construct, show,
  load) and while a gifter is selected; the longest gap between two beats is the longest
  stall a user would feel (typing, scrolling, repainting all wait for it).
- "Shown" is the first beat at which the leaderboard rows (or the selected gifter's
  history heading) are in the page: the figures have a 5 ms resolution.
- Three ways, interleaved in each run (alternating their order, as the machine drifts):
  "background", the page as shipped (a big ledger is read on the ledger's worker thread);
  "inline", the same page told to read on the GUI thread (what it did before, and still does
  below INLINE_GIFTS); "bare", the baseline: a QTableView over the plainest model holding as
  many rows, built and shown the same way, and one of its rows selected.
- Each run opens a new page on one connection, as the window does, waits for the top
  gifter's history, then selects gifter number 1 + run (the history of a top gifter: the
  longest to read); medians of `--runs` runs, after one warm-up run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import  # noqa: E402
from heartbeat import BEAT_MS, SIZE, Heartbeat, longest_gap_ms, quiet, settle  # noqa: E402

LEDGER_VERSION = 1  # bump when the cached ledger must be rebuilt
TIMEOUT_S = 120.0


# ---- the ledger (cached) ----------------------------------------------------------------------

def ensure_ledger(rows: int, seed: int) -> Path:
    """The ledger of the bench CSV, imported once and kept next to the CSV."""
    from app.services import accounts
    from app.services.importing import import_files
    from app.store.db import open_db
    from app.store.schema import known

    csv_path, _facts = bench_import.ensure_csv(rows, seed)
    # named after the schema too: a ledger cached by a build with other migrations (another
    # branch) is refused by open_db as "of a newer Diamond Ledger"
    schema = hashlib.sha1("|".join(known()).encode()).hexdigest()[:8]
    path = csv_path.with_name(f"ledger_{rows}_s{seed}_v{bench_import.GENERATOR_VERSION}"
                              f".{LEDGER_VERSION}_{schema}.sqlite3")
    if path.exists():
        migrate_quietly(path)
        return path
    print(f"importing {rows:,} gifts into {path} ...", file=sys.stderr, flush=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = open_db(partial)
    try:
        accounts.add(db, "bench", "US", "America/New_York")
        reports = import_files(db, [csv_path], account="bench")
        if reports[0].inserted != rows:
            raise SystemExit(f"imported {reports[0].inserted:,} rows, expected {rows:,}")
    finally:
        db.close()
    partial.rename(path)
    return path


def migrate_quietly(path: Path) -> None:
    """Bring a cached ledger up to the current schema without the backup copy that opening it
    in the app would write first (150 MB a time: the cache is disposable)."""
    from sqlite_utils import Database

    from app.store.schema import migrate

    db = Database(path)
    try:
        migrate(db)
    finally:
        db.close()


# ---- measuring on the GUI thread --------------------------------------------------------------

class Beats:
    """A heartbeat on the GUI thread; `run(action, done)` returns (longest gap, time to done),
    both in ms from the moment `action` starts."""

    def __init__(self) -> None:
        self.heart = Heartbeat()

    def run(self, action: Callable[[], object], done: Callable[[], bool]) -> tuple[float, float]:
        deadline = time.perf_counter() + TIMEOUT_S
        ready: list[float] = []

        def stop(now: float) -> bool:
            if not ready and (done() or now > deadline):
                ready.append(now)
            return bool(ready)
        ticks = self.heart.run(action, stop)
        if not done():
            raise SystemExit(f"nothing shown after {TIMEOUT_S:.0f} s")
        return longest_gap_ms(ticks), (ready[0] - ticks[0]) * 1000


# ---- the pages --------------------------------------------------------------------------------

def bare_page(rows: int) -> Any:
    """A QTableView over the plainest model with `rows` x 9 cells of text."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

    class Plain(QAbstractTableModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else rows

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else 9

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{index.row():,}"
            return None

    page = QWidget()
    page.table = QTableView(page)  # type: ignore[attr-defined]
    page.model = Plain(page)  # type: ignore[attr-defined]
    page.table.setModel(page.model)  # type: ignore[attr-defined]
    QVBoxLayout(page).addWidget(page.table)  # type: ignore[attr-defined]
    return page


def open_page(beats: Beats, make: Callable[[], Any]) -> tuple[Any, float, float]:
    holder: list[Any] = []

    def action() -> None:
        page = make()
        page.resize(*SIZE)
        page.show()
        holder.append(page)

    stall, ms = beats.run(action, lambda: bool(holder) and holder[0].model.rowCount() > 0)
    return holder[0], stall, ms


def open_quietly(app: Any, make: Callable[[], Any]) -> float:
    """Ms from construction until the leaderboard is in the page, with no heartbeat: the
    beats take the GIL 200 times a second, which slows a read on another thread."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    started = time.perf_counter()
    page = make()
    page.resize(*SIZE)
    signal = getattr(page, "board_loaded", None)
    if signal is not None:
        signal.connect(loop.quit)
    page.show()
    if page.model.rowCount() == 0:
        loop.exec()
    ms = (time.perf_counter() - started) * 1000
    close(app, page)
    return ms


def history_of(page: Any, row: int) -> Callable[[], bool]:
    """Done when the history of the gifter in `row` is on screen (no load pending)."""
    def done() -> bool:
        gifter = page.model.gifter_at(row)
        loading = getattr(page, "loading", False)
        return (gifter is not None and not loading
                and page.history_heading.text().startswith(f"{gifter.name} \u00b7"))
    return done


def close(app: Any, page: Any) -> None:
    page.close()
    page.deleteLater()
    settle(app)


# ---- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true",
                        help="end with one JSON object: rows for run_all.py's table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="diamond-ledger-bench-") as home:
        os.environ["HOME"] = home  # never the user's settings or ledger
        path = ensure_ledger(args.rows, args.seed)
        results, n_gifters = run(path, args.rows, args.runs)
    report(results, args.rows, n_gifters, args.runs)
    if args.json:
        print(json.dumps({"table": table_rows(results, args.rows)}))


def table_rows(results: dict[str, dict[str, list[float]]], rows: int) -> list[dict[str, str]]:
    """The longest GUI-thread stalls of the page as shipped against a bare table page."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = []
    for key, what in (("open stall", "open"), ("select stall", "select a gifter")):
        ours, bare = (statistics.median(results[m][key]) for m in ("background", "bare"))
        out.append({"benchmark": f"Gifters page on {rows:,} gifts, {what}: longest GUI stall",
                    "ours": f"{ours:.0f} ms", "baseline": f"{bare:.0f} ms (a bare table page)",
                    "ratio": f"{ours / max(bare, 1):.2f}x", "target": "(no frame > 50 ms)",
                    "peak": f"{peak:.0f} MB (one process, all modes)"})
    return out


MODES = ("background", "inline", "bare")  # our page as it is; reading on the GUI thread; bare


def run(path: Path, rows: int, runs: int) -> tuple[dict[str, dict[str, list[float]]], int]:
    from PySide6.QtCore import qInstallMessageHandler

    from app.store.db import open_db
    from app.ui.main import application, tune_gc

    app = application()
    qInstallMessageHandler(quiet)
    db = open_db(path)
    tune_gc()
    beats = Beats()
    results: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    n_gifters = 0
    for i in range(runs + 1):  # run 0 warms the OS file cache and is not counted
        row = 1 + i  # a different top gifter each run: no result cached anywhere
        line = []
        for mode in MODES if i % 2 == 0 else reversed(MODES):  # the machine drifts
            figures = one_run(app, beats, db, mode, row, n_gifters)
            n_gifters = n_gifters or int(figures.pop("gifters"))
            figures.pop("gifters", None)
            line.append(f"{mode} " + " ".join(f"{v:.0f}" for v in figures.values()))
            if i:
                for key, value in figures.items():
                    results[mode].setdefault(key, []).append(value)
        print(f"run {i}{' (warm-up)' if not i else ''}: " + " | ".join(line), flush=True)
    db.close()
    return results, n_gifters


def one_run(app: Any, beats: Beats, db: Any, mode: str, row: int,
            n_gifters: int) -> dict[str, float]:
    from app.ui.pages import gifters

    if mode == "bare":
        page, stall, shown = open_page(beats, lambda: bare_page(n_gifters))
        sel_stall, sel_shown = beats.run(lambda: page.table.selectRow(row),
                                         lambda: page.table.currentIndex().row() == row)
        close(app, page)
        return {"open stall": stall, "open shown": shown, "page done": shown,
                "select stall": sel_stall, "select shown": sel_shown,
                "quiet shown": open_quietly(app, lambda: bare_page(n_gifters)), "gifters": 0}
    inline = 0 if mode == "background" else 10**12
    page, stall, shown = open_page(beats, lambda: gifters.Page(db, inline_below=inline))
    count = page.model.rowCount()
    done_stall, done_ms = beats.run(lambda: None, history_of(page, 0))
    sel_stall, sel_shown = beats.run(lambda: page.table.selectRow(row), history_of(page, row))
    close(app, page)
    quiet = open_quietly(app, lambda: gifters.Page(db, inline_below=inline))
    return {"open stall": max(stall, done_stall), "open shown": shown,
            "page done": shown + done_ms, "select stall": sel_stall,
            "select shown": sel_shown, "quiet shown": quiet, "gifters": count}


def report(results: dict[str, dict[str, list[float]]], rows: int, n_gifters: int,
           runs: int) -> None:
    print(f"\nGifters page on {rows:,} gifts ({n_gifters:,} gifters), medians of {runs} runs"
          f" (max in brackets), heartbeat every {BEAT_MS} ms, {SIZE[0]}x{SIZE[1]} offscreen")
    print(f"{'':<40}" + "".join(f"{m:>20}" for m in MODES))
    labels = {"open stall": "open: longest GUI-thread stall",
              "open shown": "open: leaderboard shown after",
              "page done": "open: top gifter's history shown after",
              "select stall": "select a gifter: longest stall",
              "select shown": "select a gifter: history shown after",
              "quiet shown": "open, no heartbeat: leaderboard after"}
    for key, label in labels.items():
        cells = []
        for mode in MODES:
            values = results[mode][key]
            cells.append(f"{statistics.median(values):9.0f} ({max(values):5.0f}) ms")
        print(f"{label:<40}" + "".join(f"{c:>20}" for c in cells))
    print("background: the page as shipped (reads on the ledger's worker); inline: the same"
          " page reading on the GUI thread (as before); bare: a QTableView over a plain model"
          " with as many rows")


if __name__ == "__main__":
    main()
