"""The gift catalogue and coin packs as the creator edits them: new gifts, price changes from a
day (`valid_from`), and coin packs per region, on top of the shipped data in data/.

A creator's entry with the same key and day as a shipped one wins over it; otherwise it joins
the history. Imports price logger rows that carry no coins with `effective_catalogue(db)` at
the gift's day, so a price change counts for every import made after it is saved (rows already
in the ledger keep the coins they were imported with). Forms hold what was typed; `*_problem`
says in a sentence why one cannot be saved, and the save functions refuse it the same way.
Figures are typed the creator's region's way (`typing_mark`): "0,99" and "1.000" coins in the
euro area, an ambiguous "1,234" refused with a message (app.core.typed_money).
"""


from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from app.core.catalogue import Catalogue, Gift, coins_text, name_key, named_in
from app.core.rates import ALWAYS, CoinPack, RateBook
from app.core.typed_money import MoneyTextError, as_typed
from app.services.rates import Entry, effective_book, typed_count, typed_figure, typing_mark
from app.services.reference import catalogue as shipped_catalogue
from app.store import rates as store

EDITED_SOURCE = "edited by you"
CURRENCY = re.compile(r"[A-Z]{3}")
DAY_EXAMPLE = "2026-10-01"


def effective_catalogue(db: Database | None) -> Catalogue:
    """The shipped catalogue with the creator's gifts and prices on top."""
    shipped = shipped_catalogue()
    if db is None:
        return shipped
    merged = {(g.gift_id, g.valid_from): g for g in shipped.versions()}
    merged.update({(g.gift_id, g.valid_from): g for g in store.gifts(db)})
    return Catalogue(list(merged.values()), store.gift_choices(db))


def _day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def whole(text: str) -> int | None:
    """A whole number as typed ("1,000" too), or None."""
    cleaned = text.strip().replace(",", "")
    return int(cleaned) if re.fullmatch(r"[+-]?\d+", cleaned) else None


def count(text: str, decimal: str = ".") -> int | None:
    """A count (coins) as typed the region's way ("1.000" where the decimal is a comma, a
    sign kept so that "-3" is "at least 1", not "not a number"), or None."""
    try:
        return typed_count(text, decimal)
    except MoneyTextError:
        return None


def iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _count_problem(label: str, text: str, decimal: str = ".") -> str | None:
    value = count(text, decimal)
    if not text.strip():
        return f"{label} is missing."
    if value is None:
        example = "1.000" if decimal == "," else "1,000"
        return (f"{label} must be a whole number, such as 199 or {example} "
                f"(not {text.strip()!r}).")
    if value < 1:
        return f"{label} must be at least 1 (not {value})."
    return None


def _day_problem(text: str) -> str | None:
    if iso_day(text) is None:
        return (f"Valid from must be a day written year-month-day, such as {DAY_EXAMPLE} "
                f"(not {text.strip()!r}).")
    return None


# ---- gifts --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GiftForm:
    """A gift entry as typed. `replacing` is the creator's entry being edited (its day may be
    saved again); `adding` a new gift, whose id must be new."""

    gift_id: str
    name: str
    coins: str
    valid_from: str
    source: str = ""
    adding: bool = False
    replacing: Gift | None = None
    valid_to: str = ""  # the last day the gift existed ('' = it may still)
    decimal: str = "."  # how the coins are typed: the region's decimal separator


def gift_entries(db: Database, search: str = "") -> list[Entry[Gift]]:
    """Every price of every gift (the creator's marked), by id and day; `search` keeps the
    gifts whose name holds it or whose id is it."""
    mine = {(g.gift_id, g.valid_from) for g in store.gifts(db)}
    wanted = " ".join(search.casefold().split())
    return [Entry(g, (g.gift_id, g.valid_from) in mine)
            for g in effective_catalogue(db).versions()
            if not wanted or wanted in " ".join(g.name.casefold().split())
            or wanted == str(g.gift_id)]


def gifts_in_force(db: Database, day: date) -> set[Gift]:
    """The price of each gift on `day`."""
    cat = effective_catalogue(db)
    found = (cat.by_id(g.gift_id, day) for g in cat.gifts())
    return {g for g in found if g is not None and g.valid_from <= day}


def gift_checker(db: Database) -> Callable[[GiftForm], str | None]:
    """`gift_problem` against the ledger's catalogue as it is now (for a dialog)."""
    cat = effective_catalogue(db)
    return lambda form: gift_problem(form, cat)


def new_gift_form(day: date, decimal: str = ".") -> GiftForm:
    return GiftForm("", "", "", day.isoformat(), adding=True, decimal=decimal)


