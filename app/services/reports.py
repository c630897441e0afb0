"""A period report: per month diamonds, USD and the region's currency, payouts and their fees,
top gifters, totals, and which rates valued them. A year by default, in the account's time
zone: the region's tax year where data/tax_years.json knows it (GB from 6 April, AU from
1 July), else the calendar year, labelled so; any range of days allowed. Pure data (no Qt):
the CSV is written here, the PDF by app.ui.reports. Paid and pending payouts are kept apart:
a pending one has left the balance but is never "paid out".

Earnings come from the valued days (official LIVE totals win over the gift log, each day at its
own rates; the region's currency at each day's exchange rate). Top gifters and the gift mix
come from gift rows, valued per stretch of days that one rate entry covers. A payout's fee is
the one its record states, else an estimate from the region's payout-method table (and says so).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from app.core.account import Account
from app.core.charts import EarningsChart, earnings_chart
from app.core.conversion import quote_payout
from app.core.money import ZERO, allocate, plain, rate_text, round_down, round_money
from app.core.rates import Dated, ExchangeRate, PayoutMethod, RateBook, RegionRates
from app.core.valuation import local_day, summarize, value_payout
from app.services import accounts
from app.services.exporting import safe_cell
from app.services.money_views import LedgerView, day_bounds, ledger_view, plan, view_of
from app.services.rates import region_name
from app.services.reference import data_text
from app.store import queries
from app.store.atomic import WriteError, atomic_open, check_target

TOP_GIFTERS = 10
MIX_GIFTS = 8  # the gift mix names this many gifts; the rest is "Other gifts"
REPORT_FORMATS = (".pdf", ".csv")
FeeSource = Literal["stated", "estimated", "unknown"]
D = TypeVar("D", bound=Dated)


class ReportError(ValueError):
    """A period or output that cannot make a report (the message says why)."""


# ---- the period -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    tax_year: bool = False  # the region's tax year (not a calendar one)

    @property
    def calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1, 1, 12, 31) and self.start.year == self.end.year

    @property
    def label(self) -> str:
        """"Tax year 2026-27 (6 Apr 2026 - 5 Apr 2027)", "Calendar year 2026", or the range."""
        if self.tax_year:
            return (f"Tax year {self.start.year}-{self.end.year % 100:02d} "
                    f"({_short_day(self.start)} - {_short_day(self.end)})")
        if self.calendar_year:
            return f"Calendar year {self.start.year}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def file_stem(self) -> str:
        if self.tax_year:
            return f"report-tax-year-{self.start.year}-{self.end.year % 100:02d}"
        if self.calendar_year:
            return f"report-{self.start.year}"
        return f"report-{self.start.isoformat()}-to-{self.end.isoformat()}"

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return out


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


@cache
def tax_year_starts() -> dict[str, tuple[int, int]]:
    """Region -> (month, day) its tax year starts, for the regions data/tax_years.json knows."""
    entries = json.loads(data_text("tax_years.json"))["tax_years"]
    return {str(e["region"]).upper(): (int(e["starts"][:2]), int(e["starts"][3:]))
            for e in entries}


def year_label(region: str | None) -> str:
    """What a year of the region's reports is called: "Tax year" or "Calendar year"."""
    return "Tax year" if (region or "").upper() in tax_year_starts() else "Calendar year"


def year(number: int, region: str | None = None) -> Period:
    """The region's tax year that starts in `number` when data/tax_years.json knows it, else
    the calendar year `number`."""
    if not 1970 <= number <= 9998:
        raise ReportError(f"not a year this ledger can hold: {number}")
    starts = tax_year_starts().get((region or "").upper())
    if starts is None:
        return Period(date(number, 1, 1), date(number, 12, 31))
    start = date(number, *starts)
    return Period(start, date(number + 1, *starts) - timedelta(days=1), tax_year=True)


def year_of(day: date, region: str | None = None) -> Period:
    """The year (as `year` counts them) that holds `day`."""
    starts = tax_year_starts().get((region or "").upper(), (1, 1))
    return year(day.year if day >= date(day.year, *starts) else day.year - 1, region)


