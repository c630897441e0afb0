"""The creator account every figure belongs to: its handle, region and time zone.

Typed rather than a dict so that a misspelt key, a missing field or an account built by hand
with a different shape fails where it is made, not as a wrong figure three screens later.
`NewAccount` is one not in the ledger yet (what a first import would create: it has no id, so
nothing can read or write rows of it by mistake); `Account` is one in the ledger."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewAccount:
    handle: str  # without the leading @
    region: str  # a region code of the rate book: US, GB, BR, ...
    timezone: str  # an IANA zone name: the account's days start at its midnight

    @property
    def label(self) -> str:
        return f"@{self.handle}"


@dataclass(frozen=True)
class Account(NewAccount):
    id: int  # the ledger's accounts.id
