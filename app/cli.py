"""diamond-ledger: the same services as the window, from a terminal, with --json output.

Exit codes: 0 done (rejected rows are reported, not failures), 1 the command failed and
nothing was written (one line on stderr), 2 usage error, 3 an import of several files where
some went in and some did not (each file is all in or not at all; the output, text or JSON,
says which).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import __version__

SUPPRESS = argparse.SUPPRESS


PARTLY_DONE = 3  # some files went in, others did not: the output says which
EXIT_CODES = ("exit codes: 0 done (rejected rows are reported); 1 failed, nothing was written; "
              "2 usage error; 3 import: some files went in and some did not (each file is all "
              "in or not at all; the output says which)")


WINDOW_LOCK = ("A window warns when its ledger is already open in another window (and offers "
               "read-only); commands are never blocked by that: SQLite's own locking keeps "
               "their writes and the window's apart, and an open window shows them within 2 "
               "seconds.")


class Failure(Exception):
    """A command that failed cleanly: message for stderr, exit code 1."""


class Usage(Exception):
    """Arguments that parse but do not go together: message for stderr, exit code 2."""


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # --db and --json work before or after the command; the sub-parser's copy must not
    # overwrite a value given before the command, hence SUPPRESS as its default.
    parser.add_argument("--db", metavar="PATH", default=None if top else SUPPRESS,
                        help="ledger file (default: $DIAMOND_LEDGER_DB or the app-data folder)")
    parser.add_argument("--json", action="store_true", default=False if top else SUPPRESS,
                        help="machine-readable output on stdout")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"not a year (YYYY): {text!r}")
    return int(text)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"the amount must be more than 0: {text!r}")
    return value


def _mapping_pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected FIELD=COLUMN, got {text!r}")
    field, column = text.split("=", 1)
    return field.strip(), column.strip()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="diamond-ledger",
        description="A local ledger of TikTok LIVE gifts, diamonds and payouts. "
                    "With no command it opens the window.",
        epilog=f"{EXIT_CODES}. {WINDOW_LOCK}")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(p, top=True)
    p.add_argument("--demo", action="store_true", help="open the window on a copy of the demo")
    p.add_argument("--screenshot", metavar="DIR", help="render every page to DIR/<page>.png")
    p.add_argument("--smoke", action="store_true",
                   help="open the window on a demo ledger, wait for its first paint and exit 0 "
                        "(checks that a build starts)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text, description=help_text)
        _common(sp)
        return sp

    sp = cmd("import", "import gift logs, LIVE lists, payouts or a TikTok data export")
    sp.epilog = EXIT_CODES
    sp.add_argument("paths", nargs="+", metavar="PATH")  # str: Path("") would be "."
    sp.add_argument("--kind", default="auto", choices=["auto", "gifts", "sessions", "payouts"])
    sp.add_argument("--account", metavar="HANDLE")
    sp.add_argument("--profile", metavar="NAME", help="use a saved column-mapping profile")
    sp.add_argument("--map", action="append", type=_mapping_pair, default=[],
                    metavar="FIELD=COLUMN", help="map a field to a column (repeatable)")
    sp.add_argument("--date-format", choices=["auto", "iso", "dmy", "mdy", "text", "epoch_s",
                                              "epoch_ms"])
    sp.add_argument("--decimal", choices=["auto", ".", ","])
    sp.add_argument("--timezone", metavar="ZONE", help="zone of times written without offset")
    sp.add_argument("--save-profile", metavar="NAME", help="save this mapping as a profile")
    sp.add_argument("--dry-run", action="store_true", help="count, then write nothing")

    cmd("imports", "list import batches")
    sp = cmd("undo", "roll an import batch back")
    sp.add_argument("import_id", type=int, metavar="IMPORT_ID")
    sp = cmd("rejected", "show the rejected (and skipped) rows of a batch")
    sp.add_argument("import_id", type=int, metavar="IMPORT_ID")
    sp = cmd("retry", "read a batch's rejected rows again under today's catalogue and mapping")
    sp.add_argument("import_id", type=int, metavar="IMPORT_ID")

    sp = cmd("summary", "totals of a period and the balance")
    sp.add_argument("--from", dest="start", type=_day, metavar="DATE")
    sp.add_argument("--to", dest="end", type=_day, metavar="DATE")
    sp.add_argument("--account", metavar="HANDLE")
    sp.add_argument("--preset", default="default", help="rate preset (default, half)")

    sp = cmd("convert", "value a number of coins")
    sp.add_argument("coins", type=int, metavar="COINS")
    sp.add_argument("--region", default="US", metavar="CC")
    sp.add_argument("--preset", default="default", help="rate preset (default, half)")

    sp = cmd("plan", "when the threshold is reached and what a withdrawal brings")
    sp.add_argument("--method", metavar="NAME")
    sp.add_argument("--account", metavar="HANDLE")
    sp.add_argument("--today", type=_day, metavar="DATE",
                    help="plan as of this day (YYYY-MM-DD): its balance and forecast")

    sp = cmd("export", "write gifts, payouts, sessions or daily summary as CSV")
    sp.add_argument("what", choices=["gifts", "payouts", "sessions", "summary"])
    sp.add_argument("--out", required=True, type=Path, metavar="FILE")
    sp.add_argument("--account", metavar="HANDLE")

    sp = cmd("report", "a period report (a year by default) as PDF or CSV")
    sp.add_argument("--year", type=_year, metavar="YYYY",
                    help="the region's tax year starting in YYYY where it is known (GB: "
                         "6 April, AU: 1 July), else the calendar year, in the account's time "
                         "zone (default: the year of the ledger's latest record)")
    sp.add_argument("--from", dest="start", type=_day, metavar="DATE")
    sp.add_argument("--to", dest="end", type=_day, metavar="DATE")
    sp.add_argument("--out", required=True, type=Path, metavar="FILE.pdf|FILE.csv")
    sp.add_argument("--account", metavar="HANDLE")
    sp.add_argument("--top", type=int, default=10, metavar="N", help="top gifters to list")
    sp.add_argument("--today", type=_day, metavar="DATE",
                    help="the day the withdrawal outlook is given for (default: today)")

    sp = cmd("demo", "fill the ledger with the shipped sample data, ending in the week before "
                     "today")
    sp.add_argument("--today", type=_day, metavar="DATE",
                    help="the day the sample ends before (default: today)")

    sp = cmd("backup", "copy the ledger to its backups folder (or --out FILE)")
    sp.add_argument("--out", type=Path, metavar="FILE")
    cmd("backups", "list the ledger's backups")
    sp = cmd("restore", "replace the ledger with a backup, by default the newest (the current "
                        "one is backed up first, or kept beside it as .damaged)")
    sp.add_argument("source", type=Path, nargs="?", metavar="BACKUP")

    sp = cmd("accounts", "list accounts, or add/change one")
    sp.add_argument("action", nargs="?", default="list", choices=["list", "add", "set"])
    sp.add_argument("handle", nargs="?")
    sp.add_argument("--region", metavar="CC")
    sp.add_argument("--timezone", metavar="ZONE")
    sp.add_argument("--default", action="store_true", help="make it the default account")

    sp = cmd("catalogue", "list the gift catalogue, add a gift or a price change, or choose "
                          "which gift a name several gifts share means in your logs")
    sp.add_argument("action", nargs="?", default="list", choices=["list", "add", "choose"])
    sp.add_argument("name", nargs="?", metavar="NAME",
                    help="the gift's name (for add and choose)")
    sp.add_argument("--coins", type=int, metavar="N")
    sp.add_argument("--id", dest="gift_id", type=int, metavar="ID")
    sp.add_argument("--from", dest="start", type=_day, metavar="DATE")
    sp.add_argument("--to", dest="end", type=_day, metavar="DATE")

    sp = cmd("checkin", "record the balance TikTok shows on a day, beside the ledger's; "
                        "--book it as an adjustment, or --delete a check-in")
    sp.add_argument("--date", dest="day", type=_day, metavar="DATE",
                    help="the day TikTok showed the balance (default: today)")
    figure = sp.add_mutually_exclusive_group()
    figure.add_argument("--usd", metavar="X", help="the balance in USD")
    figure.add_argument("--diamonds", metavar="N", help="the balance in diamonds")
    figure.add_argument("--delete", type=int, metavar="ID",
                        help="forget a check-in (and its adjustment)")
    sp.add_argument("--book", action="store_true",
                    help="book the difference as an adjustment: the balance of that day "
                         "becomes TikTok's")
    sp.add_argument("--account", metavar="HANDLE")
    sp = cmd("checkins", "list the balance check-ins and their differences to the ledger")
    sp.add_argument("--account", metavar="HANDLE")

    sp = cmd("calibrate", "the true USD per diamond of a real payout (diamonds withdrawn, "
                          "USD received); --save keeps it as the region's rate from its day")
    sp.add_argument("--diamonds", type=int, required=True, metavar="N")
    sp.add_argument("--cash", type=_amount, required=True, metavar="X",
                    help="the USD received")
    sp.add_argument("--date", dest="day", type=_day, metavar="DATE",
                    help="the payout's day (default: today)")
    sp.add_argument("--method", metavar="METHOD",
                    help="the payout method that paid it: the saved rate is net of its fee, "
                         "so a plan by that method does not charge the fee again")
    sp.add_argument("--save", action="store_true")
    sp.add_argument("--account", metavar="HANDLE")

    sp = cmd("goal", "what it takes a day to have AMOUNT (the region's currency) by a day")
    sp.add_argument("amount", type=_amount, metavar="AMOUNT")
    sp.add_argument("--by", dest="by_day", type=_day, required=True, metavar="DATE")
    sp.add_argument("--account", metavar="HANDLE")

    sp = cmd("profiles", "list, show, export, import or delete column-mapping profiles")
    sp.add_argument("action", nargs="?", default="list",
                    choices=["list", "show", "import", "delete"])
    sp.add_argument("name", nargs="?", help="profile name (for import: a JSON file)")
    return p


# ---- output helpers -----------------------------------------------------------------------

# Text from a file or a file name reaches the terminal escaped: an ESC, a C1 control or a bidi
# override in a crafted CSV would retitle, clear or reorder the terminal. Lone surrogates
# (undecodable bytes of a file name) cannot be written to a UTF-8 stream at all.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_ESCAPES |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                          0x2028, 0x2029, *range(0xD800, 0xDC80),
                                          *range(0xDD00, 0xE000))}
_ESCAPES |= {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}  # undecodable bytes
del _ESCAPES[ord("\t")]
_LINES = {k: v for k, v in _ESCAPES.items() if k != ord("\n")}
_JSON_SURROGATES = {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}


def terminal(text: object, lines: bool = False) -> str:
    """`text` safe to print: control characters shown as \\x1b etc. (tabs kept, and line
    breaks when `lines`). Used by every text the CLI prints; escaping twice changes nothing."""
    return str(text).translate(_LINES if lines else _ESCAPES)


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if args.json:  # json escapes control characters itself, but writes surrogates as they are
        from app.services.results import dumps
        sys.stdout.write(dumps(data).translate(_JSON_SURROGATES) + "\n")
    else:
        print(terminal(text(), lines=True))


def _usd(value: Decimal) -> str:
    from app.core.money import format_money
    return format_money(value, "USD")


def _open(args: argparse.Namespace) -> Any:
    from app.services.ledger import open_db
    from app.services.paths import default_db_path
    return open_db(default_db_path(args.db))


# ---- commands ------------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    from app.services.accounts import AccountError, timezone_problem
    from app.services.importing import PartlyImported, import_files
    if args.timezone is not None and (zone := timezone_problem(args.timezone)):
        raise AccountError(f"--timezone: {zone}")
    options = {k: v for k, v in (("date_format", args.date_format), ("decimal", args.decimal),
                                 ("timezone", args.timezone)) if v}
    progress = _progress_printer() if sys.stderr.isatty() and not args.json else None
    partly: PartlyImported | None = None
    with _open(args) as db:
        try:
            reports = import_files(db, list(args.paths), kind=args.kind, account=args.account,
                                   profile=args.profile, overrides=dict(args.map) or None,
                                   options=options or None, save_as=args.save_profile,
                                   dry_run=args.dry_run, progress=progress)
        except PartlyImported as exc:
            partly, reports = exc, exc.reports
    skipped = reports.skipped
    if progress:
        sys.stderr.write("\r" + " " * 40 + "\r")

    def text() -> str:
        lines = []
        for r in reports:
            head = "dry run" if r.dry_run else f"import #{r.import_id}"
            lines.append(f"{head}: {terminal(r.file)} ({r.kind}): {r.rows} rows, "
                         f"{r.inserted} new, "
                         f"{r.duplicates} duplicate, {r.rejected} rejected"
                         + (f", {r.folded} streak events folded" if r.folded else "")
                         + (f", {r.skipped} junk lines skipped" if r.skipped else ""))
            for note in r.details.get("notes", []):
                lines.append(f"  note: {terminal(note)}")
            if r.details.get("imported_before"):
                lines.append("  note: this file was imported before (import "
                             + ", ".join(f"#{i}" for i in r.details["imported_before"]) + ")")
            bad = [e for e in r.errors if not e.skipped]
            for e in bad[:20]:
                lines.append(f"  line {e.line}: {terminal(e.reason)}")
            if r.rejected > 20:
                lines.append(f"  ... {r.rejected - 20} more: diamond-ledger rejected "
                             f"{r.import_id}" if r.import_id else f"  ... {r.rejected - 20} more")
        lines.extend(f"skipped: {terminal(s.file)}: {terminal(s.reason)}" for s in skipped)
        return "\n".join(lines + _not_imported(partly))
    data: dict[str, Any] = {"imports": [r.to_json() for r in reports],
                            "skipped": [s.to_json() for s in skipped]}
    if partly:
        data |= {"failed": [f.to_json() for f in partly.failures],
                 "not_tried": partly.not_tried}
    _emit(args, data, text)
    if partly:
        print(f"diamond-ledger: {len(reports)} part(s) imported, "
              f"{len(partly.failures)} file(s) not: {terminal(partly)}", file=sys.stderr)
        return PARTLY_DONE
    return 0


def _not_imported(partly: Any) -> list[str]:
    if partly is None:
        return []
    return ([f"not imported: {f.file}: {f.reason}" for f in partly.failures]
            + [f"not tried: {name}" for name in partly.not_tried])


def _progress_printer() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        pct = 100 * done // total if total else 0
        sys.stderr.write(f"\rimporting... {pct:3d}%")
        sys.stderr.flush()
    return show


def cmd_imports(args: argparse.Namespace) -> int:
    from app.services.importing import list_imports
    with _open(args) as db:
        items = list_imports(db)

    def text() -> str:
        if not items:
            return "no imports yet"
        return "\n".join(
            f"#{i['import_id']:<4} {i['kind']:<8} {i['inserted']:>8} new {i['duplicates']:>7} dup "
            f"{i['rejected']:>6} rej  {i['started_at']}  {terminal(Path(i['file']).name)}"
            + ("  (undone)" if i["undone"] else "") for i in items)
    _emit(args, items, text)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from app.services.importing import undo
    from app.services.ledger import UndoError
    with _open(args) as db:
        try:
            removed = undo(db, args.import_id)
        except UndoError as exc:
            raise Failure(str(exc)) from None
    _emit(args, {"import_id": args.import_id, "removed": removed},
          lambda: f"import #{args.import_id} undone: {removed} rows removed")
    return 0


def cmd_rejected(args: argparse.Namespace) -> int:
    from app.services.ledger import rejected_rows
    with _open(args) as db:
        items = rejected_rows(db, args.import_id, limit=1_000_000)
    _emit(args, items, lambda: "\n".join(
        f"line {r['line']}: {'(skipped) ' if r['skipped'] else ''}{terminal(r['reason'])}\n"
        f"    {terminal(r['raw'])}"
        for r in items) or "no rejected rows")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from app.core.money import format_money, rate_text, round_down
    from app.services.currency import summary_local
    from app.services.money_views import book, summary
    with _open(args) as db:
        s, v = summary(db, account=args.account, start=args.start, end=args.end,
                       preset=args.preset)
        loc = summary_local(book(args.preset, db), v, s.balance_usd, args.start, args.end)
    data = {"gifts": s.gifts, "coins": s.coins, "diamonds": s.diamonds, "usd": s.usd,
            "withdrawn_usd": s.withdrawn_usd, "balance_diamonds": s.balance_diamonds,
            "balance_usd": s.balance_usd, "threshold_usd": s.threshold_usd,
            "withdrawable": s.withdrawable, "first_day": s.first_day, "last_day": s.last_day,
            "account": v.account.handle, "region": v.rates.region,
            "rates": {"diamonds_per_coin": v.rates.diamonds_per_coin,
                      "usd_per_diamond": v.rates.usd_per_diamond,
                      "min_withdrawal_usd": v.rates.min_withdrawal_usd,
                      "valid_from": v.rates.valid_from, "preset": args.preset},
            "currency": loc.currency, "per_usd": loc.per_usd, "local": loc.local,
            "withdrawn_local": loc.withdrawn_local, "balance_local": loc.balance_local}

    def in_local(amount: Decimal | None, down: bool = False) -> str:
        if loc.currency == "USD":
            return ""
        if amount is None:
            return " (no rate)"
        return f" = {format_money(round_down(amount) if down else amount, loc.currency)}"

    def text() -> str:
        span = f"{s.first_day} .. {s.last_day}" if s.first_day else "no earnings in the period"
        return "\n".join([
            f"account @{v.account.handle} ({v.rates.region}), {span}",
            f"  gifts {s.gifts:,}   coins {s.coins:,}   diamonds {s.diamonds:,}",
            f"  earned {_usd(s.usd)}{in_local(loc.local)}   withdrawn {_usd(s.withdrawn_usd)}"
            f"{in_local(loc.withdrawn_local)}",
            f"  balance {s.balance_diamonds:,} diamonds = {_usd(round_down(s.balance_usd))}"
            f"{in_local(loc.balance_local, down=True)}"
            f"   (threshold {_usd(s.threshold_usd)}: "
            f"{'withdrawable' if s.withdrawable else 'not yet withdrawable'})",
            f"  rates: {rate_text(v.rates.diamonds_per_coin)} diamonds/coin, "
            f"${rate_text(v.rates.usd_per_diamond)}/diamond (preset {args.preset})"])
    _emit(args, data, text)
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from app.core.money import format_money
    from app.services.money_views import conversion
    with _open(args) as db:  # the ledger's own rate entries count
        try:
            c = conversion(args.coins, args.region, args.preset, db=db)
        except (KeyError, ValueError) as exc:
            raise Failure(str(exc).strip("'\"")) from None
    data = {"coins": c.coins, "region": c.region, "diamonds": c.diamonds, "usd": c.usd,
            "currency": c.currency, "local": c.local}
    _emit(args, data, lambda: (
        f"{c.coins:,} coins = {c.diamonds:,} diamonds = {_usd(c.usd)} (exact ${c.usd})"
        + ("" if c.currency == "USD" else f" = {format_money(c.local, c.currency)}")))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from app.services.money_views import plan
    with _open(args) as db:
        try:
            p = plan(db, account=args.account, method=args.method, today=args.today)
        except (KeyError, ValueError) as exc:
            raise Failure(str(exc).strip("'\"")) from None
    _emit(args, _plan_data(p), lambda: _plan_text(p))
    return 0


def _withdrawals_data(w: Any) -> dict[str, Any]:
    """One method's withdrawals, as `plan --json` lists them."""
    return {"method": w.method.name, "fee_usd": w.fee_usd, "spread_usd": w.spread_usd,
            "net_usd": w.net_usd, "net_local": w.net_local, "arrives": w.arrives,
            "processing_days": w.method.processing_days, "withdrawals": len(w.withdrawals),
            "stays_usd": w.stays_usd}


