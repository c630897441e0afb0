"""A mutation fuzzer, independent of the hypothesis tests: valid seed files of every format
(tests/fuzz/seeds) are damaged the ways real files are (byte flips, huge numbers, surrogates,
control characters, truncation, duplicated and deleted lines, zip member damage) and imported
through the real command line, in-process (app.cli.main with --db).

For every file: exit 0 or 1 (never a traceback, never a usage error), `PRAGMA integrity_check`
ok, and a refused file (exit 1, one line on stderr) leaves every table as it was. It runs for
DL_FUZZ_SECONDS (default 60) from a fixed seed (DL_FUZZ_SEED to change it). A file that breaks
an invariant is written to tests/fuzz/gallery/, where test_gallery replays it on every run:
commit it with the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ledger, snapshot, write

from app.cli import main
from app.store.db import open_db

FUZZ = Path(__file__).parent / "fuzz"
SEEDS = sorted((FUZZ / "seeds").iterdir())
GALLERY = FUZZ / "gallery"
SECONDS = float(os.environ.get("DL_FUZZ_SECONDS", "60"))
SLOW = 20.0  # seconds one file may take before it counts as a hang

HUGE = [b"9" * 25, b"1e9999999", b"-1e30", b"1e999999", b"9" * 5000, b"12345678901234567890",
        "\u00b2".encode(), b"0x1F", b"NaN", b"-0", b"1" + b"0" * 40, b"1e-999999"]
TEXT = [b"\xed\xa0\x80", b"\\ud800", b"\\udcff", b"\xff\xfe", b"\x00", b"\x1b[2J", b'"',
        b"\r", b"\n\n", b",,,", b";", b"\t", "\u202e".encode(), "\U0001f339".encode()]
Mutator = Callable[[random.Random, bytes], bytes]


# ---- mutations -----------------------------------------------------------------------------------

def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert(rng: random.Random, data: bytes, pieces: list[bytes] | None = None) -> bytes:
    piece = rng.choice(pieces or HUGE + TEXT)
    at = rng.randint(0, len(data))
    return data[:at] + piece + data[at:]


def replace_number(rng: random.Random, data: bytes) -> bytes:
    """A run of digits (a coin count, an id, an amount) replaced by a huge or odd number."""
    starts = [i for i in range(len(data)) if data[i:i + 1].isdigit()
              and (i == 0 or not data[i - 1:i].isdigit())]
    if not starts:
        return insert(rng, data, HUGE)
    at = rng.choice(starts)
    end = at
    while end < len(data) and data[end:end + 1].isdigit():
        end += 1
    return data[:at] + rng.choice(HUGE) + data[end:]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randint(0, len(data))]


def lines(rng: random.Random, data: bytes) -> bytes:
    """A line duplicated, deleted or moved."""
    rows = data.split(b"\n")
    if len(rows) < 2:
        return flip(rng, data)
    i = rng.randrange(len(rows))
    how = rng.choice(("dup", "del", "move"))
    if how == "dup":
        rows.insert(rng.randrange(len(rows)), rows[i])
    elif how == "del":
        del rows[i]
    else:
        rows.insert(rng.randrange(len(rows)), rows.pop(i))
    return b"\n".join(rows)


TEXT_MUTATORS: list[Mutator] = [flip, insert, replace_number, replace_number, truncate, lines,
                                lines]


def mutate_text(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = rng.choice(TEXT_MUTATORS)(rng, data)
    return data


def mutate_zip(rng: random.Random, data: bytes) -> bytes:
    """Either the archive's bytes damaged (member data, headers, directory) or a member's
    content mutated and the zip rebuilt, by any method, with names that may be damaged."""
    if rng.random() < 0.5:
        return mutate_text(rng, data) if rng.random() < 0.3 else flip(rng, data)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if rng.random() < 0.7:
                content = mutate_text(rng, content)
            name = info.filename
            if rng.random() < 0.1:
                name = rng.choice(("../" + name, name.upper(), name + "\u00e9", "a/" * 8 + name))
            method = rng.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                 zipfile.ZIP_LZMA))
            target.writestr(name, content, method)
    return out.getvalue()


def mutant(rng: random.Random, seed: Path) -> bytes:
    data = seed.read_bytes()
    return mutate_zip(rng, data) if seed.suffix in (".zip", ".xlsx") else mutate_text(rng, data)


# ---- the invariants --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with one account and one import, copied for every file."""
    folder = tmp_path_factory.mktemp("fuzz_template")
    db = ledger(folder)
    db.close()
    path = folder / "ledger.sqlite3"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(path), "import", str(FUZZ / "seeds" / "gifts.csv")]) == 0
    return path


