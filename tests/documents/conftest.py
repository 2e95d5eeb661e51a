"""Fixtures for official documents: a private media folder and PDF readers."""

import datetime
import shutil
import subprocess

import pytest

from documents.header import header_for

POPPLER = {
    name: shutil.which(name) or f"/usr/bin/{name}"
    for name in ("pdftotext", "pdfinfo", "pdffonts")
}
NOTICE = "documents/test_fixture_notice.html"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Store issued documents in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    result = subprocess.run(  # noqa: S603  (fixed tool, our own PDF on stdin)
        [POPPLER[tool], *args, "-", *(["-"] if tool == "pdftotext" else [])],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes, *, page: int | None = None) -> str:
    """Return the text pdftotext extracts (of one page if given)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _poppler("pdftotext", pdf, "-enc", "UTF-8", *pages)


def flat(text: str) -> str:
    """Return the text with runs of white space (line breaks too) as one space."""
    return " ".join(text.split())


def pdf_info(pdf: bytes) -> dict[str, str]:
    lines = _poppler("pdfinfo", pdf).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """Return pdffonts' table: name and whether the font is embedded."""
    rows = _poppler("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for row in rows:
        name, *rest = row.split()
        # Columns after the name: type (one or two words), encoding, emb, sub, uni.
        emb = rest[-5]
        fonts.append({"name": name.split("+", 1)[-1], "emb": emb})
    return fonts


@pytest.fixture
def notice_context(tree):
    """Return the context of the fixture notice issued by the province."""

    def build(*, day=datetime.date(2026, 1, 5), symbol="05/TB-LĐLĐ", **extra):
        return {
            "header": header_for(tree.province, day=day, symbol=symbol, code="TB"),
            "summary": "Về việc tổ chức hội nghị sơ kết phong trào",
            "addressee": "Các công đoàn cơ sở trực thuộc",
            "paragraphs": ["Nội dung thông báo."],
            "recipients": ["Như kính gửi;", "Lưu: VT."],
            "signer": {
                "capacity": "TM. BAN THƯỜNG VỤ",
                "position": "CHỦ TỊCH",
                "name": "Nguyễn Văn An",
            },
            **extra,
        }

    return build
