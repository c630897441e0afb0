"""A windowed build has no stderr: what the error boxes keep for a bug report goes to a log."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import pytest

from app.ui.main import LOG_NAME, give_streams


def test_without_stderr_the_traceback_goes_to_the_log(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """As a Windows build made with console=False starts: sys.stderr and sys.stdout None."""
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", None)
    log = give_streams(tmp_path / "DiamondLedger")
    assert log == tmp_path / "DiamondLedger" / LOG_NAME
    try:
        raise ValueError("a bug to report")
    except ValueError:
        traceback.print_exc()  # what errors.install_excepthook does with an unexpected error
    print("printed")
    assert sys.stderr is not None
    sys.stderr.flush()
    sys.stderr.close()  # the process's own stream: the test closes it before pytest's returns
    text = log.read_text(encoding="utf-8")
    assert "ValueError: a bug to report" in text and "printed" in text


def test_a_process_with_its_streams_keeps_them(tmp_path: Path) -> None:
    before = sys.stderr
    assert give_streams(tmp_path) is None
    assert sys.stderr is before and not (tmp_path / LOG_NAME).exists()


def test_a_log_past_a_megabyte_starts_afresh(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / LOG_NAME).write_text("x" * 1_100_000, encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", None)
    give_streams(tmp_path)
    print("fresh", file=sys.stderr)
    sys.stderr.close()
    assert (tmp_path / LOG_NAME).read_text(encoding="utf-8") == "fresh\n"
