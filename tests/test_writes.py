"""Files the creator asks for (reports, exports, backups) are written whole or not at all.

A full disk, a read-only or missing place, a folder given as a file, another filesystem (a USB
stick): one line, exit 1, no temporary file left behind, and an earlier file at the target
byte for byte as it was. The disks are real: a small tmpfs mounted for the test (the suite
runs as root); without the right to mount, a file whose writes fail with ENOSPC stands in for
the full disk and /dev/shm for the other filesystem.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.services.demo import load_demo
from app.store.db import open_db


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@contextmanager
def mounted(folder: Path, options: str) -> Iterator[bool]:
    """A tmpfs at `folder` for the block (True), or False when it cannot be mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, check=False)
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def stick(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB filesystem of its own, like a USB stick (else /dev/shm, also another one)."""
    folder = tmp_path / "stick"
    with mounted(folder, "size=4m") as ok:
        if ok:
            yield folder
            return
    folder = Path("/dev/shm") / f"diamond-ledger-test-{os.getpid()}"
    folder.mkdir()
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=True)


class _FullFile:
    """A file handle whose writes fail as on a full disk (when no tmpfs can be mounted)."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


class FullDisk:
    """A folder on a small disk; `fill()` takes the last of its room."""

    def __init__(self, folder: Path, mounted: bool) -> None:
        self.folder, self.mounted = folder, mounted

    def fill(self) -> None:
        if not self.mounted:
            return  # the stand-in files are full from the start
        with (self.folder / "filler").open("wb", buffering=0) as handle, \
                pytest.raises(OSError, match="No space left"):
            while True:
                handle.write(b"\0" * 4096)


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FullDisk]:
    folder = tmp_path / "full"
    with mounted(folder, "size=64k") as ok:
        if ok:
            yield FullDisk(folder, True)
            return
    original = Path.open

    def opened(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = original(self, mode, *args, **kwargs)
        full = self.parent == folder and self.name.endswith(".part")
        return _FullFile(handle) if full and "w" in mode else handle

    monkeypatch.setattr(Path, "open", opened)
    yield FullDisk(folder, False)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite3"
    db = open_db(path)
    load_demo(db)
    db.close()
    return path


def _left_behind(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


# ---- a full disk -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["report.csv", "report.pdf"])
def test_a_report_on_a_full_disk_fails_and_keeps_the_earlier_report(
        ledger: Path, full_disk: FullDisk, capsys: pytest.CaptureFixture[str],
        name: str) -> None:
    out = full_disk.folder / name
    earlier = b"last year's report, kept byte for byte"
    out.write_bytes(earlier)
    full_disk.fill()
    code, stdout, err = run(capsys, "--db", ledger, "report", "--year", "2026", "--out", out)
    assert (code, stdout) == (1, "")
    assert err.count("\n") == 1 and "the disk is full" in err and "wrote" not in err, err
    assert out.read_bytes() == earlier
    assert _left_behind(full_disk.folder) == [name]


def test_an_export_on_a_full_disk_fails_and_leaves_no_part_file(
        ledger: Path, full_disk: FullDisk, capsys: pytest.CaptureFixture[str]) -> None:
    full_disk.fill()
    out = full_disk.folder / "gifts.csv"
    code, stdout, err = run(capsys, "--db", ledger, "export", "gifts", "--out", out)
    assert (code, stdout) == (1, "")
    assert err.count("\n") == 1 and "the disk is full" in err, err
    assert _left_behind(full_disk.folder) == []


def test_a_backup_onto_a_full_disk_fails_and_leaves_nothing(
        ledger: Path, full_disk: FullDisk, capsys: pytest.CaptureFixture[str]) -> None:
    if not full_disk.mounted:
        return  # SQLite writes the copy itself: only a real small disk shows this (as root)
    full_disk.fill()
    out = full_disk.folder / "copy.sqlite3"
    code, _, err = run(capsys, "--db", ledger, "backup", "--out", out)
    assert code == 1 and err.count("\n") == 1 and "full" in err, err
    assert _left_behind(full_disk.folder) == []


# ---- another filesystem ------------------------------------------------------------------------

def test_a_backup_onto_another_filesystem_is_copied_checked_and_complete(
        ledger: Path, stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert os.stat(stick).st_dev != os.stat(ledger.parent).st_dev
    out = stick / "ledger-copy.sqlite3"
    code, stdout, err = run(capsys, "--db", ledger, "backup", "--out", out)
    assert code == 0, err
    assert str(out) in stdout
    assert _left_behind(stick) == ["ledger-copy.sqlite3"]
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM gifts").fetchone()[0] == 1974
    conn.close()


def test_restore_from_another_filesystem_works(
        ledger: Path, stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = stick / "copy.sqlite3"
    assert run(capsys, "--db", ledger, "backup", "--out", out)[0] == 0
    assert run(capsys, "--db", ledger, "undo", "1")[0] == 0
    assert run(capsys, "--db", ledger, "restore", out)[0] == 0
    code, stdout, _ = run(capsys, "--db", ledger, "summary", "--json")
    assert code == 0 and '"diamonds": "203208"' in stdout


# ---- places that cannot be written -------------------------------------------------------------

@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A read-only filesystem (a mounted tmpfs), else /proc, where nothing can be created."""
    folder = tmp_path / "ro"
    with mounted(folder, "size=64k,ro") as ok:
        if ok:
            yield folder
            return
    yield Path("/proc")


def _targets(tmp_path: Path, read_only: Path, name: str) -> list[tuple[Path, str]]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("a file, not a folder")
    return [(a_file / name, "a part of the path is a file"),
            (read_only / name, "read-only" if read_only.name == "ro" else ""),
            (tmp_path, "is a folder")]


@pytest.mark.parametrize("command", [["export", "gifts", "--out"], ["backup", "--out"],
                                     ["report", "--out"]])
def test_an_output_that_cannot_be_written_is_one_line_and_nothing_else(
        ledger: Path, tmp_path: Path, read_only: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    before = ledger.read_bytes()
    name = "out.pdf" if command[0] == "report" else "out.csv"
    for target, reason in _targets(tmp_path, read_only, name):
        code, stdout, err = run(capsys, "--db", ledger, *command, target)
        # the report checks its target before opening the ledger: a usage error there
        assert code in ((1, 2) if command[0] == "report" else (1,)), (target, err)
        assert stdout == "" and err.count("\n") == 1, (target, err)
        assert "Traceback" not in err and reason in err, (target, err)
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite3", "notes.txt", "ro"]


def test_a_ledger_path_that_cannot_be_used_is_one_line(
        tmp_path: Path, read_only: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for target, reason in _targets(tmp_path, read_only, "ledger.sqlite3"):
        code, stdout, err = run(capsys, "--db", target, "summary")
        assert (code, stdout) == (1, ""), (target, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (target, err)
        assert f"cannot use {target}" in err or "cannot open the ledger" in err, err
        assert reason.split()[0] in err or target == read_only / "ledger.sqlite3", (target, err)


def test_a_ledger_on_read_only_media_can_be_read_and_refuses_writes_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "card"
    with mounted(folder, "size=8m") as ok:
        if not ok:
            return  # needs a filesystem that can be made read-only (root)
        path = folder / "ledger.sqlite3"
        db = open_db(path)
        load_demo(db)
        db.execute("PRAGMA user_version = 0")  # as ledgers made before it was kept are
        db.close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        before = path.read_bytes()
        code, out, err = run(capsys, "--db", path, "summary", "--json")
        assert code == 0 and '"diamonds": "203208"' in out, err
        csv = tmp_path / "more.csv"
        csv.write_text("time,sender,gift,coins\n2026-10-01T10:00:00Z,ann,Rose,1\n")
        code, out, err = run(capsys, "--db", path, "import", csv)
        assert (code, out) == (1, "") and err.count("\n") == 1, err
        assert "readonly" in err or "read-only" in err, err
        assert path.read_bytes() == before
