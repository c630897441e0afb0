"""The gift catalogue: ids are unique, names are not, prices change over time."""

from __future__ import annotations

from collections import defaultdict
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
    def __init__(self, gifts: list[Gift]) -> None:
        self._by_id: dict[int, list[Gift]] = defaultdict(list)
        self._ids_by_name: dict[str, set[int]] = defaultdict(set)
        for gift in gifts:
            self._by_id[gift.gift_id].append(gift)
            self._ids_by_name[_norm(gift.name)].add(gift.gift_id)
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
        return set(self._ids_by_name.get(_norm(name), set()))

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
        ids = self._ids_by_name.get(_norm(name))
        if not ids:
            raise GiftLookupError(f"unknown gift {name!r}: not in the gift catalogue")
        if len(ids) > 1 and day is not None:
            existing = {i for i in ids if self._exists_on(i, day)}
            ids = existing if len(existing) == 1 else ids
        if len(ids) > 1:
            options = sorted((self.by_id(i, day) for i in ids), key=lambda g: g.coins if g else 0)
            listed = ", ".join(f"id {g.gift_id} = {g.coins} coins" for g in options if g)
            raise GiftLookupError(
                f"gift name {name!r} is ambiguous ({listed}); "
                "the file needs a gift id or coin column"
            )
        gift = self.by_id(next(iter(ids)), day)
        assert gift is not None
        return gift


    def _exists_on(self, gift_id: int, day: date) -> bool:
        """Known by `day` (its first entry) and not ended before it (its latest entry)."""
        versions = self._by_id[gift_id]
        end = versions[-1].valid_to
        return versions[0].valid_from <= day and (end is None or day <= end)


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())
