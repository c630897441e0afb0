"""Run every benchmark in tests/benchmarks/ and print one markdown table: each figure beside
its baseline measured in the same run, the ratio, the target and the peak memory.

    python tests/benchmarks/run_all.py                        # 1M and 5M rows, 3 rounds
    python tests/benchmarks/run_all.py --quick                # 100k rows, 1 round: a smoke check
    python tests/benchmarks/run_all.py --out bench.md         # also write the table + machine

Every measurement runs in a fresh process of its own (the bench_*.py scripts with --json), so
one benchmark's peak memory never inflates another's and nothing is warm but the OS cache.
The rounds alternate which side goes first, as the machine drifts; figures are medians over
the rounds and ratios are medians of the per-round ratios. Compare ratios within one run.
Progress goes to stderr; the table to stdout. Exit status 1 if a benchmark failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import bench_import  # noqa: E402

KNOWN = {"bench_import.py", "bench_window.py", "bench_gifts_table.py"}
TARGET_REFRESH_MS = 150.0
TARGET_FRAME_MS = 50.0
TARGET_START = 1.5
BASELINES = [
    "import: stdlib `csv.reader` + `sqlite3.executemany` into a bare table, one transaction,"
    " no checks; re-import: the same again (our re-import stores nothing, all duplicates)",
    "Overview refresh: a bare pyqtgraph PlotWidget, same window size, showing the daily coin"
    " totals of the same ledger by a plain `GROUP BY day` over its gift rows (query + setData"
    " + repaint)",
    "Gifts table: a bare QTableView of the same size, columns and row height over a model of"
    " as many rows of ready-made text, scrolled the same way",
    "cold start: spawn to first painted frame of a bare QMainWindow with one PlotWidget (ours:"
    " the main window on the demo ledger)",
]
HEADER = ["benchmark", "ours (median)", "baseline (median, same run)", "ratio", "target",
          "peak memory"]


class Failed(Exception):
    pass


# ---------------------------------------------------------------- running the scripts


def run_json(script: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run tests/benchmarks/`script` with `args` in a fresh interpreter; its last stdout line
    is a JSON object. Its stderr (progress) passes through."""
    cmd = [sys.executable, str(HERE / script), *args]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    if done.returncode != 0:
        raise Failed(f"{script} {' '.join(args)}: exit {done.returncode}")
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])  # type: ignore[no-any-return]
    except (IndexError, json.JSONDecodeError) as exc:
        raise Failed(f"{script} {' '.join(args)}: no JSON on stdout ({exc})") from exc


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def med(values: list[float]) -> float:
    return statistics.median(values)


def alternate(round_no: int) -> list[str]:
    return ["ours", "baseline"] if round_no % 2 == 0 else ["baseline", "ours"]


# ---------------------------------------------------------------- the benchmarks


def import_rows(rows: int, repeat: int, seed: int, env: dict[str, str]) -> list[list[str]]:
    say(f"== import and re-import, {rows:,} rows, {repeat} round(s)")
    result = run_json("bench_import.py", ["--rows", str(rows), "--repeat", str(repeat),
                                          "--seed", str(seed), "--json"], env)
    out = []
    for name, label in (("import", f"import {rows:,} gift rows into a new ledger"),
                        ("reimport", f"re-import the same {rows:,} rows (all duplicates)")):
        s = result["summary"][name]
        ok = s["ratio"] <= s["target_ratio"] and s["peak_mb"] < s["target_peak_mb"]
        out.append([label, f"{s['ours_s']:.2f} s",
                    f"{s['baseline_s']:.2f} s (csv.reader + executemany)",
                    f"{s['ratio']:.2f}x",
                    f"<= {s['target_ratio']:.1f}x, < {s['target_peak_mb']:.0f} MB: "
                    + ("ok" if ok else "missed"),
                    f"{s['peak_mb']:.0f} MB (baseline {s['baseline_peak_mb']:.0f})"])
    return out


def cold_start(starts: int, env: dict[str, str]) -> list[str]:
    say(f"== cold start, {starts} interleaved pair(s)")
    r = run_json("bench_window.py", ["--part", "start", "--starts", str(starts), "--json"],
                 env)["cold_start"]
    ours, bare = med(r["ours_s"]), med(r["bare_s"])
    ratio = med([o / b for o, b in zip(r["ours_s"], r["bare_s"], strict=True)])
    return ["cold start to the first painted window", f"{ours * 1000:.0f} ms",
            f"{bare * 1000:.0f} ms (bare QMainWindow + PlotWidget)", f"{ratio:.2f}x",
            f"<= {TARGET_START:.1f}x: " + ("ok" if ratio <= TARGET_START else "missed"),
            f"{med(r['ours_peak_mb']):.0f} MB (baseline {med(r['bare_peak_mb']):.0f})"]


