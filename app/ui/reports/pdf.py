"""The period report as an A4 PDF through Qt's own writer (QPdfWriter), no other library.

The text is a QTextDocument laid out on the writer's pages (tables stay tables, a row never
splits across pages); the charts are real pyqtgraph widgets rendered to images at three times
screen resolution. Every page gets a footer with the account, the period and "page n of m".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from app import __version__
from app.core.money import format_money, round_down
from app.services.ledger import atomic_write_bytes, check_target
from app.services.reports import (
    MonthRow,
    PayoutLine,
    Report,
    payout_groups,
    rates_rows,
    shown_months,
    shown_payouts,
)
from app.ui import format as fmt
from app.ui.reports.charts import chart_images

RESOLUTION = 300  # dots per inch of the PDF's coordinate space
MARGIN_MM = 15
FOOTER_MM = 7
FONT_PT = 9.0
GREY = "#6b7280"
ACCENT = "#4338ca"
STRIPE = "#f3f4f6"
HEAD = "#e0e7ff"


def _mm(value: float) -> float:
    return value / 25.4 * RESOLUTION


def _money(amount: Decimal, currency: str = "USD") -> str:
    return format_money(amount, currency)


def _span(report: Report) -> str:
    p = report.period
    return f"{fmt.day(p.start)} \u2013 {fmt.day(p.end)}"


def _table(head: list[str], rows: list[list[str]], total: list[str] | None = None,
           left: int = 1) -> str:
    """An HTML table: the first `left` columns aligned left, numbers right, striped rows."""
    def cells(values: list[str], tag: str) -> str:
        return "".join(f'<{tag} align="{"left" if i < left else "right"}">{v}</{tag}>'
                       for i, v in enumerate(values))

    out = [f'<table width="100%" cellspacing="0" cellpadding="4">'
           f'<thead><tr bgcolor="{HEAD}">{cells(head, "th")}</tr></thead>']
    for i, row in enumerate(rows):
        bg = f' bgcolor="{STRIPE}"' if i % 2 else ""
        out.append(f"<tr{bg}>{cells(row, 'td')}</tr>")
    if total:
        out.append(f'<tr bgcolor="{HEAD}">{cells([f"<b>{t}</b>" for t in total], "td")}</tr>')
    out.append("</table>")
    return "".join(out)


def _header(report: Report) -> str:
    r = report.rates
    return (f'<h1 style="color:{ACCENT}; font-size:20pt">Diamond Ledger report</h1>'
            f'<p style="font-size:13pt"><b>{escape(report.period.label)}</b>'
            f' &nbsp;<span style="color:{GREY}">{_span(report)}</span></p>'
            f'<p>Account <b>@{escape(report.handle)}</b>'
            " &nbsp;\u00b7&nbsp; Region "
            f"<b>{escape(r.region_name)} ({r.region})</b>, paid in {r.currency}"
            f" &nbsp;\u00b7&nbsp; Days in {escape(report.timezone)}"
            f'<br><span style="color:{GREY}">Made {fmt.day(date.today())} by Diamond Ledger '
            f"{__version__} from this ledger's gifts, LIVEs and payouts, with the rates below."
            f'</span></p><p style="font-size:5pt">&nbsp;</p>')


def _totals(report: Report) -> str:
    t, cur = report.totals, report.currency
    paid = [p for p in report.payouts if p.status == "paid"]
    pending = [p for p in report.payouts if p.status == "pending"]
    paid_out = f"{_money(t.paid_usd)} ({len(paid)})"
    if pending:
        paid_out += (f'<br><span style="font-size:9pt">+ {_money(t.pending_usd)} pending '
                     f"({len(pending)})</span>")
    earned = _money(t.usd)
    if cur != "USD":
        earned += f" = {_money(t.local, cur)}"
    cards = [("Diamonds earned", fmt.diamonds(t.diamonds)), ("Earned", earned),
             ("Gifts logged", f"{t.gifts:,}"),
             ("Paid out", paid_out),
             ("Payout fees", _money(t.fees_usd)),
             ("Balance at the end", _money(round_down(t.balance_usd)))]  # what can go out
    cells = "".join(f'<td width="33%"><span style="color:{GREY}">{k}</span><br>'
                    f'<span style="font-size:13pt"><b>{v}</b></span></td>'
                    for k, v in cards[:3])
    cells2 = "".join(f'<td width="33%"><span style="color:{GREY}">{k}</span><br>'
                     f'<span style="font-size:13pt"><b>{v}</b></span></td>'
                     for k, v in cards[3:])
    return (f'<table width="100%" cellspacing="0" cellpadding="6" bgcolor="{STRIPE}">'
            f"<tr>{cells}</tr><tr>{cells2}</tr></table>")


def outlook_text(report: Report) -> str:
    """The withdrawal outlook as the Overview and the Planner give it; "" for a past period."""
    o = report.outlook
    if o is None:
        return ""
    as_of = f"as of {fmt.day(o.today)}"
    if o.withdrawable:
        return (f"Withdrawable now: {_money(round_down(o.balance_usd))} of the "
                f"{_money(o.threshold_usd)} minimum ({as_of}).")
    if o.day is None:
        return f"Withdrawal minimum {_money(o.threshold_usd)}: {o.note} ({as_of})."
    return (f"Withdrawal minimum {_money(o.threshold_usd)} reached about {fmt.day(o.day)} at "
            f"the recent weekday pace (forecast {as_of}).")


def _outlook(report: Report) -> str:
    text = outlook_text(report)
    return f'<p style="font-size:9pt">{escape(text)}</p>' if text else ""


def _months(report: Report) -> str:
    cur = report.currency
    local = cur != "USD"
    pending = any(m.pending_usd for m in report.months)
    head = ["Month", "Gifts", "Coins", "Diamonds", "USD", *([cur] if local else []),
            "Paid out", *(["Pending"] if pending else []), "Fees"]
    months, t = shown_months(report)

    def cells(m: MonthRow, name: str) -> list[str]:
        return [name, f"{m.gifts:,}", f"{m.coins:,}", fmt.diamonds(m.diamonds), _money(m.usd),
                *([_money(m.local, cur)] if local else []), _money(m.paid_usd),
                *([_money(m.pending_usd)] if pending else []), _money(m.fees_usd)]
    rows = [cells(m, f"{m.month:%B %Y}") for m in months]
    total = cells(t, "Total")
    note = ("Diamonds are the official LIVE totals where TikTok's export has them, else the gift "
            "log's coins at the region's diamonds per coin; each day is valued at the rates "
            "in force that day")
    note += f", and in {cur} at that day's exchange rate." if local else "."
    return ("<h2>Per month</h2>" + _table(head, rows, total)
            + f'<p style="color:{GREY}; font-size:8pt">{note}</p>')


def _rates(report: Report) -> str:
    rows = [[escape(k), escape(v), escape(w), f'<span style="color:{GREY}">'
             f"{escape(_clip(s))}</span>"] for k, v, w, s in rates_rows(report.rates)[1:]]
    out = "<h2>Rates used</h2>" + _table(["Table", "Valid from", "Rate", "Source"], rows,
                                         left=4)
    if report.rates.fx_fallback:
        out += (f'<p style="color:{GREY}">Some days are before the oldest exchange rate: '
                "that rate was used for them.</p>")
    return out


def _clip(text: str, limit: int = 150) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _charts(report: Report, images: dict[str, int]) -> str:
    out = "<h2>Charts</h2>"
    if not images:
        return out + "<p>No earnings or payouts in this period: nothing to draw.</p>"
    width = images["earnings"]
    out += ("<h3>Balance and earnings per month</h3>"
            f'<p style="color:{GREY}; font-size:8pt">Top: the balance at the end of each day '
            "(payouts lower it, marked \u25bc), against the withdrawal threshold. Bottom: "
            "earnings per month in USD.</p>"
            f'<p><img src="chart:earnings" width="{width}"></p>')
    half = width // 2 - 6
    cells = []
    if "gifters" in images:
        cells.append(f'<td width="50%"><h3>Top gifters (USD, share of coins)</h3>'
                     f'<img src="chart:gifters" width="{half}"></td>')
    if "mix" in images:
        cells.append(f'<td width="50%"><h3>Gift mix (coins)</h3>'
                     f'<img src="chart:mix" width="{half}"></td>')
    if cells:
        out += f'<table width="100%" cellspacing="0" cellpadding="0"><tr>{"".join(cells)}</tr>'
        out += "</table>"
    return out


def _payouts(report: Report) -> str:
    out = "<h2>Payouts and fees</h2>"
    if not report.payouts:
        return out + "<p>No payouts were requested in this period.</p>"
    head = ["Requested", "Paid", "Status", "Method", "Amount", "Diamonds", "USD", "Fee", "Net"]
    for title, lines in payout_groups(report):
        shown, total = shown_payouts(lines)
        assert total is not None  # a group has lines
        rows = [_payout_cells(p) for p in shown]
        out += f"<h3>{escape(title)}</h3>" + _table(
            head, rows, [f"Total {escape(title.split(' (')[0].lower())}", "", "", "", "",
                         fmt.diamonds(total.diamonds), _money(total.usd),
                         _money(total.fee_usd), _money(total.net_usd)], left=4)
    notes = []
    if any(p.fee_source == "estimated" for p in report.payouts):
        notes.append("* fee not in the payout's record: estimated from the region's payout "
                     "method (Rates used)")
    if any(p.fee_source == "unknown" for p in report.payouts):
        notes.append("? fee unknown: the record states none and the method is not in the rates")
    if notes:
        out += f'<p style="color:{GREY}; font-size:8pt">' + "<br>".join(notes) + "</p>"
    return out


def _payout_cells(p: PayoutLine) -> list[str]:
    amount = "" if p.amount is None else _money(p.amount, p.currency)
    fee = _money(p.fee_usd) + ("*" if p.fee_source == "estimated" else
                               " ?" if p.fee_source == "unknown" else "")
    return [fmt.day(p.requested), fmt.day(p.paid) if p.paid else "\u2014", escape(p.status),
            escape(p.method), amount, fmt.diamonds(p.diamonds), _money(p.usd), fee,
            _money(p.net_usd)]


def _gifters(report: Report) -> str:
    out = "<h2>Top gifters</h2>"
    if not report.gifters:
        return out + "<p>No gifts were logged in this period.</p>"
    rows = [[str(g.rank), escape(g.name), f"{g.gifts:,}", f"{g.coins:,}",
             fmt.diamonds(g.diamonds), _money(g.usd), fmt.percent(g.share)]
            for g in report.gifters]
    return out + _table(["#", "Gifter", "Gifts", "Coins", "Diamonds", "USD", "Share"], rows,
                        left=2) + (
        f'<p style="color:{GREY}; font-size:8pt">From the gift log (gift rows), valued at the '
        "rates of each gift's day; the share is of the coins logged in the period.</p>")


def sections(report: Report, images: dict[str, int]) -> list[str]:
    """The report's text as sections that each start on a new page; `images` maps each chart
    resource to its width in CSS pixels."""
    style = ("<style>h2 { font-size: 13pt; color: #111827; margin-top: 14px; } "
             "h3 { font-size: 10pt; color: #374151; } th { color: #111827; }</style>")
    parts = [_header(report) + _totals(report) + _outlook(report) + _months(report)
             + _rates(report),
             _charts(report, images), _payouts(report) + _gifters(report)]
    return [f"<html><head>{style}</head><body>{part}</body></html>" for part in parts]


def _documents(report: Report, writer: QPdfWriter, body: QSizeF) -> list[QTextDocument]:
    css_width = int(body.width() * 96 / writer.logicalDpiX()) - 4  # <img width> is in CSS px
    images = chart_images(report, css_width)
    docs = []
    for text in sections(report, {name: css_width for name in images}):
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        font = QFont()
        font.setPointSizeF(FONT_PT)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setPageSize(body)
        for name, image in images.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"),
                            image)
        doc.setHtml(text)
        docs.append(doc)
    return docs


def used_pages(doc: QTextDocument) -> int:
    """The pages that hold some of the document's content. Qt counts one more page when the
    empty paragraph it keeps after a table (or the last line's spacing) falls just past a
    page's end: that page would print blank."""
    layout, bottom = doc.documentLayout(), 0.0
    it = doc.rootFrame().begin()
    while not it.atEnd():
        frame, block = it.currentFrame(), it.currentBlock()
        if frame is not None:
            bottom = max(bottom, layout.frameBoundingRect(frame).bottom())
        elif block.isValid() and block.text().strip():
            rect = layout.blockBoundingRect(block)
            line = block.layout().lineAt(block.layout().lineCount() - 1)
            bottom = max(bottom, rect.top() + line.y() + line.height())
        it += 1
    height = doc.pageSize().height()
    return max(1, min(doc.pageCount(), int(max(bottom - 1, 0) // height) + 1))


def _footer(painter: QPainter, report: Report, page: int, pages: int, body: QSizeF) -> None:
    painter.save()
    font = QFont()
    font.setPointSizeF(7.5)
    painter.setFont(font)
    painter.setPen(QColor(GREY))
    area = QRectF(0, body.height(), body.width(), _mm(FOOTER_MM))
    flags = Qt.AlignmentFlag.AlignBottom
    painter.drawText(area, flags | Qt.AlignmentFlag.AlignLeft,
                     f"Diamond Ledger \u00b7 @{report.handle} \u00b7 {report.period.label}")
    painter.drawText(area, flags | Qt.AlignmentFlag.AlignRight, f"page {page} of {pages}")
    painter.restore()


def write_pdf(report: Report, out: Path) -> int:
    """Write the report to `out` as an A4 PDF; the file appears whole or not at all.
    Returns the number of pages. Needs a QApplication (the charts are widgets)."""
    check_target(out)  # before the work of laying out the pages
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _write(report, buffer, out)  # the writer is gone on return: the PDF is complete
    atomic_write_bytes(out, bytes(buffer.data().data()))
    return pages


def _write(report: Report, device: QBuffer, path: Path) -> int:
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"Diamond Ledger report: @{report.handle}, {report.period.label}")
    writer.setCreator(f"Diamond Ledger {__version__}")
    area = writer.pageLayout().paintRectPixels(RESOLUTION)
    body = QSizeF(area.width(), area.height() - _mm(FOOTER_MM))
    docs = _documents(report, writer, body)
    pages = [(doc, i) for doc in docs for i in range(used_pages(doc))]
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path.with_suffix('')}")
    try:
        for n, (doc, i) in enumerate(pages):
            if n:
                writer.newPage()
            painter.save()
            painter.translate(0, -i * body.height())
            doc.drawContents(painter, QRectF(0, i * body.height(), body.width(), body.height()))
            painter.restore()
            _footer(painter, report, n + 1, len(pages), body)
    finally:
        painter.end()
    return len(pages)
