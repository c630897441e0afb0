"""A row rejected for its gift is fixed where it is seen (issue 11, "Fix and retry"): a gift
the catalogue lacks is added, a name several gifts share ("Heart": 1 or 10 coins) is said
to mean one of them ("this Heart is the 10-coin one"); the batches holding such rows are read
again, and later imports read the name the same way. The command line: `catalogue choose`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import gifts, ledger, snapshot, write

from app.cli import main
from app.core.catalogue import Catalogue, Gift, GiftLookupError, named_in
from app.services import catalogue
from app.services.importing import import_files, undo
from app.services.retrying import batches_rejecting, retry_named

RETRY = Path(__file__).parent / "fixtures" / "retry" / "new_gifts_2026.csv"
DAY = date(2026, 9, 5)


def test_a_chosen_gift_settles_a_shared_name_only_where_the_day_leaves_several() -> None:
    hearts = [Gift(6247, "Heart", 1, date(2023, 9, 2)), Gift(5480, "Heart", 10, date(2023, 9, 2))]
    universe = [Gift(6038, "TikTok Universe", 34_999, date(2023, 9, 2), valid_to=date(2023, 10, 1)),
                Gift(9072, "TikTok Universe", 44_999, date(2023, 10, 2))]
    with pytest.raises(GiftLookupError, match="ambiguous"):
        Catalogue(hearts + universe).by_name("Heart", DAY)
    cat = Catalogue(hearts + universe, {"heart": 5480, "tiktok universe": 6038})
    assert cat.by_name("  HEART ", DAY).coins == 10  # any case and spacing, as names compare
    # the day decides first: in 2026 only the 44,999-coin Universe exists, whatever was chosen
    assert cat.by_name("TikTok Universe", DAY).gift_id == 9072
    # a choice of an id that does not carry the name changes nothing
    with pytest.raises(GiftLookupError, match="ambiguous"):
        Catalogue(hearts, {"heart": 1}).by_name("Heart", DAY)


@pytest.mark.parametrize("name", ["Heart", "It's a \"gift\"", "back\\slash", "Luis🌹", "x\x07y"])
def test_the_name_is_read_back_from_the_reason_as_the_file_wrote_it(name: str) -> None:
    cat = Catalogue([Gift(1, name, 1, DAY), Gift(2, name, 5, DAY)])
    with pytest.raises(GiftLookupError) as ambiguous:
        cat.by_name(name, DAY)
    with pytest.raises(GiftLookupError) as unknown:
        Catalogue([]).by_name(name, DAY)
    assert named_in(f"line 4: {ambiguous.value}") == ("ambiguous", name)
    assert named_in(str(unknown.value)) == ("unknown", name)
    assert named_in("coins: 'abc' is not a number") is None


def test_this_heart_is_the_ten_coin_one_brings_in_its_rows_in_every_batch(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [first] = import_files(db, [RETRY])
    second_log = write(tmp_path / "later.csv", "time,sender,gift,count\n"
                                               "2026-10-01 20:00:00,Ann,heart,3\n")
    [second] = import_files(db, [second_log])
    assert (first.rejected, second.rejected) == (4, 1)
    assert batches_rejecting(db, "HEART") == [first.import_id, second.import_id]
    fix = catalogue.row_fix(db, next(r["reason"] for r in _rejected(db) if "Heart" in r["raw"]))
    assert fix is not None and fix.kind == "ambiguous"
    assert [(g.gift_id, g.coins) for g in fix.options] == [(6247, 1), (5480, 10)]
    assert fix.choice_text(fix.options[1]) == "This Heart is the 10-coin one (id 5480)"

    catalogue.choose_gift(db, "Heart", coins=10)
    done = retry_named(db, "Heart", first.import_id)
    assert [(r.import_id, r.inserted) for r in done] == [(first.import_id, 1),
                                                        (second.import_id, 1)]
    hearts = [g for g in gifts(db) if g["gift_id"] == 5480]
    assert sorted(g["coins_total"] for g in hearts) == [20, 30]
    assert batches_rejecting(db, "Heart") == []
    # a later import reads the name the same way, with no rejected row
    [third] = import_files(db, [write(tmp_path / "third.csv", "time,sender,gift,count\n"
                                                              "2026-10-02 20:00:00,Bo,Heart,1\n")])
    assert (third.inserted, third.rejected) == (1, 0)
    # undoing a batch takes its retried rows too
    undo(db, second.import_id)
    assert sorted(g["coins_total"] for g in gifts(db) if g["gift_id"] == 5480) == [10, 20]


def _rejected(db):
    return list(db.query("SELECT line, reason, raw FROM rejected_rows"))


def test_a_fix_is_offered_only_for_a_gift_reason_that_still_holds(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    assert catalogue.row_fix(db, "time: '31/31/2026' is not a date") is None
    assert catalogue.row_fix(db, "unknown gift 'Moon Castle': not in the gift catalogue") == (
        catalogue.RowFix("unknown", "Moon Castle"))
    catalogue.add_gift(db, "Moon Castle", 300, 990100)
    # added since the row was rejected: a retry is what it needs, not a second gift
    assert catalogue.row_fix(db, "unknown gift 'Moon Castle': not in the gift catalogue") is None
    form = catalogue.gift_named_form(db, "  Galaxy  Star ")
    assert (form.name, form.valid_from, form.adding) == ("Galaxy Star", "2000-01-01", True)
    assert int(form.gift_id) > 990100 and catalogue.gift_problem(
        form.__class__(**{**form.__dict__, "coins": "1000"}),
        catalogue.effective_catalogue(db)) is None


@pytest.mark.parametrize("args, message", [
    (["Rose", "--coins", "1"], "only one gift is named 'Rose'"),
    (["Heart", "--coins", "5"], "no 'Heart' has 5 coins (id 6247 = 1 coin, id 5480 = 10 coins)"),
    (["Star Throne", "--coins", "7999"], "2 gifts named 'Star Throne' cost 7,999 coins: say "
                                         "which by --id"),
    (["Heart"], "say which 'Heart' it is by --coins or --id"),
    (["Nope", "--id", "3"], "no gift is named 'Nope'"),
])
def test_catalogue_choose_refuses_what_it_cannot_settle_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    db = ledger(tmp_path)
    before = snapshot(db)
    assert main(["catalogue", "choose", *args, "--db", str(tmp_path / "ledger.sqlite3")]) == 1
    assert message in capsys.readouterr().err
    assert snapshot(db) == before


def test_catalogue_choose_then_retry_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_arg = ["--db", str(tmp_path / "l.sqlite3")]

    def cli(*argv: str) -> dict[str, object]:
        assert main([*argv, *db_arg, "--json"]) == 0, capsys.readouterr().err
        result: dict[str, object] = json.loads(capsys.readouterr().out)
        return result

    [first] = cli("import", str(RETRY))["imports"]  # type: ignore[index]
    import_id = first["import_id"]
    chosen = cli("catalogue", "choose", "heart", "--coins", "10")
    assert chosen["name"] == "Heart" and chosen["gift"]["gift_id"] == 5480  # type: ignore[index]
    assert chosen["imports_to_retry"] == [import_id]
    assert main(["catalogue", "choose", "Heart", "--id", "5480", *db_arg]) == 0
    assert f"retry {import_id}" in capsys.readouterr().out
    again = cli("retry", str(import_id))
    assert (again["inserted"], again["rejected"]) == (1, 3)
    assert cli("summary")["coins"] == 3 + 2 * 10