def refresh(rows: int, ledger: Path, repeat: int, refreshes: int, env: dict[str, str]
            ) -> list[str]:
    say(f"== Overview refresh, {rows:,} gifts, {repeat} round(s) of {refreshes}")
    sides: dict[str, list[dict[str, Any]]] = {"ours": [], "baseline": []}
    for round_no in range(repeat):
        for side in alternate(round_no):
            r = run_json("bench_window.py", ["--part", "refresh", "--side", side, "--ledger",
                                             str(ledger), "--rows", str(rows), "--refreshes",
                                             str(refreshes), "--json"], env)
            times = r[f"refresh_{side}_ms"]
            sides[side].append({"median": med(times), "max": max(times), "peak": r["peak_mb"]})
            say(f"  round {round_no + 1}/{repeat} {side}: median {med(times):.0f} ms,"
                f" max {max(times):.0f} ms, {r['peak_mb']:.0f} MB")
    ours, base = sides["ours"], sides["baseline"]
    o = med([x["median"] for x in ours])
    ratio = med([a["median"] / b["median"] for a, b in zip(ours, base, strict=True)])
    return [f"Overview refresh on {rows:,} gifts",
            f"{o:.0f} ms (max {med([x['max'] for x in ours]):.0f})",
            f"{med([x['median'] for x in base]):.0f} ms (max {med([x['max'] for x in base]):.0f};"
            " PlotWidget + GROUP BY day)",
            f"{ratio:.2f}x",
            f"< {TARGET_REFRESH_MS:.0f} ms: " + ("ok" if o < TARGET_REFRESH_MS else "missed"),
            f"{med([x['peak'] for x in ours]):.0f} MB"
            f" (baseline {med([x['peak'] for x in base]):.0f})"]


def scroll(rows: int, ledger: Path, repeat: int, stride: int, seed: int, env: dict[str, str]
           ) -> list[str]:
    say(f"== Gifts table scroll, {rows:,} rows, {stride} page(s) a step, {repeat} round(s)")
    sides: dict[str, list[dict[str, Any]]] = {"ours": [], "baseline": []}
    size: str | None = None  # the baseline gets our table's size, so ours goes first once
    for round_no in range(repeat):
        for side in alternate(round_no):
            args = ["--side", side, "--ledger", str(ledger), "--rows", str(rows), "--seed",
                    str(seed), "--stride", str(stride), "--json"]
            if side == "baseline" and size:
                args += ["--table-size", size]
            r = run_json("bench_gifts_table.py", args, env)
            s = r[side]
            if side == "ours":
                size = "x".join(str(v) for v in s["table_size"])
            sides[side].append({**s, "peak": r["peak_mb"]})
            say(f"  round {round_no + 1}/{repeat} {side}: {s['frames']:,} frames, median"
                f" {s['median_ms']:.1f} ms, max {s['max_ms']:.1f} ms, {r['peak_mb']:.0f} MB")
    ours, base = sides["ours"], sides["baseline"]

    def both(group: list[dict[str, Any]]) -> tuple[float, float]:
        return med([x["median_ms"] for x in group]), med([x["max_ms"] for x in group])

    (om, ox), (bm, bx) = both(ours), both(base)
    rm = med([a["median_ms"] / b["median_ms"] for a, b in zip(ours, base, strict=True)])
    rx = med([a["max_ms"] / b["max_ms"] for a, b in zip(ours, base, strict=True)])
    step = "page by page" if stride == 1 else f"{stride} pages a step"
    return [f"Gifts table scroll on {rows:,} gifts, median / max frame"
            f" ({ours[0]['frames']:,} frames top to bottom, {step})",
            f"{om:.1f} / {ox:.0f} ms", f"{bm:.1f} / {bx:.0f} ms (bare QTableView)",
            f"{rm:.2f}x / {rx:.2f}x",
            f"max < {TARGET_FRAME_MS:.0f} ms: " + ("ok" if ox < TARGET_FRAME_MS else "missed"),
            f"{med([x['peak'] for x in ours]):.0f} MB"
            f" (baseline {med([x['peak'] for x in base]):.0f})"]


def extra_benchmarks() -> tuple[list[str], list[str]]:
    """Other bench_*.py: (those with a --json option, those without)."""
    with_json, without = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        if path.name in KNOWN:
            continue
        (with_json if '"--json"' in path.read_text(encoding="utf-8") else without).append(
            path.name)
    return with_json, without


def extra_rows(script: str, rows: int, env: dict[str, str]) -> list[list[str]]:
    """A further script's rows: run as `script --rows N --json`, its JSON object carries
    "table", a list of objects with the keys benchmark, ours, baseline, ratio, target and
    peak (text, as printed)."""
    say(f"== {script}")
    r = run_json(script, ["--rows", str(rows), "--json"], env)
    keys = ["benchmark", "ours", "baseline", "ratio", "target", "peak"]
    return [[str(row.get(k, "")) for k in keys] for row in r["table"]]


