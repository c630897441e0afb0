"""Fans' names carry emoji ("🌹Rosa💎"); a machine without an emoji font draws them as boxes.

The app ships Google's monochrome Noto Emoji (resources/fonts/, SIL Open Font License, 0.9 MB;
tools/make_emoji_font.py says where it comes from) and, at start-up, adds it behind the
application font: a family Qt tries for a character the main font lacks. Where the system
already draws emoji (a colour emoji font on most desktops), its font is kept and ours is
only registered, never put in front of it.
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
    """Put the shipped emoji font behind the application font, unless emoji already draw.

    Returns the family added, or None when nothing was needed or possible."""
    font = QFont(app.font())
    if draws_emoji(font):  # asked before ours is registered: fontconfig would find it too
        return None
    family = emoji_family()
    if family is None:
        return None
    primary = font.family()
    font.setFamilies([primary, family])  # widgets inherit the application font
    app.setFont(font)
    QFont.insertSubstitution(primary, family)  # a QFont made with the family name alone
    add_emoji = getattr(QFontDatabase, "addApplicationEmojiFontFamily", None)  # Qt >= 6.9
    if add_emoji is not None:
        add_emoji(family)  # emoji sequences (skin tones, flags) are shaped in this font
    return family
