"""Reads of the council's work for its pages. Secrecy lives here too: score sheets
and votes are read only through functions the views call once the rules allow."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument
from initiatives.lifecycle import council_item
from initiatives.lifecycle import session as session_lifecycle
from initiatives.models import (
    Author,
    Council,
    CouncilItem,
    Initiative,
    Outcome,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
    Status,
)
from initiatives.services.sessions import series
from units.spreadsheets import workbook_bytes


def items_with_progress(council: Council):
    """The council's items with their scoring progress: sheets in, reviewers asked."""
    return (
        council.items.exclude(status=CouncilItem.Status.PROPOSED)
        .select_related("initiative", "escalated_from__council__unit")
        .annotate(
            reviewer_count=Count("reviews", distinct=True),
            sheets_in=Count(
                "score_sheets",
                filter=Q(score_sheets__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("accepted_on", "id")
    )


def intake_queue(council: Council):
    """Requests submitted to the council's unit and waiting for intake."""
    return (
        Initiative.objects.filter(
            recognizing_unit=council.unit, status=Status.SUBMITTED
        )
        .select_related("unit")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("order"))
        )
        .order_by("submitted_at", "id")
    )


@dataclass
class ReviewRow:
    review: ReviewAssignment
    submitted: bool
    late: bool


def review_progress(item: CouncilItem, *, submitted: set[int] | None = None) -> dict:
    """Who has finished scoring (x of y) and who is late — without the scores."""
    if submitted is None:
        submitted = set(
            item.score_sheets.exclude(submitted_at=None).values_list(
                "member_id", flat=True
            )
        )
    today = timezone.localdate()
    rows = [
        ReviewRow(
            r,
            r.member_id in submitted,
            r.member_id not in submitted and r.due_on < today,
        )
        for r in item.reviews.select_related("member__user").order_by("id")
    ]
    return {
        "rows": rows,
        "done": sum(1 for row in rows if row.submitted),
        "total": len(rows),
        "late": [row for row in rows if row.late],
    }


def all_sheets_of(item: CouncilItem):
    """Every sheet of an item, drafts included, with scores. For the views to
    filter by the rules: never hand this to a template as it is."""
    return (
        item.score_sheets.select_related("member__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__order", "criterion_id"
                ),
            )
        )
        .order_by("member_id")
    )


def sheets_of(item: CouncilItem):
    """All submitted sheets of an item with their scores (only once revealed)."""
    return (
        item.score_sheets.exclude(submitted_at=None)
        .select_related("member__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__order", "criterion_id"
                ),
            )
        )
        .order_by("member_id")
    )


def item_documents(item: CouncilItem):
    """Documents about the request issued by this council's unit."""
    return (
        IssuedDocument.objects.filter(
            Q(
                content_type=ContentType.objects.get_for_model(Initiative),
                object_id=item.initiative_id,
                series__unit=item.council.unit,
            )
            | Q(pk=item.decision_id)
        )
        .select_related("series")
        .order_by("issued_at", "id")
    )


def reviews_for(user):
    """The items the user is asked to score, with their own sheet state."""
    return (
        ReviewAssignment.objects.filter(
            member__user=user, item__status__in=council_item.OPEN
        )
        .select_related("item__initiative", "item__council")
        .prefetch_related(
            Prefetch(
                "member__score_sheets",
                queryset=ScoreSheet.objects.only(
                    "id", "item_id", "member_id", "submitted_at"
                ),
            )
        )
        .order_by("due_on", "id")
    )


def overdue_items(council: Council):
    today = timezone.localdate()
    return [
        item
        for item in council.items.filter(status__in=council_item.OPEN).select_related(
            "initiative"
        )
        if item.due_on and item.due_on < today
    ]


def open_items_for_agenda(council: Council):
    busy = Session.objects.filter(
        council=council, status__in=session_lifecycle.CHANGEABLE
    ).values("agenda__item_id")
    return (
        council.items.filter(status__in=council_item.OPEN)
        .exclude(pk__in=busy)
        .select_related("initiative")
        .order_by("accepted_on", "id")
    )


REGISTER_HEADERS = [
    "STT",
    "Ngày nộp",
    "Tên sáng kiến",
    "Tác giả",
    "Đơn vị",
    "Tình trạng tiếp nhận",
    "Ngày tiếp nhận",
    "Hạn quyết định",
    "Kết quả",
]


def intake_register_xlsx(council: Council) -> bytes:
    """The intake register (sổ tiếp nhận đơn): every request the council's unit
    received in the council's year, with what became of it."""
    requests = (
        Initiative.objects.filter(
            recognizing_unit=council.unit,
            submitted_at__year=council.year,
        )
        .select_related("unit")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("order")),
            Prefetch(
                "council_items",
                queryset=CouncilItem.objects.filter(council=council),
                to_attr="here",
            ),
        )
        .order_by("submitted_at", "id")
    )

    def rows():
        for number, initiative in enumerate(requests, start=1):
            item = initiative.here[0] if initiative.here else None
            yield [
                number,
                timezone.localtime(initiative.submitted_at).strftime("%d/%m/%Y"),
                initiative.title,
                "; ".join(a.full_name for a in initiative.authors.all()),
                initiative.unit.name,
                initiative.get_status_display(),
                item.accepted_on.strftime("%d/%m/%Y")
                if item and item.accepted_on
                else "",
                item.due_on.strftime("%d/%m/%Y") if item and item.due_on else "",
                item.get_status_display() if item else "",
            ]

    from django.utils import translation

    with translation.override("vi"):
        return workbook_bytes(
            "So tiep nhan don",
            REGISTER_HEADERS,
            rows(),
            [6, 12, 60, 40, 40, 24, 14, 14, 22],
        )


@dataclass
class SessionDocuments:
    """What a closed session has issued, and whether anything it should issue is
    still missing (a failure half-way leaves the rest for the secretary to issue)."""

    documents: list
    missing: bool


def session_documents(session: Session, agenda: list) -> SessionDocuments:
    """Every document the session issued: its minutes and decision, the excerpt of
    each item, the certificates and refusal notices of its requests. `agenda` is
    the session's agenda items with their `item` loaded."""
    if session.status != Session.Status.CLOSED:
        return SessionDocuments(documents=[], missing=False)
    council = session.council
    initiative_ids = [a.item.initiative_id for a in agenda]
    documents = list(
        IssuedDocument.objects.filter(
            Q(
                content_type=ContentType.objects.get_for_model(Session),
                object_id=session.pk,
            )
            | Q(pk__in=[a.excerpt_id for a in agenda if a.excerpt_id])
            | Q(pk__in=[a.item.decision_id for a in agenda if a.item.decision_id])
            | Q(
                content_type=ContentType.objects.get_for_model(Initiative),
                object_id__in=initiative_ids,
                series__unit=council.unit,
                series__code__in=[series(council, "GCN"), series(council, "TB")],
                kind__in=[DocumentKind.CERTIFICATE, DocumentKind.NOTICE],
            )
        )
        .select_related("series")
        .order_by("issued_at", "id")
    )
    noticed = {d.object_id for d in documents if d.kind == DocumentKind.NOTICE}
    missing = (
        session.minutes_id is None
        or any(a.excerpt_id is None for a in agenda)
        or any(
            a.outcome == Outcome.RECOGNISED and a.item.decision_id is None
            for a in agenda
        )
        or any(
            a.outcome == Outcome.NOT_RECOGNISED and a.item.initiative_id not in noticed
            for a in agenda
        )
    )
    return SessionDocuments(documents=documents, missing=missing)