def _plan_data(p: Any) -> dict[str, Any]:
    s, f, w = p.summary, p.forecast, p.chosen
    return {"today": p.today, "balance_usd": s.balance_usd, "threshold_usd": s.threshold_usd,
            "daily_usd": p.daily_usd, "threshold_date": p.threshold_date,
            "band": {"low": f.low, "high": f.high} if p.threshold_date else None,
            "last_earnings": f.last_day, "no_forecast": f.note or None,
            "withdrawable": s.withdrawable, "method": w.method.name,
            "fee_usd": w.fee_usd + w.spread_usd, "net_usd": w.net_usd,
            "net_local": w.net_local, "currency": p.rates.currency,
            "processing_days": w.method.processing_days, "daily_cap_usd": p.rates.daily_cap_usd,
            "stays_usd": w.stays_usd, "stays": w.stays_note or None,
            "schedule": [{"date": x.day, "usd": x.quote.gross_usd, "fee_usd": x.quote.fee_usd,
                          "spread_usd": x.quote.spread_usd, "net_usd": x.quote.net_usd,
                          "net_local": x.quote.net_local, "arrives": x.arrives}
                         for x in w.withdrawals],
            "methods": [_withdrawals_data(m) for m in p.methods]}


def _plan_text(p: Any) -> str:
    from app.core.money import round_down
    s, f, w = p.summary, p.forecast, p.chosen
    lines = [f"balance {_usd(round_down(s.balance_usd))} of the {_usd(s.threshold_usd)} "
             f"threshold on {p.today}"]
    if s.withdrawable:
        lines.append("withdrawable now")
    elif p.threshold_date:
        lines.append(f"threshold reached around {p.threshold_date} (likely {f.low} .. "
                     f"{f.high or 'beyond a year'}), {_usd(p.daily_usd)}/day on average")
    else:
        lines.append(f.note)
    lines += [f"  {x.day}: withdraw {_usd(x.quote.gross_usd)}, arrives by {x.arrives}"
              for x in w.withdrawals]
    if w.withdrawals:
        lines.append(f"by {w.method.name}: fees {_usd(w.fee_usd)}, spread "
                     f"{_usd(w.spread_usd)}, arrives {_usd(w.net_usd)} within "
                     f"{w.method.processing_days} days")
    if w.stays_note:
        lines.append(w.stays_note)
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.exporting import export
    with _open(args) as db:
        count = export(db, args.what, args.out, args.account)
    _emit(args, {"file": str(args.out), "rows": count},
          lambda: f"wrote {count} rows to {args.out}")
    return 0


