"""The Gold Book print (goldbook.printing.book_pdf), made in the request when it
is short and by the worker when it is long."""

from django.utils.translation import gettext as _

from goldbook import printing, selectors
from goldbook.models import GoldBook
from jobs import prints
from jobs.models import Job
from jobs.services import JobFile


def file_name(book: GoldBook, year: int | None) -> str:
    return f"so-vang-sang-kien-{book.unit.code}-{year or 'tat-ca'}.pdf"


def title(book: GoldBook, year: int | None) -> str:
    return _("Gold Book of %(unit)s, %(year)s") % {
        "unit": book.unit.name,
        "year": year or _("all years"),
    }


def estimated_pages(book: GoldBook, year: int | None) -> int:
    return prints.goldbook_pages(selectors.book_entries(book, year=year).count())


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
    with progress.counting_pages(estimated_pages(book, year)):
        return render(book, year)
