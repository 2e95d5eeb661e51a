"""The initiatives part of the home page: the person's requests with their
results and what is asked of them, what they have to score, the sessions they
sit in, what waits for their intake, the items running late, and the ideas
waiting for the support team."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.council_selectors import OPEN
from initiatives.models import (
    DECISION_MONTHS,
    Author,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Idea,
    Initiative,
    Registration,
    ReviewAssignment,
    ScoreSheet,
    Session,
    Status,
    add_months,
)
from units import access
from units.models import Role

LIMIT = 10

# What a request's state asks of its authors.
NEXT_STEP = {
    Status.DRAFT: _("Complete the form and submit it."),
    Status.RETURNED: _("Returned for revision: open it to see what to change."),
    Status.SUBMITTED: _("Waiting for the recognising body to take it in."),
    Status.ACCEPTED: _("Accepted: the council will score it."),
    Status.UNDER_REVIEW: _("The council is reviewing it."),
    Status.DEFERRED: _("Deferred: the council will take it up again."),
}


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
    today = timezone.localdate()
    # Sessions to vote in (open) and to attend (planned), in one query.
    sessions = list(
        Session.objects.filter(
            Q(status=Session.Status.OPEN)
            | Q(status=Session.Status.PLANNED, held_on__gte=today),
            council__members__user=user,
        )
        .select_related("council")
        .order_by("held_on", "id")[: 2 * LIMIT]
    )
    open_sessions = [s for s in sessions if s.status == Session.Status.OPEN][:LIMIT]
    planned_sessions = [s for s in sessions if s.status == Session.Status.PLANNED][
        :LIMIT
    ]
    secretary_of = seats.filter(role=CouncilRole.SECRETARY)
    waiting = Initiative.objects.filter(
        status=Status.SUBMITTED,
        recognizing_unit__in=secretary_of.values("council__unit"),
    ).count()
    # Past the three months the law gives the recognising body to decide.
    overdue = (
        CouncilItem.objects.filter(
            council__in=secretary_of.values("council"),
            status__in=OPEN,
            accepted_on__lt=add_months(today, -DECISION_MONTHS),
        )
        .select_related("initiative", "council")
        .order_by("accepted_on", "id")[:LIMIT]
    )
    unfiled = Registration.objects.filter(
        registrant=user, initiative__isnull=True, withdrawn_at__isnull=True
    ).order_by("expected_completion", "id")[:LIMIT]
    ideas_waiting = Idea.objects.filter(
        access.unit_q(user, {Role.SUPPORT_TEAM}, prefix="unit__"),
        status=Idea.Status.OPEN,
    ).exclude(author=user)
    requests = list(my_requests)
    for initiative in requests:
        initiative.next_step = NEXT_STEP.get(initiative.status, "")
    from initiatives.selectors import member_units_for

    return {
        "can_file": member_units_for(user).exists(),
        "my_requests": requests,
        "to_score": to_score,
        "open_sessions": open_sessions,
        "planned_sessions": planned_sessions,
        "intake_waiting": waiting,
        "overdue_items": overdue,
        "unfiled_registrations": unfiled,
        "ideas_waiting": ideas_waiting.count()
        if access.grants_for(user).roles & {Role.SUPPORT_TEAM}
        else 0,
    }
