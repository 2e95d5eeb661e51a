"""No text can stall a print: tokens longer than 40 characters get places to
break before layout (documents.breaking), ordinary words and names never, and
every document kind prints a long token inside the page, whole when read back.

Speed is not asserted here (machines are shared): `python -m perf.long_text_print`
reports it. These tests assert what the breaks change in the HTML and the PDF.
"""

import dataclasses
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import escape

from documents import breaking
from documents.breaking import CHUNK, LONG_TOKEN, break_long_tokens
from documents.rendering import render_html, render_pdf
from goldbook import print_job
from initiatives.services import AuthorData
from tests.documents.test_document_typography import (
    DOCUMENTS,
    OTHER,
    PERSON,
    UNIT,
)
from tests.goldbook.conftest import Gold
from tests.initiatives.factories import author_data, make_request
from tests.initiatives.pdf_helpers import (
    page_count,
    page_sizes,
    pdf_raw_text,
    pdf_text,
    word_boxes,
)

SENTENCE = (
    f"{PERSON} và {OTHER}, {UNIT}: Ứng dụng phần mềm quản lý đoàn viên trên "
    "điện thoại di động (tiết kiệm 200 giờ công/năm)."
)
# Long enough to overflow any column of a print, short enough to print fast
# without the breaks too (the test must fail on the code before them).
TOKEN = ("NguyễnThịPhươngThảo" * 12)[:200]
# The case of the issue: one word of 50,000 characters.
WORD = ("ĐổiMớiSángTạoCôngĐoànViệtNam" * 2000)[:50_000]
# An author's name at the form's limit, without a space.
LONG_NAME = ("NguyễnHoàngPhương" * 10)[:150]


def unbroken(html: str) -> str:
    for markup in (breaking.BREAK, breaking.OPEN, breaking.CLOSE):
        html = html.replace(markup, "")
    return html


def pieces(html: str) -> list[str]:
    """The pieces of the long tokens in the HTML, between their breaks."""
    found = re.findall(
        re.escape(breaking.OPEN) + "(.*?)" + re.escape(breaking.CLOSE), html
    )
    return [piece for piece in "".join(found).split(breaking.BREAK) if piece]


def runs_between_breaks(html: str) -> list[int]:
    return [len(re.sub(r"&\w+;|&#\w+;", "x", run)) for run in pieces(html)]


# --- The HTML ------------------------------------------------------------------


def test_ordinary_vietnamese_text_and_markup_are_left_as_they_are():
    html = (
        f"<p class='a'>{escape(SENTENCE)}</p>"
        f"<td>{PERSON}</td><div>https://congdoan.vn/sang-kien</div>"
        "<p>Nguyễn\u00a0Thị\u00a0Phương\u00a0Thảo</p>"
    )
    assert break_long_tokens(html) == html


def test_a_long_token_gets_a_break_at_least_every_chunk_and_reads_back_whole():
    html = f"<p>Tên: {WORD} hết.</p>"
    broken = break_long_tokens(html)
    assert unbroken(broken) == html
    runs = runs_between_breaks(broken)
    assert len(runs) >= len(WORD) // CHUNK
    assert max(runs) <= CHUNK
    # In spans of at most SEGMENT characters: text boxes of their own.
    segments = broken.split(breaking.OPEN)[1:]
    assert len(segments) >= len(WORD) // breaking.SEGMENT
    assert max(len(unbroken(segment)) for segment in segments) <= breaking.SEGMENT
    assert "Tên: " in broken and " hết." in broken


def test_breaks_prefer_the_separators_of_a_link():
    link = "https://congdoan.vn/tai-lieu/sang-kien/2026/quyet-dinh-cong-nhan.pdf"
    broken = break_long_tokens(f"<p>{link}</p>")
    assert unbroken(broken) == f"<p>{link}</p>"
    for run in pieces(broken)[:-1]:
        assert run[-1] in "/-.", run


def test_tags_attributes_comments_and_raw_text_elements_never_change():
    long_value = "x" * 80
    html = (
        f'<html><head><title>{long_value}</title><style>.a{{b:url("{long_value}")}}'
        f"</style></head><body><!-- {long_value} -->"
        f'<img alt="{long_value}" src="/{long_value}"><p>{long_value}</p></body></html>'
    )
    broken = break_long_tokens(html)
    assert unbroken(broken) == html
    # One place to break before the token, then one every CHUNK characters.
    assert broken.count(breaking.BREAK) == 1 + (len(long_value) - 1) // CHUNK
    assert broken.startswith(html[: html.index("<p>") + 3])


def test_escaped_text_stays_escaped_and_references_stay_whole():
    typed = '<script>alert("x")</script>&amp;' * 5 + "é" * 30
    html = f"<p>{escape(typed)}</p>"
    broken = break_long_tokens(html)
    assert unbroken(broken) == html
    assert "<script" not in broken
    # No break falls inside a character reference.
    for run in pieces(broken):
        assert not re.search(r"&[#\w]*$", run), run


