"""Read PDF bytes with Poppler: text, page sizes, fonts and word boxes.

The text, info and font readers are those of the documents tests; this module adds
what the initiatives tests need on top: page sizes, text in drawing order (tables
cell by cell), text without any white space, and where each word sits.
"""

import html
import re
from typing import NamedTuple

from tests.documents.conftest import _poppler, flat, pdf_fonts, pdf_info, pdf_text

__all__ = [
    "flat",
    "page_count",
    "page_sizes",
    "pdf_fonts",
    "pdf_info",
    "pdf_raw_text",
    "pdf_text",
    "squash",
    "word_boxes",
]

_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts")


def squash(text: str) -> str:
    """Return the text without any white space, so that a value broken over two
    lines by the layout still compares equal to what was typed."""
    return "".join(text.split())


def pdf_raw_text(pdf: bytes) -> str:
    """Return the text in the order it was drawn (pdftotext -raw): a table comes
    out cell by cell instead of interleaving its wrapped columns."""
    return _poppler("pdftotext", pdf, "-raw", "-enc", "UTF-8")


def page_count(pdf: bytes) -> int:
    return int(pdf_info(pdf)["Pages"])


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Return (width, height) in points, rounded, of every page."""
    last = page_count(pdf)
    lines = _poppler("pdfinfo", pdf, "-f", "1", "-l", str(last)).splitlines()
    sizes = []
    for line in lines:
        match = _PAGE_SIZE.match(line)
        if match:
            sizes.append((round(float(match[2])), round(float(match[3]))))
    return sizes


class Word(NamedTuple):
    text: str
    x_min: float
    y_min: float
    x_max: float


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>'
)


def word_boxes(pdf: bytes, page: int = 1) -> list[Word]:
    """Return the words of one page with their boxes, in the order drawn."""
    out = _poppler("pdftotext", pdf, "-bbox", "-f", str(page), "-l", str(page))
    return [
        Word(html.unescape(m[4]), float(m[1]), float(m[2]), float(m[3]))
        for m in _WORD.finditer(out)
    ]