def gift_named_form(db: Database, name: str, decimal: str = ".") -> GiftForm:
    """A new gift of `name` (a rejected row's), with an id of the creator's range and known
    from always, so that the rows that named it read it whatever their day."""
    cat = effective_catalogue(db)
    gift_id = max([OWN_IDS, *(g.gift_id for g in cat.gifts())]) + 1
    return GiftForm(str(gift_id), " ".join(name.split()), "", ALWAYS_FROM.isoformat(),
                    adding=True, decimal=decimal)


def change_form(gift: Gift, day: date, decimal: str = ".") -> GiftForm:
    """A price change of `gift` from `day`, to start from."""
    return GiftForm(str(gift.gift_id), gift.name, str(gift.coins), day.isoformat(),
                    decimal=decimal)


def edit_form(gift: Gift, decimal: str = ".") -> GiftForm:
    """The creator's own entry, to correct."""
    return GiftForm(str(gift.gift_id), gift.name, str(gift.coins), gift.valid_from.isoformat(),
                    gift.source, replacing=gift, decimal=decimal)


def gift_problem(form: GiftForm, cat: Catalogue) -> str | None:
    """Why this entry cannot be saved, in a sentence; None when it can."""
    gift_id = whole(form.gift_id)
    if gift_id is None or gift_id < 1:
        return (f"Gift id must be a whole number, such as 5655 (not {form.gift_id.strip()!r})."
                if form.gift_id.strip() else "Gift id is missing.")
    if not form.name.strip():
        return "Name is missing."
    reason = (_count_problem("Coins", form.coins, form.decimal) or _day_problem(form.valid_from)
              or _end_problem(form))
    if reason:
        return reason
    return _clash(gift_id, form, cat)


def _end_problem(form: GiftForm) -> str | None:
    if not form.valid_to.strip():
        return None
    end, start = iso_day(form.valid_to), iso_day(form.valid_from)
    if end is None:
        return (f"Valid to must be a day written year-month-day, such as {DAY_EXAMPLE} "
                f"(not {form.valid_to.strip()!r}).")
    if start is not None and end < start:
        return f"Valid to ({end}) is before valid from ({start})."
    return None


def _overlaps(form: GiftForm, gift_id: int, cat: Catalogue) -> bool:
    """Whether gift `gift_id` existed on any day of the form's from..to."""
    versions = [g for g in cat.versions() if g.gift_id == gift_id]
    start, end = iso_day(form.valid_from) or date.min, iso_day(form.valid_to) or date.max
    other_end = versions[-1].valid_to or date.max
    return versions[0].valid_from <= end and start <= other_end


def _clash(gift_id: int, form: GiftForm, cat: Catalogue) -> str | None:
    day = iso_day(form.valid_from)
    assert day is not None
    existing = cat.by_id(gift_id)
    if form.adding and existing is not None:
        return (f"Gift id {gift_id} is already in the catalogue ({existing.name}): select it "
                "and choose Change price.")
    if not form.adding and existing is None:
        return f"Gift id {gift_id} is not in the catalogue: use Add gift."
    same_day = next((g for g in cat.versions() if g.gift_id == gift_id and g.valid_from == day),
                    None)
    replacing = form.replacing
    if same_day is not None and not (replacing and replacing.valid_from == day
                                     and replacing.gift_id == gift_id):
        return (f"{same_day.name} already has a price from {_day(day)} ({same_day.coins:,} "
                "coins): choose another day, or edit your entry of that day.")
    others = {i for i in cat.ids_named(form.name) - {gift_id} if _overlaps(form, i, cat)}
    if others:
        other = cat.by_id(min(others))
        assert other is not None
        return (f"{other.name!r} is already the name of gift id {other.gift_id}: a gift log "
                "that names gifts without their ids could no longer tell them apart. Choose "
                "another name.")
    return None


def save_gift(db: Database, form: GiftForm) -> Gift:
    """Save a new gift or a price change (replacing the edited entry, if any)."""
    reason = gift_problem(form, effective_catalogue(db))
    if reason:
        raise ValueError(reason)
    gift_id, coins = whole(form.gift_id), count(form.coins, form.decimal)
    day = iso_day(form.valid_from)
    assert gift_id is not None and coins is not None and day is not None
    gift = Gift(gift_id, " ".join(form.name.split()), coins, day,
                form.source.strip() or EDITED_SOURCE, iso_day(form.valid_to))
    store.save_gift(db, gift, form.replacing)
    return gift


OWN_IDS = 900_000_000  # ids for the creator's gifts added without one (TikTok's are far below)
ALWAYS_FROM = date(2000, 1, 1)  # a new gift's first day when none is given: before any log