def test_a_letter_keeps_its_combining_marks():
    # Decomposed letters (a base letter and its marks) that NFC cannot compose.
    letters = "q\u0323\u0302" * 40
    broken = break_long_tokens(f"<p>{letters}</p>")
    assert unbroken(broken) == f"<p>{letters}</p>"
    for run in pieces(broken):
        assert run[0] == "q", repr(run[:3])


def test_tokens_just_over_the_limit_are_broken_and_those_at_it_are_not():
    at_limit = "a" * LONG_TOKEN
    assert break_long_tokens(f"<p>{at_limit}</p>") == f"<p>{at_limit}</p>"
    assert breaking.BREAK in break_long_tokens(f"<p>{at_limit}a</p>")


def test_every_rendered_document_has_its_long_tokens_broken():
    html = render_html(
        "documents/initiative_request.html", hostile_context(DOCUMENTS["request"][1])
    )
    text = re.sub(r"<[^>]*>", " ", re.sub(r"<title>.*?</title>", "", html, flags=re.S))
    assert TOKEN[:CHUNK] in text
    assert not re.search(rf"[^\s\u200b]{{{LONG_TOKEN + 1},}}", text)


# --- Every document kind, printed ------------------------------------------------


def hostile(value, key=None):
    """The value with TOKEN after every text in it (in lists, dicts, namespaces
    and dataclasses too); a kind of request stays what it was."""
    if key in ("kind", "symbol") or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return f"{value} {TOKEN}"
    if isinstance(value, list | tuple):
        return type(value)(hostile(item) for item in value)
    if isinstance(value, dict):
        return {name: hostile(item, name) for name, item in value.items()}
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(
            **{name: hostile(item, name) for name, item in vars(value).items()}
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                field.name: hostile(getattr(value, field.name), field.name)
                for field in dataclasses.fields(value)
                if field.init
            },
        )
    return value


def hostile_context(context: dict) -> dict:
    return {name: hostile(value, name) for name, value in context.items()}


def assert_inside_the_page(pdf: bytes) -> None:
    """Every word of every page ends inside the page (A4: 595 pt wide)."""
    [(width, _height)] = set(page_sizes(pdf))
    for number in range(1, page_count(pdf) + 1):
        for word in word_boxes(pdf, number):
            assert word.x_max <= width - 20, (number, word)


def assert_read_back(pdf: bytes, token: str, *, at_least: int = 1) -> None:
    """The token comes back whole from the PDF's text, printed in pieces over
    several lines and pages, with no character added: the words made of its
    letters only (leaving out the page numbers, the draft mark, the labels),
    joined, hold it."""
    text = pdf_raw_text(pdf)
    assert "\u200b" not in text
    letters = set(token)
    joined = "".join(word for word in text.split() if set(word) <= letters)
    assert joined.count(token) >= at_least


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_document_kind_prints_long_tokens_inside_the_page(kind):
    template, context, _signer_lines = DOCUMENTS[kind]
    pdf = render_pdf(template, hostile_context(context), draft=False)
    assert_inside_the_page(pdf)
    assert_read_back(pdf, TOKEN, at_least=2)
    # Names that are not long still read back whole, on one line.
    text = " ".join(pdf_text(pdf).split())
    assert PERSON in text or UNIT in text


def test_the_bundle_table_of_contents_prints_long_tokens_inside_the_page():
    rows = [{"title": f"Báo cáo tóm tắt: {TOKEN}", "symbol": "07/BC", "page": 2}]
    pdf = render_pdf(
        "documents/award_bundle_toc.html",
        {
            "round": SimpleNamespace(year=2026, title=TOKEN),
            "unit_name": TOKEN,
            "rows": rows,
        },
    )
    assert_inside_the_page(pdf)
    assert_read_back(pdf, TOKEN, at_least=2)


@pytest.mark.django_db
def test_the_gold_book_prints_long_tokens_inside_the_page(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    entry = Gold(cast).entry(
        summary=f"Lợi ích: {TOKEN}",
        title=TOKEN,
        authors=[AuthorData(full_name=LONG_NAME, share=Decimal("100"))],
    )
    pdf = print_job.render(entry.book, None).data
    assert_inside_the_page(pdf)
    assert_read_back(pdf, TOKEN, at_least=2)
    assert_read_back(pdf, LONG_NAME)


# --- The worst text typed into a request ----------------------------------------


@pytest.mark.django_db
def test_a_request_with_a_word_of_50000_characters_prints_it_whole(cast, client_for):
    initiative = make_request(
        cast.a1_member,
        cast.tree.a1,
        cast.tree.a,
        authors=[
            author_data(cast.a1_member, share="50"),
            author_data(share="50", full_name=LONG_NAME),
        ],
        title=("SángKiến" * 70)[:500],
        essence=WORD,
        benefits_author=WORD[:20_000],
    )
    response = client_for(cast.a1_member).get(
        reverse("initiatives:pdf", args=[initiative.pk])
    )
    assert response.status_code == 200
    pdf = response.content
    assert_read_back(pdf, WORD)
    assert_read_back(pdf, LONG_NAME)
    # About 90 characters a line, 40 lines a page: 70,000 characters fill about
    # 20 pages; the form's own text one or two more.
    assert 12 <= page_count(pdf) <= 40
    assert_inside_the_page(pdf)
