"""Smoke test of tests/benchmarks/run_all.py: its quick mode on 2,000 rows runs every benchmark
end to end and prints one table with every row and figures in it. It never checks speed
(the figures on a tiny ledger mean nothing); only that the command works."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_ALL = ROOT / "tests" / "benchmarks" / "run_all.py"
ROWS = [  # (start of the benchmark cell, how "ours" and the baseline read)
    ("import 2,000 gift rows", r"\d+\.\d\d s"),
    ("re-import the same 2,000 rows", r"\d+\.\d\d s"),
    ("Overview refresh on 2,000 gifts", r"\d+ ms \(max \d+"),
    ("Gifts table scroll on 2,000 gifts", r"\d+\.\d / \d+ ms"),
    ("cold start", r"\d+ ms"),
]


def table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| benchmark |"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


@pytest.mark.slow
def test_run_all_quick_prints_every_row_with_figures(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env.pop("DIAMOND_LEDGER_DB", None)
    out = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, str(RUN_ALL), "--quick", "--rows", "2000", "--repeat", "1",
         "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    rows = table_rows(done.stdout)
    for start, figure in ROWS:
        matching = [cells for label, cells in rows.items() if label.startswith(start)]
        assert len(matching) == 1, f"{start!r} not once in:\n{done.stdout}"
        _label, ours, baseline, ratio, target, peak = matching[0]
        assert re.match(figure, ours), (start, ours)
        assert re.match(figure, baseline), (start, baseline)
        assert re.match(r"\d+\.\d\dx", ratio), (start, ratio)
        assert re.search(r": (ok|missed)$", target), (start, target)
        assert re.match(r"\d+ MB \(baseline \d+\)", peak), (start, peak)

    written = out.read_text(encoding="utf-8")
    assert all(cells[0] in written for cells in rows.values())
    for fact in ("CPU:", "RAM:", "OS:", "Python:", "SQLite:", "PySide6:", "date:"):
        assert f"- {fact}" in written


@pytest.mark.slow
def test_the_stall_benchmark_runs_on_a_tiny_ledger(tmp_path: Path) -> None:
    """tests/benchmarks/bench_stalls.py end to end on 2,000 gifts: every action of the window
    gets a stall figure and a ratio to the bare table's (their size means nothing here)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env.pop("DIAMOND_LEDGER_DB", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "benchmarks" / "bench_stalls.py"), "--rows",
         "2000", "--repeat", "1", "--json"],
        capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    table = json.loads(done.stdout.strip().splitlines()[-1])["table"]
    names = [row["benchmark"].split(" on 2,000 gifts")[0] for row in table]
    for action in ("open Gifts", "Gifts: sort by Sender", "Gifts: type 'ros' in search",
                   "Gifters: sort by Gifter", "payout: add", "payout: edit", "payout: delete",
                   "rate: add an entry", "Imports: undo the second batch"):
        assert action in names, names
    for row in table:
        assert re.match(r"\d+ ms$", row["ours"]) and re.match(r"\d+\.\d\dx$", row["ratio"])
        assert re.search(r": (ok|missed)$", row["target"])