def check(template: Path, work: Path, name: str, data: bytes) -> tuple[str, str | None]:
    """Import `data` as `name` into a copy of `template`: (outcome, what broke or None)."""
    db_path = work / "ledger.sqlite3"
    shutil.copy(template, db_path)
    path = write(work / name, data)
    db = open_db(db_path)
    before = snapshot(db)
    db.close()
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(db_path), "import", str(path)])
    except SystemExit as exc:
        return "exit", f"SystemExit {exc.code}: {err.getvalue().strip()[:300]}"
    except BaseException:  # noqa: BLE001 - the invariant is exactly that nothing escapes
        return "traceback", traceback.format_exc(limit=-6)
    finally:
        path.unlink()
    took = time.perf_counter() - started
    db = open_db(db_path)
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return f"exit {code}", "integrity_check failed"
        if code == 1 and snapshot(db) != before:
            return "exit 1", f"refused but the ledger changed: {err.getvalue().strip()}"
    finally:
        db.close()
        db_path.unlink()
    message = err.getvalue().strip()
    if code not in (0, 1):
        return f"exit {code}", f"exit {code}: {message}"
    if code == 1 and (not message or len(message.splitlines()) != 1):
        return "exit 1", f"not one line on stderr: {message!r}"
    if "Traceback" in out.getvalue() + message:
        return f"exit {code}", "a traceback was printed"
    if took > SLOW:
        return f"exit {code}", f"took {took:.0f} s"
    return f"exit {code}", None


def keep(name: str, data: bytes) -> Path:
    """A failing file into the gallery, named by its content and the seed's file name."""
    GALLERY.mkdir(exist_ok=True)
    path = GALLERY / f"{hashlib.sha256(data).hexdigest()[:12]}__{name}"
    path.write_bytes(data)
    return path


def test_mutated_seeds_keep_every_invariant(template: Path, tmp_path: Path,
                                            record_property: Callable[[str, object], None]
                                            ) -> None:
    rng = random.Random(int(os.environ.get("DL_FUZZ_SEED", "20261202")))
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    tried = 0
    while time.perf_counter() - started < SECONDS or tried < len(SEEDS):
        seed = SEEDS[tried % len(SEEDS)]
        data = mutant(rng, seed)
        outcome, broke = check(template, tmp_path, seed.name, data)
        tried += 1
        outcomes[outcome] += 1
        if broke is not None:
            failures.append(f"{keep(seed.name, data).name}: {broke.splitlines()[-1][:300]}")
    seconds = time.perf_counter() - started
    record_property("fuzz_summary", f"mutation fuzzer: {tried} files from {len(SEEDS)} seeds in "
                    f"{seconds:.0f} s; outcomes " + ", ".join(
                        f"{k}: {v}" for k, v in sorted(outcomes.items()))
                    + f"; {len(failures)} broke an invariant")
    assert not failures, "kept in tests/fuzz/gallery:\n" + "\n".join(failures[:20])


@pytest.mark.parametrize("path", sorted(GALLERY.glob("*__*")), ids=lambda p: p.name)
def test_gallery(template: Path, tmp_path: Path, path: Path) -> None:
    """Every file the fuzzer (or a person) found breaking an invariant, replayed."""
    outcome, broke = check(template, tmp_path, path.name.split("__", 1)[1], path.read_bytes())
    assert broke is None, f"{outcome}: {broke}"

