"""Fans' names carry emoji ("🌹Rosa💎"); a machine without an emoji font draws them as boxes.

The app ships Google's monochrome Noto Emoji (resources/fonts/, SIL Open Font License, 0.9 MB;
tools/make_emoji_font.py says where it comes from) and, at start-up, registers it with Qt where
the system draws no emoji (a colour emoji font on most desktops is kept, ours never put in
front of it). Registered is enough: Qt finds it as the fallback for a character the
application font lacks, and (Qt >= 6.9) shapes emoji sequences (skin tones, flags) in it.

It is never put in the application font's own family list (`QFont.setFamilies`) nor made a
substitution of it: Qt would then count the emoji font's wide glyphs in the application font's
average character width (6 px became 15 px), and every line edit, combo box and spin box would
size by it: the window's narrowest width grew from 873 to 1,067 px, past a 1,024 px screen, and
the report PDF gained a page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

EMOJI_FILE = "NotoEmoji-Regular.ttf"
PROBE = 0x1F339  # 🌹, in the font and in every emoji font


@cache
def emoji_family() -> str | None:
    """The family of the shipped emoji font, registered with Qt once; None if Qt refused it."""
    data = resources.files("app.resources").joinpath("fonts", EMOJI_FILE).read_bytes()
    font_id = QFontDatabase.addApplicationFontFromData(data)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def draws_emoji(font: QFont) -> bool:
    """Whether text in `font` (with Qt's fallbacks) has a glyph for the probe emoji."""
    return QFontMetrics(font).inFontUcs4(PROBE)


def install_emoji_fallback(app: QApplication) -> str | None:
    """Register the shipped emoji font as a fallback, unless emoji already draw.

    Returns the family registered, or None when nothing was needed or possible. The
    application font is left as it was (see the module's docstring for why)."""
    if draws_emoji(app.font()):  # asked before ours is registered: fontconfig would find it too
        return None
    family = emoji_family()
    if family is None:
        return None
    add_emoji = getattr(QFontDatabase, "addApplicationEmojiFontFamily", None)  # Qt >= 6.9
    if add_emoji is not None:
        add_emoji(family)  # emoji sequences are shaped in this font, not the first that has one
    return family
