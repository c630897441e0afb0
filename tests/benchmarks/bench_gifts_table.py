"""Gifts table benchmark: a 1M-gift ledger, the Gifts page offscreen at 1280x800, scrolled
from top to bottom a page at a time. A script that prints figures, not a pytest test.

    python tests/benchmarks/bench_gifts_table.py [--rows N] [--seed S] [--stride K] [--jumps J]
        [--ledger PATH] [--side ours|baseline|both] [--scroll-only] [--json]

- Imports the gift CSV of bench_import.py (generated once, cached in $TMPDIR/
  diamond_ledger_bench/) into a new ledger in a temporary folder, removed afterwards.
- Times the first show of the page (construct, show, first paint).
- Scrolls the table from the top to the bottom in steps of one scrollbar page (`--stride`
  pages per step to go faster); each step is set value + processEvents (which paints the
  table once), timed. Prints median, 95th percentile and max frame times.
- Then, for the sorts by coins and by sender (both paged by an order of ids read on the
  worker), times the header click until the sorted rows show, and `--jumps` random
  scrollbar jumps (a dragged scrollbar), and a few filters.
- Baseline (`--side baseline` or `both`): Qt's floor, a bare QTableView with the same columns,
  row height and size as ours, over a model that holds `--rows` rows of ready-made text (the
  first 1,000 lines of the CSV, repeated), scrolled top to bottom the same way.
- `--ledger PATH` uses an existing ledger of `--rows` gifts instead of importing the CSV;
  `--json` prints one JSON object (scroll figures and this process's peak RSS) instead of
  the text and skips the sorts and filters, as does `--scroll-only`.
"""

from __future__ import annotations

import argparse
import csv
import json
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


def build_ledger(folder: Path, rows: int, seed: int, ledger: Path | None = None
                 ) -> tuple[object, float]:
    from app.services import accounts
    from app.services.importing import import_files
    from app.store.db import open_db

    if ledger is not None:
        return open_db(ledger), 0.0
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
        loaded(app, page)
        holder.append(page)

    ms = timed(show)
    return holder[0], ms


def loaded(app: object, page: object) -> None:
    """Until the page's read on the ledger's worker (a list, a search, a sort) is shown."""
    while getattr(page, "loading", False):
        app.processEvents()  # type: ignore[attr-defined]
    frame(app)


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


def summarise(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"frames": len(times), "median_ms": statistics.median(times),
            "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
            "max_ms": ordered[-1]}


def stats(label: str, times: list[float]) -> str:
    s = summarise(times)
    return (f"{label:<44} n={len(times):>6,}  median {s['median_ms']:6.1f} ms"
            f"  p95 {s['p95_ms']:6.1f} ms  max {s['max_ms']:7.1f} ms")


def sort_and_jump(app: object, page: object, column: int, name: str, n: int) -> None:
    from PySide6.QtCore import Qt

    table = page.table  # type: ignore[attr-defined]
    ms = timed(lambda: (table.sortByColumn(column, Qt.SortOrder.DescendingOrder),
                        loaded(app, page)))
    print(f"sort by {name:<36} {ms:8.1f} ms (click to first sorted frame, read on the"
          " worker)")
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
            loaded(app, page)
        ms = timed(apply)
        print(f"filter {label:<37} {ms:8.1f} ms  rows {page.model.rowCount():,}")  # type: ignore


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def csv_texts(rows: int, seed: int, n: int = 1000) -> list[tuple[str, ...]]:
    """The first `n` lines of the generated CSV as the cells of a row (8 columns, as ours)."""
    csv_path, _facts = bench_import.ensure_csv(rows, seed)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(r[0], r[2], r[4], r[5], r[6], r[6], r[6], "\u2014")
                for r, _ in zip(reader, range(n), strict=False)]


