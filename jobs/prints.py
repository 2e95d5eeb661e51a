"""Which prints go to the background worker.

A print estimated at more than JOBS_PRINT_PAGE_LIMIT pages (200) is made by the
worker; a shorter one is made in the request. Each app estimates the pages of
its own prints (goldbook.print_job, awards.print_job); the estimates err on the
long side and count rows, not text: they only choose where a print is made.
"""

from django.conf import settings


def in_background(pages: int) -> bool:
    """Say whether a print of this many pages goes to the worker."""
    return pages > settings.JOBS_PRINT_PAGE_LIMIT
