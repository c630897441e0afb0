"""Everything the Gifts page shows for one query, read in one trip: the list (counted, valued,
and ordered when no index serves its order), the gift names of the filter box, the gift mix
and the value in the account's currency.

One function, so that the page can run it on the ledger's worker (app.ui.worker) over its own
connection: on a 1M-gift ledger a search or a sort takes 0.5-1.5 s, the window keeps painting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from app.services import browse, currency
from app.services.browse import GiftList, GiftQuery, MixSlice
from app.services.currency import GiftsLocal


@dataclass(frozen=True)
class GiftsView:
    listing: GiftList | None  # None: the ledger has no account
    names: list[str] = field(default_factory=list)  # every gift name of the account
    mix: list[MixSlice] = field(default_factory=list)
    local: GiftsLocal | None = None  # None without gifts

    @property
    def empty_ledger(self) -> bool:
        return self.listing is None or self.listing.ledger_gifts == 0


def gifts_view(db: Database, query: GiftQuery) -> GiftsView:
    listing = browse.gift_list(db, query)
    if listing is None or listing.ledger_gifts == 0:
        return GiftsView(listing)
    return GiftsView(listing, browse.gift_names(db, listing), browse.gift_mix(db, listing),
                     currency.gifts_local(db, listing.account, listing.filter))


def resorted(db: Database, view: GiftsView, sort: str, descending: bool) -> GiftsView:
    """The same gifts in another order: only the order is read again, not the totals."""
    if view.listing is None:
        return view
    return GiftsView(browse.sorted_list(db, view.listing, sort, descending), view.names,
                     view.mix, view.local)