def add_gift(db: Database, name: str, coins: int, gift_id: int | None = None,
             valid_from: date | None = None, valid_to: date | None = None) -> Gift:
    """`catalogue add`: a new gift, or a price change of the gift of that id (or of the only
    gift of that name), from `valid_from` (a new gift: always; a price change: today)."""
    cat = effective_catalogue(db)
    if gift_id is None:
        ids = cat.ids_named(name)
        gift_id = next(iter(ids)) if len(ids) == 1 else max(
            [OWN_IDS, *(g.gift_id for g in cat.gifts())]) + 1
    adding = cat.by_id(gift_id) is None
    start = valid_from or (ALWAYS_FROM if adding else date.today())
    form = GiftForm(str(gift_id), name, str(coins), start.isoformat(), adding=adding,
                    valid_to=valid_to.isoformat() if valid_to else "")
    return save_gift(db, form)


def delete_gift(db: Database, gift: Gift) -> bool:
    """Remove the creator's entry: the shipped price (or the gift's earlier one) applies."""
    return store.delete_gift(db, gift.gift_id, gift.valid_from)



# ---- which gift a shared name means -------------------------------------------------------------

@dataclass(frozen=True)
class NameChoice:
    name: str  # as the catalogue names the gifts
    gift: Gift  # the one the creator said the name means


def choose_gift(db: Database, name: str, *, gift_id: int | None = None,
                coins: int | None = None) -> NameChoice:
    """Say which of the gifts named `name` a log means ("this Heart is the 10-coin one"), by
    its id or its coins; every later import and retry reads the name as that gift where the
    day leaves several. ValueError says why not (no such name, one gift only, no such
    coins, or two of those coins: give the id)."""
    cat = effective_catalogue(db)
    options = name_options(cat, name)
    if not options:
        raise ValueError(f"no gift is named {name!r} in the catalogue")
    if len(options) == 1:
        raise ValueError(f"only one gift is named {options[0].name!r} (id {options[0].gift_id},"
                         f" {options[0].coins:,} coins): there is nothing to choose")
    listed = ", ".join(f"id {g.gift_id} = {coins_text(g.coins)}" for g in options)
    if gift_id is not None:
        found = [g for g in options if g.gift_id == gift_id]
    elif coins is not None:
        found = [g for g in options if g.coins == coins]
    else:
        raise ValueError(f"say which {options[0].name!r} it is by --coins or --id ({listed})")
    if not found:
        asked = f"id {gift_id}" if gift_id is not None else f"{coins:,} coins"
        raise ValueError(f"no {options[0].name!r} has {asked} ({listed})")
    if len(found) > 1:
        raise ValueError(f"{len(found)} gifts named {options[0].name!r} cost {coins:,} coins: "
                         f"say which by --id ({listed})")
    store.save_gift_choice(db, name_key(name), found[0].gift_id)
    return NameChoice(found[0].name, found[0])


def name_options(cat: Catalogue, name: str) -> list[Gift]:
    """The gifts carrying `name` (their latest price), cheapest first."""
    found = (cat.by_id(i) for i in cat.ids_named(name))
    return sorted((g for g in found if g is not None), key=lambda g: (g.coins, g.gift_id))


def name_choices(db: Database) -> list[NameChoice]:
    cat = effective_catalogue(db)
    chosen = ((name, cat.by_id(gift_id)) for name, gift_id in store.gift_choices(db).items())
    return [NameChoice(gift.name, gift) for _name, gift in chosen if gift is not None]


def forget_choice(db: Database, name: str) -> bool:
    return store.delete_gift_choice(db, name_key(name))


@dataclass(frozen=True)
class RowFix:
    """What the creator can do about a row rejected for its gift: add the gift ("unknown"),
    or say which of `options` the name means ("ambiguous")."""

    kind: str
    name: str  # as the file wrote it
    options: tuple[Gift, ...] = ()

    def choice_text(self, gift: Gift) -> str:
        return f"This {self.name} is the {gift.coins:,}-coin one (id {gift.gift_id})"


def row_fix(db: Database, reason: str, cat: Catalogue | None = None) -> RowFix | None:
    """The fix a rejected row's reason calls for; None when it is not about the gift. `cat`:
    the ledger's catalogue, when the caller has it (read here otherwise)."""
    found = named_in(reason)
    if found is None:
        return None
    kind, name = found
    options = name_options(cat or effective_catalogue(db), name)
    if kind == "unknown" and not options:
        return RowFix(kind, name)
    if len(options) > 1:
        return RowFix("ambiguous", name, tuple(options))
    return None  # the catalogue changed since: a retry reads it again as it is now

# ---- coin packs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackForm:
    """A coin pack of a region as typed; `replacing` is the creator's entry being edited."""

    channel: str
    coins: str
    price: str
    currency: str
    valid_from: str
    source: str = ""
    replacing: CoinPack | None = None
    decimal: str = "."  # how coins and price are typed: the region's decimal separator


