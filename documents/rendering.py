"""Turn document templates into PDF with WeasyPrint, fetching only static files.

User text reaches documents through template variables and is escaped there, so
it is printed as text. As a second wall, the renderer's URL fetcher serves the
project's own static files (the print stylesheet, its fonts, images) and refuses
everything else: no network, no other file, no data: URL. WeasyPrint logs a
refused resource and leaves it out; the document still renders.
"""

import posixpath
import threading
import unicodedata
import urllib.parse

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from documents import assets

# Documents refer to static files relative to this base ("css/print.css"), and
# the stylesheet to its fonts ("../fonts/Tinos-Regular.ttf"). The private scheme
# names nothing but static files.
STATIC_SCHEME = "sangkien-static"
STATIC_BASE_URL = f"{STATIC_SCHEME}:///"

# urljoin resolves relative references only for schemes it knows to be
# hierarchical; make ours one of them (idempotent, affects only this scheme).
for _registry in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
    if STATIC_SCHEME not in _registry:
        _registry.append(STATIC_SCHEME)

# What a document may load, by extension: stylesheets, fonts and images.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}


class FetchRefusedError(ValueError):
    """A document asked for something that is not one of our static files.

    WeasyPrint catches ordinary exceptions raised by a fetcher, logs the failed
    fetch and renders the document without that resource.
    """


def _refuse(reason: str, url: str) -> FetchRefusedError:
    return FetchRefusedError(f"{reason}: {url[:200]!r}")


def static_path_for(url: str) -> str:
    """Return the static path a renderer URL names, or raise FetchRefusedError.

    Accepted: the private scheme, no host, a path that stays inside the static
    folders and names a stylesheet, font or image.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise _refuse("Malformed URL refused", url) from None
    if parts.scheme.lower() != STATIC_SCHEME or parts.netloc:
        raise _refuse("Only the project's static files may be loaded", url)
    path = urllib.parse.unquote(parts.path)
    if "\x00" in path or "\\" in path or ".." in path.split("/"):
        raise _refuse("Path outside the static files refused", url)
    path = posixpath.normpath(path).lstrip("/")
    if path in ("", "."):
        raise _refuse("Not a static file", url)
    if posixpath.splitext(path)[1].lower() not in ALLOWED_TYPES:
        raise _refuse("Type of file not loaded in documents", url)
    return path


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the project's static files only.

    WeasyPrint 70 calls the fetcher with a URL and expects a URLFetcherResponse;
    any ordinary exception is a failed fetch that it logs and skips (this class
    keeps ``fail_on_errors`` off). The network handlers of the base class are
    never used: ``fetch`` and ``open`` are replaced.
    """

    def __init__(self):
        super().__init__(
            allowed_protocols=(STATIC_SCHEME,),
            allow_redirects=False,
            fail_on_errors=False,
        )

    def fetch(self, url, headers=None):
        path = static_path_for(url)
        found = assets.find_static(path)
        if found is None:
            raise _refuse("No such static file", url)
        content_type = ALLOWED_TYPES[posixpath.splitext(path)[1].lower()]
        return URLFetcherResponse(
            url, found.read_bytes(), headers={"Content-Type": content_type}
        )

    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))


def check_print_fonts() -> None:
    """Raise ImproperlyConfigured if a file of the shipped print font is missing."""
    missing = assets.missing_print_fonts()
    if missing:
        raise ImproperlyConfigured(
            f"The print font is missing ({', '.join(missing)} not found in the "
            "static files); documents would silently use a font of the host."
        )


def render_html(template_name: str, context: dict, *, draft: bool = False) -> str:
    """Render a document template to HTML text in Unicode normal form C."""
    with translation.override("vi"):
        html = render_to_string(template_name, {**context, "draft": draft})
    return unicodedata.normalize("NFC", html)


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
    ImproperlyConfigured if the print font is missing.
    """
    check_print_fonts()
    html = render_html(template_name, context, draft=draft)
    stylesheet, fonts = print_stylesheet()
    document = HTML(
        string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()
    )
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
