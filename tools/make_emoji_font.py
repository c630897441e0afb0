"""Write resources/fonts/NotoEmoji-Regular.ttf, the window's fallback emoji font, from the npm
package @fontsource/noto-emoji (Google's monochrome Noto Emoji, SIL Open Font License 1.1).

    npm pack @fontsource/noto-emoji@5.3.2        # fontsource-noto-emoji-5.3.2.tgz, 11 MB
    pip install -e '.[fonts]'                    # fontTools
    python tools/make_emoji_font.py fontsource-noto-emoji-5.3.2.tgz

The package splits the font by weight and by unicode-range for browsers; its "emoji" subset
of weight 400 holds every code point of the font (1,464, with the GSUB sequences that join
them: flags, keycaps, skin tones). Qt reads TrueType and OpenType on every platform, WOFF not
everywhere (DirectWrite on Windows does not), so the WOFF is unpacked to plain TrueType: the
same glyphs, about 0.9 MB (the colour Noto Color Emoji is over 10 MB). Timestamps are kept,
so the same package gives the same bytes. The licence goes beside the font as OFL.txt.
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "resources" / "fonts"
SUBSET = "package/files/noto-emoji-emoji-400-normal.woff"
LICENCE = "package/LICENSE"


def member(archive: tarfile.TarFile, name: str) -> bytes:
    found = archive.extractfile(name)
    if found is None:
        raise SystemExit(f"{name} is not in the package")
    return found.read()


def main(tgz: str) -> None:
    with tarfile.open(tgz) as archive:
        woff, licence = member(archive, SUBSET), member(archive, LICENCE)
    font = TTFont(io.BytesIO(woff), recalcTimestamp=False)
    font.flavor = None  # WOFF -> TrueType
    OUT.mkdir(parents=True, exist_ok=True)
    font.save(OUT / "NotoEmoji-Regular.ttf")
    (OUT / "OFL.txt").write_bytes(licence)
    size = (OUT / "NotoEmoji-Regular.ttf").stat().st_size
    print(f"{OUT / 'NotoEmoji-Regular.ttf'}: {len(font.getBestCmap())} code points, "
          f"{size:,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
