"""The ledger's lock file: a live process that has the ledger open is found and named, a lock
left by a killed one never blocks, and a window that lets go frees the ledger for the next.
Other processes are real ones (subprocesses); no Qt here."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.lock import Holder, LedgerLock, acquire, is_free, lock_path, read_holder

HOLD = """
import sys, time
from pathlib import Path
from app.services.lock import acquire
lock = acquire(Path(sys.argv[1]))
print(type(lock).__name__, flush=True)
sys.stdin.read()  # hold it until the test closes our input (or kills us)
"""
PROBE = """
import sys
from pathlib import Path
from app.services.lock import acquire
got = acquire(Path(sys.argv[1]))
print(type(got).__name__, getattr(got, "pid", ""))
"""


def holder_process(ledger: Path) -> subprocess.Popen[str]:
    """Another process that takes the ledger's lock as a window does, and keeps it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(ledger)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "LedgerLock"
    return proc


def probe(ledger: Path) -> str:
    """What another process finds when it tries to take the lock now."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(ledger)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_ledger_held_by_another_live_process_names_its_pid_and_host(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    proc = holder_process(ledger)
    try:
        got = acquire(ledger)
        assert isinstance(got, Holder)
        assert got.pid == proc.pid
        assert got.host == socket.gethostname()
        assert got.started[:4].isdigit()
        assert f"process {proc.pid} on {socket.gethostname()}, since " in got.describe()
    finally:
        proc.communicate("")
    assert isinstance(acquire(ledger), LedgerLock)  # it ended: the ledger is free again


def test_a_lock_left_by_a_process_killed_with_sigkill_does_not_block(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    proc = holder_process(ledger)
    proc.send_signal(signal.SIGKILL)  # kill -9: no clean-up of any kind
    proc.wait(timeout=30)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.stdout.close()
    assert read_holder(lock_path(ledger)).pid == proc.pid  # its file is still there...
    got = acquire(ledger)
    assert isinstance(got, LedgerLock) and got.held  # ...and blocks nothing
    assert read_holder(lock_path(ledger)).pid == os.getpid()  # the new holder is named
    assert probe(ledger) == f"Holder {os.getpid()}"
    got.release()


def test_letting_go_frees_the_ledger_for_another_process_and_removes_the_file(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    lock = acquire(ledger)
    assert isinstance(lock, LedgerLock)
    assert probe(ledger) == f"Holder {os.getpid()}"
    lock.release()
    assert not lock_path(ledger).exists()
    assert probe(ledger) == "LedgerLock"
    lock.release()  # twice is harmless


def test_windows_of_one_process_share_the_lock_until_the_last_lets_go(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    first, second = acquire(ledger), acquire(ledger)  # File > Restore reopens the same file
    assert isinstance(first, LedgerLock) and isinstance(second, LedgerLock)
    first.release()
    assert probe(ledger) == f"Holder {os.getpid()}"
    second.release()
    assert probe(ledger) == "LedgerLock"


def test_a_lock_is_free_once_its_holder_is_killed_or_lets_go_and_asking_takes_nothing(
        tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    killed = holder_process(ledger)
    assert not is_free(ledger)  # a live holder: a read-only window offers nothing
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.stdin is not None and killed.stdout is not None
    killed.stdin.close()
    killed.stdout.close()
    assert is_free(ledger)  # its file is left behind, its OS lock is gone
    assert read_holder(lock_path(ledger)).pid == killed.pid  # asking wrote nothing
    assert probe(ledger) == "LedgerLock"  # ...and kept nothing: another process takes it
    ended = holder_process(ledger)
    assert not is_free(ledger)
    ended.communicate("")  # it ends without a word (a window's process that quit)
    assert is_free(ledger)
    mine = acquire(ledger)
    assert isinstance(mine, LedgerLock) and is_free(ledger)  # this process's own lock
    mine.release()  # as a window that closes: its file goes
    assert is_free(ledger)
    assert not lock_path(ledger).exists()  # asking does not make the file again


def test_a_place_where_no_lock_can_be_made_still_opens_unguarded(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the ledger's folder should be")
    got = acquire(blocker / "ledger.sqlite3")
    assert isinstance(got, LedgerLock) and not got.held
    got.release()


def locked_elsewhere(ledger: Path) -> bool:
    """Whether the OS lock is held, asked through a file description of its own (flock
    conflicts between two of them even inside one process)."""
    try:
        fd = os.open(lock_path(ledger.resolve()), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.integers(0, 4), max_size=12))
def test_the_ledger_stays_locked_exactly_while_one_of_its_windows_holds_it(tmp_path_factory,
                                                                           steps):
    ledger = tmp_path_factory.mktemp("lock") / "ledger.sqlite3"
    open_windows: list[LedgerLock] = []
    for step in steps:  # 0-1: a window opens; 2-4: the window at that place closes
        if step <= 1 or not open_windows:
            lock = acquire(ledger)
            assert isinstance(lock, LedgerLock)
            open_windows.append(lock)
        else:
            open_windows.pop(step % len(open_windows)).release()
        assert locked_elsewhere(ledger) == bool(open_windows)
    for lock in open_windows:
        lock.release()
    assert not locked_elsewhere(ledger)


@settings(max_examples=200, deadline=None)
@given(text=st.binary(max_size=200))
def test_any_text_in_a_lock_file_names_a_holder_without_raising(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "ledger.sqlite3.lock"
    path.write_bytes(text)
    holder = read_holder(path)
    assert holder.describe()


def test_a_lock_file_being_written_names_another_process(tmp_path):
    path = tmp_path / "ledger.sqlite3.lock"
    path.write_text("")
    assert read_holder(path).describe() == "another process"  # between lock and write
