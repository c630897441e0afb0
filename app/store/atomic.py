"""The one way a file the creator asked for is written: whole, or not at all.

Everything goes to a temporary file beside the target (same folder, so the same filesystem),
which is flushed, fsynced and closed before `os.replace` puts it in place. On any error the
temporary file is removed and an earlier file at the target is left byte for byte as it was:
a full disk never turns last year's report into 0 bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class WriteError(OSError):
    """The file could not be written: the message says where and why, in one line."""

    def __str__(self) -> str:
        return str(self.strerror)


def write_problem(target: Path, exc: OSError) -> WriteError:
    """`exc` (raised while writing `target`) as one line a creator can act on."""
    return WriteError(exc.errno or 0, f"could not write {target}: {reason(target, exc)}; "
                                      "nothing was written")


def reason(target: Path, exc: OSError) -> str:
    """Why `target` could not be written, in words."""
    if isinstance(exc, WriteError):
        return str(exc)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST) and _file_on_path(target.parent):
        return "a part of the path is a file"
    if exc.errno == errno.ENOENT and target.parent.is_dir():
        return f"files cannot be created in {target.parent}"
    known = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is full",
             errno.EROFS: "the disk is read-only",
             errno.EACCES: "permission denied", errno.EPERM: "permission denied",
             errno.EISDIR: "it is a folder", errno.ENOENT: "the folder does not exist"}
    return known.get(exc.errno or 0) or exc.strerror or str(exc) or type(exc).__name__


def check_target(target: Path) -> None:
    """Raise WriteError when `target` names a folder or lies in a folder that is not there."""
    if target.is_dir():
        raise WriteError(errno.EISDIR, f"could not write {target}: it is a folder; "
                                       "nothing was written")
    if not target.parent.is_dir():
        reason = ("a part of the path is a file" if _file_on_path(target.parent)
                  else "the folder does not exist")
        raise WriteError(errno.ENOENT, f"could not write {target}: {reason}; "
                                       "nothing was written")


def make_folder(target: Path) -> None:
    """Create the folder `target` goes in, when missing; WriteError when it cannot be."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_problem(target, exc) from None


def _file_on_path(folder: Path) -> bool:
    return any(p.exists() and not p.is_dir() for p in (folder, *folder.parents))


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A fresh temporary path beside `target` to write to; put in place when the block ends
    without error (fsynced first), removed otherwise. Errors come out as WriteError."""
    target = Path(target)
    check_target(target)
    tmp = _create_beside(target)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise write_problem(target, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_folder(target.parent)


@contextmanager
def atomic_open(target: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """`open(target, mode, **kwargs)` that only replaces `target` once all was written,
    flushed and closed."""
    with atomic_path(target) as tmp, tmp.open(mode, **kwargs) as handle:
        yield handle


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_open(target, "wb") as handle:
        handle.write(data)


def _create_beside(target: Path) -> Path:
    """A new empty file next to `target`, with the permissions a plain open() would give
    (mkstemp's are owner-only)."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_problem(target, exc) from None
        return tmp
    raise WriteError(errno.EEXIST, f"could not write {target}: no free temporary name")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows (not on Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
