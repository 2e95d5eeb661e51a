"""The award candidate's lifecycle.

    candidate ──nominate──▶ nominated ──selection meeting──▶ selected
        ▲                      │                        └──▶ not selected
        └────── withdraw ──────┘

A candidate is considered in an open round; nominated for an award form on
offer (within its quota); then selected or not by the selecting body's vote.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from awards.models import Candidate

Status = Candidate.Status

# Considered, not proposed for an award: may be nominated, ticked, removed.
CONSIDERED = frozenset({Status.CANDIDATE})
# Proposed for an award form, waiting for the selection meeting.
NOMINATED = frozenset({Status.NOMINATED})
# Holding a place in the quota of the award form proposed.
TAKES_QUOTA = frozenset({Status.NOMINATED, Status.SELECTED})
# Chosen by the selecting body: the nominees of the round's dossier.
SELECTED = frozenset({Status.SELECTED})
# Voted on at the selection meeting, either way.
DECIDED = frozenset({Status.SELECTED, Status.NOT_SELECTED})

MOVES = {
    Status.CANDIDATE: frozenset({Status.NOMINATED}),
    Status.NOMINATED: frozenset(
        {Status.CANDIDATE, Status.SELECTED, Status.NOT_SELECTED}
    ),
    Status.SELECTED: frozenset(),
    Status.NOT_SELECTED: frozenset(),
}

# Why a move to the state is refused.
REFUSALS = {
    Status.NOMINATED: _("Withdraw the nomination before proposing another."),
    Status.CANDIDATE: _("This candidate is not nominated."),
    Status.SELECTED: _("This candidate is not nominated."),
    Status.NOT_SELECTED: _("This candidate is not nominated."),
}


def may_move(status: str, to: str) -> bool:
    return to in MOVES.get(status, frozenset())


def refusal(status: str, to: str) -> str | None:
    """Why a candidate in `status` cannot move to `to` (None if it can)."""
    return None if may_move(status, to) else str(REFUSALS[to])


def check(candidate: Candidate, to: str) -> None:
    problem = refusal(candidate.status, to)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def move(candidate: Candidate, to: str, **changes) -> Candidate:
    """Move the candidate to `to` with the other fields given: its row locked,
    the move checked, then saved (the audit log records the change)."""
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    check(current, to)
    current.status = to
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=["status", *changes])
    return current


@transaction.atomic
def move_all(pks, to: str, **changes) -> int:
    """The same move for many candidates at once, written as one update (a bulk
    action): all the rows locked and checked first; none moves if one cannot."""
    rows = Candidate.objects.select_for_update().filter(pk__in=pks)
    for status in sorted(set(rows.values_list("status", flat=True))):
        problem = refusal(status, to)
        if problem:
            raise ValidationError(problem)
    return Candidate.objects.filter(pk__in=pks).update(status=to, **changes)
