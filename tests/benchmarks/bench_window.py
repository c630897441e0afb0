"""Window benchmark: cold start to the first painted window, and the Overview refresh on a
1M-gift ledger. A script that prints figures, not a pytest test.

    python tests/benchmarks/bench_window.py [--starts N] [--rows N] [--refreshes N]

- Cold start: a fresh interpreter each time, from spawn to the first painted frame of the
  main window on the demo ledger, against a bare QMainWindow holding one pyqtgraph PlotWidget
  started the same way, interleaved; medians and their ratio (target: within 1.5x).
- Overview refresh: a ledger with `--rows` gifts (the CSV of bench_import.py) plus the demo's
  LIVEs and payouts; `OverviewPage.refresh()` (valuing every day, the plan, the chart's
  setData) timed `--refreshes` times; median and max (target: under 150 ms median).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import  # noqa: E402

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(pg.PlotWidget()); w.resize(1280, 800); w.show()
app.processEvents()
w.grab()
"""

OURS = """
import sys
from PySide6.QtWidgets import QApplication
from app.store.db import open_db
from app.ui.window import MainWindow
app = QApplication([])
w = MainWindow(open_db(sys.argv[1])); w.resize(1280, 800); w.show()
app.processEvents()
w.grab()
"""


def cold_start(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def starts(n: int, folder: Path) -> None:
    from app.services.demo import load_demo
    from app.store.db import open_db
    ledger = folder / "demo.sqlite3"
    db = open_db(ledger)
    load_demo(db)
    db.close()
    cold_start(BARE), cold_start(OURS, str(ledger))  # warm the OS file cache once
    bare, ours = [], []
    for _ in range(n):
        bare.append(cold_start(BARE))
        ours.append(cold_start(OURS, str(ledger)))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"cold start to first painted window, median of {n}:")
    print(f"  bare QMainWindow + PlotWidget  {b * 1000:7.0f} ms")
    print(f"  Diamond Ledger (demo ledger)   {o * 1000:7.0f} ms   {o / b:.2f}x   (target <= 1.5x)")


def refreshes(rows: int, n: int, folder: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.services import accounts
    from app.services.importing import import_files
    from app.store.db import open_db
    from app.ui.window import MainWindow

    csv_path, _ = bench_import.ensure_csv(rows, 2026)
    db = open_db(folder / "big.sqlite3")
    accounts.add(db, "bench", "US", "America/New_York")
    import_files(db, [csv_path], account="bench")
    app = QApplication.instance() or QApplication([])
    window = MainWindow(db)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        window.overview.refresh()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    window.close()
    print(f"Overview refresh on a {rows:,}-gift ledger, {n} times: median "
          f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms   (target < 150 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--refreshes", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = tmp  # never the user's settings or ledger
        starts(args.starts, Path(tmp))
        refreshes(args.rows, args.refreshes, Path(tmp))


if __name__ == "__main__":
    main()
