"""The Regions page's table: one row per region, the account's own region first and in bold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from app.core.money import format_money, plain, round_money
from app.services.compare import RegionRow
from app.ui import format as fmt
from app.ui.tablemodels import Column, Index, RowsModel

DASH = "\u2014"
OWN_MARK = "\u2605"  # ★ before the account's own region
REACHED, NOT_REACHED = "\u2713", "\u2717"
UNSOURCED = "\u26a0"  # ⚠ after rates that are the generic defaults


WHOLE_FROM = Decimal(100_000)  # amounts this big (rupiah, say) read in whole units


def _local(row: RegionRow, amount: Decimal | None) -> str:
    if amount is None:
        return DASH
    if abs(amount) >= WHOLE_FROM:
        return format_money(round_money(amount, 0), row.currency).replace(".00", "")
    return format_money(amount, row.currency)


def region_text(row: RegionRow) -> str:
    """The name, marked when it is the account's region or valued with the generic default
    rates; the code, the currency and the rates' days are in the tooltip (the table needs the
    width for the figures)."""
    name = f"{OWN_MARK} {row.name}" if row.own else row.name
    return f"{name} {UNSOURCED}" if row.unsourced else name


def region_tip(row: RegionRow) -> str:
    own = " \u00b7 your account's region" if row.own else ""
    return (f"{row.name} ({row.region}) \u00b7 pays out in {row.currency}{own}\n\n"
            f"Rates from {rates_text(row)}:\n{rates_tip(row)}")


def withdraw_text(row: RegionRow) -> str:
    """✓ $100: the minimum withdrawal and whether the period reaches it (the daily cap is
    in the tooltip, and in the days' one when it splits the withdrawal)."""
    mark = REACHED if row.reaches_minimum else NOT_REACHED
    return f"{mark} {whole_usd(row.rates.min_withdrawal_usd)}"


def withdraw_tip(row: RegionRow) -> str:
    verb = "reaches" if row.reaches_minimum else "does not reach"
    return (f"The period's {fmt.usd(row.usd)} {verb} the {fmt.usd(row.rates.min_withdrawal_usd)} "
            f"minimum withdrawal; at most {fmt.usd(row.rates.daily_cap_usd)} a day")


def whole_usd(amount: Decimal) -> str:
    """A rate-table limit as entered: $100, $1,000, $50.5."""
    whole, _, part = plain(amount).partition(".")
    return f"${int(whole):,}" + (f".{part}" if part else "")


def rates_text(row: RegionRow) -> str:
    """The days of the rate entries that valued the period (in the region's tooltip)."""
    return " + ".join(fmt.day(r.valid_from) for r in row.rates_used)


def rates_tip(row: RegionRow) -> str:
    return "\n\n".join(f"From {fmt.day(r.valid_from)}: {r.source or 'no source given'}"
                       for r in row.rates_used)


def method_tip(row: RegionRow) -> str:
    if row.best is None:
        return "Nothing to withdraw in this period"
    m = row.best.method
    return (f"{m.name}: {fmt.usd(m.fixed_fee_usd)} + {fmt.percent(m.percent_fee)} a withdrawal, "
            f"{fmt.percent(m.fx_spread)} exchange spread (rates from {fmt.day(m.valid_from)}); "
            "the method that brings most home")


def fees_tip(row: RegionRow) -> str:
    if row.best is None or row.costs_local is None:
        return ""
    return (f"Fee {fmt.usd(row.best.fee_usd)} + exchange spread {fmt.usd(row.best.spread_usd)}"
            f": {format_money(row.costs_local, row.currency)} less in {row.currency}")


def days_text(row: RegionRow) -> str:
    return DASH if row.arrives_in_days is None else str(row.arrives_in_days)


def days_tip(row: RegionRow) -> str:
    if row.best is None:
        return ""
    n = len(row.best.withdrawals)
    cap = fmt.usd(row.rates.daily_cap_usd)
    several = (f"; {n} withdrawals, one a day under the {cap} daily cap" if n > 1 else "")
    return f"{row.best.method.processing_days} processing days{several}"


def arrives_tip(row: RegionRow) -> str:
    if row.best is None:
        return ""
    tip = (f"Withdrawn from today at {row.per_usd} {row.currency}/USD; "
           f"{fmt.usd(row.best.net_usd)} in USD terms"
           + (f"; {row.best.stays_note}" if row.best.stays_note else ""))
    return tip if row.reaches_minimum else tip + " (below the minimum: not withdrawable alone)"


def columns() -> list[Column[RegionRow]]:
    """What each region pays first (its local amount and what arrives of it), then how; the
    region's name and the method share what the figures leave (a 1,024 px window)."""
    return [
        Column("Region", region_text, tip=region_tip, fill=110),
        Column("Diamonds", lambda r: fmt.diamonds(r.diamonds), True, key=lambda r: r.diamonds),
        Column("USD", lambda r: fmt.usd(r.usd), True, key=lambda r: r.usd),
        Column("Local", lambda r: _local(r, r.local), True,
               tip=lambda r: f"In {r.currency}, at each day's exchange rate"),
        Column("Arrives", lambda r: _local(r, r.best.net_local if r.best else None), True,
               tip=arrives_tip, tone=lambda r: "" if r.reaches_minimum else "muted"),
        Column("Method", lambda r: r.best.method.name if r.best else DASH, tip=method_tip,
               fill=80),
        Column("Fees", lambda r: fmt.usd(r.best.fee_usd + r.best.spread_usd) if r.best else DASH,
               True, tip=fees_tip),
        Column("Days", days_text, True, tip=days_tip),
        Column("Minimum", withdraw_text, True, tip=withdraw_tip,
               tone=lambda r: "good" if r.reaches_minimum else "bad"),
    ]


DIAMONDS_COLUMN, USD_COLUMN = 1, 2  # hidden when every region has the same figure


class RegionModel(RowsModel[RegionRow]):
    """RowsModel with the account's own region in bold and tones as text colours only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(columns(), parent=parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return None  # tones colour the text only: a dense table of tinted cells shouts
        if (role == Qt.ItemDataRole.FontRole and self._valid(index)
                and self.row_at(index.row()).own):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)

    def own_row(self) -> int | None:
        return next((i for i, r in enumerate(self.rows()) if r.own), None)
