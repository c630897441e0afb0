"""PySide6 6.12.0 on Python 3.11 aborts the interpreter (none_dealloc) after a few thousand Qt
calls that return nothing; pyproject pins a working range there. This is the one-liner that
showed it, run in a child process so a crash fails this test instead of killing the suite."""

from __future__ import annotations

import os
import subprocess
import sys


def test_many_void_qt_calls_do_not_abort_the_interpreter():
    code = ("from PySide6.QtCore import QTimer; t = QTimer(); "
            "[t.stop() for _ in range(100000)]; print('alive')")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive"