def period_for(db: Database, *, account: str | None = None, tax_year: int | None = None,
               start: date | None = None, end: date | None = None,
               today: date | None = None) -> Period:
    """The period asked for: a year (the region's tax year where known, else the calendar
    year), a range (either end may be left open), or by default the year of the ledger's
    latest record (this year in an empty ledger)."""
    region = _region(db, account)
    if tax_year is not None:
        if start or end:
            raise ReportError("give a year or a range of days, not both")
        return year(tax_year, region)
    first, last = data_days(db, account)
    today = today or date.today()
    if start is None and end is None:
        return year_of(last or today, region)
    end = end or max(today, last or today)
    start = start or (first if first and first <= end else end.replace(month=1, day=1))
    if start > end:
        raise ReportError(f"the period starts after it ends ({start} > {end})")
    return Period(start, end)


def _region(db: Database, account: str | None) -> str | None:
    try:
        return accounts.resolve(db, account).region
    except accounts.AccountError:
        return None


def data_days(db: Database, account: str | None = None) -> tuple[date | None, date | None]:
    """The first and last local day with earnings or a payout."""
    v = view_of(db, account)
    days = [d.day for d in v.days] + [p.day for p in v.payouts]
    return (min(days), max(days)) if days else (None, None)


# ---- what a report holds ----------------------------------------------------------------------

@dataclass(frozen=True)
class MonthRow:
    month: date  # its first day
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    local: Decimal  # in the region's currency, each day at its exchange rate
    paid_usd: Decimal  # payouts requested in the month and paid
    pending_usd: Decimal  # requested in the month, not paid yet (never "paid out")
    fees_usd: Decimal  # of both (failed payouts are left out)

    @property
    def payouts_usd(self) -> Decimal:
        """Requested in the month, paid or pending (failed ones left out)."""
        return self.paid_usd + self.pending_usd


@dataclass(frozen=True)
class PayoutLine:
    requested: date
    paid: date | None
    status: str
    method: str
    amount: Decimal | None  # as recorded, in `currency`
    currency: str
    usd: Decimal
    diamonds: Decimal
    fee_usd: Decimal  # 0 when unknown
    fee_source: FeeSource
    reference: str

    @property
    def net_usd(self) -> Decimal:
        return self.usd - self.fee_usd


@dataclass(frozen=True)
class GifterLine:
    rank: int
    name: str
    sender: str
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    share: Decimal  # of the gift log's coins in the period


@dataclass(frozen=True)
class GiftLine:
    name: str
    count: int
    coins: int
    share: Decimal


@dataclass(frozen=True)
class RatesUsed:
    region: str
    region_name: str
    currency: str
    regions: tuple[RegionRates, ...]  # the entries in force on some day of the period
    fx: tuple[ExchangeRate, ...]  # the currency per USD entries used (none for USD)
    fx_fallback: bool  # some day is before every exchange rate: the oldest one was used
    methods: tuple[PayoutMethod, ...]  # the entries that estimated a fee


@dataclass(frozen=True)
class Totals:
    gifts: int
    coins: int
    diamonds: Decimal
    usd: Decimal
    local: Decimal
    paid_usd: Decimal
    pending_usd: Decimal
    fees_usd: Decimal  # of the paid and pending payouts
    balance_usd: Decimal  # at the end of the period (pending payouts have left it)
    balance_diamonds: Decimal

    @property
    def payouts_usd(self) -> Decimal:
        return self.paid_usd + self.pending_usd


@dataclass(frozen=True)
class Outlook:
    """Where the balance stands today against the withdrawal minimum: the one plan's answer
    (services.money_views.plan), as the Overview, the Planner page and `plan` give it."""

    today: date
    balance_usd: Decimal  # today's, pending payouts gone
    threshold_usd: Decimal
    withdrawable: bool
    day: date | None  # today when withdrawable, else the forecast's day (None: no forecast)
    note: str  # why there is no day ("" when there is one)


