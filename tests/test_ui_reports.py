"""The report as a PDF (rendered back to images with pypdfium2 and looked at: the charts must be
there), the Save report dialog, and exporting any chart of the window as PNG or SVG."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

import pypdfium2 as pdfium  # noqa: E402
from PySide6.QtCore import QPoint, QTimer  # noqa: E402
from PySide6.QtGui import QContextMenuEvent, QImage  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.cli import main  # noqa: E402
from app.services import reports  # noqa: E402
from app.ui.charts import export  # noqa: E402
from app.ui.reports import dialog as report_dialog  # noqa: E402
from app.ui.reports.dialog import ReportDialog  # noqa: E402
from app.ui.reports.pdf import write_pdf  # noqa: E402
from app.ui.window import MainWindow  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_leaked_windows")
BAR = np.array([0x78, 0x80, 0xF5])  # the charts' bar colour (#7880f5); nothing else uses it


def render_pages(pdf: Path, folder: Path, scale: float = 1.5) -> list[np.ndarray]:
    """Every page of `pdf` as an RGB array, also saved as folder/page<n>.png."""
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for i in range(len(document)):
            page = document[i]
            pixels = page.render(scale=scale, rev_byteorder=True).to_numpy()[:, :, :3].copy()
            page.close()
            height, width = pixels.shape[:2]
            QImage(pixels.tobytes(), width, height, 3 * width,
                   QImage.Format.Format_RGB888).save(str(folder / f"page{i + 1}.png"))
            pages.append(pixels)
    finally:
        document.close()
    return pages


def bar_pixels(page: np.ndarray) -> int:
    return int((np.abs(page.astype(int) - BAR).sum(axis=2) < 30).sum())


def test_pdf_pages_show_the_tables_and_the_charts(demo_db, qapp, tmp_path):
    out = tmp_path / "report.pdf"
    pages = write_pdf(reports.build(demo_db, reports.year(2026)), out)
    assert out.read_bytes().startswith(b"%PDF")
    images = render_pages(out, tmp_path)
    assert pages == len(images) == 3
    assert all((tmp_path / f"page{i}.png").stat().st_size > 10_000 for i in (1, 2, 3))
    first, charts, last = images
    assert bar_pixels(first) == 0  # tables and text only
    assert bar_pixels(charts) > 10_000  # month bars, gifter bars, gift-mix bars
    height = charts.shape[0]
    top = charts[height // 8: height // 2]  # the balance and month chart
    assert top.std() > 10 and bar_pixels(top) > 5_000
    assert bar_pixels(last) == 0
    assert not list(tmp_path.glob("*.part"))


def test_pdf_of_a_quiet_year_says_so_and_draws_nothing(demo_db, qapp, tmp_path):
    out = tmp_path / "2025.pdf"
    assert write_pdf(reports.build(demo_db, reports.year(2025)), out) == 3
    assert sum(bar_pixels(p) for p in render_pages(out, tmp_path)) == 0


def test_report_command_writes_a_pdf(demo_db, db_path, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    code = main(["report", "--db", str(db_path), "--year", "2026", "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "3 pages" in stdout and "$1,016.04" in stdout
    assert len(render_pages(out, tmp_path)) == 3


# ---- chart export --------------------------------------------------------------------------------

def test_every_chart_of_every_page_offers_png_and_svg(window):
    charts = [view for page in window.pages for view in export.charts_under(page)]
    assert len(charts) >= 5
    for view in charts:
        assert [a.text() for a in export.export_actions(view)] == [
            "Export chart as PNG\u2026", "Export chart as SVG\u2026"]


def test_chart_exports_as_png_and_svg(window, tmp_path):
    chart = export.charts_under(window.overview)[0]
    png = export.export_chart(chart, tmp_path / "chart.png")
    image = QImage(str(png))
    size = chart.viewport().size()
    assert (image.width(), image.height()) == (2 * size.width(), 2 * size.height())
    pixels = np.array([[image.pixelColor(x, y).lightness() for x in range(0, image.width(), 7)]
                       for y in range(0, image.height(), 7)])
    assert pixels.std() > 10  # not a blank picture
    svg = export.export_chart(chart, tmp_path / "chart.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    svg_ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{svg_ns}polyline")) > 10  # vectors, not a picture
    texts = [t.text.strip() for t in root.iter(f"{svg_ns}text") if t.text]
    assert "$0" in texts and any(t.startswith("Withdrawal threshold") for t in texts)
    assert QSvgRenderer(str(svg)).isValid()
    with pytest.raises(export.ExportError):
        export.export_chart(chart, tmp_path / "chart.jpg")


def test_right_click_on_a_chart_opens_the_export_menu(window):
    chart = export.charts_under(window.overview)[0]
    seen: list[list[str]] = []

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        seen.append([a.text() for a in menu.actions()] if menu else [])
        if menu:
            menu.close()

    QTimer.singleShot(100, read_menu)  # the menu runs its own loop until closed
    at = QPoint(120, 80)
    QApplication.sendEvent(chart.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, at, chart.viewport().mapToGlobal(at)))
    assert seen == [["Export chart as PNG\u2026", "Export chart as SVG\u2026"]]


def test_export_action_writes_the_file_chosen(window, tmp_path, monkeypatch):
    chart = export.charts_under(window.overview)[0]
    monkeypatch.setattr(export, "choose_path", lambda parent, kind: tmp_path / "mine.svg")
    export.export_actions(chart)[1].trigger()
    assert QSvgRenderer(str(tmp_path / "mine.svg")).isValid()


# ---- File > Save report --------------------------------------------------------------------------

def _save_report_action(window):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text() == "Save &Report\u2026")


@pytest.mark.parametrize("name", ["year.csv", "year.pdf"])
def test_save_report_from_the_file_menu(window, tmp_path, monkeypatch, name):
    said: list[str] = []
    monkeypatch.setattr(report_dialog, "choose_path", lambda parent, suggested: tmp_path / name)
    monkeypatch.setattr(report_dialog, "saved", lambda parent, message: said.append(message))
    _save_report_action(window).trigger()
    dialog = window.findChild(ReportDialog)
    assert dialog.year.value() == 2026 and dialog.by_year.isChecked()
    dialog.accept()
    out = tmp_path / name
    assert said and name in said[0]
    if name.endswith(".csv"):
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert ["period", "Calendar year 2026"] in rows
        assert ["total", "1974", "202704", "203208", "1016.04", "1016.04", "655.00", "0.00",
                "6.80"] in rows
    else:
        assert len(render_pages(out, tmp_path)) == 3


def test_report_dialog_takes_a_range_and_refuses_a_backward_one(qtbot, demo_db):
    dialog = ReportDialog(demo_db, "America/New_York")
    qtbot.addWidget(dialog)
    dialog.by_range.setChecked(True)
    # the range starts on the first day with data and ends on the last
    assert dialog.period() == reports.Period(reports.date(2026, 8, 2),
                                             reports.date(2026, 10, 30))
    assert dialog.ok.isEnabled() and not dialog.year.isEnabled()
    dialog.start.setDate(dialog.end.date().addDays(1))
    assert not dialog.ok.isEnabled() and dialog.problem.text()


def test_save_report_in_an_empty_ledger_says_there_is_nothing_yet(qtbot, db, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(report_dialog.errors, "report",
                        lambda parent, title, text, details="", **_: said.append(title))
    win = MainWindow(db)
    qtbot.addWidget(win)
    _save_report_action(win).trigger()
    assert said == ["There is nothing to report yet"]
    assert win.findChild(ReportDialog) is None
