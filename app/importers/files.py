"""The one way a reader opens a file the user named: regular files only, reads bounded.

A FIFO named gifts.csv would block the import forever, /dev/zero linked into an export folder
would fill memory, a socket or a device cannot be read as a file at all: each is refused by
its type (os.stat, following links) before it is opened, and again on the opened descriptor,
which is opened without blocking so that a file swapped for a FIFO in between cannot hang.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, BinaryIO

from app.importers.base import ImportRefused, storable

CHUNK = 1 << 20
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # not on Windows, which has no FIFOs in a folder
_BINARY = getattr(os, "O_BINARY", 0)
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def regular_size(path: Path | str) -> int:
    """The size of `path`, a regular file; ImportRefused for anything else."""
    if str(path) == "":
        raise ImportRefused("empty file name")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportRefused("no such file") from None
    except OSError as exc:
        raise ImportRefused(f"cannot read {_name(path)}: {exc.strerror or exc}") from None
    _check_regular(info.st_mode, path)
    return info.st_size


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading (binary); ImportRefused unless it is a regular file."""
    regular_size(path)
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except OSError as exc:
        raise ImportRefused(f"cannot read {_name(path)}: {exc.strerror or exc}") from None
    try:
        _check_regular(os.fstat(fd).st_mode, path)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(handle: IO[bytes], cap: int, too_big: str) -> bytes:
    """All of `handle`, read a chunk at a time; ImportRefused(too_big) past `cap` bytes, so
    a stream longer than it said (a lying size, a growing file) never fills memory."""
    data = bytearray()
    while chunk := handle.read(min(CHUNK, cap + 1 - len(data))):
        data += chunk
        if len(data) > cap:
            raise ImportRefused(too_big)
    return bytes(data)


def read_regular(path: Path | str, cap: int) -> bytes:
    """The whole of a regular file of at most `cap` bytes (the cap is named when refused)."""
    too_big = (f"{_name(path)} is over {cap // 2**20} MB; files that large are refused "
               "(the cap for a file read into memory)")
    if regular_size(path) > cap:
        raise ImportRefused(too_big)
    with open_regular(path) as handle:
        try:
            return read_capped(handle, cap, too_big)
        except OSError as exc:
            raise ImportRefused(f"cannot read {_name(path)}: {exc.strerror or exc}") from None


def _check_regular(mode: int, path: Path | str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise ImportRefused(f"not a regular file: {storable(str(path))} ({kind})")


def _name(path: Path | str) -> str:
    return storable(Path(path).name)
