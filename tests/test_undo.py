"""Undo and redo over the services (no Qt): each kind of change the window makes, undone and
redone, leaves every table of the ledger exactly as it was (snapshots of real SQLite files);
a change another program made to the same rows is refused, never undone over; and any
sequence of do/undo/redo leaves the ledger as the stack's position says (a Hypothesis
property). Jobs run on a connection of their own, as the window's worker does."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from app.services import catalogue, importing, payouts, rates, retrying
from app.services import settings as account_settings
from app.services.payouts import PayoutForm
from app.services.undo import UndoRefused, UndoStack
from app.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 10, 1)


class Runner:
    """The stack and a ledger; each job on a connection of its own (the worker's)."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.path = path
        self.stack = UndoStack(folder)

    def run(self, job: Any) -> Any:
        db = open_db(self.path)
        try:
            return job(db)
        finally:
            db.close()

    def do(self, name: str, write: Any) -> Any:
        done = self.run(self.stack.do_job(name, write))
        self.stack.pushed(done.command)
        return done.result

    def undo(self) -> None:
        self.stack.undone(self.run(self.stack.undo_job()))

    def redo(self) -> None:
        self.run(self.stack.redo_job())
        self.stack.redone()


@pytest.fixture
def runner(demo_db: Database, db_path: Path, tmp_path: Path) -> Runner:
    return Runner(db_path, tmp_path / "undo")


def payout(amount: str = "120", reference: str = "") -> PayoutForm:
    return PayoutForm(TODAY, None, amount, "USD", "pending", "PayPal", reference=reference)


def first_payout(db: Database) -> int:
    view = payouts.payouts(db)
    assert view is not None
    return view.rows[0].payout_id


def check_undo_redo(db: Database, runner: Runner, name: str, write: Any) -> None:
    before = snapshot(db)
    runner.do(name, write)
    after = snapshot(db)
    assert after != before, "the change wrote nothing"
    assert runner.stack.undo_text() == f"Undo {name}"
    runner.undo()
    assert snapshot(db) == before
    assert runner.stack.redo_text() == f"Redo {name}"
    runner.redo()
    assert snapshot(db) == after
    runner.undo()
    assert snapshot(db) == before


def test_an_added_payout_undone_leaves_no_trace_and_redone_comes_back_with_its_id(
        demo_db, runner):
    check_undo_redo(demo_db, runner, "Add payout of $120.00",
                    lambda db: payouts.add_payout(db, payout()))


def test_an_edited_payout_undone_has_its_old_amount_again(demo_db, runner):
    pid = first_payout(demo_db)
    old = next(r for r in payouts.payouts(demo_db).rows if r.payout_id == pid).form
    check_undo_redo(demo_db, runner, "Edit payout",
                    lambda db: payouts.edit_payout(db, pid, replace(old, amount="77")))


def test_a_deleted_payout_undone_is_back_exactly(demo_db, runner):
    pid = first_payout(demo_db)
    check_undo_redo(demo_db, runner, "Delete payout of $290.00",
                    lambda db: payouts.delete_payout(db, pid))


def test_rate_entries_saved_deleted_and_restored_are_undone(demo_db, runner):
    form = rates.form_for(demo_db, "US", TODAY)
    check_undo_redo(demo_db, runner, "Save US rate", lambda db: rates.save_region_rate(
        db, "US", replace(form, usd_per_diamond="0.004")))
    rates.save_region_rate(demo_db, "US", replace(form, usd_per_diamond="0.004"))
    check_undo_redo(demo_db, runner, "Delete US rate",
                    lambda db: rates.delete_region_rate(db, "US", TODAY))
    check_undo_redo(demo_db, runner, "Restore shipped defaults", rates.restore_defaults)


def test_catalogue_edits_are_undone(demo_db, runner):
    check_undo_redo(demo_db, runner, "Add gift Moon Castle",
                    lambda db: catalogue.add_gift(db, "Moon Castle", 300, 990100))
    pack = replace(catalogue.new_pack_form(demo_db, "US", TODAY), coins="70", price="0.99")
    check_undo_redo(demo_db, runner, "Save coin pack",
                    lambda db: catalogue.save_coin_pack(db, "US", pack))


def test_account_settings_are_undone(demo_db, runner):
    account = account_settings.current_account(demo_db)
    assert account is not None
    check_undo_redo(demo_db, runner, "Change account settings", lambda db: (
        account_settings.save_account(db, account.id, "GB", "Europe/London")))


def test_an_undo_of_an_import_is_undone_and_redone(demo_db, runner):
    check_undo_redo(demo_db, runner, "Undo of import #1", lambda db: importing.undo(db, 1))


def test_a_retry_is_undone(db, db_path, tmp_path):
    from app.services import accounts
    accounts.add(db, "me", "US", "UTC")
    [report] = importing.import_files(db, [FIXTURES / "retry" / "new_gifts_2026.csv"])
    catalogue.add_gift(db, "Moon Castle", 300, 990100)
    check_undo_redo(db, Runner(db_path, tmp_path / "undo"), "Retry rejected rows",
                    lambda w: retrying.retry(w, report.import_id))


def test_an_import_undone_then_redone_is_exactly_as_after_the_import(demo_db, runner):
    after = snapshot(demo_db)  # the demo's imports are in: as after an import
    command = runner.run(runner.stack.import_command("Import gift_log.csv", [1]))
    runner.stack.pushed(command)
    runner.undo()
    undone = snapshot(demo_db)
    assert len(undone["gifts"]) < len(after["gifts"])
    runner.redo()
    assert snapshot(demo_db) == after
    runner.undo()
    assert snapshot(demo_db) == undone


def test_a_command_line_change_to_the_same_row_is_refused_not_undone_over(demo_db, runner):
    pid = first_payout(demo_db)
    old = next(r for r in payouts.payouts(demo_db).rows if r.payout_id == pid).form
    runner.do("Edit payout", lambda db: payouts.edit_payout(db, pid, replace(old, amount="77")))
    payouts.edit_payout(demo_db, pid, replace(old, amount="55"))  # another program
    changed = snapshot(demo_db)
    assert not runner.run(runner.stack.check_job())
    with pytest.raises(UndoRefused, match="Edit payout cannot be undone: another program"):
        runner.run(runner.stack.undo_job())
    assert snapshot(demo_db) == changed


def test_a_redo_after_an_unrelated_change_still_works(demo_db, runner):
    runner.do("Add payout", lambda db: payouts.add_payout(db, payout(reference="MINE")))
    runner.undo()
    rates.save_region_rate(demo_db, "GB", rates.form_for(demo_db, "GB", TODAY))  # elsewhere
    assert runner.run(runner.stack.check_job())
    runner.redo()
    view = payouts.payouts(demo_db)
    assert view is not None and "MINE" in [r.reference for r in view.rows]


def test_an_import_changed_elsewhere_is_not_undone(demo_db, runner):
    runner.stack.pushed(runner.run(runner.stack.import_command("Import payouts.csv", [3])))
    importing.undo(demo_db, 3)  # the command line undid it first
    with pytest.raises(UndoRefused, match="another program changed its batch"):
        runner.run(runner.stack.undo_job())


def test_a_refused_change_writes_nothing_and_goes_on_no_stack(demo_db, runner):
    before = snapshot(demo_db)
    with pytest.raises(UndoRefused, match="more than 0"):
        runner.do("Add payout", lambda db: payouts.add_payout(db, payout(amount="0")))
    assert snapshot(demo_db) == before
    assert runner.stack.undo_text() == "Nothing to undo"


def test_a_cleared_stack_says_why(runner):
    runner.stack.clear("another ledger was opened")
    assert runner.stack.undo_text() == "Nothing to undo (another ledger was opened)"
    assert not runner.stack.can_undo and not runner.stack.can_redo


# ---- the property ------------------------------------------------------------------------------

ACTIONS = st.lists(st.sampled_from(["add", "edit", "delete", "rate", "undo", "redo"]),
                   max_size=12)


def _write(action: str, db: Database, step: int) -> Any:
    view = payouts.payouts(db)
    rows = view.rows if view else []
    if action == "add" or not rows:
        return lambda w: payouts.add_payout(w, payout(str(10 + step), f"R{step}"))
    if action == "edit":
        row = rows[step % len(rows)]
        return lambda w: payouts.edit_payout(w, row.payout_id,
                                             replace(row.form, amount=str(20 + step)))
    if action == "delete":
        pid = rows[step % len(rows)].payout_id
        return lambda w: payouts.delete_payout(w, pid)
    form = rates.form_for(db, "US", TODAY)
    return lambda w: rates.save_region_rate(w, "US", replace(form,
                                                             usd_per_diamond=f"0.00{step + 1}"))


@settings(max_examples=25, deadline=None)
@given(ACTIONS)
def test_any_sequence_of_do_undo_redo_leaves_the_ledger_as_the_stack_position_says(actions):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite3"
        db = open_db(path)
        try:
            from app.services import accounts
            accounts.add(db, "me", "US", "UTC")
            payouts.add_payout(db, payout("300", "FIRST"))
            runner = Runner(path, Path(folder) / "undo")
            states = [snapshot(db)]  # states[i]: the ledger with i commands done
            for step, action in enumerate(actions):
                stack = runner.stack
                if action == "undo":
                    if stack.can_undo:
                        runner.undo()
                elif action == "redo":
                    if stack.can_redo:
                        runner.redo()
                else:
                    runner.do(action, _write(action, db, step))
                    del states[stack.index:]
                    states.append(snapshot(db))
                assert len(states) == len(stack.commands) + 1
                assert snapshot(db) == states[stack.index]
            while runner.stack.can_undo:
                runner.undo()
            assert snapshot(db) == states[0]
        finally:
            db.close()
