"""Import benchmark: a 1M-row gift CSV into a new ledger, and again (all duplicates),
against a plain csv.reader + executemany baseline. A script, not a pytest test.

    python tests/benchmarks/bench_import.py [--rows N] [--repeat K] [--seed S] [--profile]

Every measured step runs in a fresh interpreter (its own peak RSS, nothing warm but the OS
page cache), and the rounds interleave baseline and ours because the machine drifts; the
table shows medians and, for the ratios, the median of the per-round ratios. Targets (the
issue): import <= 2.0x baseline, re-import <= 1.5x baseline, peak memory < 100 MB.

The CSV is generated once per (rows, seed) into the system temp directory and reused; the
ledgers are created in a fresh temp directory and deleted. See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_CSV = ROOT / "data" / "gifts.csv"
GENERATOR_VERSION = 1  # bump when the generated file's shape changes: it renames the cache
HEADER = ["timestamp", "user_id", "nickname", "gift_id", "gift_name", "repeat_count", "coins"]

TARGET_IMPORT = 2.0
TARGET_REIMPORT = 1.5
TARGET_PEAK_MB = 100.0

# (gift_id, name, coins, weight, streakable). Checked against data/gifts.csv before use.
GIFTS = [
    (5655, "Rose", 1, 30.0, True),
    (5487, "Finger Heart", 5, 8.0, True),
    (7934, "Heart Me", 1, 10.0, False),
    (5269, "TikTok", 1, 6.0, True),
    (6064, "GG", 1, 6.0, True),
    (5827, "Ice Cream Cone", 1, 6.0, True),
    (6246, "Thumbs Up", 1, 4.0, False),
    (6890, "Love you", 1, 3.0, False),
    (5760, "Weights", 1, 2.0, False),
    (6093, "Football", 1, 2.0, False),
    (6788, "Glow Stick", 1, 2.0, False),
    (6784, "Cake Slice", 1, 2.0, False),
    (5479, "Coffee", 1, 2.0, False),
    (5879, "Doughnut", 30, 2.0, True),
    (5658, "Perfume", 20, 2.0, True),
    (6169, "Tennis", 1, 1.0, False),
    (6042, "Mini Speaker", 1, 1.0, False),
    (37, "Panda", 5, 1.0, False),
    (6097, "Little Crown", 99, 0.5, False),
    (5585, "Confetti", 100, 0.5, False),
    (5660, "Hand Hearts", 100, 0.5, False),
]
N_SENDERS = 30_000
DUPLICATE_RATE = 1e-4  # an exact copy of the previous row (same second): ~100 per million
FIRST_DAY = date(2025, 12, 1)
LAST_DAY = date(2026, 10, 31)  # all in the past: the importer rejects future dates
CHUNK = 100_000  # rows drawn at a time: generating 5M rows stays within a few MB


# ---------------------------------------------------------------- the CSV


def check_gifts() -> None:
    """Every gift used must be in the shipped catalogue with that name and price."""
    latest: dict[int, tuple[str, str, int]] = {}
    with CATALOGUE_CSV.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            gid = int(row["gift_id"])
            if gid not in latest or row["valid_from"] >= latest[gid][0]:
                latest[gid] = (row["valid_from"], row["name"], int(row["coins"]))
    wrong = [f"{gid} {name!r} {coins}" for gid, name, coins, _, _ in GIFTS
             if gid not in latest or latest[gid][1:] != (name, coins)]
    if wrong:
        raise SystemExit(f"gifts not in {CATALOGUE_CSV} as written: {', '.join(wrong)}")


def _nicknames(rng: random.Random, n: int) -> list[str]:
    first = ["ana", "leo", "mia", "sam", "zoe", "max", "eli", "ivy", "kai", "noa", "lia", "ben",
             "rosa", "tom", "jade", "luca", "nina", "omar", "yuki", "sara", "theo", "ella"]
    second = ["", "_", ".", "x", "_official", "bear", "22", "99", "love", "music", "gamer",
              "star", "fan", "the", "vibes", "rose"]
    fancy = ["Lúcia ✨", "Zoë", "José", "🌹Rosa", "Björn", "Çağla", "Ngọc", "María José",
             "lily, the fan", 'dj "max"', "さくら", "Дмитрий", "⭐star⭐", "Ólafur"]
    names = []
    for _ in range(n):
        if rng.random() < 0.04:
            names.append(rng.choice(fancy) + (str(rng.randrange(100)) if rng.random() < .5 else ""))
        else:
            name = rng.choice(first) + rng.choice(second)
            if rng.random() < 0.6:
                name += str(rng.randrange(1, 10_000))
            names.append(name.capitalize() if rng.random() < 0.3 else name)
    return names


def generate_csv(path: Path, rows: int, seed: int) -> dict[str, int]:
    """Write `rows` gift events sorted by time; returns facts about the file."""
    rng = random.Random(seed)
    ids: set[str] = set()
    while len(ids) < N_SENDERS:
        ids.add(str(rng.randrange(6_700_000_000_000_000_000, 7_400_000_000_000_000_000)))
    senders = list(zip(sorted(ids), _nicknames(rng, N_SENDERS), strict=True))
    rng.shuffle(senders)
    sender_cum: list[float] = []
    total = 0.0
    for rank in range(N_SENDERS):  # a few big fans, a long tail
        total += 1.0 / (rank + 1) ** 0.9
        sender_cum.append(total)
    gift_cum: list[float] = []
    total = 0.0
    for gift in GIFTS:
        total += gift[3]
        gift_cum.append(total)

    # one LIVE on most days, 1.5-4 h from 17:00-22:59 UTC; busier LIVEs get more gifts
    sessions: list[tuple[int, int]] = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        if rng.random() < 0.85:
            start = datetime(day.year, day.month, day.day, rng.randrange(17, 23),
                             rng.randrange(60), tzinfo=UTC)
            sessions.append((int(start.timestamp()), rng.randrange(5400, 14400)))
        day += timedelta(days=1)
    weights = [rng.lognormvariate(0, 0.6) * dur for _, dur in sessions]
    per_session = [0] * len(sessions)
    cum_weights = list(itertools.accumulate(weights))
    for first in range(0, rows, CHUNK):  # in chunks: the same draws, bounded memory
        for index in rng.choices(range(len(sessions)), cum_weights=cum_weights,
                                 k=min(CHUNK, rows - first)):
            per_session[index] += 1

    facts = {"rows": 0, "copies_written": 0, "identical_extra_rows": 0, "senders_used": 0}
    used: set[int] = set()
    tmp = path.with_suffix(f".{os.getpid()}.partial")  # two runs at once never mix their lines
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(HEADER)
        for (start, duration), count in zip(sessions, per_session, strict=True):
            offsets = sorted(rng.randrange(duration) for _ in range(count))
            previous: list[object] | None = None
            second_ts, second_rows = -1, {}  # identical rows within one second
            for offset in offsets:
                ts = start + offset
                if previous is not None and rng.random() < DUPLICATE_RATE:
                    row = previous  # the same fan sends the same gift again in that second
                    ts = second_ts
                    facts["copies_written"] += 1
                else:
                    who = rng.choices(range(N_SENDERS), cum_weights=sender_cum)[0]
                    used.add(who)
                    gid, name, coins, _, streakable = rng.choices(GIFTS, cum_weights=gift_cum)[0]
                    repeat = 1
                    if streakable and rng.random() < 0.3:
                        repeat = min(99, 2 + int(rng.expovariate(0.25)))
                    stamp = datetime.fromtimestamp(ts, UTC).isoformat()
                    row = [stamp, senders[who][0], senders[who][1], gid, name, repeat, coins]
                if ts != second_ts:
                    second_ts, second_rows = ts, {}
                key = tuple(row)
                seen = second_rows.get(key, 0)
                facts["identical_extra_rows"] += seen > 0
                second_rows[key] = seen + 1
                out.writerow(row)
                previous = row
                facts["rows"] += 1
    facts["senders_used"] = len(used)
    os.replace(tmp, path)
    return facts


def ensure_csv(rows: int, seed: int) -> tuple[Path, dict[str, int]]:
    cache = Path(tempfile.gettempdir()) / "diamond_ledger_bench"
    cache.mkdir(exist_ok=True)
    path = cache / f"gifts_{rows}_s{seed}_v{GENERATOR_VERSION}.csv"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())
    check_gifts()
    print(f"generating {rows:,} rows into {path} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    facts = generate_csv(path, rows, seed)
    meta.write_text(json.dumps(facts))
    print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return path, facts


# ---------------------------------------------------------------- the steps (child side)


def _peak_mb() -> float:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def step_baseline(csv_path: Path, db_path: Path, rows: int) -> dict[str, object]:
    started = time.perf_counter()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE TABLE gifts_raw (timestamp TEXT, user_id TEXT, nickname TEXT,"
                 " gift_id INTEGER, gift_name TEXT, repeat_count INTEGER, coins INTEGER)")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO gifts_raw VALUES (?, ?, ?, ?, ?, ?, ?)", reader)
        conn.execute("COMMIT")
    work = time.perf_counter() - started
    count = conn.execute("SELECT count(*) FROM gifts_raw").fetchone()[0]
    conn.close()
    problem = None if count == rows else f"baseline stored {count} rows, expected {rows}"
    return {"work_s": work, "problem": problem, "inserted": count}


def step_ours(csv_path: Path, db_path: Path, rows: int, again: bool) -> dict[str, object]:
    started = time.perf_counter()
    from app.services.importing import import_files
    from app.store.db import open_db
    imports = time.perf_counter() - started
    started = time.perf_counter()
    db = open_db(db_path)
    reports = import_files(db, [csv_path], account="bench")
    work = time.perf_counter() - started
    db.conn.close()
    report = reports[0]
    problem = None
    if len(reports) != 1:
        problem = f"{len(reports)} reports, expected 1"
    elif again and (report.inserted != 0 or report.duplicates != rows):
        problem = (f"re-import: inserted {report.inserted}, duplicates {report.duplicates};"
                   f" expected 0 and {rows}")
    elif not again and report.inserted != rows:
        problem = (f"import: inserted {report.inserted} of {rows} (rejected {report.rejected},"
                   f" first errors {[(e.line, e.reason) for e in report.errors[:3]]})")
    return {"work_s": work, "imports_s": imports, "problem": problem,
            "inserted": report.inserted, "duplicates": report.duplicates,
            "rejected": report.rejected}


def child_main(step: str, csv_path: Path, db_path: Path, rows: int) -> None:
    if step == "baseline":
        result = step_baseline(csv_path, db_path, rows)
    else:
        result = step_ours(csv_path, db_path, rows, again=(step == "reimport"))
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


# ---------------------------------------------------------------- the parent


STEPS = {  # key: (child step, label)
    "a": ("baseline", "a baseline: csv.reader + executemany"),
    "b": ("import", "b ours: import into a new ledger"),
    "c": ("reimport", "c ours: re-import (all duplicates)"),
    "d": ("baseline", "d baseline again (for c)"),
}


def run_child(step: str, csv_path: Path, db_path: Path, rows: int, env: dict[str, str]
              ) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--csv",
           str(csv_path), "--db", str(db_path), "--rows", str(rows)]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"step {step} failed (exit {done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result.get("problem"):
        raise SystemExit(f"step {step}: {result['problem']}")
    result["process_s"] = elapsed
    return result


def remove_db(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def child_env(work: Path) -> dict[str, str]:
    """The environment of a child: never the developer's own ledger or settings."""
    env = dict(os.environ)
    env.update(HOME=str(work / "home"), XDG_DATA_HOME=str(work / "home" / "data"),
               XDG_CONFIG_HOME=str(work / "home" / "config"))
    env.pop("DIAMOND_LEDGER_DB", None)
    return env


