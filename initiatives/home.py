"""The initiatives part of the home page: the person's requests with their
results and what is asked of them, what they have to score, the sessions they
sit in, what waits for their intake, the items running late, and the ideas
waiting for the support team."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.lifecycle import council_item
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


def for_user(user, to_count: dict) -> dict:
    """The context for the home page; totals to show are added to `to_count`
    (name → queryset), which the page counts in one query."""
    # Filed or co-authored: a union of two indexed lookups (an OR of the two
    # would read every request).
    mine = (
        Initiative.objects.filter(created_by=user)
        .order_by()
        .values("pk")
        .union(Author.objects.filter(user=user).order_by().values("initiative_id"))
    )
    my_requests = (
        Initiative.objects.filter(pk__in=mine)
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
    seats = list(CouncilMember.objects.filter(user=user).select_related("council"))
    # By the person's seats themselves: the planner then knows how many
    # assignments each seat has (a busy secretary has hundreds).
    to_score = (
        ReviewAssignment.objects.filter(
            member__in=seats,
            item__status__in=council_item.OPEN,
        )
        .exclude(Exists(submitted))
        .select_related("item__initiative", "item__council")
        .order_by("due_on")[:LIMIT]
        if seats
        else ReviewAssignment.objects.none()
    )
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
    # The councils where the person holds the secretary's seat: a fact of their
    # own seats, like what they have to score, not a question of rights (the
    # policy's "intake" rule also admits the unit's staff; this panel is the
    # secretary's own work).
    secretary_of = [
        seat.council for seat in seats if seat.role == CouncilRole.SECRETARY
    ]
    overdue = CouncilItem.objects.none()
    intake_requests = Initiative.objects.none()
    if secretary_of:
        waiting = Initiative.objects.filter(
            status=Status.SUBMITTED,
            recognizing_unit__in={council.unit_id for council in secretary_of},
        )
        to_count["intake_waiting"] = waiting
        # The secretary opens the request itself to take it in.
        intake_requests = waiting.order_by("submitted_at", "id")[:LIMIT]
        # Past the three months the law gives the recognising body to decide.
        overdue = (
            CouncilItem.objects.filter(
                council__in=secretary_of,
                status__in=council_item.OPEN,
                accepted_on__lt=add_months(today, -DECISION_MONTHS),
            )
            .select_related("initiative", "council")
            .order_by("accepted_on", "id")[:LIMIT]
        )
    unfiled = Registration.objects.filter(
        registrant=user, initiative__isnull=True, withdrawn_at__isnull=True
    ).order_by("expected_completion", "id")[:LIMIT]
    # Ideas of the units where the person sits on the support team; counted only
    # when they hold that role themselves (a superuser without it is not asked).
    if access.units_for(user, "support", Idea, own=True).exists():
        to_count["ideas_waiting"] = access.objects_for(
            user, "support", Idea.objects.filter(status=Idea.Status.OPEN)
        ).exclude(author=user)
    requests = list(my_requests)
    for initiative in requests:
        initiative.next_step = NEXT_STEP.get(initiative.status, "")
    # Filing from some unit (initiatives.selectors.requests.member_units_for).
    can_file = access.can(user, "create", Initiative)
    return {
        "can_file": can_file,
        "my_requests": requests,
        "to_score": to_score,
        "open_sessions": open_sessions,
        "planned_sessions": planned_sessions,
        "overdue_items": overdue,
        "intake_requests": intake_requests,
        "unfiled_registrations": unfiled,
    }
