"""The creator's gift catalogue and coin packs (migration m004): a price change prices exactly
the logger gifts of its day and after, in imports made from then on; coin packs change what
fans paid; restoring the defaults removes every entry; bad input is refused with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import ledger, snapshot, write
from sqlite_utils import Database

from app.core.catalogue import Gift
from app.core.conversion import fan_spend
from app.core.money import round_money
from app.services import catalogue as service
from app.services import importing
from app.services import rates as rates_service
from app.services.catalogue import GiftForm, PackForm
from app.services.reference import catalogue as shipped_catalogue
from app.store import schema
from app.store.backup import list_backups
from app.store.db import open_db

ROSE = 5655  # 1 coin in the shipped catalogue
LION = 6369
OCT_1 = date(2026, 10, 1)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = ledger(tmp_path)
    yield database
    database.close()


def rose_change(coins: str = "3", day: str = "2026-10-01", **kw: object) -> GiftForm:
    return GiftForm(str(ROSE), "Rose", coins, day, **kw)  # type: ignore[arg-type]


def import_log(db: Database, path: Path, lines: list[str]) -> list[tuple[str, str, int]]:
    """Import a gift log with no coin column; (time, gift, coins each) of the rows it added."""
    write(path, "time,sender,gift\n" + "\n".join(lines) + "\n")
    report = importing.import_files(db, [path], kind="gifts")[0]
    assert report.rejected == 0, report.errors
    rows = db.execute("SELECT datetime(ts, 'unixepoch'), gift_name, coins_each FROM gifts"
                      " WHERE import_id = ? ORDER BY ts, gift_name",
                      (report.import_id,)).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


# ---- the migration ----------------------------------------------------------------------------

def test_m004_applied_twice_changes_nothing(db: Database) -> None:
    service.save_gift(db, rose_change())
    before = snapshot(db)
    schema.migrate(db)  # already applied: recorded, skipped
    schema.m004_user_catalogue(db)  # and its SQL itself is safe to run again
    assert schema.pending(db) == []
    assert snapshot(db) == before


def test_a_ledger_from_before_m004_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    schema.migrations.apply(old, stop_before="m004_user_catalogue")
    old.execute("INSERT INTO accounts (handle, region) VALUES ('me', 'GB')")
    old.execute("INSERT INTO user_region_rates VALUES ('GB', '2026-09-01', 'GBP', '1', '0.004',"
                " '100', '1000', 'mine')")
    old.conn.commit()
    assert "user_gifts" not in old.table_names()
    old.close()
    db = open_db(path)
    assert schema.pending(db) == []
    assert {"user_gifts", "user_coin_packs"} <= set(db.table_names())
    assert rates_service.view(db).user_entries == 1  # the m003 entry is still there
    assert list_backups(path)[-1].name.endswith("before-m004_user_catalogue.sqlite3")
    service.save_gift(db, rose_change())
    assert service.effective_catalogue(db).by_id(ROSE, OCT_1) == Gift(
        ROSE, "Rose", 3, OCT_1, "edited by you")
    db.close()


# ---- gifts ------------------------------------------------------------------------------------

def test_a_price_change_prices_the_gifts_of_its_day_on(db: Database, tmp_path: Path) -> None:
    lines = ["2026-09-30 23:59:59,ana,Rose", "2026-10-01 00:00:00,ben,Rose",
             "2026-10-05 12:00:00,cai,Rose", "2026-10-05 12:00:00,dee,Lion"]
    before = import_log(db, tmp_path / "before.csv", lines)
    assert [c for _, _, c in before] == [1, 1, 29_999, 1]  # by time, then name: Lion first
    service.save_gift(db, rose_change("3"))
    later = ["2026-09-30 23:59:58,eve,Rose", "2026-10-01 00:00:01,fay,Rose",
             "2026-10-06 09:00:00,gus,Lion", "2026-10-06 09:00:00,hal,Rose"]
    after = import_log(db, tmp_path / "after.csv", later)
    assert after == [("2026-09-30 23:59:58", "Rose", 1),  # before the change: the old price
                     ("2026-10-01 00:00:01", "Rose", 3),  # from its day on: the new one
                     ("2026-10-06 09:00:00", "Lion", 29_999),  # another gift: unchanged
                     ("2026-10-06 09:00:00", "Rose", 3)]
    # rows imported before the change keep the coins they were imported with
    kept = db.execute("SELECT coins_each FROM gifts WHERE import_id = 1 ORDER BY id").fetchall()
    assert [r[0] for r in kept] == [1, 1, 1, 29_999]


def test_a_new_gift_is_known_to_imports_and_deleting_it_forgets_it(db: Database,
                                                                    tmp_path: Path) -> None:
    comet = service.save_gift(db, GiftForm("990001", " Comet  Tail ", "450", "2026-09-01",
                                           adding=True))
    assert comet == Gift(990001, "Comet Tail", 450, date(2026, 9, 1), "edited by you")
    rows = import_log(db, tmp_path / "comet.csv", ["2026-10-02 10:00:00,ana,comet tail"])
    assert rows == [("2026-10-02 10:00:00", "comet tail", 450)]  # the name as logged
    assert db.execute("SELECT gift_id FROM gifts").fetchall() == [(990001,)]
    entries = service.gift_entries(db, "comet")
    assert [(e.value.gift_id, e.edited) for e in entries] == [(990001, True)]
    assert service.delete_gift(db, comet)
    assert service.effective_catalogue(db).by_id(990001) is None
    write(tmp_path / "again.csv", "time,sender,gift\n2026-10-03 10:00:00,ben,Comet Tail\n")
    report = importing.import_files(db, [tmp_path / "again.csv"], kind="gifts")[0]
    assert report.rejected == 1 and "unknown gift" in report.errors[0].reason


def test_the_catalogue_lists_shipped_and_yours_and_searches(db: Database) -> None:
    shipped = service.gift_entries(db)
    assert len(shipped) == len(shipped_catalogue().versions()) and not any(
        e.edited for e in shipped)
    service.save_gift(db, rose_change("2"))
    roses = service.gift_entries(db, "  ROSE ")
    assert [(e.value.coins, e.value.valid_from, e.edited) for e in roses
            if e.value.gift_id == ROSE] == [(1, date(2023, 9, 2), False), (2, OCT_1, True)]
    assert all("rose" in e.value.name.lower() for e in roses)
    assert [e.value.name for e in service.gift_entries(db, str(LION))] == ["Lion"]


def test_editing_your_entry_may_move_its_day(db: Database) -> None:
    mine = service.save_gift(db, rose_change("3"))
    service.save_gift(db, GiftForm(str(ROSE), "Rose", "4", "2026-10-02", replacing=mine))
    versions = [g for g in service.effective_catalogue(db).versions() if g.gift_id == ROSE]
    assert [(g.coins, g.valid_from) for g in versions] == [(1, date(2023, 9, 2)),
                                                           (4, date(2026, 10, 2))]
    # the same day again is fine while it is the entry being edited
    edited = versions[-1]
    service.save_gift(db, GiftForm(str(ROSE), "Rose", "5", "2026-10-02", replacing=edited))
    assert service.effective_catalogue(db).by_id(ROSE).coins == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(("form", "message"), [
    (rose_change("-3"), "at least 1"),
    (rose_change("1.5"), "whole number"),
    (rose_change("three"), "whole number"),
    (rose_change(""), "Coins is missing"),
    (GiftForm(str(ROSE), "  ", "3", "2026-10-01"), "Name is missing"),
    (GiftForm("x12", "Rose", "3", "2026-10-01"), "Gift id must be a whole number"),
    (rose_change(day="01/10/2026"), "year-month-day"),
    (rose_change(day="2026-13-01"), "year-month-day"),
    (rose_change(day="2023-09-02"), "already has a price from Sep 2, 2023"),
    (GiftForm(str(ROSE), "Rose", "3", "2026-10-01", adding=True), "already in the catalogue"),
    (GiftForm("990002", "lion", "10", "2026-10-01", adding=True), "already the name of gift"),
    (GiftForm("990002", "Meteor", "10", "2026-10-01"), "not in the catalogue"),
])
def test_a_wrong_gift_entry_is_refused_with_a_reason(db: Database, form: GiftForm,
                                                     message: str) -> None:
    reason = service.gift_problem(form, service.effective_catalogue(db))
    assert reason is not None and message in reason
    with pytest.raises(ValueError, match=message):
        service.save_gift(db, form)
    assert rates_service.user_entries(db).total == 0


def test_the_same_day_twice_is_refused_for_a_new_entry(db: Database) -> None:
    service.save_gift(db, rose_change("3"))
    with pytest.raises(ValueError, match="already has a price from Oct 1, 2026"):
        service.save_gift(db, rose_change("4"))


# ---- coin packs -------------------------------------------------------------------------------

def web_pack(coins: str = "1000", price: str = "5.00", day: str = "2026-10-01",
             currency: str = "USD", **kw: object) -> PackForm:
    return PackForm("web", coins, price, currency, day, **kw)  # type: ignore[arg-type]


def test_coin_packs_change_what_fans_paid(db: Database) -> None:
    def spend(day: date | None = None) -> tuple[Decimal, Decimal]:
        packs = rates_service.effective_book(db).coin_packs("US", day)
        s = fan_spend(6_607, packs)  # exact; shown rounded once, after any conversion
        return round_money(s.low), round_money(s.high)

    # 6,607 coins: cheapest per coin 70 for $0.74 (69.845 -> 69.85), dearest 65 for $0.99
    assert spend() == (Decimal("69.85"), Decimal("100.63"))
    service.save_coin_pack(db, "us", web_pack())  # 1,000 for $5.00: $0.005 a coin
    assert spend() == (Decimal("33.04"), Decimal("100.63"))  # 33.035 rounds half up
    assert spend(date(2026, 9, 30)) == (Decimal("69.85"), Decimal("100.63"))  # not yet sold
    # a new price of a shipped pack from a day: 65 coins for $1.29
    shipped_65 = next(p for p in rates_service.effective_book(db).coin_packs("US")
                      if p.coins == 65)
    change = service.pack_change_form(shipped_65, OCT_1, mine=False)
    assert change == PackForm("in-app", "65", "0.99", "USD", "2026-10-01")
    service.save_coin_pack(db, "US", PackForm("in-app", "65", "1.29", "USD", "2026-10-01"))
    assert spend()[1] == Decimal("131.12")  # 6,607 x 1.29 / 65 = 8,523.03 / 65 = 131.1235
    assert spend(date(2026, 9, 30))[1] == Decimal("100.63")
    entries = service.pack_entries(db, "US")
    assert sum(e.edited for e in entries) == 2 and len(entries) == 9


def test_packs_in_your_currency_replace_the_placeholders(db: Database) -> None:
    book = rates_service.effective_book(db)
    assert {p.currency for p in book.coin_packs("CA")} == {"USD"}  # the shipped placeholder
    service.save_coin_pack(db, "CA", PackForm("in-app", "100", "1.39", "cad", "2026-01-01"))
    packs = rates_service.effective_book(db).coin_packs("CA")
    assert [(p.coins, p.price, p.currency) for p in packs] == [(100, Decimal("1.39"), "CAD")]
    assert fan_spend(1_000, packs).low == Decimal("13.90")
    assert rates_service.effective_book(db).coin_packs("US")[0].currency == "USD"  # untouched


@pytest.mark.parametrize(("form", "message"), [
    (web_pack(coins="0"), "at least 1"),
    (web_pack(coins="12.5"), "whole number"),
    (web_pack(price="-1"), "more than 0"),
    (web_pack(price="cheap"), "must be a number"),
    (web_pack(currency="dollars"), "three-letter code"),
    (web_pack(day="2026-10-1"), "year-month-day"),
    (PackForm(" ", "100", "1", "USD", "2026-10-01"), "Channel is missing"),
])
def test_a_wrong_pack_is_refused_with_a_reason(db: Database, form: PackForm,
                                               message: str) -> None:
    with pytest.raises(ValueError, match=message):
        service.save_coin_pack(db, "US", form)
    assert rates_service.user_entries(db).total == 0


def test_a_pack_twice_on_one_day_or_in_two_currencies_is_refused(db: Database) -> None:
    service.save_coin_pack(db, "US", web_pack())
    with pytest.raises(ValueError, match="already a web pack of 1,000 coins from Oct 1, 2026"):
        service.save_coin_pack(db, "US", web_pack(price="4.00"))
    with pytest.raises(ValueError, match="priced in USD"):
        service.save_coin_pack(db, "US", web_pack(coins="500", currency="EUR"))
    mine = service.pack_entries(db, "US")
    edited = next(e.value for e in mine if e.edited)
    assert service.pack_change_form(edited, OCT_1, mine=True).replacing == edited
    service.save_coin_pack(db, "US", web_pack(price="4.00", replacing=edited))
    assert [e.value.price for e in service.pack_entries(db, "US") if e.edited] == [
        Decimal("4.00")]


# ---- restoring the defaults -------------------------------------------------------------------

def test_restore_defaults_removes_gifts_and_packs_too(db: Database) -> None:
    service.save_gift(db, rose_change("3"))
    service.save_gift(db, GiftForm("990001", "Comet", "450", "2026-09-01", adding=True))
    service.save_coin_pack(db, "US", web_pack())
    rates_service.save_region_rate(db, "US", rates_service.form_for(db, "US", OCT_1))
    entries = rates_service.user_entries(db)
    assert entries.describe() == "1 region rate, 2 gift entries and 1 coin pack"
    assert rates_service.restore_defaults(db) == 4
    assert rates_service.user_entries(db).total == 0
    assert service.effective_catalogue(db).versions() == shipped_catalogue().versions()
    assert rates_service.effective_book(db) == rates_service.effective_book(None)
