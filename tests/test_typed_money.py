"""Money typed the region's way (app.core.typed_money, data/number_formats.json): "40,50" is
40.50 in a euro-area or Brazilian account (it was saved as 4,050), "1.234,56" is 1234.56 there,
an ambiguous "1,234" is refused with a message; and a payout above the balance asks first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.typed_money import MoneyTextError, parse_typed
from app.services import payouts as service
from app.services.payouts import PayoutForm
from app.services.reference import decimal_mark
from app.store import queries

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


def written(value: Decimal, decimal: str, grouped: bool) -> str:
    """`value` as a person of a region writes it: 1.234.567,50 or 1,234,567.50."""
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if decimal == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


@settings(max_examples=300, deadline=None)
@given(amounts, st.sampled_from([".", ","]), st.booleans())
def test_an_amount_written_the_regions_way_reads_back(value, decimal, grouped):
    assert parse_typed(written(value, decimal, grouped), decimal) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([".", ","]))
def test_one_separator_and_three_digits_is_refused_in_a_comma_region(whole, part, sep):
    text = f"{whole}{sep}{part:03d}"
    with pytest.raises(MoneyTextError, match="ambiguous"):
        parse_typed(text, ",")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,- a", max_size=12), st.sampled_from([".", ","]))
def test_any_text_is_an_amount_or_a_one_line_message(text, decimal):
    try:
        value = parse_typed(text, decimal)
    except MoneyTextError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert value >= 0


@pytest.mark.parametrize("text, decimal, value", [
    ("40,50", ",", "40.50"), ("1.234,56", ",", "1234.56"), ("1 234,56", ",", "1234.56"),
    ("40.50", ",", "40.50"), ("1.234.567", ",", "1234567"),
    ("1,234.56", ".", "1234.56"), ("1,234", ".", "1234"), ("40,50", ".", "40.50"),
])
def test_examples(text, decimal, value):
    assert parse_typed(text, decimal) == Decimal(value)


def test_regions_say_how_they_write_decimals():
    assert [decimal_mark(r) for r in ("EU", "BR", "TR", "ID")] == [","] * 4
    assert [decimal_mark(r) for r in ("US", "GB", "AU", "XX")] == ["."] * 4


# ---- the payout editor ---------------------------------------------------------------------

def to_region(db, region: str) -> None:
    account = queries.accounts(db)[0]
    queries.update_account(db, account.id, region, account.timezone)


@pytest.mark.parametrize("region, currency", [("EU", "EUR"), ("BR", "BRL")])
def test_40_comma_50_is_saved_as_40_50_in_a_decimal_comma_account(demo_db, region, currency):
    to_region(demo_db, region)
    form = service.default_form(demo_db)
    assert form.decimal == "," and form.currency == currency
    typed = PayoutForm(date(2026, 10, 20), None, "40,50", currency, "paid", form.method,
                       fee="1,25", decimal=form.decimal)
    assert service.problem(typed) is None
    payout_id = service.add_payout(demo_db, typed)
    row = next(r for r in service.payouts(demo_db).rows if r.payout_id == payout_id)
    assert row.amount == Decimal("40.50") and row.fee_usd == Decimal("1.25")
    assert row.form.amount == "40,5"  # shown back the region's way for editing


def test_an_ambiguous_amount_is_refused_and_nothing_is_saved(demo_db):
    to_region(demo_db, "EU")
    before = len(queries.payouts(demo_db, queries.accounts(demo_db)[0].id))
    form = PayoutForm(date(2026, 10, 20), None, "1,234", "EUR", "paid", "PayPal", decimal=",")
    message = service.problem(form)
    assert message is not None and "ambiguous" in message and "1.234,00" in message
    with pytest.raises(ValueError, match="ambiguous"):
        service.add_payout(demo_db, form)
    assert len(queries.payouts(demo_db, queries.accounts(demo_db)[0].id)) == before


def test_a_payout_above_the_balance_is_a_question(demo_db):
    # the demo's balance: $361.04
    big = PayoutForm(date(2026, 10, 20), None, "400", "USD", "pending", "PayPal")
    small = PayoutForm(date(2026, 10, 20), None, "300", "USD", "pending", "PayPal")
    question = service.over_balance(demo_db, big)
    assert question is not None and "$400.00" in question and "$361.04" in question
    assert service.over_balance(demo_db, small) is None
    failed = PayoutForm(date(2026, 10, 20), None, "400", "USD", "failed", "PayPal")
    assert service.over_balance(demo_db, failed) is None
    # editing the $365 payout to $400: the $365 goes back first, $726.04 covers it
    bank = next(r for r in service.payouts(demo_db).rows if r.usd == 365)
    assert service.over_balance(demo_db, big, payout_id=bank.payout_id) is None


def test_the_payout_dialog_reads_the_regions_way_and_asks_above_the_balance(
        qtbot, demo_db, monkeypatch):
    pytest.importorskip("pytestqt")
    from app.ui.dialogs import confirm
    from app.ui.pages import payouts as page_module
    to_region(demo_db, "EU")
    asked: list[str] = []
    replies = iter([False, True])
    monkeypatch.setattr(confirm, "ask", lambda parent, title, text, action="Yes":
                        asked.append(text) or next(replies))
    monkeypatch.setattr(confirm, "tell", lambda *a: pytest.fail(f"unexpected notice {a}"))
    page = page_module.Page(demo_db)
    qtbot.addWidget(page)
    page.ledger_changed.connect(page.refresh)  # the window's part: reload after a change
    page.refresh()
    rows = page.model.rowCount()
    page.add_button.click()
    page.dialog.amount.setText("40,50")
    assert page.dialog.ok_button.isEnabled()
    page.dialog.ok_button.click()
    assert page.model.rowCount() == rows + 1 and asked == []
    added = max(service.payouts(demo_db).rows, key=lambda r: r.payout_id)
    assert added.amount == Decimal("40.50")
    page.add_button.click()
    page.dialog.amount.setText("1,234")
    assert not page.dialog.ok_button.isEnabled() and "ambiguous" in page.dialog.message.text()
    page.dialog.amount.setText("5.000,00")  # far above the balance: asked, then declined
    page.dialog.ok_button.click()
    assert len(asked) == 1 and "more than the balance" in asked[0]
    assert page.model.rowCount() == rows + 1
    page.add_button.click()
    page.dialog.amount.setText("5.000,00")
    page.dialog.ok_button.click()  # asked again, confirmed
    assert len(asked) == 2 and page.model.rowCount() == rows + 2


# ---- rates, the catalogue and check-ins: typed the region's way too --------------------------

rates_figures = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal("99999"),
                            places=8, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(rates_figures, st.sampled_from([".", ","]))
def test_a_figure_shown_in_a_form_reads_back_as_itself(value, decimal):
    """What a form starts from (a stored rate, "0.005", "1.125") reads back unchanged."""
    from app.core.money import plain
    from app.core.typed_money import as_typed
    assert parse_typed(as_typed(plain(value), decimal), decimal) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.sampled_from([".", ","]), st.booleans())
def test_a_whole_number_written_the_regions_way_reads_back(value, decimal, grouped):
    from app.core.typed_money import parse_whole
    text = f"{value:,}" if grouped else str(value)
    if decimal == ",":
        text = text.replace(",", ".")
    assert parse_whole(text, decimal) == value


@pytest.mark.parametrize("text", ["0,005", "0.005", ",005", "00,005"])
@pytest.mark.parametrize("decimal", [".", ","])
def test_a_zero_before_the_separator_is_a_rates_decimal_everywhere(text, decimal):
    """Seen: "0,005" typed in a US account read as 5 (a thousands group)."""
    assert parse_typed(text, decimal) == Decimal("0.005")


def rates_page(qtbot, db):
    from app.ui.pages.rates import Page
    page = Page(db)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_the_rate_dialog_reads_a_decimal_comma_in_a_euro_account(qtbot, demo_db):
    """Seen: "0,004" USD per diamond typed in a euro-area account was saved as 4."""
    from app.services import rates
    to_region(demo_db, "EU")
    page = rates_page(qtbot, demo_db)
    page.add_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.usd_per_diamond.text() == "0,005"  # shown their way
    assert dialog.ok_button.isEnabled()  # what it starts from reads back
    dialog.min_withdrawal.setText("1,234")
    assert not dialog.ok_button.isEnabled()
    assert "ambiguous" in dialog.message.text() and "1.234,00" in dialog.message.text()
    dialog.min_withdrawal.setText("100")
    dialog.usd_per_diamond.setText("0,004")
    dialog.daily_cap.setText("1.000,00")
    assert dialog.ok_button.isEnabled(), dialog.message.text()
    dialog.ok_button.click()
    now = rates.view(demo_db).in_force.value
    assert (now.usd_per_diamond, now.daily_cap_usd) == (Decimal("0.004"), Decimal("1000"))


def test_an_ambiguous_rate_is_refused_by_the_service_and_nothing_is_saved(demo_db):
    from app.services import rates
    to_region(demo_db, "BR")
    form = rates.form_for(demo_db, "BR", date(2026, 10, 1))
    bad = rates.RateForm(**{**form.__dict__, "daily_cap_usd": "1,500"})
    with pytest.raises(ValueError, match="ambiguous"):
        rates.save_region_rate(demo_db, "BR", bad)
    assert rates.user_entries(demo_db).total == 0


def test_the_catalogue_dialogs_read_coins_and_prices_the_regions_way(qtbot, demo_db):
    """Seen: a pack priced "4,99" in a euro-area account was refused or read as 499."""
    from app.services import catalogue
    to_region(demo_db, "EU")
    page = rates_page(qtbot, demo_db)
    packs = page.packs
    packs.add_button.click()
    dialog = packs.dialog
    assert dialog is not None
    dialog.channel.setCurrentText("web")
    dialog.coins.setText("1.000")
    dialog.price.setText("9,999")
    assert not dialog.ok_button.isEnabled() and "ambiguous" in dialog.message.text()
    dialog.price.setText("4,99")
    dialog.valid_from.setText("2026-10-01")
    assert dialog.ok_button.isEnabled(), dialog.message.text()
    dialog.ok_button.click()
    region = packs.region
    mine = [e.value for e in catalogue.pack_entries(demo_db, region) if e.edited]
    assert [(p.coins, p.price) for p in mine] == [(1000, Decimal("4.99"))]
    gifts = page.gifts
    gifts.add_button.click()
    gift = gifts.dialog
    assert gift is not None
    gift.gift_id.setText("990001")
    gift.name.setText("Comet Tail")
    gift.coins.setText("1,500")  # a comma is the decimal here: not a whole number
    assert not gift.ok_button.isEnabled() and "whole number" in gift.message.text()
    gift.coins.setText("1.500")
    assert gift.ok_button.isEnabled(), gift.message.text()
    gift.ok_button.click()
    comet = catalogue.effective_catalogue(demo_db).by_id(990001)
    assert comet is not None and comet.coins == 1500


def test_a_balance_checked_in_with_a_decimal_comma_is_that_balance(qtbot, demo_db):
    """Seen: "402,50" checked in from a euro-area account was recorded as $40,250."""
    from app.services import checkin
    from app.ui.dialogs.checkin_dialog import CheckInDialog
    to_region(demo_db, "EU")
    dialog = CheckInDialog(demo_db, None)
    qtbot.addWidget(dialog)
    dialog.amount.setText("1,234")
    dialog.save()
    assert "ambiguous" in dialog.result.text() and checkin.listed(demo_db) == []
    dialog.amount.setText("402,50")
    dialog.save()
    assert [c.usd for c in checkin.listed(demo_db)] == [Decimal("402.50")]
    dialog.unit.setCurrentText("diamonds")
    dialog.amount.setText("80.000")
    dialog.save()
    by_diamonds = [c for c in checkin.listed(demo_db) if "diamonds" in c.typed]
    assert [c.diamonds for c in by_diamonds] == [Decimal(80_000)]