@dataclass(frozen=True)
class Report:
    handle: str
    timezone: str
    period: Period
    months: list[MonthRow]
    payouts: list[PayoutLine]
    gifters: list[GifterLine]
    gift_mix: list[GiftLine]
    totals: Totals
    rates: RatesUsed
    chart: EarningsChart  # the history up to the period's end: the balance carries over
    outlook: Outlook | None = None  # None: the period ended before today (a past report)

    @property
    def currency(self) -> str:
        return self.rates.currency

    @property
    def empty(self) -> bool:
        return not self.totals.gifts and not self.totals.diamonds and not self.payouts


# ---- building it ------------------------------------------------------------------------------

def build(db: Database, period: Period, *, account: str | None = None,
          top: int = TOP_GIFTERS, today: date | None = None) -> Report:
    acct = accounts.resolve(db, account)
    v = ledger_view(db, acct, today=today)
    rb = v.book
    region, tz = acct.region, acct.timezone
    currency = rb.region(region, period.end).currency
    payouts, methods = _payouts(db, acct, period, rb)
    fx_entries = [x for x in rb.fx if x.currency == currency]
    if currency != "USD" and not fx_entries:
        raise ReportError(f"there is no exchange rate for {currency}: add one on the Rates page")
    months = _months(v, period, payouts, rb, currency)
    s = summarize(v.days, v.payouts, v.rates.min_withdrawal_usd, period.start, period.end)
    counted = [p for p in payouts if p.status != "failed"]
    totals = Totals(s.gifts, s.coins, s.diamonds, s.usd, sum((m.local for m in months), ZERO),
                    _usd_of(counted, "paid"), _usd_of(counted, "pending"),
                    sum((p.fee_usd for p in counted), ZERO), s.balance_usd, s.balance_diamonds)
    used = RatesUsed(region, region_name(region), currency,
                     tuple(in_force(rb.region_history(region), period)),
                     tuple(in_force(fx_entries, period)) if currency != "USD" else (),
                     currency != "USD" and bool(fx_entries)
                     and period.start < min(x.valid_from for x in fx_entries),
                     tuple(methods))
    chart = earnings_chart([d for d in v.days if d.day <= period.end],
                           [p for p in v.payouts if p.day <= period.end],
                           rb.region(region, period.end).min_withdrawal_usd, tz)
    return Report(acct.handle, tz, period, months, payouts,
                  _gifters(db, acct, period, rb, s.coins, top), _gift_mix(db, acct, period),
                  totals, used, chart, outlook(db, v, period))


def outlook(db: Database, v: LedgerView, period: Period) -> Outlook | None:
    """The plan's answer for a period that reaches today; None for a past one."""
    if period.end < v.today:
        return None
    p = plan(db, history=v)
    return Outlook(v.today, p.summary.balance_usd, p.summary.threshold_usd,
                   p.summary.withdrawable, p.threshold_date, p.forecast.note)


def _usd_of(payouts: Iterable[PayoutLine], status: str) -> Decimal:
    return sum((p.usd for p in payouts if p.status == status), ZERO)


def in_force(entries: Iterable[D], period: Period) -> list[D]:
    """The entries that value some day of the period, oldest first (a day before every entry
    takes the oldest one, as core's `effective` does)."""
    ordered = sorted(entries, key=lambda e: e.valid_from)
    used = [e for i, e in enumerate(ordered) if e.valid_from <= period.end
            and (i + 1 == len(ordered) or ordered[i + 1].valid_from > period.start)]
    if ordered and (not used or period.start < ordered[0].valid_from) \
            and ordered[0] not in used:
        used.insert(0, ordered[0])
    return used


def _months(v: LedgerView, period: Period, payouts: Sequence[PayoutLine], rb: RateBook,
            currency: str) -> list[MonthRow]:
    keys = ("gifts", "coins", "diamonds", "usd", "local", "paid", "pending", "fees")
    sums: dict[date, dict[str, Any]] = {m: dict.fromkeys(keys, ZERO) for m in period.months()}
    for d in v.days:
        if period.start <= d.day <= period.end:
            row = sums[d.day.replace(day=1)]
            row["gifts"] += d.gifts
            row["coins"] += d.coins
            row["diamonds"] += d.diamonds
            row["usd"] += d.usd
            row["local"] += d.usd * rb.per_usd(currency, d.day)
    for p in payouts:
        if p.status in ("paid", "pending"):
            sums[p.requested.replace(day=1)][p.status] += p.usd
        if p.status != "failed":
            sums[p.requested.replace(day=1)]["fees"] += p.fee_usd
    return [MonthRow(m, int(r["gifts"]), int(r["coins"]), r["diamonds"], r["usd"], r["local"],
                     r["paid"], r["pending"], r["fees"]) for m, r in sums.items()]


