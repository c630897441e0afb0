"""Everything the LIVEs page shows, in one call: per-LIVE rows, the bars and the heat map."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.lives import (
    Heatmap,
    LiveBars,
    LiveRecord,
    LiveRow,
    Missed,
    heatmap,
    live_bars,
    live_rows,
    missed,
)
from app.core.rates import RegionRates
from app.services import accounts, currency
from app.services.currency import Local
from app.services.money_views import book
from app.store import queries


@dataclass(frozen=True)
class LivesView:
    handle: str
    timezone: str
    utc_offset_s: int  # seconds east of UTC now, for the chart's date axis
    rows: list[LiveRow]
    bars: LiveBars
    heatmap: Heatmap
    missed: Missed
    currency: str = "USD"  # the account's: a column of its own unless USD
    cash: dict[int, Local] = field(default_factory=dict)  # session id -> the LIVE's value
    rates_line: str = ""

    def value(self, row: LiveRow) -> Local:
        return self.cash[row.session_id]


def record(session: dict[str, Any]) -> LiveRecord:
    return LiveRecord(session["id"], session["start_ts"], session["end_ts"],
                      session["duration_s"], session["title"], session["diamonds"],
                      session["logged_coins"], session["gifters"], session["viewers"])


def _utc_offset(tz_name: str, ts: int | None) -> int:
    moment = datetime.now(UTC) if ts is None else datetime.fromtimestamp(ts, UTC)
    offset = moment.astimezone(ZoneInfo(tz_name)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def lives(db: Database, *, account: str | None = None,
          preset: str = "default") -> LivesView | None:
    """The LIVEs of an account (the default one); None when the ledger has no account yet."""
    if not queries.accounts(db):
        return None
    acct = accounts.resolve(db, account)
    rb = book(preset, db)

    def rates_on(day: date) -> RegionRates:
        return rb.region(acct.region, day)

    tz = acct.timezone
    rows = live_rows((record(s) for s in queries.sessions(db, acct.id)), tz, rates_on)
    heat = heatmap(queries.hourly_totals(db, acct.id), tz, rates_on)
    last = rows[-1].start_ts if rows else None
    conv = currency.converter(rb, acct.region)
    cash = {r.session_id: conv.value(r.diamonds * rates_on(r.start.date()).usd_per_diamond,
                                     r.start.date()) for r in rows}
    line = currency.rates_line(rb, acct.region, (r.start.date() for r in rows))
    return LivesView(acct.handle, tz, _utc_offset(tz, last), rows, live_bars(rows), heat,
                     missed(rows), conv.currency, cash, line)
