"""The static files documents may use, and where to find them.

Kept apart from the renderer so that the system check can look for the print
font without importing WeasyPrint.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

# The print font shipped with the project (static paths): Tinos, metric-compatible
# with Times New Roman, full Vietnamese coverage, SIL OFL 1.1, and its fallback
# for other characters. Documents must not depend on the fonts of the host, so a
# missing file is a configuration error.
PRINT_FONT_FAMILY = "Tinos"
PRINT_FONT_FILES = (
    "fonts/Tinos-Regular.ttf",
    "fonts/Tinos-Bold.ttf",
    "fonts/Tinos-Italic.ttf",
    "fonts/Tinos-BoldItalic.ttf",
    # What Tinos cannot draw (☎, ✓, ①...) prints with this subset of DejaVu Sans.
    "fonts/DejaVuSansFallback.ttf",
)
PRINT_STYLESHEET = "css/print.css"


def find_static(path: str) -> Path | None:
    """Return the file of a static path ("css/print.css"), or None.

    Looks where the static files finders look (the project's static folders and
    the apps'), then in STATIC_ROOT (collected files, as served in production).
    """
    try:
        found = finders.find(path)
    except SuspiciousFileOperation:
        return None
    if found and Path(found).is_file():
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, path))
        except SuspiciousFileOperation:
            return None
        if collected.is_file():
            return collected
    return None


def missing_print_fonts() -> list[str]:
    """Return the shipped print font files that cannot be found."""
    return [path for path in PRINT_FONT_FILES if find_static(path) is None]


def static_file_map(allowed) -> dict[str, str]:
    """Every static file a document may load, {static path: file}, as
    find_static would find it: the finders in order, then STATIC_ROOT.

    For processes that lay out documents without Django (documents.parallel);
    ``allowed(path)`` says which kinds of file to keep.
    """
    files: dict[str, str] = {}
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None)
            name = f"{prefix}/{path}" if prefix else path
            name = name.replace("\\", "/")
            if name not in files and allowed(name):
                files[name] = storage.path(path)
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    if root is not None and root.is_dir():
        for found in root.rglob("*"):
            name = found.relative_to(root).as_posix()
            if name not in files and found.is_file() and allowed(name):
                files[name] = str(found)
    return files