def _bounds(period: Period, tz: str) -> tuple[int, int]:
    return day_bounds(period.start, tz)[0], day_bounds(period.end, tz)[1]


def _payouts(db: Database, acct: Account, period: Period, rb: RateBook
             ) -> tuple[list[PayoutLine], list[PayoutMethod]]:
    region, tz = acct.region, acct.timezone
    zone = ZoneInfo(tz)
    lines, methods = [], []

    def rates_on(day: date) -> RegionRates:
        return rb.region(region, day)

    for p in queries.payouts(db, acct.id, *_bounds(period, tz)):
        value = value_payout(p, tz, rates_on, rb.per_usd)
        fee, source, method = _fee(p, value.usd, value.day, region, rb)
        if method is not None and method not in methods:
            methods.append(method)
        paid = None if p["paid_ts"] is None else local_day(p["paid_ts"], zone)
        lines.append(PayoutLine(
            value.day, paid, value.status, p["method"] or "",
            None if p["amount"] in (None, "") else Decimal(str(p["amount"])),
            p["currency"] or "USD", value.usd, value.diamonds, fee, source, p["reference"] or ""))
    return lines, methods


def _fee(p: dict[str, Any], usd: Decimal, day: date, region: str, rb: RateBook
         ) -> tuple[Decimal, FeeSource, PayoutMethod | None]:
    """The fee the record states, else what the region's method of that day would charge."""
    if p["fee_usd"] not in (None, ""):
        return Decimal(str(p["fee_usd"])), "stated", None
    try:
        method = rb.payout_method(region, p["method"] or "", day)
    except KeyError:
        return ZERO, "unknown", None
    currency = p["currency"] or "USD"
    try:
        per_usd = rb.per_usd(currency, day)
    except KeyError:
        per_usd = Decimal(1)
    quote = quote_payout(usd, method, currency, per_usd)
    return quote.fee_usd + quote.spread_usd, "estimated", method


def _segments(period: Period, entries: Sequence[RegionRates]
              ) -> list[tuple[date, date, RegionRates]]:
    """The stretches of the period that one region entry values."""
    out = []
    for i, entry in enumerate(entries):
        first = period.start if i == 0 else max(period.start, entry.valid_from)
        last = period.end if i + 1 == len(entries) else min(
            period.end, entries[i + 1].valid_from - timedelta(days=1))
        if first <= last:
            out.append((first, last, entry))
    return out


def _gifters(db: Database, acct: Account, period: Period, rb: RateBook,
             logged_coins: int, top: int) -> list[GifterLine]:
    tz = acct.timezone
    segments = _segments(period, in_force(rb.region_history(acct.region), period))
    merged: dict[str, dict[str, Any]] = {}
    limit = top if len(segments) == 1 else 1_000_000_000
    for first, last, rates in segments:
        for g in queries.top_gifters(db, acct.id, *_bounds(Period(first, last), tz), limit):
            row = merged.setdefault(g["sender"], {"name": g["name"], "coins": 0, "gifts": 0,
                                                  "diamonds": ZERO, "usd": ZERO})
            diamonds = Decimal(g["coins"]) * rates.diamonds_per_coin
            row["coins"] += g["coins"]
            row["gifts"] += g["gifts"]
            row["diamonds"] += diamonds
            row["usd"] += diamonds * rates.usd_per_diamond
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1]["coins"], kv[0]))[:top]
    return [GifterLine(i, str(r["name"] or sender), sender, r["gifts"], r["coins"], r["diamonds"],
                       r["usd"], Decimal(r["coins"]) / logged_coins if logged_coins else ZERO)
            for i, (sender, r) in enumerate(ranked, start=1)]