def pack_entries(db: Database, region: str) -> list[Entry[CoinPack]]:
    """Every price of every pack of the region (the creator's marked), by channel and coins."""
    mine = set(store.coin_packs(db))
    history = effective_book(db).coin_pack_history(region)
    history.sort(key=lambda p: (p.channel.lower(), p.coins, p.valid_from))
    return [Entry(p, p in mine) for p in history]


def packs_in_force(db: Database, region: str, day: date) -> set[CoinPack]:
    return set(effective_book(db).coin_packs(region, day))


def pack_checker(db: Database, region: str) -> Callable[[PackForm], str | None]:
    """`pack_problem` against the region's packs as they are now (for a dialog)."""
    book, user = effective_book(db), store.coin_packs(db)
    return lambda form: pack_problem(form, region, book, user)


def new_pack_form(db: Database, region: str, day: date) -> PackForm:
    """An empty pack in the region's currency (its packs', else its payout currency's)."""
    book = effective_book(db)
    packs = book.coin_packs(region)
    currency = packs[0].currency if packs else book.region(region, day).currency
    return PackForm("in-app", "", "", currency, day.isoformat(), decimal=typing_mark(db))


def pack_change_form(pack: CoinPack, day: date, mine: bool, decimal: str = ".") -> PackForm:
    """A new price of `pack` from `day`; or, for the creator's own entry, that entry."""
    price = as_typed(pack.price, decimal)
    if mine:
        return PackForm(pack.channel, str(pack.coins), price, pack.currency,
                        pack.valid_from.isoformat(), pack.source, replacing=pack,
                        decimal=decimal)
    return PackForm(pack.channel, str(pack.coins), price, pack.currency, day.isoformat(),
                    decimal=decimal)


def pack_problem(form: PackForm, region: str, book: RateBook,
                 user: list[CoinPack]) -> str | None:
    """Why this pack cannot be saved, in a sentence; None when it can."""
    if not form.channel.strip():
        return "Channel is missing (in-app, web...)."
    reason = _count_problem("Coins", form.coins, form.decimal)
    if reason:
        return reason
    if not form.price.strip():
        return "Price is missing."
    try:
        price = typed_figure(form.price, form.decimal)
    except MoneyTextError as exc:
        return f"Price must be a number: {exc}"
    if price <= 0:
        return "Price must be more than 0."
    currency = form.currency.strip().upper()
    if not CURRENCY.fullmatch(currency):
        return f"Currency must be a three-letter code, such as USD (not {form.currency!r})."
    return _day_problem(form.valid_from) or _pack_clash(form, region, book, user)


def _pack_clash(form: PackForm, region: str, book: RateBook,
                user: list[CoinPack]) -> str | None:
    pack = _pack(form, region)
    others = [p for p in user if p.region == pack.region and p != form.replacing]
    theirs = {p.currency for p in others}
    if theirs and pack.currency not in theirs:
        return (f"Your other {pack.region} packs are priced in {', '.join(sorted(theirs))}: a "
                "region's packs are in one currency.")
    for p in book.coin_pack_history(region):
        if (p.key, p.valid_from) == (pack.key, pack.valid_from) and p != form.replacing:
            when = "shipped" if p.valid_from == ALWAYS else f"from {_day(p.valid_from)}"
            return (f"There is already a {p.channel} pack of {p.coins:,} coins {when}: choose "
                    "another day, or edit that entry.")
    return None


def _price(form: PackForm) -> Decimal | None:
    try:
        return typed_figure(form.price, form.decimal)
    except MoneyTextError:
        return None


def _pack(form: PackForm, region: str) -> CoinPack:
    coins, day, price = count(form.coins, form.decimal), iso_day(form.valid_from), _price(form)
    assert coins is not None and day is not None and price is not None
    return CoinPack(region.upper(), form.channel.strip().lower(), coins, price,
                    form.currency.strip().upper(), form.source.strip() or EDITED_SOURCE, day)


def save_coin_pack(db: Database, region: str, form: PackForm) -> CoinPack:
    """Save a pack (replacing the edited entry, if any); ValueError says why it cannot be."""
    reason = pack_problem(form, region, effective_book(db), store.coin_packs(db))
    if reason:
        raise ValueError(reason)
    pack = _pack(form, region)
    store.save_coin_pack(db, pack, form.replacing)
    return pack


def delete_coin_pack(db: Database, pack: CoinPack) -> bool:
    return store.delete_coin_pack(db, pack)


def per_coin(pack: CoinPack) -> Decimal:
    """What one coin costs in this pack (unrounded)."""
    return pack.price / pack.coins
