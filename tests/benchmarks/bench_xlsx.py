"""Benchmark: a gift log as .xlsx against the same rows as CSV, each imported in a fresh process.

    .venv/bin/python tests/benchmarks/bench_xlsx.py [--rows 100000]

The workbook is written with openpyxl's write-only mode (dates as date-styled serials, shared
strings); the CSV holds the same rows as text. Prints time and peak memory (ru_maxrss) of
`diamond-ledger import` for both, and the ratio xlsx/CSV (the CSV import is the baseline,
measured in the same run). Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

_MEASURE = """
import json, resource, sys, time
from app.cli import main
started = time.perf_counter()
assert main(["--db", sys.argv[2], "import", sys.argv[1]]) == 0
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    start = datetime(2026, 8, 3, 20, 0, 0)
    csv_path, xlsx_path = folder / "gifts.csv", folder / "gifts.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Gifts")
    header = ["Date", "Username", "Gift", "Quantity", "Coins"]
    sheet.append(header)
    with csv_path.open("w", encoding="utf-8") as csv:
        csv.write(",".join(header) + "\n")
        for i in range(rows):
            when = start + timedelta(seconds=i)
            sheet.append([when, f"fan{i % 5000}", "Rose", 1, 1])
            csv.write(f"{when:%Y-%m-%d %H:%M:%S},fan{i % 5000},Rose,1,1\n")
    book.save(xlsx_path)
    return csv_path, xlsx_path


def measure(path: Path, folder: Path) -> dict[str, float]:
    db = folder / f"{path.suffix[1:]}.sqlite3"
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(db)], check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = write_files(folder, args.rows)
        base, ours = measure(csv_path, folder), measure(xlsx_path, folder)
        print(f"{args.rows:,} gift rows: CSV {csv_path.stat().st_size / 2**20:.1f} MB, "
              f"xlsx {xlsx_path.stat().st_size / 2**20:.1f} MB")
        print("| file | time | peak memory |\n|---|---|---|")
        print(f"| baseline: CSV import | {base['seconds']:.1f} s | {base['peak_mb']:.0f} MB |")
        print(f"| .xlsx import | {ours['seconds']:.1f} s | {ours['peak_mb']:.0f} MB |")
        print(f"xlsx/CSV: {ours['seconds'] / base['seconds']:.1f}x the time, "
              f"{ours['peak_mb'] / base['peak_mb']:.1f}x the memory")


if __name__ == "__main__":
    main()
