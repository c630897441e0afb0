"""Benchmark: a large TikTok "Download your data" JSON export, streamed, against json.load.

    .venv/bin/python tests/benchmarks/bench_export.py [--mb 300] [--layout 2025|2026] [--keep]

Writes an export of about --mb megabytes in the real layout (tests/fixtures/tiktok_export):
the bulk is watch history, as in a real export, with 2,000 LIVEs and 600 wallet records in
their sections. Then, each in a fresh subprocess, measures peak memory (ru_maxrss) and time of

- ours: `diamond-ledger import FILE` into an empty ledger (detection by content under a
  browser's copy name, streaming read, mapping, writing the rows);
- the baseline: `json.load` of the same file (what reading it whole costs, before any work).

At 1 GB (issue 11 asks for under 200 MB peak):

    .venv/bin/python tests/benchmarks/bench_export.py --mb 1024 --layout 2026

measured on the 2-core machine: a 1,025 MB export, ours 12.3 s and 55 MB peak, json.load
25.5 s and 5,838 MB (ours: 0.48x the time, 0.9% of the memory). With `--layout 2025` (the
watch-history filler before the LIVE section): ours 71.7 s and 56 MB, json.load 23.3 s and
5,838 MB (3.1x the time: the stream is parsed through the filler to reach the sections).

Not a timed test: it prints figures. The 2025 layout has its filler before the LIVE section
("Activity" sorts first), the 2026 one after it ("Your Activity" sorts last).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSIONS, WALLET = 2_000, 600

_MEASURE = """
import json, resource, sys, time
started = time.perf_counter()
if sys.argv[1] == "ours":
    from app.cli import main
    code = main(["--db", sys.argv[3], "import", sys.argv[2]])
    assert code == 0, code
else:
    with open(sys.argv[2], "rb") as handle:
        json.load(handle)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


def _session(i: int) -> dict[str, str]:
    day, minute = divmod(i, 24 * 60)
    start = (f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} "
             f"{minute // 60:02d}:{minute % 60:02d}:00")
    return {"LiveStartTime": start, "LiveEndTime": start, "LiveDuration": "01:00:00",
            "RoomId": f"73640{i:014d}", "RoomTitle": f"LIVE number {i}",
            "TotalEarning": str(100 + i), "TotalLike": str(5000 + i), "TotalView": str(300 + i),
            "TotalGifter": str(10 + i % 50)}


def _transaction(i: int) -> dict[str, str]:
    kind = "Withdraw to PayPal" if i % 3 == 0 else "LIVE gift rewards"
    amount = f"-{100 + i}.00" if i % 3 == 0 else f"{10 + i}.25"
    return {"Date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00", "Type": kind,
            "Amount": amount, "Currency": "USD", "Status": "Completed",
            "TransactionID": f"TX-{900000 + i}"}


def _write_list(out: object, items: int | None, make: object, budget: int = 0) -> None:
    """Records as a JSON list: `items` of them, or as many as fill `budget` bytes."""
    write = out.write  # type: ignore[attr-defined]
    write("[")
    written, i = 0, 0
    while (items is not None and i < items) or (items is None and written < budget):
        text = json.dumps(make(i))  # type: ignore[operator]
        write(("," if i else "") + "\n      " + text)
        written += len(text) + 8
        i += 1
    write("]")


def _watched(i: int) -> dict[str, str]:
    return {"Date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00",
            "Link": f"https://www.tiktokv.com/share/video/{7300000000000000000 + i}/"}


def write_export(path: Path, size: int, layout: str = "2026") -> Path:
    """A JSON export of about `size` bytes (most of it watch history) in the given layout."""
    activity, history, purchases = (("Your Activity", "Watch History", "Purchases")
                                    if layout == "2026" else
                                    ("Activity", "Favorite Videos", "Purchase History"))
    with path.open("w", encoding="utf-8") as out:

        def filler() -> None:
            out.write(f'  "{activity}": {{\n    "{history}": {{"VideoList": ')
            _write_list(out, None, _watched, size)
            out.write(f'}},\n    "{purchases}": {{"SendGifts": {{"SendGifts": []}}}}\n  }}')

        out.write("{\n")
        if layout != "2026":
            filler()
            out.write(",\n")
        out.write('  "Income Plus Wallet Transactions": {"Transaction History": '
                  '{"TransactionsList": ')
        _write_list(out, WALLET, _transaction)
        out.write('}},\n  "Tiktok Live": {"Go Live History": {"GoLiveList": ')
        _write_list(out, SESSIONS, _session)
        out.write("}}")
        if layout == "2026":
            out.write(",\n")
            filler()
        out.write("\n}\n")
    return path


def measure(which: str, path: Path, db: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _MEASURE, which, str(path), str(db)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stderr.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--layout", choices=["2025", "2026"], default="2026")
    parser.add_argument("--keep", action="store_true", help="keep the generated export")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_export_"))
    path = write_export(folder / "user_data_tiktok (1).json", args.mb * 2**20, args.layout)
    size_mb = path.stat().st_size / 2**20
    ours = measure("ours", path, folder / "ledger.sqlite3")
    base = measure("json.load", path, folder / "unused.sqlite3")
    print(f"export: {size_mb:.0f} MB, layout {args.layout}, {SESSIONS} LIVEs, {WALLET} wallet "
          "records")
    print("| reader | time | peak memory |\n|---|---|---|")
    print(f"| ours: diamond-ledger import | {ours['seconds']:.1f} s | {ours['peak_mb']:.0f} MB |")
    print(f"| baseline: json.load | {base['seconds']:.1f} s | {base['peak_mb']:.0f} MB |")
    if not args.keep:
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    else:
        print(f"kept in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
