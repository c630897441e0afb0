"""The report's PDF as a reader sees it: no blank pages, paid and pending payouts apart, and a
balance chart whose fill stays under the line after a payout."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("pytestqt")

import pypdfium2 as pdfium  # noqa: E402
from PySide6.QtCore import QPointF, QSize  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402

from app.core.charts import midnight  # noqa: E402
from app.core.rates import ExchangeRate  # noqa: E402
from app.services import reports  # noqa: E402
from app.services.payouts import PayoutForm, add_payout  # noqa: E402
from app.ui.reports.charts import earnings_widget, render  # noqa: E402
from app.ui.reports.pdf import write_pdf  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")


def page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def body(text: str, report: reports.Report) -> str:
    """A page's text without its footer ("Diamond Ledger · @handle · period", "page n of m")."""
    text = text.replace(f"Diamond Ledger \u00b7 @{report.handle} \u00b7 {report.period.label}",
                        "")
    return re.sub(r"page \d+ of \d+", "", text).strip()


def test_no_page_of_the_pdf_is_blank(demo_db, qapp, tmp_path):
    """The first page's "Rates used" table grows with the rate entries; wherever it ends, no
    page holds only a footer (before, a table ending at a page's foot left the next page
    blank: Qt's empty paragraph after the table spilled onto it, then the charts' page break
    started the page after)."""
    base = reports.build(demo_db, reports.year(2026))
    for length in (100, 120, 140):  # 120 ended the table at the foot of page 1
        fx = (ExchangeRate("USD", date(2026, 1, 1), Decimal(1), "x" * length),)
        report = dataclasses.replace(base, rates=dataclasses.replace(base.rates, fx=fx))
        out = tmp_path / f"r{length}.pdf"
        pages = write_pdf(report, out)
        texts = page_texts(out)
        assert pages == len(texts)
        blank = [i + 1 for i, text in enumerate(texts) if not body(text, report)]
        assert blank == [], f"source of {length} characters: blank pages {blank}"


def test_paid_and_pending_payouts_are_apart_in_the_pdf(demo_db, qapp, tmp_path):
    add_payout(demo_db, PayoutForm(date(2026, 10, 20), None, "120", "USD", "pending",
                                   "PayPal"))
    out = tmp_path / "report.pdf"
    write_pdf(reports.build(demo_db, reports.year(2026)), out)
    text = " ".join(" ".join(page_texts(out)).split())
    assert "$655.00 (2)" in text and "+ $120.00 pending (1)" in text
    assert "Pending (not paid out yet)" in text and "Total pending" in text
    assert "Total paid out" in text


def pixel(image, widget, x: float, y: float, scale: float) -> QColor:
    """The colour the chart image has at data point (x, y) of the balance panel."""
    scene = widget.balance_plot.vb.mapViewToScene(QPointF(x, y))
    source = widget.mapToScene(widget.viewport().rect()).boundingRect()
    return QColor(image.pixel(round((scene.x() - source.x()) * scale),
                              round((scene.y() - source.y()) * scale)))


def shaded(color: QColor) -> bool:
    """The balance fill's lavender (233, 232, 248 on white), not white or a grey grid line."""
    return color.blue() - color.red() > 8


def test_chart_fill_stays_under_the_line_after_a_payout(demo_db, qapp):
    """$700 paid on Oct 5 takes the balance to about -$520: the space between that line and $0
    is above the line and stays unshaded (a fill down to $0 shaded it)."""
    add_payout(demo_db, PayoutForm(date(2026, 10, 5), None, "700", "USD", "paid", "PayPal"))
    report = reports.build(demo_db, reports.Period(date(2026, 8, 1), date(2026, 10, 31)))
    widget = earnings_widget(report)
    scale = 2.0
    image = render(widget, QSize(680, 330), scale)
    try:
        low = min(report.chart.balance.y)
        assert low < -400
        zone = ZoneInfo(report.timezone)
        after = float(midnight(date(2026, 10, 12), zone))
        assert not shaded(pixel(image, widget, after, -250.0, scale))
        before = float(midnight(date(2026, 9, 20), zone))  # the balance was $300+ then
        assert shaded(pixel(image, widget, before, 150.0, scale))
    finally:
        widget.deleteLater()


def test_the_fill_reaches_the_lowest_point_of_the_line(demo_db, qapp):
    add_payout(demo_db, PayoutForm(date(2026, 10, 5), None, "700", "USD", "paid", "PayPal"))
    report = reports.build(demo_db, reports.year(2026))
    widget = earnings_widget(report)
    try:
        assert widget.balance.opts["fillLevel"] <= min(report.chart.balance.y)
    finally:
        widget.deleteLater()


@pytest.mark.parametrize("region, choice, start", [
    ("US", "Calendar year", date(2026, 1, 1)), ("GB", "Tax year", date(2026, 4, 6))])
def test_report_dialog_names_the_year_of_the_region(qtbot, demo_db, region, choice, start):
    from app.store import queries
    from app.ui.reports.dialog import ReportDialog
    account = queries.accounts(demo_db)[0]
    queries.update_account(demo_db, account.id, region, account.timezone)
    dialog = ReportDialog(demo_db, account.timezone)
    qtbot.addWidget(dialog)
    assert dialog.by_year.text() == choice
    period = dialog.period()
    assert period.start == start and period.label.startswith(f"{choice} 2026")


def test_the_balance_at_the_end_is_never_shown_above_what_can_be_taken_out(qapp, tmp_path):
    """Seen: a report ending on a $99.995 balance printed "Balance at the end $100.00" (half
    up), above what TikTok lets out; the PDF and the CSV now say $99.99, as every screen does.
    The earnings of the month stay rounded half up: the table's rows still add up."""
    from helpers import gift_csv, ledger  # a file-backed ledger, a gift-logger CSV

    from app.services import importing
    db = ledger(tmp_path, "US", "UTC")
    importing.import_files(db, [gift_csv(tmp_path / "gifts.csv",
                                         ["2026-10-05 12:00:00,fan,Rose,19999"])])
    report = reports.build(db, reports.year(2026))
    assert report.totals.balance_usd == Decimal("99.995")
    out = tmp_path / "r.pdf"
    write_pdf(report, out)
    first = page_texts(out)[0]
    assert "Balance at the end" in first
    assert re.search(r"Balance at the end\s+\$99\.99", first), first
    rows = {r[0]: r[1] for r in reports.csv_rows(report) if len(r) > 1}
    assert rows["balance_usd_at_end"] == Decimal("99.99")
    db.close()
