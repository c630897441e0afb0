"""Gifts table benchmark: a 1M-gift ledger, the Gifts page offscreen at 1280x800, scrolled
from top to bottom a page at a time. A script that prints figures, not a pytest test.

    python tests/benchmarks/bench_gifts_table.py [--rows N] [--seed S] [--stride K] [--jumps J]

- Imports the gift CSV of bench_import.py (generated once, cached in $TMPDIR/
  diamond_ledger_bench/) into a new ledger in a temporary folder, removed afterwards.
- Times the first show of the page (construct, show, first paint).
- Scrolls the table from the top to the bottom in steps of one scrollbar page (`--stride`
  pages per step to go faster); each step is set value + processEvents (which paints the
  table once), timed. Prints median, 95th percentile and max frame times.
- Then, for the sorts by coins (index) and by sender (a sorted snapshot), times the header
  click and `--jumps` random scrollbar jumps (a dragged scrollbar), and a few filters.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import  # noqa: E402

SIZE = (1280, 800)


def build_ledger(folder: Path, rows: int, seed: int) -> tuple[object, float]:
    from app.services import accounts
    from app.services.importing import import_files
    from app.store.db import open_db

    csv_path, _facts = bench_import.ensure_csv(rows, seed)
    db = open_db(folder / "bench.sqlite3")
    accounts.add(db, "bench", "US", "America/New_York")
    started = time.perf_counter()
    reports = import_files(db, [csv_path], account="bench")
    if reports[0].inserted != rows:
        raise SystemExit(f"imported {reports[0].inserted:,} rows, expected {rows:,}")
    return db, time.perf_counter() - started


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def frame(app: object) -> None:
    """One step's frame: the scroll, the page reads and the paint all happen in here
    (checked: exactly one paint of the table per step)."""
    app.processEvents()  # type: ignore[attr-defined]


def first_show(app: object, db: object) -> tuple[object, float]:
    from app.ui.pages.gifts import Page

    holder: list[object] = []

    def show() -> None:
        page = Page(db)  # type: ignore[arg-type]
        page.resize(*SIZE)
        page.show()
        frame(app)
        holder.append(page)

    ms = timed(show)
    return holder[0], ms


def step_to(app: object, bar: object, value: int) -> float:
    """Milliseconds to move the scrollbar to `value` and show the frame."""
    started = time.perf_counter()
    bar.setValue(value)  # type: ignore[attr-defined]
    frame(app)
    return (time.perf_counter() - started) * 1000


def scroll_through(app: object, page: object, stride: int) -> list[float]:
    bar = page.table.verticalScrollBar()  # type: ignore[attr-defined]
    step = max(1, bar.pageStep() * stride)
    return [step_to(app, bar, min(value, bar.maximum()))
            for value in range(0, bar.maximum() + step, step)]


def jumps(app: object, page: object, count: int, seed: int) -> list[float]:
    bar = page.table.verticalScrollBar()  # type: ignore[attr-defined]
    rng = random.Random(seed)
    return [step_to(app, bar, rng.randint(0, bar.maximum())) for _ in range(count)]


def stats(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{label:<44} n={len(times):>6,}  median {statistics.median(times):6.1f} ms"
            f"  p95 {p95:6.1f} ms  max {max(times):7.1f} ms")


def sort_and_jump(app: object, page: object, column: int, name: str, n: int) -> None:
    from PySide6.QtCore import Qt

    table = page.table  # type: ignore[attr-defined]
    ms = timed(lambda: (table.sortByColumn(column, Qt.SortOrder.DescendingOrder),
                        frame(app)))
    print(f"sort by {name:<36} {ms:8.1f} ms (click to first frame)")
    print(stats(f"  random jumps, sorted by {name}", jumps(app, page, n, 7)))
    print(stats(f"  scroll 200 pages, by {name}", scroll_some(app, page, 200)))


def scroll_some(app: object, page: object, pages: int) -> list[float]:
    bar = page.table.verticalScrollBar()  # type: ignore[attr-defined]
    start = bar.maximum() // 3
    step_to(app, bar, start)
    return [step_to(app, bar, start + i * bar.pageStep()) for i in range(1, pages + 1)]


def filters(app: object, page: object) -> None:
    """Sorted by time: the count, the gift mix and the first page of each filter."""
    for label, text in (("search 'star' (LIKE scan)", "star"), ("search cleared", "")):
        def apply(text: str = text) -> None:
            page.search.setText(text)  # type: ignore[attr-defined]
            page.apply_filters()  # type: ignore[attr-defined]
            frame(app)
        ms = timed(apply)
        print(f"filter {label:<37} {ms:8.1f} ms  rows {page.model.rowCount():,}")  # type: ignore


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--stride", type=int, default=1,
                        help="scrollbar pages per measured step (1 = every page)")
    parser.add_argument("--jumps", type=int, default=50)
    args = parser.parse_args()
    from app.ui.main import application

    app = application()
    with tempfile.TemporaryDirectory(prefix="diamond-ledger-bench-") as folder:
        db, import_s = build_ledger(Path(folder), args.rows, args.seed)
        print(f"ledger: {args.rows:,} gifts imported in {import_s:.1f} s")
        page, show_ms = first_show(app, db)
        from app.ui.main import tune_gc
        tune_gc()  # as the app does once its window is shown
        model = page.model  # type: ignore[attr-defined]
        print(f"{'first show of the Gifts page':<44} {show_ms:8.1f} ms (1280x800, offscreen)")
        times = scroll_through(app, page, args.stride)
        print(stats("scroll top to bottom, by time", times))
        print(f"  pages read {model.pages_read:,}, rows held {model.cached_rows:,}"
              f" of {model.rowCount():,}")
        filters(app, page)
        sort_and_jump(app, page, 4, "coins (index)", args.jumps)
        sort_and_jump(app, page, 1, "sender (snapshot)", args.jumps)
        print(f"peak RSS {peak_mb():.0f} MB")
        model.close()
        page.close()  # type: ignore[attr-defined]
        db.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
