"""The gift catalogue: ids are unique, names are not, prices change over time."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Gift:
    gift_id: int
    name: str
    coins: int
    valid_from: date
    source: str = ""
    valid_to: date | None = None  # the last day the gift existed; None: it may still exist
    confidence: str = ""  # of the source: "high" (TikTok's own data), "medium/low", "" (yours)


class GiftLookupError(ValueError):
    """A gift name that is unknown or matches several gifts: reported, never guessed."""


class Catalogue:
    """`chosen`: the gift the creator said a shared name means in their logs (by
    `name_key`), used where the name and the day leave several gifts."""

    def __init__(self, gifts: list[Gift], chosen: Mapping[str, int] | None = None) -> None:
        self._by_id: dict[int, list[Gift]] = defaultdict(list)
        self._ids_by_name: dict[str, set[int]] = defaultdict(set)
        self.chosen: dict[str, int] = dict(chosen or {})
        for gift in gifts:
            self._by_id[gift.gift_id].append(gift)
            self._ids_by_name[name_key(gift.name)].add(gift.gift_id)
        for versions in self._by_id.values():
            versions.sort(key=lambda g: g.valid_from)

    def __len__(self) -> int:
        return len(self._by_id)

    def gifts(self) -> list[Gift]:
        return [v[-1] for v in self._by_id.values()]

    def versions(self) -> list[Gift]:
        """Every entry, each price of each gift: by id, then oldest first."""
        return [g for gift_id in sorted(self._by_id) for g in self._by_id[gift_id]]

    def ids_named(self, name: str) -> set[int]:
        """The ids carrying `name` (any case or spacing): several when names repeat."""
        return set(self._ids_by_name.get(name_key(name), set()))

    def by_id(self, gift_id: int, day: date | None = None) -> Gift | None:
        versions = self._by_id.get(gift_id)
        if not versions:
            return None
        if day is None:
            return versions[-1]
        chosen = versions[0]
        for gift in versions:
            if gift.valid_from <= day:
                chosen = gift
        return chosen

    def by_name(self, name: str, day: date | None = None) -> Gift:
        """The gift of this name; of several, the only one that existed on `day` (TikTok
        Universe was 34,999 coins until 2023-10 and is 44,999 since)."""
        ids = self._ids_by_name.get(name_key(name))
        if not ids:
            raise GiftLookupError(unknown_message(name))
        if len(ids) > 1 and day is not None:
            existing = {i for i in ids if self._exists_on(i, day)}
            ids = existing if len(existing) == 1 else ids
        if len(ids) > 1 and self.chosen.get(name_key(name)) in ids:
            ids = {self.chosen[name_key(name)]}
        if len(ids) > 1:
            options = sorted((self.by_id(i, day) for i in ids), key=lambda g: g.coins if g else 0)
            listed = ", ".join(f"id {g.gift_id} = {coins_text(g.coins)}" for g in options if g)
            raise GiftLookupError(
                f"gift name {name!r} is ambiguous ({listed}); "
                "choose which one (Imports page, or catalogue choose), or give the file a gift "
                "id or coin column"
            )
        gift = self.by_id(next(iter(ids)), day)
        assert gift is not None
        return gift


    def _exists_on(self, gift_id: int, day: date) -> bool:
        """Known by `day` (its first entry) and not ended before it (its latest entry)."""
        versions = self._by_id[gift_id]
        end = versions[-1].valid_to
        return versions[0].valid_from <= day and (end is None or day <= end)


def name_key(name: str) -> str:
    """A gift name as names are compared: any case, any spacing."""
    return " ".join(name.casefold().split())


def coins_text(coins: int) -> str:
    return f"{coins:,} coin" + ("" if coins == 1 else "s")


def unknown_message(name: str) -> str:
    return f"unknown gift {name!r}: not in the gift catalogue"


# The two reasons a row is rejected for its gift's name, as the messages above write them
# (a Python repr of the name: quotes and escapes read back by ast.literal_eval).
_QUOTED = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_UNKNOWN = re.compile(r"unknown gift " + _QUOTED + r": not in the gift catalogue")
_AMBIGUOUS = re.compile(r"gift name " + _QUOTED + r" is ambiguous \(")


def named_in(reason: str) -> tuple[str, str] | None:
    """("unknown" | "ambiguous", the gift's name as the file wrote it) of a rejected row's
    reason that is about its gift's name; None for any other reason."""
    for kind, pattern in (("unknown", _UNKNOWN), ("ambiguous", _AMBIGUOUS)):
        found = pattern.search(reason)
        if found:
            name = ast.literal_eval(found.group(1))
            return (kind, name) if isinstance(name, str) else None
    return None
