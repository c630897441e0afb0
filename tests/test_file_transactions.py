"""Each imported file is one transaction: all its parts and its new account, or nothing.

- A TikTok export holds LIVEs and payouts: when the payouts part fails, the LIVEs do not stay.
- `import a.csv b.csv` where b fails after a went in: exit 3, and the output (text and JSON)
  says exactly what went in and what did not; the ledger holds a, nothing of b.
- A first import into a new --account that fails leaves no empty account behind.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import gift_csv, gift_lines, ledger, snapshot, wrap_open_db

from app import cli
from app.importers.base import ImportCancelled
from app.services.importing import import_files
from app.store.db import open_db

EXPORT = Path(__file__).parent / "fixtures" / "tiktok_export" / "user_data_tiktok.json"


def test_an_export_whose_payouts_part_fails_leaves_none_of_its_lives(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    export = shutil.copy(EXPORT, tmp_path / "user_data_tiktok.json")

    def cancel() -> bool:  # the creator cancels once the LIVEs are in, during the payouts
        return db.execute("SELECT count(*) FROM sessions").fetchone()[0] > 0

    with pytest.raises(ImportCancelled):
        import_files(db, [Path(export)], cancel=cancel)
    assert not db.conn.in_transaction
    assert snapshot(db) == before
    [lives, payouts] = import_files(db, [Path(export)])  # and it goes in whole afterwards
    assert (lives.kind, payouts.kind) == ("sessions", "payouts")
    assert lives.inserted == 4 and payouts.inserted > 0
    db.close()


def _full_after_first_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ledger opened can grow by a few pages only: a small file fits, a big one not."""
    def open_small(original: Any, *args: Any, **kwargs: Any) -> Any:
        opened = original(*args, **kwargs)
        pages = opened.execute("PRAGMA page_count").fetchone()[0]
        opened.execute(f"PRAGMA max_page_count = {pages + 6}")
        return opened

    wrap_open_db(monkeypatch, open_small)


def _files(tmp_path: Path) -> list[Path]:
    return [gift_csv(tmp_path / "a.csv", gift_lines(0, 5)),
            gift_csv(tmp_path / "big.csv", gift_lines(5, 20_005)),
            gift_csv(tmp_path / "c.csv", gift_lines(20_005, 20_010))]


def test_a_file_failing_after_another_went_in_exits_3_and_the_json_says_what_went_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ledger(tmp_path).close()
    small, big, rest = _files(tmp_path)
    _full_after_first_file(monkeypatch)
    code = cli.main(["--db", str(tmp_path / "ledger.sqlite3"), "import", str(small), str(big),
                     str(rest), "--json"])
    out, err = capsys.readouterr()
    assert code == 3
    data = json.loads(out)
    assert [(r["file"], r["inserted"]) for r in data["imports"]] == [(str(small), 5)]
    [failed] = data["failed"]
    assert failed["file"] == str(big) and "full" in failed["error"]
    assert data["not_tried"] == [str(rest)]
    assert err.count("\n") == 1 and "1 part(s) imported, 1 file(s) not" in err
    monkeypatch.undo()
    db = open_db(tmp_path / "ledger.sqlite3")
    assert db.execute("SELECT count(*), min(sender_name) FROM gifts").fetchone() == (5, "fan0")
    assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    db.close()


def test_the_text_output_of_a_partly_done_import_names_each_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ledger(tmp_path).close()
    small, big, rest = _files(tmp_path)
    _full_after_first_file(monkeypatch)
    code = cli.main(["--db", str(tmp_path / "ledger.sqlite3"), "import", str(small), str(big),
                     str(rest)])
    out, _ = capsys.readouterr()
    assert code == 3
    lines = out.splitlines()
    assert lines[0].startswith("import #1: ") and f"{small} (gifts): 5 rows, 5 new" in lines[0]
    assert lines[1].startswith(f"not imported: {big}: ") and "nothing of this file" in lines[1]
    assert lines[2] == f"not tried: {rest}"


def test_nothing_written_is_still_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    db.close()
    _, big, _ = _files(tmp_path)
    _full_after_first_file(monkeypatch)
    assert cli.main(["--db", str(tmp_path / "ledger.sqlite3"), "import", str(big)]) == 1
    monkeypatch.undo()
    db = open_db(tmp_path / "ledger.sqlite3")
    assert snapshot(db) == before
    db.close()


def test_a_failed_first_import_into_a_new_account_leaves_no_account(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    db.close()
    _, big, _ = _files(tmp_path)
    _full_after_first_file(monkeypatch)
    assert cli.main(["--db", str(tmp_path / "ledger.sqlite3"), "import", str(big),
                     "--account", "newbie"]) == 1
    monkeypatch.undo()
    db = open_db(tmp_path / "ledger.sqlite3")
    assert snapshot(db) == before
    db.close()


def test_a_new_account_goes_in_with_its_first_file(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    small = gift_csv(tmp_path / "a.csv", gift_lines(0, 5))
    [report] = import_files(db, [small], account="newbie", dry_run=True)
    assert report.inserted == 5
    assert db.execute("SELECT handle FROM accounts").fetchall() == [("me",)]
    import_files(db, [small], account="newbie")
    assert db.execute("SELECT a.handle, count(*) FROM gifts g JOIN accounts a"
                      " ON a.id = g.account_id GROUP BY 1").fetchall() == [("newbie", 5)]
    db.close()