def _report_format(args: argparse.Namespace) -> str:
    """Check what can be checked before the ledger is opened: nothing is written on a usage
    error."""
    from app.services.reports import ReportError, check_output
    if args.year is not None and (args.start or args.end):
        raise Usage("give --year or --from/--to, not both")
    if args.start and args.end and args.start > args.end:
        raise Usage(f"--from {args.start} is after --to {args.end}")
    if args.top < 1:
        raise Usage("--top must be at least 1")
    try:
        return check_output(args.out)
    except ReportError as exc:
        raise Usage(str(exc)) from None


def _qt_app() -> object:
    """The QApplication the PDF's charts need; on a Linux machine without a display it runs
    offscreen (elsewhere the normal platform works without showing a window)."""
    import os
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "report"])


def cmd_report(args: argparse.Namespace) -> int:
    from app.services import reports
    from app.services.ledger import WriteError
    kind = _report_format(args)
    with _open(args) as db:
        try:
            period = reports.period_for(db, account=args.account, tax_year=args.year,
                                        start=args.start, end=args.end)
        except reports.ReportError as exc:
            raise Usage(str(exc)) from None
        try:
            report = reports.build(db, period, account=args.account, top=args.top,
                                   today=args.today)
        except (reports.ReportError, KeyError) as exc:
            raise Failure(str(exc).strip("'\"")) from None
    try:
        if kind == "csv":
            size, unit = reports.write_csv(report, args.out), "rows"
        else:
            _qt_app()
            from app.ui.reports.pdf import write_pdf
            size, unit = write_pdf(report, args.out), "pages"
    except WriteError:
        raise  # its message says it all
    except OSError as exc:
        raise Failure(f"could not write {args.out}: {exc.strerror or exc}") from None
    t = report.totals
    data = {"file": str(args.out), "format": kind, unit: size, "account": report.handle,
            "from": period.start, "to": period.end, "region": report.rates.region,
            "currency": report.currency, "gifts": t.gifts, "diamonds": t.diamonds,
            "usd": t.usd, "local": t.local, "payouts_usd": t.payouts_usd,
            "paid_usd": t.paid_usd, "pending_usd": t.pending_usd,
            "fees_usd": t.fees_usd, "balance_usd": t.balance_usd,
            "months": [{"month": f"{m.month:%Y-%m}", "gifts": m.gifts, "diamonds": m.diamonds,
                        "usd": m.usd, "local": m.local, "payouts_usd": m.payouts_usd,
                        "paid_usd": m.paid_usd, "pending_usd": m.pending_usd,
                        "fees_usd": m.fees_usd} for m in report.months],
            "outlook": report.outlook}  # the plan's answer when the period reaches today
    _emit(args, data, lambda: (
        f"wrote {args.out} ({size} {unit}): @{report.handle}, {period.label}: "
        f"{t.diamonds:,} diamonds = {_usd(t.usd)}; paid out {_usd(t.paid_usd)}"
        + (f", pending {_usd(t.pending_usd)}" if t.pending_usd else "") + ", "
        f"fees {_usd(t.fees_usd)}"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services.demo import load_demo
    with _open(args) as db:
        reports = load_demo(db, args.today or date.today())
    _emit(args, {"imports": [r.to_json() for r in reports]}, lambda: "\n".join(
        f"{Path(r.file).name}: {r.inserted} new, {r.duplicates} already there, "
        f"{r.rejected} rejected" for r in reports))
    return 0


def _ledger_path(args: argparse.Namespace) -> Path:
    from app.services.paths import default_db_path
    return default_db_path(args.db)


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.backups import backup
    path = backup(_ledger_path(args), args.out)
    _emit(args, {"backup": str(path)}, lambda: f"backed up to {path}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from app.services.backups import backups
    items = [str(p) for p in backups(_ledger_path(args))]
    _emit(args, items, lambda: "\n".join(items) or "no backups yet")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services.backups import newest, restore
    source = args.source or newest(_ledger_path(args))
    safety = restore(source, _ledger_path(args))
    _emit(args, {"restored": str(source), "previous": str(safety) if safety else None},
          lambda: f"restored {source}"
          + (f"; the replaced ledger was kept as {safety}" if safety else ""))
    return 0


def cmd_accounts(args: argparse.Namespace) -> int:
    from app.services import accounts
    with _open(args) as db:
        if args.action in ("add", "set"):
            items = accounts.change(db, args.action, args.handle, args.region, args.timezone,
                                    args.default)
        else:
            items = accounts.listed(db)
    _emit(args, items, lambda: "\n".join(
        f"@{a.handle}  {a.region}  {a.timezone}" for a in items) or "no accounts")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from app.services.retrying import retry
    with _open(args) as db:
        r = retry(db, args.import_id)

    def text() -> str:
        lines = [f"import #{r.import_id}: {r.retried} rejected rows read again, {r.inserted} "
                 f"added, {r.duplicates} duplicate, {r.rejected} still rejected"]
        lines += [f"  line {e.line}: {e.reason}" for e in r.errors[:20]]
        return "\n".join(lines)
    _emit(args, r.to_json(), text)
    return 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    from app.services import catalogue
    with _open(args) as db:
        if args.action == "add":
            if not args.name or args.coins is None:
                raise Usage("catalogue add needs NAME and --coins N")
            try:
                gift = catalogue.add_gift(db, args.name, args.coins, args.gift_id, args.start,
                                          args.end)
            except ValueError as exc:
                raise Failure(str(exc)) from None
            item = _gift_json(gift, True)
            _emit(args, item, lambda: "added " + _gift_text(item))
            return 0
        if args.action == "choose":
            return _choose_gift(args, db)
        items = [_gift_json(e.value, e.edited) for e in catalogue.gift_entries(db)]
    _emit(args, items, lambda: "\n".join(_gift_text(i) for i in items))
    return 0


def _choose_gift(args: argparse.Namespace, db: Any) -> int:
    """`catalogue choose NAME --coins N | --id ID`: "this Heart is the 10-coin one"."""
    from app.services import catalogue
    from app.services.retrying import batches_rejecting
    if not args.name:
        raise Usage("catalogue choose needs NAME and --coins N or --id ID")
    if args.start or args.end:
        raise Usage("catalogue choose takes no --from or --to: the choice holds for every day "
                    "on which several gifts carry the name")
    try:
        chosen = catalogue.choose_gift(db, args.name, gift_id=args.gift_id, coins=args.coins)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    waiting = batches_rejecting(db, args.name)
    data = {"name": chosen.name, "gift": _gift_json(chosen.gift, False),
            "imports_to_retry": waiting}
    retry_hint = ("; rows rejected for it wait in " + ", ".join(f"#{i}" for i in waiting)
                  + ": " + "; ".join(f"retry {i}" for i in waiting)) if waiting else ""
    _emit(args, data, lambda: (f"{chosen.name!r} in your logs is now gift {chosen.gift.gift_id}"
                               f" ({chosen.gift.coins:,} coins){retry_hint}"))
    return 0


def _gift_json(gift: Any, mine: bool) -> dict[str, Any]:
    return {"gift_id": gift.gift_id, "name": gift.name, "coins": gift.coins,
            "valid_from": gift.valid_from, "valid_to": gift.valid_to,
            "confidence": "yours" if mine else gift.confidence, "mine": mine}


def _gift_text(item: dict[str, Any]) -> str:
    until = f" until {item['valid_to']}" if item["valid_to"] else ""
    return (f"{item['gift_id']:>9}  {item['name']}: {item['coins']:,} coins from "
            f"{item['valid_from']}{until} ({item['confidence']})")


def _checkin_data(c: Any) -> dict[str, Any]:
    return {"id": c.id, "date": c.day, "typed": c.typed, "booked": c.booked, "usd": c.usd,
            "diamonds": c.diamonds, "ledger_usd": c.ledger_usd,
            "ledger_diamonds": c.ledger_diamonds, "difference_usd": c.difference_usd,
            "note": c.note}


def _checkin_text(c: Any) -> str:
    return (f"#{c.id} {c.day}: TikTok {c.typed}, ledger {_usd(c.ledger_usd)} "
            f"({c.ledger_diamonds:,f} diamonds): {c.note}")


def cmd_checkin(args: argparse.Namespace) -> int:
    from app.services import checkin
    if args.delete is not None:
        if args.book or args.day:
            raise Usage("--delete takes no --date or --book")
        with _open(args) as db:
            try:
                checkin.delete(db, args.delete)
            except checkin.CheckInError as exc:
                raise Failure(str(exc)) from None
        _emit(args, {"deleted": args.delete}, lambda: f"check-in {args.delete} deleted")
        return 0
    if args.usd is None and args.diamonds is None:
        raise Usage("give the balance TikTok shows: --usd X or --diamonds N")
    with _open(args) as db:
        try:
            c = checkin.add(db, args.day or date.today(), usd=args.usd,
                            diamonds=args.diamonds, book=args.book, account=args.account)
        except checkin.CheckInError as exc:
            raise Failure(str(exc)) from None
    _emit(args, _checkin_data(c), lambda: _checkin_text(c))
    return 0


def cmd_checkins(args: argparse.Namespace) -> int:
    from app.services import checkin
    with _open(args) as db:
        found = checkin.listed(db, account=args.account)
    _emit(args, [_checkin_data(c) for c in found],
          lambda: "\n".join(_checkin_text(c) for c in found) or "no check-ins yet")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from app.services import rates as rates_service
    from app.services.planner import calibration, planner
    if args.diamonds <= 0:
        raise Usage("--diamonds must be more than 0")
    day = args.day or date.today()
    with _open(args) as db:
        p = planner(db, account=args.account)
        if p is None:
            raise Failure("the ledger has no earnings yet: import some first")
        cal = calibration(p, args.diamonds, args.cash)
        region = p.rates.region
        try:
            method = (rates_service.method_named(db, region, day, args.method)
                      if args.method else "")
            if args.save:
                form = rates_service.calibration_form(db, region, day, args.diamonds,
                                                      args.cash, method)
                rates_service.save_region_rate(db, region, form)
        except ValueError as exc:
            raise Failure(f"{exc}; nothing was saved") from None
    data = {"diamonds": args.diamonds, "cash_usd": args.cash, "region": region,
            "usd_per_diamond": cal.usd_per_diamond,
            "nominal_usd_per_diamond": p.rates.usd_per_diamond,
            "implied_fee_fraction": cal.implied_fee_fraction, "method": method or None,
            "saved": args.save, "valid_from": day if args.save else None}
    net_of = f", net of {method}'s fee (a plan by {method} charges none again)" if method else ""
    _emit(args, data, lambda: (
        f"${cal.usd_per_diamond.normalize():f} per diamond (nominal "
        f"${p.rates.usd_per_diamond.normalize():f}): "
        f"{(cal.implied_fee_fraction * 100).normalize():f} % of the nominal value went to fees"
        + (f"; saved as the {region} rate from {day}{net_of}" if args.save else "")))
    return 0


def cmd_goal(args: argparse.Namespace) -> int:
    from app.services.planner import goal_for, planner
    with _open(args) as db:
        p = planner(db, account=args.account)
    if p is None:
        raise Failure("the ledger has no earnings yet: import some first")
    try:
        g = goal_for(p, args.amount, args.by_day)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    data = {"amount": args.amount, "currency": p.currency, "by": args.by_day,
            "target_usd": g.target_usd, "missing_usd": g.missing_usd, "days": g.days,
            "diamonds_per_day": g.diamonds_per_day,
            "gifts_per_day": [{"gift": x.name, "coins": x.coins, "count": x.count}
                              for x in g.gifts_per_day]}
    _emit(args, data, lambda: (
        f"{args.amount} {p.currency} by {args.by_day}: {_usd(g.missing_usd)} still missing, "
        f"{g.diamonds_per_day:,} diamonds a day for {g.days} days ("
        + ", ".join(f"{x.count:,} {x.name}" for x in g.gifts_per_day) + ")"))
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from app.services import profiles
    with _open(args) as db:
        if args.action == "list":
            items = profiles.listed(db)
            _emit(args, items, lambda: "\n".join(
                f"{i['name']}  ({i['kind']})" for i in items) or "no profiles")
            return 0
        if not args.name:
            raise Failure(f"profiles {args.action} needs a NAME")
        try:
            if args.action == "show":
                print(profiles.exported(db, args.name))  # the profile's JSON is the export format
                return 0
            if args.action == "delete":
                profiles.delete(db, args.name)
                _emit(args, {"deleted": args.name}, lambda: f"deleted {args.name}")
                return 0
            name = profiles.import_file(db, Path(args.name))
        except profiles.ProfileError as exc:
            raise Failure(str(exc)) from None
        _emit(args, {"imported": name}, lambda: f"imported profile {name}")
        return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": cmd_import, "imports": cmd_imports, "undo": cmd_undo, "rejected": cmd_rejected,
    "summary": cmd_summary, "convert": cmd_convert, "plan": cmd_plan, "export": cmd_export,
    "report": cmd_report,
    "demo": cmd_demo, "accounts": cmd_accounts, "profiles": cmd_profiles,
    "catalogue": cmd_catalogue, "retry": cmd_retry,
    "backup": cmd_backup, "backups": cmd_backups, "restore": cmd_restore,
    "checkin": cmd_checkin, "checkins": cmd_checkins, "goal": cmd_goal,
    "calibrate": cmd_calibrate,
}


def open_window(args: argparse.Namespace) -> int:
    from app.ui.display import startup_problem  # before Qt loads: a line, not a core dump
    problem = startup_problem(headless=bool(args.screenshot))
    if problem:
        raise Failure(problem)
    try:
        from app.ui.main import run_window
    except ImportError as exc:
        raise Failure(f"the window cannot start: {exc}") from None
    return run_window(db_path=args.db, demo=args.demo, screenshot=args.screenshot,
                      smoke=args.smoke)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app.importers.base import ImportCancelled, ImportRefused
    from app.services.accounts import AccountError
    from app.services.ledger import BackupError, LedgerError, WriteError
    try:
        if args.command is None:
            return open_window(args)
        return COMMANDS[args.command](args)
    except (Failure, ImportRefused, LedgerError, AccountError, BackupError, WriteError) as exc:
        print(f"diamond-ledger: {terminal(exc)}", file=sys.stderr)
        return 1
    except Usage as exc:
        print(f"diamond-ledger {args.command}: error: {terminal(exc)}", file=sys.stderr)
        return 2
    except ImportCancelled:
        print("diamond-ledger: cancelled; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("diamond-ledger: interrupted; nothing of the unfinished import was written",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) went away: not an error of ours
        return 0
    except sqlite3.DatabaseError as exc:  # damaged under us, full, locked: say which
        from app.services.ledger import explain
        from app.services.paths import default_db_path
        message = explain(default_db_path(args.db), exc)
        print(f"diamond-ledger: {terminal(message)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
