"""How much of an import is the ledger's own SQL? A script, not a pytest test.

    python tests/benchmarks/bench_sql_floor.py [--rows N] [--repeat K] [--seed S]

The import benchmark (bench_import.py) compares our whole import against a baseline of
`csv.reader` + `executemany` into a bare table. This one measures the part of ours no parser
speed-up can remove: the benchmark CSV's rows are parsed beforehand (untimed), then handed to the
real store (`app.store.batches.save_batch`: the staging table, the INSERT ... SELECT into the
ledger with its dedup key and browse indexes, the hourly rollup, the commit) into a new ledger,
and again into the same ledger (every row a duplicate). Both are timed against the import
baseline in the same process, interleaved, medians of the rounds.

If the store alone already costs close to 2x the baseline, the import's 2x target cannot be met
by a faster reader; the ratio printed here is that floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import  # noqa: E402


def parsed_rows(csv_path: Path) -> list[tuple[object, ...]]:
    """The CSV as the gift reader's records (line, ts, room, sender id and name, gift id and
    name, count, coins each, coins total, occurrence); identical rows in a second numbered."""
    rows: list[tuple[object, ...]] = []
    seen: dict[tuple[object, ...], int] = {}
    previous = None
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for line, (when, sid, name, gid, gift, count, coins) in enumerate(reader, 2):
            ts = int(datetime.fromisoformat(when).timestamp())
            if ts != previous:
                seen.clear()
                previous = ts
            record = ("", sid, name, int(gid), gift, int(count), int(coins) // int(count),
                      int(coins))
            n = seen.get(record, 0) + 1
            seen[record] = n
            rows.append((line, ts, *record, n))
    return rows


def store_alone(rows: list[tuple[object, ...]], db_path: Path) -> tuple[float, float]:
    """Seconds to save the parsed rows into a new ledger, then again (all duplicates)."""
    from app.store import batches, queries
    from app.store.db import open_db

    db = open_db(db_path)
    account = queries.add_account(db, "bench", "US", "UTC")
    times = []
    for expected in (len(rows), 0):
        started = time.perf_counter()
        result = batches.save_batch(
            db, batches.BatchMeta(account, str(db_path), "gifts"), rows, list,
            lambda: "", lambda: (0, 0, 0), numbered=lambda: True)
        times.append(time.perf_counter() - started)
        if result.inserted != expected:
            raise SystemExit(f"store stored {result.inserted} rows, expected {expected}")
    db.conn.close()
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (rows for run_all.py's table) at the end")
    args = parser.parse_args()
    csv_path, _facts = bench_import.ensure_csv(args.rows, args.seed)
    rows = parsed_rows(csv_path)
    base, new, again = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.repeat):
            work = Path(folder) / str(round_)
            work.mkdir()
            result = bench_import.step_baseline(csv_path, work / "baseline.db", args.rows)
            base.append(float(result["work_s"]))  # type: ignore[arg-type]
            first, second = store_alone(rows, work / "ledger.sqlite3")
            new.append(first)
            again.append(second)
            print(f"  round {round_ + 1}: baseline {base[-1]:.2f} s, store alone {first:.2f} s"
                  f" new, {second:.2f} s all duplicates", file=sys.stderr)
    b = statistics.median(base)
    sides = (("new ledger", new), ("all duplicates", again))
    ratios = [statistics.median(v / w for v, w in zip(values, base, strict=True))
              for _label, values in sides]
    if args.json:
        print(json.dumps({"table": [
            {"benchmark": f"the store alone on {args.rows:,} parsed rows, {label} (the floor"
                          " under any reader)",
             "ours": f"{statistics.median(values):.2f} s",
             "baseline": f"{b:.2f} s (csv.reader + executemany)", "ratio": f"{ratio:.2f}x",
             "target": "(none: explains the import's)", "peak": "(parsed rows held in memory)"}
            for (label, values), ratio in zip(sides, ratios, strict=True)]}))
        return
    print(f"{args.rows:,} rows, medians of {args.repeat}; parsing not timed")
    print(f"  baseline (csv.reader + executemany, bare table)   {b:6.2f} s   1.00x")
    for (label, values), ratio in zip(sides, ratios, strict=True):
        print(f"  store alone, {label:<35}{statistics.median(values):6.2f} s   {ratio:.2f}x")


if __name__ == "__main__":
    main()
