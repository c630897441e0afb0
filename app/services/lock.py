"""Is this ledger already open in a window of another process? A lock file beside it says.

`<ledger>.lock` holds an OS lock (`flock` on Linux and macOS, `msvcrt.locking` on Windows)
for as long as a window has the ledger open. The OS lets go of that lock when the process
ends, however it ends (a crash, `kill -9`, a power cut), so staleness needs no guessing: a
lock file whose OS lock nobody holds is stale, whatever it says, and the next window takes
it. The file's text (pid, host, start time) is only read to name the holder in the question.
Neither a pid that might have been reused nor a clock decides anything.

A read-only window asks `is_free` every 2 s whether the other window let go: a try-lock taken
and let go at once, which never waits for the holder and never creates the file. It costs
15 microseconds (median; under 0.6 ms at worst) on a local Linux disk, so the GUI thread can
ask (tests/benchmarks/bench_lock_probe.py).

The command line takes no lock: SQLite's own locking keeps its writes and the window's
apart, and the window notices them within 2 s. Within one process the lock is shared (a
window replacing another on the same ledger, File > Restore): it is let go with the last.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SUFFIX = ".lock"
_WINDOWS_BYTE = 1 << 30  # Windows locks a byte range: one far past the text, which stays readable


@dataclass(frozen=True)
class Holder:
    """The process that has the ledger open, as its lock file names it."""

    pid: int
    host: str
    started: str  # ISO 8601, UTC

    def describe(self) -> str:
        """"process 4242 on laptop, since 2026-12-02 18:50 UTC" (as much as is known)."""
        since = f", since {self.started[:16].replace('T', ' ')} UTC" if self.started else ""
        where = f" on {self.host}" if self.host else ""
        return (f"process {self.pid}{where}{since}" if self.pid > 0
                else f"another process{where}{since}")


def lock_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + SUFFIX)


class _Held:
    """This process's OS lock on one lock file, shared by its windows on that ledger."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd, self.users = path, fd, 0


_HELD: dict[Path, _Held] = {}


class LedgerLock:
    """One window's share of the lock; `release()` it when the window lets the ledger go.
    `held` is False when no lock could be made (a read-only folder, a file system without
    locks): the ledger opens all the same, unguarded."""

    def __init__(self, held: _Held | None) -> None:
        self._held = held
        if held is not None:
            held.users += 1

    @property
    def held(self) -> bool:
        return self._held is not None

    def release(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        held.users -= 1
        if held.users == 0:
            _HELD.pop(held.path, None)
            _let_go(held)


def acquire(ledger: Path) -> LedgerLock | Holder:
    """The lock on `ledger`, or the live process holding it."""
    path = lock_path(ledger.resolve())
    held = _HELD.get(path)
    if held is not None:
        return LedgerLock(held)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # a first run: the folder is new
        fd = _take(path)
    except OSError:
        return LedgerLock(None)
    if fd is None:
        return read_holder(path)
    held = _HELD[path] = _Held(path, fd)
    with contextlib.suppress(OSError):  # a full disk: the lock holds, its text names no one
        _write_holder(fd)
    return LedgerLock(held)


def is_free(ledger: Path) -> bool:
    """Whether `acquire(ledger)` would get the lock now, asked without keeping it: the holder
    let go (its window closed, its process ended however it ended) or this process has it.
    False while another process holds it, and when it cannot be told (then nothing is
    offered that `acquire` might not give)."""
    path = lock_path(ledger.resolve())
    if path in _HELD:
        return True
    try:
        return _free(path)
    except FileNotFoundError:
        return True  # a window that closed removed it (POSIX); no lock, no holder
    except OSError:
        return False


def holder_of(ledger: Path) -> Holder:
    """Who the lock file of `ledger` names (the process holding it, when one does)."""
    return read_holder(lock_path(ledger.resolve()))


def read_holder(path: Path) -> Holder:
    """Who the lock file at `path` names (a file being written names no one yet)."""
    try:
        text = json.loads(path.read_text(encoding="utf-8").strip("\0").strip() or "{}")
    except (OSError, ValueError):
        text = {}
    if not isinstance(text, dict):
        text = {}
    pid = text.get("pid")
    return Holder(pid if isinstance(pid, int) else 0, str(text.get("host") or ""),
                  str(text.get("started") or ""))


def _write_holder(fd: int) -> None:
    text = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                       "started": datetime.now(UTC).isoformat(timespec="seconds"),
                       "app": "Diamond Ledger"})
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, text.encode("utf-8"))
    os.fsync(fd)


if sys.platform == "win32":
    import msvcrt

    # msvcrt.locking(LK_NBLCK) is LockFileEx(exclusive, fail at once) on the bytes from the
    # file's current position (which it leaves where it was); a byte another process holds
    # fails with ERROR_LOCK_VIOLATION, which the C runtime maps to EACCES. Any other error
    # is no answer about a holder: it is raised, as flock's are below.
    _HELD_ERRNOS = (errno.EACCES, errno.EDEADLK)

    def _try_byte(fd: int) -> bool:
        """Lock the far byte (past the end of the file, which Windows allows); False when
        another process has it."""
        os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in _HELD_ERRNOS:
                return False
            raise
        return True

    def _take(path: Path) -> int | None:
        """The locked file's descriptor, or None when another process holds it."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            taken = _try_byte(fd)
        except OSError:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            return None
        return fd

    def _free(path: Path) -> bool:
        """The far byte tried and let go at once, through a descriptor of its own (a byte
        range lock conflicts between two handles, even in one process: `_HELD` is asked
        first). The position is still on the byte: LK_UNLCK unlocks from there."""
        fd = os.open(path, os.O_RDONLY)  # LockFileEx needs read or write access, not both
        try:
            if not _try_byte(fd):
                return False
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            return True
        finally:
            os.close(fd)  # closing would let go of the byte too, but later than unlocking

    def _let_go(held: _Held) -> None:
        """Windows cannot delete an open file: the text goes, the empty file stays. The
        position goes back to the byte first (writing the text moved it): LK_UNLCK unlocks
        from there. A failure of either never keeps the descriptor open (as on POSIX, the
        window closes all the same): closing it lets go of the byte too, only later."""
        with contextlib.suppress(OSError):  # a text left behind names no holder of the lock
            os.ftruncate(held.fd, 0)
        with contextlib.suppress(OSError):
            os.lseek(held.fd, _WINDOWS_BYTE, os.SEEK_SET)
            msvcrt.locking(held.fd, msvcrt.LK_UNLCK, 1)
        os.close(held.fd)
else:
    import fcntl

    def _take(path: Path) -> int | None:
        """The locked file's descriptor, or None when another process holds it."""
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
            except OSError:
                os.close(fd)
                raise
            # the holder may have deleted the file between our open and our lock: a lock on
            # a deleted file guards nothing, so lock the file that is there now instead
            try:
                current = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
            if current:
                return fd
            os.close(fd)

    def _free(path: Path) -> bool:
        """A shared try-lock through a descriptor of its own, let go as it closes: it fails
        while a holder has its exclusive one (flock conflicts between two open files even in
        one process: `_HELD` is asked first). Read-only and shared: two read-only windows
        asking at once do not see each other as holders."""
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)
        return True

    def _let_go(held: _Held) -> None:
        """Deleted while still locked, so no one can lock the old file after it is gone."""
        with contextlib.suppress(OSError):  # a file left behind is harmless once let go
            held.path.unlink()
        os.close(held.fd)
