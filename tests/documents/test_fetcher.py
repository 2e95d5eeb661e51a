"""The renderer fetches nothing but the project's own static files: text such as
an <img> tag, a file:// URL or a CSS @import in any field is printed as text and
never fetched, and even markup in a template cannot reach beyond static files."""

import logging

import pytest
from weasyprint import HTML

from documents import rendering
from documents.rendering import (
    STATIC_BASE_URL,
    FetchRefusedError,
    StaticFilesFetcher,
    render_pdf,
)
from tests.documents.conftest import NOTICE, flat, pdf_fonts, pdf_text

HOSTILE = [
    '<img src="http://127.0.0.1:9/x.png">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "@import url(http://127.0.0.1:9/a.css);",
    "file:///etc/passwd",
    '<img src="https://example.com/logo.png">',
    '<img src="../../../../etc/passwd">',
    "<style>@import url(http://127.0.0.1:9/b.css);</style>",
]


@pytest.fixture
def fetched(renderer_fetches):
    return renderer_fetches


def _only_static(calls):
    return all(url.startswith(STATIC_BASE_URL) for url in calls)


def test_hostile_text_is_printed_literally_and_nothing_is_fetched(
    notice_context, fetched
):
    context = notice_context(
        paragraphs=HOSTILE, summary=HOSTILE[0], addressee=HOSTILE[1]
    )
    pdf = render_pdf(NOTICE, context)
    text = flat(pdf_text(pdf))
    for value in HOSTILE:
        assert value in text
    assert "root:" not in text
    # Only the stylesheet and its fonts were asked for, all of them static files.
    assert fetched
    assert _only_static(fetched)
    assert {url.removeprefix(STATIC_BASE_URL) for url in fetched} == {
        "css/print.css",
        "fonts/Tinos-Regular.ttf",
        "fonts/Tinos-Bold.ttf",
        "fonts/Tinos-Italic.ttf",
        "fonts/Tinos-BoldItalic.ttf",
        "fonts/DejaVuSansFallback.ttf",
    }


def test_markup_in_a_template_still_cannot_reach_outside(fetched, caplog):
    """Even real tags (a template bug) load nothing; the document still renders."""
    html = (
        '<link rel="stylesheet" href="css/print.css">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<style>@import url(http://127.0.0.1:9/a.css);"
        "@font-face { font-family: X; src: url(https://example.com/x.ttf); }</style>"
        '<img src="http://127.0.0.1:9/x.png">'
        '<img src="https://example.com/x.png">'
        '<img src="file:///etc/passwd">'
        '<img src="../../../../etc/passwd">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        "<p>Văn bản vẫn được in.</p>"
    )
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = HTML(
            string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()
        ).write_pdf()
    assert "Văn bản vẫn được in." in pdf_text(pdf)
    assert all(font["name"].startswith("Tinos") for font in pdf_fonts(pdf))
    outside = [url for url in fetched if not url.startswith(STATIC_BASE_URL)]
    assert any("127.0.0.1:9" in url for url in outside)
    assert any("/etc/passwd" in url for url in fetched)
    # WeasyPrint logged each refusal as a failed fetch and carried on.
    assert "FetchRefusedError" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.com/css/print.css",
        "file:///etc/passwd",
        "ftp://example.com/x.css",
        "data:text/css,body{}",
        "data:image/png;base64,iVBORw0KGgo=",
        f"{STATIC_BASE_URL}../../etc/passwd",
        f"{STATIC_BASE_URL}css/../../../etc/passwd",
        f"{STATIC_BASE_URL}%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC_BASE_URL}..%2F..%2Fetc/passwd.css",
        f"{STATIC_BASE_URL}/etc/passwd",
        f"{STATIC_BASE_URL}css/..\\..\\x.css",
        f"{STATIC_BASE_URL}css/print.css%00.png",
        "sangkien-static://example.com/css/print.css",
        f"{STATIC_BASE_URL}js/app.js",
        f"{STATIC_BASE_URL}css/missing.css",
        f"{STATIC_BASE_URL}",
        "css/print.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(FetchRefusedError):
        StaticFilesFetcher()(url)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("css/print.css", "text/css"),
        ("fonts/Tinos-Regular.ttf", "font/ttf"),
        ("fonts/Tinos-BoldItalic.ttf", "font/ttf"),
        ("fonts/DejaVuSansFallback.ttf", "font/ttf"),
    ],
)
def test_the_fetcher_serves_the_print_stylesheet_and_fonts(path, content_type):
    response = StaticFilesFetcher()(STATIC_BASE_URL + path)
    try:
        body = response.read()
    finally:
        response.close()
    assert response.content_type == content_type
    assert body == rendering.assets.find_static(path).read_bytes()


def test_the_fetcher_serves_collected_files_from_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    (settings.STATIC_ROOT / "img").mkdir(parents=True)
    (settings.STATIC_ROOT / "img" / "logo.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.png").write_bytes(b"secret")
    response = StaticFilesFetcher()(STATIC_BASE_URL + "img/logo.png")
    assert response.read() == b"\x89PNG fake"
    response.close()
    with pytest.raises(FetchRefusedError):
        StaticFilesFetcher()(STATIC_BASE_URL + "../secret.png")


def test_a_refused_fetch_is_a_failed_fetch_not_a_fatal_one():
    """WeasyPrint stops rendering only on FatalURLFetchingError; ours is not one."""
    assert issubclass(FetchRefusedError, Exception)
    assert StaticFilesFetcher()._fail_on_errors is False


def test_the_base_fetcher_knows_no_files_and_refuses_everything():
    from documents.fetching import StaticFetcherBase

    fetcher = StaticFetcherBase()
    with pytest.raises(FetchRefusedError):
        fetcher(STATIC_BASE_URL + "css/print.css")
    assert fetcher.refused == [STATIC_BASE_URL + "css/print.css"]
