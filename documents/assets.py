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
# with Times New Roman, full Vietnamese coverage, SIL OFL 1.1. Documents must not
# depend on the fonts of the host, so a missing file is a configuration error.
PRINT_FONT_FAMILY = "Tinos"
PRINT_FONT_FILES = (
    "fonts/Tinos-Regular.ttf",
    "fonts/Tinos-Bold.ttf",
    "fonts/Tinos-Italic.ttf",
    "fonts/Tinos-BoldItalic.ttf",
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
