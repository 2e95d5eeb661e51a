"""The Gold Book print (goldbook.printing.book_pdf), made in the request when it
is short and by the worker when it is long (registered with jobs/ by the app)."""

import math

from django.utils.translation import gettext as _

from documents import time_limit
from goldbook import printing, selectors
from goldbook.models import GoldBook
from jobs.models import Job
from jobs.services import JobFile
from units import access
from units.models import Unit

# The print (A4, templates/documents/goldbook_print.html): the header and the
# first entries share page one; an entry of usual length takes about a seventh
# of a page (measured: 1,000 entries with long names fill 144 pages).
ENTRIES_PER_PAGE = 6


def pages_for(entries: int) -> int:
    """Estimate the pages of a print of this many entries (on the long side)."""
    return 1 + math.ceil(max(entries, 0) / ENTRIES_PER_PAGE)


def file_name(book: GoldBook, year: int | None) -> str:
    return f"so-vang-sang-kien-{book.unit.code}-{year or 'tat-ca'}.pdf"


def title(book: GoldBook, year: int | None) -> str:
    return _("Gold Book of %(unit)s, %(year)s") % {
        "unit": book.unit.name,
        "year": year or _("all years"),
    }


def estimated_pages(book: GoldBook, year: int | None) -> int:
    return pages_for(selectors.book_entries(book, year=year).count())


def arguments(book: GoldBook, year: int | None) -> dict:
    return {"unit": book.unit_id, "year": year}


def entries_to_print(book: GoldBook, year: int | None):
    """The entries of the print, with their annotations (two queries)."""
    return selectors.book_entries(book, year=year).prefetch_related("annotations")


def render(book: GoldBook, year: int | None, facts: dict | None = None) -> JobFile:
    """Print the book (of one year, or all) to PDF; `facts` receives the timings
    of a print in parts (perf/goldbook_print.py)."""
    entries = list(entries_to_print(book, year))
    return JobFile(
        file_name(book, year), printing.book_pdf(book, entries, year, facts=facts)
    )


def run(job: Job, progress) -> JobFile:
    """The print job: the pages WeasyPrint lays out are its progress."""
    book = GoldBook.objects.select_related("unit").get(unit_id=job.arguments["unit"])
    year = job.arguments.get("year")
    pages = estimated_pages(book, year)
    with progress.counting_pages(pages), time_limit.in_the_worker():
        return render(book, year)


def may_read(user, arguments: dict) -> bool:
    """Whether this person may still read a print of the book of this unit."""
    book = (
        GoldBook.objects.filter(unit__in=access.visible(user, Unit))
        .filter(unit_id=arguments.get("unit"))
        .select_related("unit")
        .first()
    )
    return book is not None and access.can(user, "view", book)
