"""Build the print fallback font: the characters of DejaVu Sans that the print
font (Tinos) cannot draw, with ASCII, Latin-1 and general punctuation, so that
such a character prints as itself and never as an empty box, with a font
shipped in static/fonts/.

Not used at run time; run it again after changing the print font:

    python -m documents.fallback_font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

(DejaVu Sans from Debian's fonts-dejavu-core.) It writes
static/fonts/DejaVuSansFallback.ttf. The family is renamed "DejaVu Sans
Fallback" as the Bitstream Vera licence asks of modified fonts (it keeps the
words "Bitstream" and "Vera" for the originals), and so that a PDF tells the
shipped font from a DejaVu Sans of the host.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
PRINT_FONT = FONTS / "Tinos-Regular.ttf"
TARGET = FONTS / "DejaVuSansFallback.ttf"
FAMILY = "DejaVu Sans Fallback"
POSTSCRIPT_NAME = "DejaVuSansFallback"


def build(source: Path, target: Path = TARGET) -> None:
    font = TTFont(source)
    drawn = set(TTFont(PRINT_FONT).getBestCmap())
    # White space and punctuation too: a run of fallback characters ("☎ ✓")
    # is laid out with this font, spaces included.
    shared = (
        set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | set(range(0x2000, 0x2070))
    )
    kept = sorted((set(font.getBestCmap()) - drawn) | shared)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, *_key(record))
        elif record.nameID == 4:
            names.setName(FAMILY, 4, *_key(record))
        elif record.nameID == 6:
            names.setName(POSTSCRIPT_NAME, 6, *_key(record))
        elif record.nameID == 3:
            names.setName(f"{POSTSCRIPT_NAME}: subset of DejaVu Sans", 3, *_key(record))
    font.save(target)


def _key(record) -> tuple[int, int, int]:
    return record.platformID, record.platEncID, record.langID


if __name__ == "__main__":
    build(Path(sys.argv[1]))
