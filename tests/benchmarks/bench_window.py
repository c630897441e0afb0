"""Window benchmark: cold start to the first painted window, and the Overview refresh on a
1M-gift ledger. A script that prints figures, not a pytest test.

    python tests/benchmarks/bench_window.py [--starts N] [--rows N] [--refreshes N]
        [--part all|start|refresh] [--side both|ours|baseline] [--ledger PATH] [--json]

- Cold start: a fresh interpreter each time, from spawn to the first painted frame of the
  main window on the demo ledger, against a bare QMainWindow holding one pyqtgraph PlotWidget
  started the same way, interleaved; medians and their ratio (target: within 1.5x). Each
  start's peak RSS is its own process's (wait4).
- Overview refresh: a ledger with `--rows` gifts (the CSV of bench_import.py; or `--ledger`,
  an existing one); `OverviewPage.refresh()` (valuing every day, the plan, the chart's
  setData) plus the repaint, timed `--refreshes` times; median and max (target: under 150 ms
  median). Baseline: a bare PlotWidget in a window of the same size showing the daily coin
  totals of the same ledger by a plain GROUP BY over its gift rows (what a straightforward
  script would do), query + setData + repaint, timed the same way.
- `--json` prints one JSON object (with this process's peak RSS) instead of the text;
  `--part` and `--side` pick what runs, so each side can be measured in its own process.
"""

from __future__ import annotations

import argparse
import json
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

SIZE = (1280, 800)

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

# the baseline's query: daily coins straight from the gift rows, no rollup
DAILY_SQL = ("SELECT ts / 86400 AS day, sum(coins_total) FROM gifts WHERE account_id = ?"
             " GROUP BY day ORDER BY day")


def rss_mb(kilobytes: float) -> float:
    """ru_maxrss in MB: kilobytes on Linux, bytes on macOS."""
    return kilobytes / (1024 * 1024) if sys.platform == "darwin" else kilobytes / 1024


def cold_start(code: str, *args: str) -> tuple[float, float]:
    """Seconds from spawn to exit of a fresh interpreter running `code`, and its peak MB."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"cold start child failed (exit {child.returncode})")
    return elapsed, rss_mb(usage.ru_maxrss)


def measure_starts(n: int, folder: Path) -> dict[str, list[float]]:
    from app.services.demo import load_demo
    from app.store.db import open_db
    ledger = folder / "demo.sqlite3"
    db = open_db(ledger)
    load_demo(db)
    db.close()
    cold_start(BARE), cold_start(OURS, str(ledger))  # warm the OS file cache once
    out: dict[str, list[float]] = {"bare_s": [], "ours_s": [], "bare_peak_mb": [],
                                   "ours_peak_mb": []}
    for _ in range(n):
        for side, code, args in (("bare", BARE, ()), ("ours", OURS, (str(ledger),))):
            seconds, peak = cold_start(code, *args)
            out[f"{side}_s"].append(seconds)
            out[f"{side}_peak_mb"].append(peak)
    return out


def starts(n: int, folder: Path) -> None:
    result = measure_starts(n, folder)
    b, o = statistics.median(result["bare_s"]), statistics.median(result["ours_s"])
    print(f"cold start to first painted window, median of {n}:")
    print(f"  bare QMainWindow + PlotWidget  {b * 1000:7.0f} ms")
    print(f"  Diamond Ledger (demo ledger)   {o * 1000:7.0f} ms   {o / b:.2f}x   (target <= 1.5x)")


def open_ledger(rows: int, folder: Path, ledger: Path | None) -> Path:
    """The big ledger: `ledger` if given, else one built here from the generated CSV."""
    if ledger is not None:
        return ledger
    path = folder / "big.sqlite3"
    bench_import.build_ledger(path, rows, 2026)
    return path


def timed_refreshes(refresh: object, n: int) -> list[float]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        refresh()  # type: ignore[operator]
        app.processEvents()  # type: ignore[union-attr]
        times.append((time.perf_counter() - started) * 1000)
    return times


def refresh_ours(path: Path, n: int) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from app.store.db import open_db
    from app.ui.window import MainWindow

    db = open_db(path)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(db)
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    times = timed_refreshes(window.overview.refresh, n)
    window.close()
    app.processEvents()
    db.close()
    return times


def refresh_baseline(path: Path, n: int) -> list[float]:
    import sqlite3

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QMainWindow

    conn = sqlite3.connect(path)
    (account,) = conn.execute("SELECT min(account_id) FROM gifts").fetchone()
    app = QApplication.instance() or QApplication([])
    window = QMainWindow()
    plot = pg.PlotWidget()
    window.setCentralWidget(plot)
    window.resize(*SIZE)
    window.show()
    curve = plot.plot([], [])
    app.processEvents()

    def refresh() -> None:
        rows = conn.execute(DAILY_SQL, (account,)).fetchall()
        curve.setData([r[0] for r in rows], [r[1] for r in rows])

    times = timed_refreshes(refresh, n)
    window.close()
    app.processEvents()
    conn.close()
    return times


def refreshes(rows: int, n: int, folder: Path, ledger: Path | None = None,
              side: str = "both") -> None:
    path = open_ledger(rows, folder, ledger)
    if side in ("both", "ours"):
        times = refresh_ours(path, n)
        print(f"Overview refresh on a {rows:,}-gift ledger, {n} times: median "
              f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms   (target < 150 ms)")
    if side in ("both", "baseline"):
        times = refresh_baseline(path, n)
        print(f"  baseline, PlotWidget + GROUP BY day over the gifts: median "
              f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--refreshes", type=int, default=15)
    parser.add_argument("--part", choices=["all", "start", "refresh"], default="all",
                        help="what to measure (default: both)")
    parser.add_argument("--side", choices=["both", "ours", "baseline"], default="both",
                        help="Overview refresh: ours, the baseline or both (default)")
    parser.add_argument("--ledger", type=Path,
                        help="an existing ledger with --rows gifts for the Overview refresh"
                             " (default: build one from the generated CSV)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of the text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = tmp  # never the user's settings or ledger
        folder = Path(tmp)
        if not args.json:
            if args.part in ("all", "start"):
                starts(args.starts, folder)
            if args.part in ("all", "refresh"):
                refreshes(args.rows, args.refreshes, folder, args.ledger, args.side)
            return
        result: dict[str, object] = {"benchmark": "window", "rows": args.rows}
        if args.part in ("all", "start"):
            result["cold_start"] = measure_starts(args.starts, folder)
        if args.part in ("all", "refresh"):
            path = open_ledger(args.rows, folder, args.ledger)
            if args.side in ("both", "ours"):
                result["refresh_ours_ms"] = refresh_ours(path, args.refreshes)
            if args.side in ("both", "baseline"):
                result["refresh_baseline_ms"] = refresh_baseline(path, args.refreshes)
        result["peak_mb"] = bench_import._peak_mb()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
