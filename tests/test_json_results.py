"""Every `--json` output goes through one encoder (app.services.results): it parses, and its
Decimal amounts are strings with every digit they have, as DESIGN.md's contract says."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import main
from app.services.results import dumps, jsonable


@dataclass(frozen=True)
class Quote:
    day: date
    usd: Decimal
    count: int


def test_decimals_keep_their_digits_days_are_iso_and_dataclasses_are_objects():
    data = jsonable({"q": Quote(date(2026, 10, 31), Decimal("149.995"), 3),
                     "big": Decimal("1.6E+4"), "rate": Decimal("0.00333322")})
    assert data == {"q": {"day": "2026-10-31", "usd": "149.995", "count": 3},
                    "big": "16000", "rate": "0.00333322"}
    assert json.loads(dumps(data)) == data


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIAMOND_LEDGER_DB", str(tmp_path / "stray" / "default.sqlite3"))
    path = tmp_path / "ledger.sqlite3"
    assert main(["demo", "--db", str(path)]) == 0
    return path


COMMANDS = [["summary"], ["convert", "29999"], ["plan"], ["imports"], ["checkins"],
            ["accounts"], ["calibrate", "--diamonds", "20000", "--cash", "98"],
            ["goal", "1361.04", "--by", "2099-01-01"], ["profiles"], ["backups"]]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_every_json_command_parses_and_its_decimals_are_exact_strings(demo, capsys, argv):
    capsys.readouterr()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*argv, "--db", str(demo), "--json"]) == 0
    data = json.loads(out.getvalue())

    def walk(value: object) -> None:
        assert not isinstance(value, float), f"{argv[0]}: a float in JSON loses digits"
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and value[:1].isdigit() and "E" in value.upper():
            pytest.fail(f"{argv[0]}: scientific notation {value!r}")
    walk(data)


def test_summary_json_keeps_the_half_cent(demo, capsys):
    """29,999 coins at $0.005: "149.995", not 150 or 149.99."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["convert", "29999", "--db", str(demo), "--json"]) == 0
    assert json.loads(out.getvalue())["usd"] == "149.995"
