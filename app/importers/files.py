"""The one way a reader opens a file the user named: regular files only, reads bounded.

A FIFO named gifts.csv would block the import forever, /dev/zero linked into an export folder
would fill memory, a socket or a device cannot be read as a file at all: each is refused by
its type (os.stat, following links) before it is opened, and again on the opened descriptor,
which is opened without blocking so that a file swapped for a FIFO in between cannot hang.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import IO, BinaryIO

from app.importers.base import ImportRefused, storable

CHUNK = 1 << 20
MAX_ZIP_TOTAL = 2 * 1024**3  # uncompressed bytes read out of one zip, all members together
MAX_ZIP_MEMBERS = 10_000  # a TikTok export has a few dozen, a workbook a few per sheet
MAX_RATIO = 200  # a member inflating more than this many times its compressed size is a bomb
RATIO_FLOOR = 1024 * 1024  # below this size any ratio is harmless (a small file of spaces)
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


class ZipBudget:
    """What may be read out of one zip: at most MAX_ZIP_MEMBERS members, each at most the cap
    its reader names, at most MAX_ZIP_TOTAL in all, and none that inflates more than MAX_RATIO
    times (a zip bomb) or claims more compressed bytes than the archive has. Checked on the
    sizes the directory states before a member is opened, and on the bytes as they come
    (zipfile stops at the stated size and checks the CRC). The TikTok export reader and the
    workbook reader both go through it."""

    def __init__(self, archive: str, size: int, total: int = MAX_ZIP_TOTAL) -> None:
        self.archive, self.size, self.left, self.total = archive, size, total, total

    def members(self, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        """The archive's files (folders left out); ImportRefused past MAX_ZIP_MEMBERS."""
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ImportRefused(f"{self.archive} holds {len(infos):,} members (over "
                                f"{MAX_ZIP_MEMBERS:,}): not an export or workbook, refused")
        return [m for m in infos if not m.is_dir()]

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> bytes:
        name = self.check(member, cap)
        with archive.open(member) as handle:
            data = read_capped(handle, min(cap, self.left), self._too_big(name, cap))
        self.left -= len(data)
        return data

    def check(self, member: zipfile.ZipInfo, cap: int) -> str:
        """The member's shown name once its stated sizes pass; a member streamed after this
        is held to them by zipfile, which stops at the stated size and checks the CRC."""
        name = f"{self.archive}: {storable(member.filename)}"
        if member.flag_bits & 0x1:
            raise ImportRefused(f"{name} is encrypted (password-protected zip)")
        size, compressed = member.file_size, member.compress_size
        if size > cap or size > self.left:
            raise ImportRefused(self._too_big(name, cap))
        if compressed > self.size:
            raise ImportRefused(f"{name} claims {compressed:,} compressed bytes in an archive "
                                f"of {self.size:,}: the zip is damaged")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
            raise ImportRefused(f"{name} would inflate {size // max(compressed, 1):,} times "
                                f"(over {MAX_RATIO}:1): refused as a zip bomb")
        return name

    def reserve(self, member: zipfile.ZipInfo, cap: int) -> str:
        """check(), and its stated size counted against the total: for a member that another
        library (openpyxl) reads itself, held to the stated size by zipfile."""
        name = self.check(member, cap)
        self.left -= member.file_size
        return name

    def _too_big(self, name: str, cap: int) -> str:
        return (f"{name} is over the cap of {cap // 2**20} MB uncompressed for a member "
                f"({self.total // 2**30} GB for all members read from one zip)")


def _check_regular(mode: int, path: Path | str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise ImportRefused(f"not a regular file: {storable(str(path))} ({kind})")


def _name(path: Path | str) -> str:
    return storable(Path(path).name)
