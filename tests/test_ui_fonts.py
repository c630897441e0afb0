"""Readable: fans' names with emoji draw glyphs, not boxes, on a machine without an emoji font
(this one has DejaVu only). Each check starts the app in a fresh process: the font is added at
start-up, and Qt cannot unload a fallback once a process has it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

FAN = "\U0001f339Rosa\U0001f48e"  # 🌹Rosa💎
MISSING = "\U0010fffd"  # a code point no font has: Qt draws the .notdef box

PROBE = r"""
import json, sys
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QLabel
from app.ui.fonts import emoji_family
from app.ui.main import application

app = application()  # what the window does at start-up
font = app.font()
ours = QFont(emoji_family())  # the shipped font, asked for by name
ours.setPointSizeF(font.pointSizeF())

def drawn(text, font=font):
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(8, 44, text)
    painter.end()
    return image

def ink(image):
    return sum(image.pixelColor(x, y).lightness() < 128
               for x in range(image.width()) for y in range(image.height()))

def label(text):
    shown = QLabel(text)
    shown.adjustSize()
    return shown.grab().toImage()

fan, missing = sys.argv[1], sys.argv[2]
box = drawn(missing)
emoji = [fan[0], fan[-1]]
print(json.dumps({
    "families": font.families(),
    "in_font": [QFontMetrics(font).inFontUcs4(ord(e)) for e in emoji],
    "box_ink": ink(box),
    "glyph_ink": [ink(drawn(e)) for e in emoji],
    "same_as_box": [drawn(e) == box for e in emoji],
    "same_as_shipped_font": [drawn(e) == drawn(e, ours) for e in emoji],
    "label_same_as_boxes": label(fan) == label(missing + fan[1:-1] + missing),
}))
"""


def probe() -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, FAN, MISSING], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_fans_name_with_emoji_draws_the_emoji_not_the_missing_glyph_box():
    seen = probe()
    assert seen["in_font"] == [True, True]
    assert seen["same_as_box"] == [False, False]
    assert seen["same_as_shipped_font"] == [True, True]  # the glyphs are Noto Emoji's
    assert all(isinstance(n, int) and n > 0 for n in seen["glyph_ink"])  # not blank either
    assert seen["box_ink"] > 0  # the comparison is with a box really drawn
    assert seen["label_same_as_boxes"] is False  # a label in the window shows the glyphs


def test_the_emoji_font_ships_with_its_open_font_licence_and_stays_small():
    fonts = resources.files("app.resources").joinpath("fonts")
    licence = fonts.joinpath("OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License, Version 1.1" in licence
    assert "Copyright 2013 Google LLC" in licence
    size = len(fonts.joinpath("NotoEmoji-Regular.ttf").read_bytes())
    assert 500_000 < size < 1_500_000  # the monochrome font, not the 10 MB colour one


PDF_PROBE = r"""
import json, sys
from pathlib import Path
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication
from app.services import reports
from app.services.demo import load_demo
from app.store.db import open_db
from app.ui.main import application
from app.ui.reports.pdf import write_pdf

app = QApplication(sys.argv[:1])  # no emoji font yet
width_before = QFontMetrics(app.font()).averageCharWidth()
folder = Path(sys.argv[1])
db = open_db(folder / "ledger.sqlite3")
load_demo(db)
report = reports.build(db, reports.year(2026))
before = write_pdf(report, folder / "before.pdf")
application()  # the start-up: registers the emoji font in this same application
after = write_pdf(report, folder / "after.pdf")
print(json.dumps({"before": before, "after": after,
                  "registered": "Noto Emoji" in QFontDatabase.families(),
                  "width": [width_before, QFontMetrics(app.font()).averageCharWidth()]}))
"""


def test_the_emoji_font_leaves_the_app_fonts_width_and_the_report_pdfs_pages_as_they_were(
        tmp_path):
    """With the emoji font in the application font's family list, Qt's average character
    width went from 6 to 15 px: every field sized wider and the demo report's PDF went from
    3 pages to 4. Registered only, it changes neither."""
    done = subprocess.run([sys.executable, "-c", PDF_PROBE, str(tmp_path)], capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["registered"]  # the start-up did add the font
    assert seen["after"] == seen["before"] == 3
    assert seen["width"][1] == seen["width"][0]