def measure(rows: int, repeat: int, seed: int) -> tuple[dict[str, list[dict[str, float]]],
                                                           dict[str, int], float]:
    """Run the rounds; returns each step's results by key, the CSV's facts and its MB."""
    csv_path, facts = ensure_csv(rows, seed)
    size_mb = csv_path.stat().st_size / 1e6
    work = Path(tempfile.mkdtemp(prefix="dl_bench_"))
    env = child_env(work)
    results: dict[str, list[dict[str, float]]] = {k: [] for k in STEPS}
    try:
        for round_no in range(repeat):
            # alternate which goes first so a drift in machine speed hits both sides alike
            order = ["a", "b", "c", "d"] if round_no % 2 == 0 else ["b", "a", "d", "c"]
            ours_db = work / f"ours_{round_no}.sqlite3"
            for key in order:
                step = STEPS[key][0]
                db = ours_db if step != "baseline" else work / f"base_{round_no}_{key}.sqlite3"
                result = run_child(step, csv_path, db, rows, env)
                if step == "baseline":
                    remove_db(db)
                results[key].append(result)
                print(f"  round {round_no + 1}/{repeat} {key}: {result['process_s']:.2f} s"
                      f" process, {result['work_s']:.2f} s work, {result['peak_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
            remove_db(ours_db)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results, facts, size_mb


def summary(results: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Import (b vs a) and re-import (c vs d): medians, and the median per-round ratio."""

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    def ratio(key: str, base: str, field: str) -> float:
        return statistics.median(o[field] / b[field]
                                 for o, b in zip(results[key], results[base], strict=True))

    out = {}
    for name, key, base, target in (("import", "b", "a", TARGET_IMPORT),
                                    ("reimport", "c", "d", TARGET_REIMPORT)):
        out[name] = {"ours_s": med(key, "process_s"), "baseline_s": med(base, "process_s"),
                     "ratio": ratio(key, base, "process_s"),
                     "ours_work_s": med(key, "work_s"), "baseline_work_s": med(base, "work_s"),
                     "work_ratio": ratio(key, base, "work_s"),
                     "peak_mb": med(key, "peak_mb"), "baseline_peak_mb": med(base, "peak_mb"),
                     "target_ratio": target, "target_peak_mb": TARGET_PEAK_MB}
    return out


def bench(rows: int, repeat: int, seed: int, as_json: bool = False) -> None:
    results, facts, size_mb = measure(rows, repeat, seed)
    if as_json:
        print(json.dumps({"benchmark": "import", "rows": rows, "repeat": repeat, "seed": seed,
                          "csv_mb": size_mb, "facts": facts, "summary": summary(results),
                          "rounds": results}))
        return

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    def ratio(key: str, base: str, field: str) -> float:
        return statistics.median(o[field] / b[field]
                                 for o, b in zip(results[key], results[base], strict=True))

    print(f"\nDiamond Ledger import benchmark: {rows:,} rows ({size_mb:.1f} MB CSV,"
          f" {facts['identical_extra_rows']} identical extra rows in the same second,"
          f" {facts['senders_used']:,} senders), {repeat} round(s), medians")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
          f" {os.cpu_count()} CPUs; process = whole fresh interpreter, work = the call alone")
    head = (f"{'step':<38} {'process s':>9} {'work s':>7} {'rows/s':>9} {'peak MB':>8}"
            f" {'ratio':>6} {'work ratio':>10}  target")
    print(head)
    print("-" * len(head))
    checks = []
    for key, (_step, label) in STEPS.items():
        base = {"b": "a", "c": "d"}.get(key)
        process, work_s, peak = med(key, "process_s"), med(key, "work_s"), med(key, "peak_mb")
        line = (f"{label:<38} {process:>9.2f} {work_s:>7.2f} {rows / process:>9,.0f}"
                f" {peak:>8.1f}")
        if base is None:
            line += f" {'1.00x':>6} {'1.00x':>10}"
        else:
            r, wr = ratio(key, base, "process_s"), ratio(key, base, "work_s")
            target = TARGET_IMPORT if key == "b" else TARGET_REIMPORT
            ok = r <= target
            checks.append(ok)
            line += (f" {r:>5.2f}x {wr:>9.2f}x  <= {target:.1f}x vs {base}: "
                     f"{'ok' if ok else 'MISSED'}")
            mem_ok = peak < TARGET_PEAK_MB
            checks.append(mem_ok)
            line += f"; < {TARGET_PEAK_MB:.0f} MB: {'ok' if mem_ok else 'MISSED'}"
        print(line)
    print("all targets met" if all(checks) else "some targets MISSED")


def build_ledger(path: Path, rows: int, seed: int) -> dict[str, object]:
    """A new ledger at `path` holding the generated gifts (account @bench, US rates), for the
    window benchmarks; run it in its own process (--build-ledger) to keep its memory apart."""
    csv_path, _ = ensure_csv(rows, seed)
    from app.services import accounts
    from app.services.importing import import_files
    from app.store.db import open_db

    started = time.perf_counter()
    db = open_db(path)
    accounts.add(db, "bench", "US", "America/New_York")
    reports = import_files(db, [csv_path], account="bench")
    db.close()
    if reports[0].inserted != rows:
        raise SystemExit(f"imported {reports[0].inserted:,} rows, expected {rows:,}")
    return {"ledger": str(path), "rows": rows, "import_s": time.perf_counter() - started,
            "peak_mb": _peak_mb()}


def profile(rows: int, seed: int, top: int = 25) -> None:
    import cProfile
    import pstats

    csv_path, _ = ensure_csv(rows, seed)
    from app.services.importing import import_files
    from app.store.db import open_db

    work = Path(tempfile.mkdtemp(prefix="dl_bench_prof_"))
    try:
        db = open_db(work / "ledger.sqlite3")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        reports = import_files(db, [csv_path], account="bench")
        profiler.disable()
        elapsed = time.perf_counter() - started
        db.conn.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"profiled import of {rows:,} rows: {elapsed:.2f} s under cProfile"
          f" (inserted {reports[0].inserted:,}); the profiler inflates per-call Python costs")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    print(f"\n=== top {top} by cumulative time ===")
    stats.sort_stats("cumulative").print_stats(top)
    print("=== top 15 by own (tottime) time ===")
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="rows in the generated gift CSV (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of a/b/c/d; the table shows medians (default 3)")
    parser.add_argument("--seed", type=int, default=2026,
                        help="random seed of the generated CSV (default 2026)")
    parser.add_argument("--profile", action="store_true",
                        help="profile one import in-process (cProfile) instead of the benchmark")
    parser.add_argument("--json", action="store_true",
                        help="print the results as one JSON object instead of the table")
    parser.add_argument("--build-ledger", type=Path, metavar="PATH",
                        help="only build a new ledger at PATH from the generated CSV (for the"
                             " window benchmarks) and print a JSON line")
    parser.add_argument("--child", choices=["baseline", "import", "reimport"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.csv, args.db, args.rows)
    elif args.build_ledger:
        print(json.dumps(build_ledger(args.build_ledger, args.rows, args.seed)))
    elif args.profile:
        profile(args.rows, args.seed)
    else:
        if args.rows < 1 or args.repeat < 1:
            parser.error("--rows and --repeat must be at least 1")
        bench(args.rows, args.repeat, args.seed, as_json=args.json)


if __name__ == "__main__":
    main()
