"""The initiatives part of the home page: the person's requests with their
results, what they have to score or vote on, and what waits for their intake."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from initiatives.models import (
    Author,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Initiative,
    ReviewAssignment,
    ScoreSheet,
    Session,
    Status,
)

LIMIT = 10


def for_user(user) -> dict:
    authored = Exists(Author.objects.filter(initiative=OuterRef("pk"), user=user))
    my_requests = (
        Initiative.objects.filter(Q(created_by=user) | authored)
        .exclude(status=Status.WITHDRAWN)
        .prefetch_related(
            Prefetch(
                "council_items",
                queryset=CouncilItem.objects.select_related("council").order_by("id"),
            )
        )
        .order_by("-updated_at")[:LIMIT]
    )
    submitted = ScoreSheet.objects.filter(
        item=OuterRef("item"), member=OuterRef("member"), submitted_at__isnull=False
    )
    to_score = (
        ReviewAssignment.objects.filter(
            member__user=user, item__status__in=["accepted", "under_review", "deferred"]
        )
        .exclude(Exists(submitted))
        .select_related("item__initiative", "item__council")
        .order_by("due_on")[:LIMIT]
    )
    seats = CouncilMember.objects.filter(user=user)
    open_sessions = (
        Session.objects.filter(status=Session.Status.OPEN, council__members__user=user)
        .select_related("council")
        .order_by("held_on")[:LIMIT]
    )
    secretary_of = seats.filter(role=CouncilRole.SECRETARY).values("council__unit")
    waiting = Initiative.objects.filter(
        status=Status.SUBMITTED, recognizing_unit__in=secretary_of
    ).count()
    return {
        "my_requests": my_requests,
        "to_score": to_score,
        "open_sessions": open_sessions,
        "intake_waiting": waiting,
    }
