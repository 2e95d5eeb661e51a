"""Reads of registrations, ideas and requests that depend on who is asking."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.text import search_terms
from documents.models import IssuedDocument
from initiatives.models import Author, Idea, IdeaComment, Initiative, Registration
from initiatives.stages import OTHER_FIELD, stage_q
from units import access
from units import counts as cached_counts
from units.models import Role, Unit


def filter_units_for_user(user) -> QuerySet[Unit]:
    """Units offered in the list filters: those the user can see."""
    return access.visible(user, Unit).order_by("path")


def subtree_q(unit: Unit, direct: bool = False, prefix: str = "unit__") -> Q:
    """Filter on a unit and the units below it, or on the unit alone."""
    if direct:
        return Q(**{prefix.rstrip("_"): unit})
    return Q(**{f"{prefix}path__startswith": unit.path})


def field_q(value) -> Q:
    """Filter on a field of application: a Field, its id, or OTHER_FIELD for
    the requests whose field was typed in."""
    if value == OTHER_FIELD:
        return Q(field__isnull=True)
    return Q(field=value)


def initiative_list_for_user(user, filters: dict) -> QuerySet[Initiative]:
    """Return the requests the user may see, filtered; confidential text is never
    searched."""
    requests = access.visible(user, Initiative)
    if filters.get("year"):
        requests = requests.filter(year=filters["year"])
    if filters.get("unit"):
        unit, direct = filters["unit"], filters.get("direct")
        requests = requests.filter(
            Q(unit=unit) if direct else Q(unit_path__startswith=unit.path)
        )
    for name in ("status", "kind", "level"):
        if filters.get(name):
            requests = requests.filter(**{name: filters[name]})
    if filters.get("field"):
        requests = requests.filter(field_q(filters["field"]))
    if filters.get("stage"):
        requests = requests.filter(stage_q(filters["stage"]))
    if filters.get("mine"):
        mine = Exists(Author.objects.filter(initiative=OuterRef("pk"), user=user))
        requests = requests.filter(Q(created_by=user) | mine)
    for term in search_terms(filters.get("q", "")):
        requests = requests.filter(search_text__contains=term)
    return requests.select_related(
        "unit", "recognizing_unit", "field"
    ).prefetch_related(
        Prefetch("authors", queryset=Author.objects.order_by("order", "id"))
    )


# Counting the requests a province's staff may see is the dearest query of the
# list at scale; the total is cached per reader and filters until a request is
# written, a minute at most (a new role shows in the total within that minute).
TOTAL_TOPIC = "requests"
TOTAL_TTL = 60


def initiative_total(user, filters: dict, requests: QuerySet[Initiative]) -> int:
    """requests.count(), cached for this reader and these filters."""
    described = [str(user.pk)] + [
        f"{name}={getattr(filters[name], 'pk', filters[name])!s}"
        for name in sorted(filters)
    ]
    key = hashlib.sha256("\x1f".join(described).encode()).hexdigest()
    return cached_counts.cached(TOTAL_TOPIC, key, requests.count, TOTAL_TTL)


def initiative_for_page(user, pk) -> Initiative:
    """Fetch one request with what its page shows (404 outside the user's scope)."""
    return access.get_for_user(
        user,
        Initiative.objects.select_related(
            "unit", "recognizing_unit", "field", "created_by"
        ).prefetch_related(
            Prefetch("authors", queryset=Author.objects.select_related("user")),
            "attachments",
        ),
        "view",
        pk=pk,
    )


def registration_list_for_user(user, filters: dict) -> QuerySet[Registration]:
    registrations = access.visible(user, Registration)
    if filters.get("year"):
        registrations = registrations.filter(year=filters["year"])
    if filters.get("unit"):
        registrations = registrations.filter(
            subtree_q(filters["unit"], filters.get("direct"))
        )
    if filters.get("state") == "active":
        registrations = registrations.filter(withdrawn_at__isnull=True)
    elif filters.get("state") == "withdrawn":
        registrations = registrations.filter(withdrawn_at__isnull=False)
    for term in search_terms(filters.get("q", "")):
        registrations = registrations.filter(search_text__contains=term)
    return registrations.select_related("unit", "registrant", "field", "initiative")


def idea_list_for_user(user, *, status=None, query="") -> QuerySet[Idea]:
    ideas = access.visible(user, Idea)
    if status:
        ideas = ideas.filter(status=status)
    for term in search_terms(query):
        ideas = ideas.filter(search_text__contains=term)
    return ideas.select_related("unit", "author", "initiative")


def idea_comments(idea: Idea) -> QuerySet[IdeaComment]:
    return idea.comments.select_related("author")


def member_units_for(user) -> QuerySet[Unit]:
    """The active units where the user holds a role: where they may file or post."""
    return access.units_for(user, "create", Initiative).order_by("path")


def recognising_units_for(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The given units and every unit above them: the bodies that may be asked."""
    paths = set()
    for unit in units:
        paths |= set(unit.ancestor_paths(include_self=True))
    return Unit.objects.filter(path__in=paths).active().order_by("path")


def home_union_for(user) -> Unit | None:
    """The union the user is a member of (their default for filing), if any."""
    membership = (
        user.memberships.filter(ended_on__isnull=True, role=Role.MEMBER)
        .select_related("unit")
        .first()
    )
    return membership.unit if membership else None


def documents_of(user, initiative: Initiative):
    """The documents issued about this request: receipts, excerpts, certificates,
    refusal notices, and the decisions that recognised it."""
    # A union of two indexed lookups (an OR of the two reads every document).
    about = (
        IssuedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(Initiative),
            object_id=initiative.pk,
        )
        .order_by()
        .values("pk")
    )
    decisions = initiative.council_items.filter(decision__isnull=False).order_by()
    return (
        IssuedDocument.objects.filter(
            pk__in=about.union(decisions.values("decision_id"))
        )
        .select_related("series")
        .order_by("issued_at", "id")
    )


def council_items_of(initiative: Initiative, user=None):
    """The councils that have the request, lowest level first: every level that
    recognised it is its scope of influence. With a user, each item says whether
    they may open the council's page for it (`can_open`)."""
    items = initiative.council_items.select_related("council__unit").order_by(
        "-council__unit__depth", "id"
    )
    if user is not None:
        from initiatives.models import CouncilItem

        openable = access.visible(user, CouncilItem).filter(pk=OuterRef("pk"))
        items = items.annotate(can_open=Exists(openable))
    return items
