"""Which prints go to the background worker: estimates of their pages.

A print estimated at more than JOBS_PRINT_PAGE_LIMIT pages (200) is made by the
worker; a shorter one is made in the request, as before. The estimates err on
the long side and count rows, not text: they only choose where a print is made.
"""

import math

from django.conf import settings

# Gold Book print (A4, templates/documents/goldbook_print.html): the header and
# the first entries share page one; an entry of usual length takes about a
# seventh of a page (measured: 1,000 entries with long names fill 144 pages).
GOLDBOOK_ENTRIES_PER_PAGE = 6

# Award dossier bundle (awards.dossier.bundle): the table of contents, the Tờ
# trình (a page, then its table of nominees), the excerpt of the minutes, then per
# nominee a summary report, and the recognition decisions and movement records
# (PDF) behind the nominees.
DOSSIER_FIXED_PAGES = 3
DOSSIER_NOMINEES_PER_TABLE_PAGE = 15
DOSSIER_PAGES_PER_SUMMARY = 2
DOSSIER_PAGES_PER_DECISION = 2
DOSSIER_PAGES_PER_RECORD = 2


def goldbook_pages(entries: int) -> int:
    """Estimate the pages of a Gold Book print of this many entries."""
    return 1 + math.ceil(max(entries, 0) / GOLDBOOK_ENTRIES_PER_PAGE)


def dossier_pages(nominees: int, decisions: int = 0, records: int = 0) -> int:
    """Estimate the pages of an award dossier bundle."""
    return (
        DOSSIER_FIXED_PAGES
        + math.ceil(max(nominees, 0) / DOSSIER_NOMINEES_PER_TABLE_PAGE)
        + DOSSIER_PAGES_PER_SUMMARY * max(nominees, 0)
        + DOSSIER_PAGES_PER_DECISION * max(decisions, 0)
        + DOSSIER_PAGES_PER_RECORD * max(records, 0)
    )


def in_background(pages: int) -> bool:
    """Say whether a print of this many pages goes to the worker."""
    return pages > settings.JOBS_PRINT_PAGE_LIMIT