def bare_table(rows: int, texts: list[tuple[str, ...]], size: tuple[int, int]) -> object:
    """Qt's floor: a bare QTableView of `size` over `rows` rows of ready-made text."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QHeaderView, QTableView

    from app.ui.models.gift_table import COLUMNS
    from app.ui.pages.gifts import column_widths
    from app.ui.tablemodels import ROW_HEIGHT

    display = Qt.ItemDataRole.DisplayRole

    class BareModel(QAbstractTableModel):
        def rowCount(self, parent: object = QModelIndex()) -> int:  # noqa: B008
            return rows

        def columnCount(self, parent: object = QModelIndex()) -> int:  # noqa: B008
            return len(texts[0])

        def data(self, index: QModelIndex, role: int = display) -> object:
            if role == display:
                return texts[index.row() % len(texts)][index.column()]
            return None

    view = QTableView()
    model = BareModel(view)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.horizontalHeader().setStretchLastSection(True)
    widths = column_widths(view.fontMetrics(), [c.title for c in COLUMNS])
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    view.resize(*size)
    return view


def scroll_baseline(app: object, rows: int, seed: int, size: tuple[int, int], stride: int
                    ) -> tuple[float, list[float]]:
    """First show and the top-to-bottom scroll of the bare table, as scroll_through."""
    texts = csv_texts(rows, seed)
    holder: list[object] = []

    def show() -> None:
        view = bare_table(rows, texts, size)
        view.show()  # type: ignore[attr-defined]
        frame(app)
        holder.append(view)

    show_ms = timed(show)
    view = holder[0]
    bar = view.verticalScrollBar()  # type: ignore[attr-defined]
    step = max(1, bar.pageStep() * stride)
    times = [step_to(app, bar, min(value, bar.maximum()))
             for value in range(0, bar.maximum() + step, step)]
    view.close()  # type: ignore[attr-defined]
    return show_ms, times


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--stride", type=int, default=1,
                        help="scrollbar pages per measured step (1 = every page)")
    parser.add_argument("--jumps", type=int, default=50)
    parser.add_argument("--ledger", type=Path,
                        help="an existing ledger of --rows gifts (default: import the CSV)")
    parser.add_argument("--side", choices=["ours", "baseline", "both"], default="ours",
                        help="scroll our Gifts page (default), the bare-table baseline or both")
    parser.add_argument("--table-size", type=parse_size, metavar="WxH",
                        help="the baseline table's size (default: our table's on a 1280x800"
                             " page, when ours runs first; else 1240x520)")
    parser.add_argument("--scroll-only", action="store_true",
                        help="only the first show and the scroll, no sorts or filters")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of the text (implies --scroll-only)")
    args = parser.parse_args()
    from app.ui.main import application

    app = application()
    result: dict[str, object] = {"benchmark": "gifts_table", "rows": args.rows,
                                 "stride": args.stride}
    say = (lambda *_a, **_k: None) if args.json else print
    table_size = args.table_size
    with tempfile.TemporaryDirectory(prefix="diamond-ledger-bench-") as folder:
        if args.side in ("ours", "both"):
            db, import_s = build_ledger(Path(folder), args.rows, args.seed, args.ledger)
            if args.ledger is None:
                say(f"ledger: {args.rows:,} gifts imported in {import_s:.1f} s")
            page, show_ms = first_show(app, db)
            from app.ui.main import tune_gc
            tune_gc()  # as the app does once its window is shown
            model = page.model  # type: ignore[attr-defined]
            size = page.table.size()  # type: ignore[attr-defined]
            table_size = table_size or (size.width(), size.height())
            say(f"{'first show of the Gifts page':<44} {show_ms:8.1f} ms (1280x800, offscreen)")
            times = scroll_through(app, page, args.stride)
            say(stats("scroll top to bottom, by time", times))
            say(f"  pages read {model.pages_read:,}, rows held {model.cached_rows:,}"
                f" of {model.rowCount():,}")
            result["ours"] = {"first_show_ms": show_ms, **summarise(times),
                              "table_size": [size.width(), size.height()],
                              "pages_read": model.pages_read}
            if not (args.json or args.scroll_only):
                filters(app, page)
                sort_and_jump(app, page, 4, "coins (order of ids)", args.jumps)
                sort_and_jump(app, page, 1, "sender (order of ids)", args.jumps)
            model.close()
            page.close()  # type: ignore[attr-defined]
            db.close()  # type: ignore[attr-defined]
        if args.side in ("baseline", "both"):
            table_size = table_size or (1240, 520)
            show_ms, times = scroll_baseline(app, args.rows, args.seed, table_size, args.stride)
            say(f"{'baseline: bare QTableView, first show':<44} {show_ms:8.1f} ms"
                f" ({table_size[0]}x{table_size[1]})")
            say(stats("  baseline: scroll top to bottom", times))
            result["baseline"] = {"first_show_ms": show_ms, **summarise(times),
                                  "table_size": list(table_size)}
        say(f"peak RSS {peak_mb():.0f} MB")
    if args.json:
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