# ---------------------------------------------------------------- the report


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    system = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} ({system})"
                break
    except OSError:
        pass
    try:
        import PySide6
        pyside = PySide6.__version__
    except ImportError:
        pyside = "not installed"
    try:
        from importlib.metadata import version
        pyqtgraph = version("pyqtgraph")
    except Exception:  # noqa: BLE001 - only a label
        pyqtgraph = "?"
    return [("CPU", f"{cpu}, {os.cpu_count()} logical cores"), ("RAM", ram), ("OS", system),
            ("Python", platform.python_version()), ("SQLite", sqlite3.sqlite_version),
            ("PySide6", pyside), ("pyqtgraph", pyqtgraph),
            ("Qt platform", os.environ.get("QT_QPA_PLATFORM", "default")),
            ("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))]


def markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(table: str, command: str, wall_s: float, notes: list[str]) -> str:
    facts = "\n".join(f"- {key}: {value}" for key, value in machine())
    baselines = "\n".join(f"- {line}" for line in BASELINES)
    extra = "".join(f"\n- {note}" for note in notes)
    return (f"# Diamond Ledger benchmarks\n\n`{command}`, {wall_s / 60:.1f} min in all.\n\n"
            f"{table}\n\nBaselines:\n\n{baselines}{extra}\n\nMachine:\n\n{facts}\n")


# ---------------------------------------------------------------- main


def parse_rows(text: str) -> list[int]:
    try:
        rows = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of row counts: {text!r}") from exc
    if not rows or min(rows) < 1:
        raise argparse.ArgumentTypeError("row counts must be at least 1")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=parse_rows, default=None,
                        help="gift rows of the import benchmarks, comma-separated (default"
                             " 1000000,5000000; --quick: 100000); the window benchmarks use"
                             " the smallest")
    parser.add_argument("--repeat", type=int, default=None,
                        help="rounds of each benchmark; medians (default 3; --quick: 1)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke check: 100,000 rows, 1 round, fewer starts and refreshes")
    parser.add_argument("--starts", type=int, default=None,
                        help="cold starts of each side (default 7; --quick: 1)")
    parser.add_argument("--refreshes", type=int, default=None,
                        help="Overview refreshes timed per round (default 15; --quick: 3)")
    parser.add_argument("--scroll-stride", type=int, default=10,
                        help="Gifts table: scrollbar pages per measured step, top to bottom"
                             " (default 10: ~7,000 frames on 1M rows; 1: every page, ~70,000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated CSV")
    parser.add_argument("--out", type=Path, metavar="FILE.md",
                        help="also write the table, the baselines and the machine to FILE.md")
    args = parser.parse_args(argv)
    rows = args.rows or ([100_000] if args.quick else [1_000_000, 5_000_000])
    repeat = args.repeat or (1 if args.quick else 3)
    starts = args.starts or (1 if args.quick else 7)
    refreshes = args.refreshes or (3 if args.quick else 15)
    if repeat < 1 or args.scroll_stride < 1:
        parser.error("--repeat and --scroll-stride must be at least 1")
    window_rows = min(rows)
    command = "python tests/benchmarks/run_all.py" + (
        " " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="dl_bench_all_"))
    env = bench_import.child_env(work)  # never the developer's own ledger or settings
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    table: list[list[str]] = []
    notes: list[str] = []
    failures: list[str] = []

    def attempt(label: str, run: Callable[[], list[list[str]]]) -> None:
        try:
            table.extend(run())
        except Failed as exc:
            failures.append(str(exc))
            table.append([label, "failed", "", "", "", ""])
            say(f"  FAILED: {exc}")

    try:
        for n in rows:
            attempt(f"import {n:,} gift rows", lambda n=n: import_rows(n, repeat, args.seed, env))
        ledger = work / "ledger.sqlite3"
        say(f"== a ledger of {window_rows:,} gifts for the window benchmarks")
        try:
            built = run_json("bench_import.py", ["--build-ledger", str(ledger), "--rows",
                                                 str(window_rows), "--seed", str(args.seed)], env)
            say(f"  imported in {built['import_s']:.1f} s")
        except Failed as exc:
            failures.append(str(exc))
        attempt(f"Overview refresh on {window_rows:,} gifts",
                lambda: [refresh(window_rows, ledger, repeat, refreshes, env)])
        attempt(f"Gifts table scroll on {window_rows:,} gifts",
                lambda: [scroll(window_rows, ledger, repeat, args.scroll_stride, args.seed,
                                env)])
        attempt("cold start", lambda: [cold_start(starts, env)])
        with_json, without = extra_benchmarks()
        for script in with_json:
            attempt(script, lambda s=script: extra_rows(s, window_rows, env))
        notes += [f"not run: {name} (no --json option)" for name in without]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = time.perf_counter() - started

    text = markdown(table)
    print(text)
    for note in notes:
        print(f"\n{note}", end="")
    print(f"\n{len(table)} rows, {wall / 60:.1f} min in all"
          + (f"; FAILED: {'; '.join(failures)}" if failures else ""))
    if args.out:
        args.out.write_text(report(text, command, wall, notes), encoding="utf-8")
        say(f"written to {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
