"""What a read-only window's look at the ledger's lock costs on the GUI thread.

Every 2 s a read-only window asks `lock.is_free` whether the window that holds the ledger let
go (app/ui/ledger_lock.py): a non-blocking try-lock on `<ledger>.lock`, let go at once. This
times it in the three states the window meets, against a bare `os.stat` of the same file:

- held: another process (a real one, started here) holds the lock: the try fails at once;
- left: the holder was killed with SIGKILL: its file is still there and the try succeeds;
- gone: the holder's window closed and removed the file: the open fails at once.

    python tests/benchmarks/bench_lock_probe.py [--looks 20000]

Prints the median, 99th percentile and maximum in microseconds. A script, not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.services.lock import acquire, is_free, lock_path

HOLD = """
import sys
from pathlib import Path
from app.services.lock import acquire
acquire(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()
"""


def timed(look: Callable[[], object], looks: int) -> list[float]:
    """Microseconds per call, one figure per call."""
    spent = []
    for _ in range(looks):
        start = time.perf_counter_ns()
        look()
        spent.append((time.perf_counter_ns() - start) / 1000)
    return spent


def line(name: str, spent: list[float]) -> str:
    spent = sorted(spent)
    p99 = spent[int(len(spent) * 0.99)]
    return (f"{name:<34} median {statistics.median(spent):6.1f} us   p99 {p99:6.1f} us   "
            f"max {spent[-1]:7.1f} us")


def holder(ledger: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(ledger)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--looks", type=int, default=20_000)
    looks = parser.parse_args().looks
    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / "ledger.sqlite3"
        proc = holder(ledger)
        assert not is_free(ledger)
        print(line("held by another process", timed(lambda: is_free(ledger), looks)))
        print(line("  baseline: os.stat of the file", timed(
            lambda: os.stat(lock_path(ledger)), looks)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert is_free(ledger) and lock_path(ledger).exists()
        print(line("left by a process killed -9", timed(lambda: is_free(ledger), looks)))
        lock = acquire(ledger)
        lock.release()  # as a window that closes: the file goes
        assert is_free(ledger) and not lock_path(ledger).exists()
        print(line("removed by a window that closed", timed(lambda: is_free(ledger), looks)))


if __name__ == "__main__":
    main()