def _gift_mix(db: Database, acct: Account, period: Period) -> list[GiftLine]:
    rows = queries.gift_mix(db, acct.id, *_bounds(period, acct.timezone))
    total = sum(int(r["coins"]) for r in rows)
    if not total:
        return []
    named = [GiftLine(str(r["gift_name"]), int(r["count"]), int(r["coins"]),
                      Decimal(int(r["coins"])) / total) for r in rows[:MIX_GIFTS]]
    rest = rows[MIX_GIFTS:]
    if rest:
        coins = sum(int(r["coins"]) for r in rest)
        named.append(GiftLine("Other gifts", sum(int(r["count"]) for r in rest), coins,
                              Decimal(coins) / total))
    return named


# ---- what a table shows -----------------------------------------------------------------------

MONTH_MONEY = ("usd", "local", "paid_usd", "pending_usd", "fees_usd")


def shown_payouts(lines: Sequence[PayoutLine]) -> tuple[list[PayoutLine], PayoutLine | None]:
    """Payout lines as a table shows them (USD and fee allocated to add up to their total, net
    = USD - fee on every row), and their total row (None without lines)."""
    if not lines:
        return [], None
    usd, usd_total = allocate([p.usd for p in lines])
    fees, fee_total = allocate([p.fee_usd for p in lines])
    rows = [replace(p, usd=u, fee_usd=f) for p, u, f in zip(lines, usd, fees, strict=True)]
    first = lines[0]
    return rows, replace(first, usd=usd_total, fee_usd=fee_total, amount=None, reference="",
                         diamonds=sum((p.diamonds for p in lines), ZERO))


def payout_groups(report: Report) -> list[tuple[str, list[PayoutLine]]]:
    """The payouts apart by status: paid, pending (not paid out yet), failed; empty ones
    left out."""
    groups = [("Paid out", "paid"), ("Pending (not paid out yet)", "pending"),
              ("Failed (not counted)", "failed")]
    out = [(title, [p for p in report.payouts if p.status == status])
           for title, status in groups]
    known = {status for _title, status in groups}
    other = [p for p in report.payouts if p.status not in known]
    return [(t, lines) for t, lines in out if lines] + ([("Other", other)] if other else [])


def shown_months(report: Report) -> tuple[list[MonthRow], MonthRow]:
    """The month rows and their total as a table shows them: money in cents, each column
    allocated (app.core.money.allocate) so that its rows add up to its total."""
    months = report.months
    columns = {name: allocate([getattr(m, name) for m in months]) for name in MONTH_MONEY}
    cents: list[dict[str, Any]] = [{name: columns[name][0][i] for name in MONTH_MONEY}
                                   for i in range(len(months))]
    rows = [replace(m, **c) for m, c in zip(months, cents, strict=True)]
    t = report.totals
    total = MonthRow(report.period.start, t.gifts, t.coins, t.diamonds,
                     **{name: columns[name][1] for name in MONTH_MONEY})
    return rows, total


# ---- CSV ----------------------------------------------------------------------------------------

def _money(amount: Decimal) -> Decimal:
    return round_money(amount)


def _exact(amount: Decimal) -> Decimal:
    # a Decimal (not text): csv writes it as a number and safe_cell leaves numbers alone
    return Decimal(plain(amount))


