"""Reads of the Gold Books: a unit's book, the roll-up of a subtree, totals, a
person's entries and the public honour roll."""

from django.db.models import Count, Q, QuerySet

from core.text import search_terms
from goldbook.models import GoldBook, GoldBookEntry
from initiatives.models import CouncilItem
from units import access
from units import counts as cached_counts
from units.models import Unit


def _unwritten() -> QuerySet[CouncilItem]:
    """Recognitions with their decision issued, not yet in a Gold Book."""
    return CouncilItem.objects.filter(
        status=CouncilItem.Status.RECOGNISED,
        decision__isnull=False,
        gold_book_entry__isnull=True,
    )


def proposals_for(unit: Unit) -> QuerySet[CouncilItem]:
    """The entries the application proposes for the unit's book."""
    return (
        _unwritten()
        .filter(council__unit=unit)
        .select_related("initiative", "council", "decision")
        .order_by("decided_on", "id")
    )


def waiting_for(user) -> QuerySet[CouncilItem]:
    """Proposed entries in the books the user keeps."""
    kept = access.units_for(user, "keep", GoldBook)
    return _unwritten().filter(council__unit__in=kept)


def latest_public(limit: int = 5) -> list[GoldBookEntry]:
    return list(public_entries({}).order_by("-recorded_on", "-id")[:limit])


def _entries() -> QuerySet[GoldBookEntry]:
    return GoldBookEntry.objects.select_related("book__unit", "decision").annotate(
        annotation_count=Count("annotations")
    )


def book_of(unit) -> GoldBook:
    """The unit's Gold Book, for reading: the stored one, or an empty one not
    saved when nothing was ever written in it (a book is opened when its first
    entry is written, goldbook.services.book_for; reading never writes)."""
    book = GoldBook.objects.filter(unit=unit).first() or GoldBook(unit=unit)
    book.unit = unit
    return book


def book_entries(book: GoldBook, *, year: int | None = None) -> QuerySet[GoldBookEntry]:
    if book.pk is None:
        return GoldBookEntry.objects.none()
    entries = _entries().filter(book=book)
    if year:
        entries = entries.filter(year=year)
    return entries.order_by("number")


def book_years(book: GoldBook) -> list[int]:
    if book.pk is None:
        return []
    return list(
        book.entries.order_by("-year").values_list("year", flat=True).distinct()
    )


def filter_entries(entries, filters: dict):
    if filters.get("unit"):
        if filters.get("direct"):
            entries = entries.filter(book__unit=filters["unit"])
        else:
            entries = entries.filter(book__unit__path__startswith=filters["unit"].path)
    if filters.get("status"):
        entries = entries.filter(status=filters["status"])
    if filters.get("year"):
        entries = entries.filter(year=filters["year"])
    if filters.get("field"):
        entries = entries.filter(field_name=filters["field"])
    if filters.get("scope"):
        entries = entries.filter(scope=filters["scope"])
    for term in search_terms(filters.get("q", "")):
        entries = entries.filter(search_text__contains=term)
    return entries


def rollup(unit: Unit, filters: dict) -> QuerySet[GoldBookEntry]:
    """Every entry in the books of the unit and the units below it."""
    entries = _entries().filter(book__unit__path__startswith=unit.path)
    return filter_entries(entries, filters).order_by("-recorded_on", "-id")


def totals(unit: Unit, filters: dict) -> dict:
    """Entries in force, counted by unit, by year and by field."""
    entries = filter_entries(
        GoldBookEntry.objects.filter(
            book__unit__path__startswith=unit.path, status=GoldBookEntry.Status.ACTIVE
        ),
        filters,
    ).order_by()
    by_year = list(entries.values("year").annotate(count=Count("id")).order_by("-year"))
    return {
        "by_unit": list(
            entries.values("book__unit_id", "book__unit__name")
            .annotate(count=Count("id"))
            .order_by("-count", "book__unit__name")
        ),
        "by_year": by_year,
        "by_field": list(
            entries.values("field_name").annotate(count=Count("id")).order_by("-count")
        ),
        # Every entry has a year: the total is the sum of the years' counts.
        "total": sum(row["count"] for row in by_year),
    }


def person_entries(user, person) -> QuerySet[GoldBookEntry]:
    """The entries naming the person as an author (evidence for salary rises,
    awards and nominations), as far as the viewer may see them."""
    return (
        access.visible(user, GoldBookEntry)
        .filter(initiative__authors__user=person)
        .select_related("book__unit", "decision")
        .distinct()
        .order_by("-recorded_on", "-id")
    )


def public_entries(filters: dict) -> QuerySet[GoldBookEntry]:
    """The honour roll: entries in force, public fields only."""
    entries = (
        GoldBookEntry.objects.filter(status=GoldBookEntry.Status.ACTIVE)
        .only(
            "id",
            "number",
            "recorded_on",
            "year",
            "title",
            "authors",
            "unit_name",
            "field_name",
            "scope",
            "public_summary",
            "book__unit__name",
            "book__unit__id",
        )
        .select_related("book__unit")
    )
    return filter_entries(entries, filters)


# The honour roll's filter choices are read from every entry in force: kept in
# the cache until an entry or a book is written (five minutes at most).
HONOUR_TOPIC = "honour"
HONOUR_TTL = 300


def honour_field_choices() -> list[str]:
    def read():
        return list(
            GoldBookEntry.objects.filter(status=GoldBookEntry.Status.ACTIVE)
            .exclude(field_name="")
            .order_by("field_name")
            .values_list("field_name", flat=True)
            .distinct()
        )

    return cached_counts.cached(HONOUR_TOPIC, "fields", read, HONOUR_TTL)


def honour_units() -> QuerySet[Unit]:
    """Units whose books have entries in force, for the honour roll's filter."""

    def read():
        return list(
            Unit.objects.filter(
                Q(gold_book__entries__status=GoldBookEntry.Status.ACTIVE)
            )
            .values_list("pk", flat=True)
            .distinct()
        )

    ids = cached_counts.cached(HONOUR_TOPIC, "units", read, HONOUR_TTL)
    return Unit.objects.filter(pk__in=ids).order_by("path")
