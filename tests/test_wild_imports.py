"""Files shaped as the real tools and spreadsheet programs write them (issue 11): each is read
right or refused with a reason, and a file that holds no money never books any."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from helpers import counts, gifts, ledger, snapshot, table, write
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.importers.fields import detect_kind, event_log
from app.importers.sources import CsvTable
from app.services.importing import import_files

FIXTURES = Path(__file__).parent / "fixtures"
LOGGER = FIXTURES / "logger_session"
STAMP = "creator_20260803_201500"


def logger_file(kind: str) -> Path:
    return LOGGER / f"{STAMP}_{kind}.csv"


# ---- kind detection that never invents money ------------------------------------------------

def test_a_likes_log_is_never_a_payout_list(tmp_path: Path) -> None:
    # timestamp,user_id,nickname,count,total: a date and a "total", but nothing says payout
    db = ledger(tmp_path)
    before = snapshot(db)
    result = import_files(db, [logger_file("likes")])
    assert list(result) == []
    [skipped] = result.skipped
    assert skipped.reason == "likes log: no money in it, skipped"
    assert snapshot(db) == before


@pytest.mark.parametrize(("kind", "what"), [
    ("likes", "likes log"), ("comments", "comments log"), ("follows", "follows log"),
    ("shares", "shares log"), ("joins", "joins log"), ("viewers", "viewer log")])
def test_each_event_log_of_the_logger_is_named_for_what_it_is(kind: str, what: str) -> None:
    header = logger_file(kind).read_text("utf-8").splitlines()[0].split(",")
    assert detect_kind(header) is None
    assert event_log(header) == what


def test_an_amount_with_a_payout_signal_is_a_payout_list_and_without_one_is_not() -> None:
    assert detect_kind(["Date", "Amount"]) is None
    assert detect_kind(["Date", "Amount"], [["2026-08-29", "$100.00"]]) is not None
    assert detect_kind(["Date", "Amount", "Status"]) is not None
    assert detect_kind(["Date", "Withdrawal amount"]) is not None
    assert detect_kind(["Date", "Amount"], [["2026-08-29", "100"]]) is None


def test_a_gift_log_needs_a_gift_column() -> None:
    assert detect_kind(["timestamp", "user_id", "nickname", "repeat_count"]) is None
    found = detect_kind(["timestamp", "user_id", "nickname", "gift_name", "repeat_count"])
    assert found is not None and found[0] == "gifts"


def test_a_logger_folder_imports_the_gifts_and_lists_every_other_file_with_its_reason(
        tmp_path: Path) -> None:
    folder = shutil.copytree(LOGGER, tmp_path / "recordings")
    db = ledger(tmp_path)
    result = import_files(db, [folder])
    [report] = result
    assert (report.kind, report.inserted) == ("gifts", 3)
    assert sum(g["coins_total"] for g in gifts(db)) == 5 + 29999 + 15
    assert table(db, "payouts") == []
    reasons = {Path(s.file).name.removeprefix(STAMP + "_"): s.reason for s in result.skipped}
    assert reasons == {
        "comments.csv": "comments log: no money in it, skipped",
        "follows.csv": "follows log: no money in it, skipped",
        "joins.csv": "joins log: no money in it, skipped",
        "likes.csv": "likes log: no money in it, skipped",
        "shares.csv": "shares log: no money in it, skipped",
        "viewers.csv": "viewer log: no money in it, skipped"}


def test_several_files_on_the_command_line_import_the_money_and_skip_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "cli.sqlite3"
    argv = ["import", str(logger_file("gifts")), str(logger_file("likes")),
            str(logger_file("comments")), "--db", str(db_path)]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [i["inserted"] for i in out["imports"]] == [3]
    assert [(Path(s["file"]).name, s["reason"]) for s in out["skipped"]] == [
        (f"{STAMP}_likes.csv", "likes log: no money in it, skipped"),
        (f"{STAMP}_comments.csv", "comments log: no money in it, skipped")]
    assert main([*argv]) == 0
    text = capsys.readouterr().out
    assert f"skipped: {logger_file('likes')}: likes log: no money in it, skipped" in text


def test_a_file_that_fits_nothing_still_refuses_the_whole_command(tmp_path: Path) -> None:
    db = ledger(tmp_path)
    odd = write(tmp_path / "odd.csv", "time,colour,shape\n2026-08-03,red,round\n")
    before = counts(db)
    with pytest.raises(Exception, match="cannot tell what this file holds"):
        import_files(db, [logger_file("gifts"), odd])
    assert counts(db) == before


# ---- what the import dialog says it did -----------------------------------------------------

def test_the_dialog_never_says_imported_when_nothing_went_in(tmp_path: Path) -> None:
    from app.services import preview as pv
    db = ledger(tmp_path)
    notes = write(tmp_path / "notes.txt", "dear diary\nlots of gifts today\n")
    outcome = pv.import_each(db, [(notes, pv.Choices()), (logger_file("likes"), pv.Choices())],
                             lambda _d, _t: None, lambda: False)
    assert pv.outcome_title(outcome) == (
        "Nothing was imported: 1 file refused; 1 file skipped (no money in them)")
    lines = pv.summary_lines(outcome)
    assert f"{STAMP}_likes.csv: likes log: no money in it, skipped" in lines
    outcome = pv.import_each(db, [(logger_file("gifts"), pv.Choices())],
                             lambda _d, _t: None, lambda: False)
    assert pv.outcome_title(outcome) == "Imported 3 new records"
    again = pv.import_each(db, [(logger_file("gifts"), pv.Choices())],
                           lambda _d, _t: None, lambda: False)
    assert pv.outcome_title(again) == (
        "Nothing new was imported: every record was a duplicate or rejected")


# ---- header and junk ------------------------------------------------------------------------

SHEETS = FIXTURES / "spreadsheets"


@pytest.mark.parametrize(("name", "header_line", "title"), [
    ("excel_title_row_semicolon.csv", 3, "Gift report;;;;"),
    ("sheets_title_row_comma.csv", 4, "Gift report,,,,")])
def test_a_title_row_padded_with_delimiters_and_blank_padded_rows_are_junk(
        tmp_path: Path, name: str, header_line: int, title: str) -> None:
    db = ledger(tmp_path)
    [report] = import_files(db, [SHEETS / name])
    assert report.details["header_line"] == str(header_line)
    assert (report.kind, report.inserted, report.rejected) == ("gifts", 3, 0)
    assert [(g["sender_name"], g["coins_total"]) for g in gifts(db)] == [
        ("Lena", 1), ("Marco", 29999), ("Sam", 10)]
    skipped = [e for e in report.errors if e.skipped]
    assert skipped[0].line == 1 and skipped[0].raw == title
    assert all("above the header" in e.reason for e in skipped)


def test_the_header_is_the_line_that_reads_as_column_names_not_the_first_wide_one(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    [report] = import_files(db, [SHEETS / "notes_above_header.csv"])
    assert report.details["header_line"] == "4"
    assert report.inserted == 2


def test_the_user_can_choose_the_header_line_and_a_wrong_one_is_refused_clearly(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = SHEETS / "notes_above_header.csv"
    with pytest.raises(Exception, match="columns are not all mapped|cannot tell"):
        import_files(db, [path], options={"header_line": "3"})
    with pytest.raises(Exception, match="there is no line 99 to take as the header"):
        import_files(db, [path], options={"header_line": "99"})
    assert table(db, "gifts") == []
    [report] = import_files(db, [path], options={"header_line": "4"})
    assert report.inserted == 2


JUNK = st.sampled_from(["Gift report", "", "Exported 2026-08-04", "Total coins: 30005",
                        "August 2026"])


@settings(max_examples=40, deadline=None)
@given(junk=st.lists(JUNK, max_size=8), delim=st.sampled_from([",", ";", "\t"]))
def test_junk_rows_above_the_header_never_hide_it(junk: list[str], delim: str) -> None:
    """Whatever titles and padded blank rows a spreadsheet puts above the header, the header
    is the line of column names and every record below it is read."""
    header = delim.join(["Date", "Username", "Gift", "Quantity", "Coins"])
    rows = [delim.join(["2026-08-03 20:15:00", "Lena", "Rose", "1", "1"]),
            delim.join(["2026-08-03 20:16:00", "Marco", "Lion", "1", "29999"])]
    padded = [text + delim * 4 for text in junk]
    text = "\n".join([*padded, header, delim * 4, *rows]) + "\n"
    data = text.encode("utf-8")
    table = CsvTable("report.csv", lambda: io.BytesIO(data), len(data))
    assert table.info["header_line"] == str(len(junk) + 1)
    found = detect_kind(table.header)
    assert found is not None and found[0] == "gifts"
    assert [cells[1] for _line, cells in table.rows()] == ["Lena", "Marco"]


# ---- coins each or total --------------------------------------------------------------------

def test_coins_that_are_row_totals_are_read_as_totals_with_the_evidence(tmp_path: Path) -> None:
    # Date;Username;Gift;Quantity;Coins where Coins = price x quantity: 20 Roses are 20 coins
    db = ledger(tmp_path)
    [report] = import_files(db, [SHEETS / "coins_are_row_totals.csv"])
    assert "Coins are row totals: 48 of 50 rows match price x quantity (column 'Coins')" in (
        report.details["notes"])
    assert (report.inserted, report.rejected) == (48, 2)
    rows = {g["sender_name"]: g for g in gifts(db)}
    assert (rows["fan15"]["repeat_count"], rows["fan15"]["coins_total"]) == (10, 10)
    assert rows["fan15"]["coins_each"] == 1
    reasons = {e.line: e.reason for e in report.errors if not e.skipped}
    assert reasons == {
        19: "coins 93 fit neither the price of one Doughnut (30) nor price x quantity "
            "(3 x 30 = 90)",
        35: "coins 20 is the price of one Perfume, but this file's coins are row totals "
            "(20 x 20 = 400)"}


def test_coins_that_are_each_gifts_price_stay_per_gift_and_a_total_among_them_is_refused(
        tmp_path: Path) -> None:
    db = ledger(tmp_path)
    path = write(tmp_path / "each.csv",
                 "Date;Username;Gift;Quantity;Coins\n"
                 "2026-08-03 20:15:00;Lena;Rose;20;1\n"
                 "2026-08-03 20:16:00;Marco;Finger Heart;3;5\n"
                 "2026-08-03 20:17:00;Sam;Finger Heart;2;10\n"
                 "2026-08-03 20:18:00;Kim;Mystery Box;2;7\n")
    [report] = import_files(db, [path])
    assert "Coins are per gift: 2 of 3 rows match the catalogue price (column 'Coins')" in (
        report.details["notes"])
    assert [(g["sender_name"], g["coins_total"]) for g in gifts(db)] == [
        ("Lena", 20), ("Marco", 15), ("Kim", 14)]  # a gift the catalogue lacks: as written
    [error] = [e for e in report.errors if not e.skipped]
    assert error.reason == ("coins 10 is 2 x 5 (a row total), but this file's coins are per "
                            "gift (Finger Heart = 5)")


def test_the_cli_prints_how_it_read_the_coins(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SHEETS / "coins_are_row_totals.csv"),
                 "--db", str(tmp_path / "l.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "note: Coins are row totals: 48 of 50 rows match price x quantity" in out


# ---- catalogue by date ----------------------------------------------------------------------

def test_a_gift_name_resolves_to_the_gift_that_existed_that_day(tmp_path: Path) -> None:
    # TikTok Universe was 34,999 coins (id 6038) until 2023-10 and is 44,999 (id 9072) since;
    # Galaxy is one of the newer gifts the extended list brings in
    db = ledger(tmp_path)
    [report] = import_files(db, [FIXTURES / "catalogue_by_date" / "universe_2026_gifts.csv"])
    assert (report.inserted, report.rejected) == (3, 0)
    assert [(g["gift_name"], g["gift_id"], g["coins_total"]) for g in gifts(db)] == [
        ("TikTok Universe", 9072, 44_999), ("Galaxy", 11046, 2_000), ("Rose", 5655, 10)]
    [old] = import_files(db, [FIXTURES / "catalogue_by_date" / "universe_2023_gifts.csv"])
    assert old.inserted == 1
    assert gifts(db)[0]["coins_total"] == 34_999 and gifts(db)[0]["gift_id"] == 6038


def test_names_that_two_gifts_share_at_the_same_time_stay_ambiguous() -> None:
    from datetime import date

    from app.core.catalogue import GiftLookupError
    from app.services.reference import catalogue
    cat = catalogue()
    assert cat.by_name("TikTok Universe", date(2026, 3, 14)).coins == 44_999
    assert cat.by_name("TikTok Universe", date(2023, 9, 15)).coins == 34_999
    assert cat.by_name("Yacht", date(2026, 1, 1)).coins == 20_000
    with pytest.raises(GiftLookupError, match="ambiguous"):
        cat.by_name("Heart", date(2026, 3, 14))
    marked = {g.name: g.confidence for g in cat.gifts()}
    assert marked["Galaxy"] == "medium/low" and marked["Rose"] == "high"


def test_catalogue_add_and_list_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "l.sqlite3")]
    assert main(["catalogue", "add", "Star Gift", "--coins", "10", "--id", "990001",
                 "--to", "2025-12-31", *db]) == 0
    assert main(["catalogue", "add", "Star Gift", "--coins", "20", "--id", "990002",
                 "--from", "2026-01-01", *db]) == 0
    assert "990002  Star Gift: 20 coins from 2026-01-01 (yours)" in capsys.readouterr().out
    assert main(["catalogue", "add", "Star Gift", "--coins", "30", "--id", "990003", *db]) == 1
    assert "already the name of gift id" in capsys.readouterr().err
    assert main(["catalogue", "list", "--json", *db]) == 0
    listed = {g["gift_id"]: g for g in json.loads(capsys.readouterr().out)}
    assert listed[990001]["valid_to"] == "2025-12-31" and listed[990001]["mine"] is True
    assert listed[6038]["valid_to"] == "2023-10-01" and listed[6038]["confidence"] == "high"
    log = write(tmp_path / "stars.csv", "time,sender,gift,count\n"
                "2025-06-01 20:00:00,Al,Star Gift,1\n2026-03-01 20:00:00,Bo,Star Gift,1\n")
    assert main(["import", str(log), "--json", *db]) == 0
    [imported] = json.loads(capsys.readouterr().out)["imports"]
    assert (imported["inserted"], imported["rejected"]) == (2, 0)
    assert main(["summary", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["coins"] == 30


# ---- fix and retry --------------------------------------------------------------------------

def test_rows_rejected_for_a_missing_gift_go_in_after_the_gift_is_added_and_retried(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_arg = ["--db", str(tmp_path / "l.sqlite3")]
    path = FIXTURES / "retry" / "new_gifts_2026.csv"

    def cli(*argv: str) -> dict[str, object]:
        assert main([*argv, *db_arg, "--json"]) == 0, capsys.readouterr().err
        result: dict[str, object] = json.loads(capsys.readouterr().out)
        return result

    [first] = cli("import", str(path))["imports"]  # type: ignore[index]
    assert (first["inserted"], first["rejected"]) == (1, 4)
    import_id = str(first["import_id"])
    cli("catalogue", "add", "Moon Castle", "--coins", "300", "--id", "990100")
    again = cli("retry", import_id)
    # both Moon Castles (two real gifts); Heart stays ambiguous (two gifts carry the name)
    assert (again["retried"], again["inserted"], again["rejected"]) == (4, 2, 2)
    assert [e["line"] for e in again["errors"]] == [4, 6]  # type: ignore[union-attr]
    summary = cli("summary")
    assert summary["coins"] == 3 + 2 * 300
    listed = cli("imports")
    assert [(i["inserted"], i["rejected"]) for i in listed] == [(3, 2)]  # type: ignore[union-attr]
    twice = cli("retry", import_id)
    assert (twice["inserted"], twice["rejected"]) == (0, 2)
    assert cli("summary")["coins"] == 603
    assert main(["rejected", import_id, *db_arg]) == 0
    shown = capsys.readouterr().out
    assert "Moon Castle" not in shown and "Glitter Unicorn" in shown
    assert main(["undo", import_id, *db_arg]) == 0
    capsys.readouterr()
    assert cli("summary")["coins"] == 0
    assert main(["retry", import_id, *db_arg]) == 1
    assert "was undone" in capsys.readouterr().err


# ---- imported before -------------------------------------------------------------------------

def test_the_dialog_knows_a_file_imported_before_and_offers_its_mapping(tmp_path: Path) -> None:
    from app.services import preview as pv
    db = ledger(tmp_path)  # a US account: month first unless told
    path = FIXTURES / "reimport" / "day_first_dates.csv"
    [first] = import_files(db, [path], options={"date_format": "dmy"})
    again = pv.preview(db, path, pv.Choices())
    assert again.before is not None and again.before.import_id == first.import_id
    assert again.before.text().startswith(f"imported before as #{first.import_id} on 20")
    assert again.choices.options == {"date_format": "dmy"}
    assert again.sections[0].mapping.date_format == "dmy" and again.warning == ""
    counts = pv.dry_run(db, path, again.choices, lambda _d, _t: None, lambda: False)
    assert (counts.new, counts.duplicate) == (0, 3)
    other = pv.preview(db, path, pv.Choices(options={"date_format": "mdy"}))
    assert other.warning.startswith(f"This file was imported before as #{first.import_id}")
    assert "would count its rows a second time" in other.warning
    counts = pv.dry_run(db, path, other.choices, lambda _d, _t: None, lambda: False)
    assert counts.new == 3  # what the warning is about


def test_the_command_line_notes_the_same_earlier_import(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    db = ["--db", str(tmp_path / "l.sqlite3")]
    path = str(FIXTURES / "reimport" / "day_first_dates.csv")
    assert main(["import", path, "--date-format", "dmy", *db]) == 0
    assert main(["import", path, *db]) == 0
    assert "note: this file was imported before (import #1)" in capsys.readouterr().out


@settings(max_examples=12, deadline=None)
@given(names=st.lists(st.sampled_from(["Rose", "Moon Castle", "Star Pie"]), min_size=1,
                      max_size=12))
def test_retry_adds_exactly_the_rows_that_now_pass_once_and_undo_takes_them_all(
        names: list[str]) -> None:
    import tempfile

    from app.services.catalogue import add_gift
    from app.services.importing import undo
    from app.services.retrying import retry
    with tempfile.TemporaryDirectory() as folder:
        db = ledger(Path(folder))
        lines = [f"2026-09-05 19:{i:02d}:00,fan{i},{name},2" for i, name in enumerate(names)]
        path = write(Path(folder) / "log.csv", "time,sender,gift,count\n" + "\n".join(lines))
        [report] = import_files(db, [path])
        add_gift(db, "Moon Castle", 300, 990100)
        first = retry(db, report.import_id)
        assert first.inserted == names.count("Moon Castle")
        assert first.rejected == names.count("Star Pie")
        coins = sum(g["coins_total"] for g in gifts(db))
        assert coins == 2 * names.count("Rose") + 600 * names.count("Moon Castle")
        assert retry(db, report.import_id).inserted == 0
        assert sum(g["coins_total"] for g in gifts(db)) == coins
        hourly = db.execute("SELECT coalesce(sum(coins), 0) FROM gift_hourly").fetchone()[0]
        assert hourly == coins  # the rollups the charts read moved with the rows
        undo(db, report.import_id)
        assert gifts(db) == []
        assert db.execute("SELECT count(*) FROM gift_hourly").fetchone()[0] == 0
        db.close()