def csv_rows(report: Report) -> list[list[Any]]:
    """The report as rows of cells: sections one after the other, each under its title."""
    r, t, cur = report.rates, report.totals, report.currency
    rows: list[list[Any]] = [
        ["Diamond Ledger report"], ["account", report.handle],
        ["period", report.period.label], ["from", report.period.start.isoformat()],
        ["to", report.period.end.isoformat()], ["time zone", report.timezone],
        ["region", f"{r.region_name} ({r.region})"], ["currency", cur], [],
        ["Months"],
        ["month", "gifts", "coins", "diamonds", "usd", f"local_{cur.lower()}", "paid_usd",
         "pending_usd", "fees_usd"]]
    months, total = shown_months(report)
    for m in [*months, total]:
        rows.append([f"{m.month:%Y-%m}" if m is not total else "total", m.gifts, m.coins,
                     _exact(m.diamonds), m.usd, m.local, m.paid_usd, m.pending_usd,
                     m.fees_usd])
    rows += [[], ["Totals"], ["earned_usd", _money(t.usd)], [f"earned_local_{cur.lower()}",
             _money(t.local)], ["paid_out_usd", total.paid_usd],
             ["pending_usd", total.pending_usd], ["fees_usd", total.fees_usd],
             ["balance_usd_at_end", round_down(t.balance_usd)],  # never above what can go out
             ["balance_diamonds_at_end", _exact(t.balance_diamonds)],
             *_outlook_rows(report.outlook), [], ["Payouts"],
             ["requested", "paid", "status", "method", "amount", "currency", "usd", "diamonds",
              "fee_usd", "fee", "net_usd", "reference"]]
    for _title, lines in payout_groups(report):
        shown, group_total = shown_payouts(lines)
        for p in shown:
            rows.append([p.requested.isoformat(), p.paid.isoformat() if p.paid else "",
                         p.status, p.method, "" if p.amount is None else _exact(p.amount),
                         p.currency, p.usd, _exact(p.diamonds), p.fee_usd, p.fee_source,
                         p.net_usd, p.reference])
        if group_total is not None:
            rows.append([f"total {group_total.status}", "", group_total.status, "", "", "",
                         group_total.usd, _exact(group_total.diamonds), group_total.fee_usd, "",
                         group_total.net_usd, ""])
    rows += [[], ["Top gifters"],
             ["rank", "name", "sender", "gifts", "coins", "diamonds", "usd", "share"]]
    for g in report.gifters:
        rows.append([g.rank, g.name, g.sender, g.gifts, g.coins, _exact(g.diamonds),
                     _money(g.usd), round_money(g.share, 4)])
    rows += [[], ["Rates used"], *rates_rows(report.rates)]
    return rows


def rates_rows(r: RatesUsed) -> list[list[Any]]:
    rows: list[list[Any]] = [["kind", "valid_from", "what", "source"]]
    for e in r.regions:
        rows.append(["region " + e.region, e.valid_from.isoformat(),
                     f"{rate_text(e.diamonds_per_coin)} diamond per coin; "
                     f"${rate_text(e.usd_per_diamond)} per diamond; "
                     f"minimum ${rate_text(e.min_withdrawal_usd)}", e.source])
    for x in r.fx:
        rows.append([f"exchange {x.currency}", x.valid_from.isoformat(),
                     f"{rate_text(x.per_usd)} {x.currency} per USD", x.source])
    for m in r.methods:
        rows.append([f"payout method {m.name}", m.valid_from.isoformat(),
                     f"fee ${rate_text(m.fixed_fee_usd)} + {rate_text(m.percent_fee * 100)}%; "
                     f"spread {rate_text(m.fx_spread * 100)}%", m.source])
    return rows


def _outlook_rows(o: Outlook | None) -> list[list[Any]]:
    if o is None:
        return []
    return [["withdrawable_on", o.today.isoformat() if o.withdrawable else ""],
            ["forecast_withdrawable_on", "" if o.withdrawable or o.day is None
             else o.day.isoformat()]]


def write_csv(report: Report, out: Path) -> int:
    """Write the report as UTF-8 CSV (BOM for spreadsheets), every text cell neutralised; the
    file appears whole or not at all. Returns the number of rows."""
    rows = csv_rows(report)
    with atomic_open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([safe_cell(c) for c in row])
    return len(rows)


def check_output(out: Path) -> str:
    """The format of `out` by its extension ("pdf" or "csv"); ReportError when it cannot be
    written there (another extension, a folder, a missing folder)."""
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS and not out.is_dir():
        raise ReportError(f"the report file must end in .pdf or .csv, not {out.name!r}")
    try:
        check_target(out)
    except WriteError as exc:
        hint = f"; name a file such as {out / 'report.pdf'}" if out.is_dir() else ""
        raise ReportError(f"{exc}{hint}") from None
    return suffix[1:]
