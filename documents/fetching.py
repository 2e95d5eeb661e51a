"""Which URLs a document may load, without Django.

The renderer (documents.rendering) and the child processes that lay out parts of
a long document (documents.chunk_worker) share these rules: a document loads only
the project's static files, named through a private scheme. The child processes
do not start Django, so the rules live here, apart from the settings and the
static files finders; the parent resolves the files and hands over their map.
"""

import posixpath
import urllib.parse
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def allowed_type(path: str) -> bool:
    """Say whether a static path names a kind of file documents may load."""
    return posixpath.splitext(path)[1].lower() in ALLOWED_TYPES


class StaticFetcherBase(URLFetcher):
    """A WeasyPrint URL fetcher that serves the project's static files only.

    WeasyPrint 70 calls the fetcher with a URL and expects a URLFetcherResponse;
    any ordinary exception is a failed fetch that it logs and skips (this class
    keeps ``fail_on_errors`` off). The network handlers of the base class are
    never used: ``fetch`` and ``open`` are replaced. Subclasses say where a
    static path's file is (``find``). Every refused URL is kept in ``refused``.
    """

    def __init__(self):
        super().__init__(
            allowed_protocols=(STATIC_SCHEME,),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self.refused: list[str] = []

    def find(self, path: str) -> Path | None:
        """Return the file of a checked static path, or None. This base class
        knows no files, so it refuses every URL: subclasses say where files are."""
        return None

    def fetch(self, url, headers=None):
        try:
            path = static_path_for(url)
            found = self.find(path)
            if found is None:
                raise _refuse("No such static file", url)
        except FetchRefusedError:
            self.refused.append(str(url)[:200])
            raise
        content_type = ALLOWED_TYPES[posixpath.splitext(path)[1].lower()]
        return URLFetcherResponse(
            url, found.read_bytes(), headers={"Content-Type": content_type}
        )

    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))


class MappedStaticFetcher(StaticFetcherBase):
    """The static files fetcher of a process without Django: it serves only the
    files of a map {static path: file} made by the parent, after the same checks
    of the URL as in the parent."""

    def __init__(self, files: dict[str, str]):
        super().__init__()
        self.files = files

    def find(self, path: str) -> Path | None:
        found = self.files.get(path)
        if found is None or not allowed_type(path):
            return None
        found = Path(found)
        return found if found.is_file() else None
