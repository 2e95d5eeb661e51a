"""Turn document templates into PDF with WeasyPrint, fetching only static files.

User text reaches documents through template variables and is escaped there, so
it is printed as text. As a second wall, the renderer's URL fetcher serves the
project's own static files (the print stylesheet, its fonts, images) and refuses
everything else: no network, no other file, no data: URL. WeasyPrint logs a
refused resource and leaves it out; the document still renders.

Every token of the text longer than 40 characters gets places to break
(documents.breaking) before layout, and a print has a time limit
(documents.time_limit): no text can keep the renderer busy for long.
"""

import contextlib
import threading
import unicodedata

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from documents import assets, time_limit
from documents.breaking import break_long_tokens

# The rules on what a document may load live apart from Django, for the child
# processes of documents.parallel; they are the renderer's names too.
from documents.fetching import (  # noqa: F401
    ALLOWED_TYPES,
    STATIC_BASE_URL,
    STATIC_SCHEME,
    FetchRefusedError,
    StaticFetcherBase,
    static_path_for,
)


class StaticFilesFetcher(StaticFetcherBase):
    """The renderer's URL fetcher: the project's static files, where the static
    files finders find them (documents.fetching has the rules)."""

    def find(self, path):
        return assets.find_static(path)


def check_print_fonts() -> None:
    """Raise ImproperlyConfigured if a file of the shipped print font is missing."""
    missing = assets.missing_print_fonts()
    if missing:
        raise ImproperlyConfigured(
            f"The print font is missing ({', '.join(missing)} not found in the "
            "static files); documents would silently use a font of the host."
        )


def render_html(template_name: str, context: dict, *, draft: bool = False) -> str:
    """Render a document template to HTML text in Unicode normal form C, with
    places to break in its long tokens (documents.breaking)."""
    with translation.override("vi"):
        html = render_to_string(template_name, {**context, "draft": draft})
    return break_long_tokens(unicodedata.normalize("NFC", html))


# Every document uses the print stylesheet (assets.PRINT_STYLESHEET). Parsing it
# and loading its fonts costs more than laying out a one-page document, so each
# thread keeps them once parsed (WeasyPrint's objects are not shared between
# threads), and parses again when the file changes.
_parsed = threading.local()


def print_stylesheet() -> tuple[CSS, FontConfiguration]:
    """The parsed print stylesheet and the font configuration holding its fonts."""
    path = assets.find_static(assets.PRINT_STYLESHEET)
    if path is None:
        raise ImproperlyConfigured(
            f"The print stylesheet {assets.PRINT_STYLESHEET} is missing from the "
            "static files."
        )
    stamp = (str(path), path.stat().st_mtime_ns)
    kept = getattr(_parsed, "style", None)
    if kept is None or kept[0] != stamp:
        fonts = FontConfiguration()
        stylesheet = CSS(
            url=STATIC_BASE_URL + assets.PRINT_STYLESHEET,
            url_fetcher=StaticFilesFetcher(),
            font_config=fonts,
        )
        kept = (stamp, stylesheet, fonts)
        _parsed.style = kept
    return kept[1], kept[2]


def forget_print_stylesheet() -> None:
    """Parse the print stylesheet again at the next render (tests)."""
    _parsed.__dict__.pop("style", None)


def render_pdf(template_name: str, context: dict, *, draft: bool = False) -> bytes:
    """Render a document template to PDF bytes, with the print stylesheet.

    The context gets ``draft``; a draft carries "DỰ THẢO" on every page. Raises
    ImproperlyConfigured if the print font is missing, and PrintTimeLimitError
    when the print is not done within its time limit (documents.time_limit).
    """
    check_print_fonts()
    with stopped_past_the_limit():
        html = render_html(template_name, context, draft=draft)
        stylesheet, fonts = print_stylesheet()
        document = HTML(
            string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()
        )
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


@contextlib.contextmanager
def stopped_past_the_limit():
    """Run a print within its time limit (time_limit.enforced); after a stopped
    print the stylesheet and its fonts are parsed again."""
    try:
        with time_limit.enforced():
            yield
    except time_limit.PrintTimeLimitError:
        forget_print_stylesheet()
        raise
