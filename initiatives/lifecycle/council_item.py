"""A council item's lifecycle (a request before one council): its states, the moves
allowed between them and the one function that moves an item.

An item accepted at intake or taken up from the level below is open until a
session decides it; a deferral keeps it open. When the council that recognises the
request itself moves the item, the request follows (`REQUEST_FOLLOWS`); when a
council above acts on an item proposed to it, the request's history says so.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from initiatives.lifecycle import request
from initiatives.models.councils import CouncilItem
from initiatives.models.requests import InitiativeEvent
from initiatives.voting import Outcome
from units.mail import send_templated
from units.models import User

Status = CouncilItem.Status
Action = InitiativeEvent.Action

# Waiting for a decision: members score it, the secretary asks reviewers and puts
# it on an agenda.
OPEN = frozenset({Status.ACCEPTED, Status.UNDER_REVIEW, Status.DEFERRED})
DECIDED = frozenset({Status.RECOGNISED, Status.NOT_RECOGNISED})
# What closing a session may make of an item.
OUTCOMES = frozenset({Status.RECOGNISED, Status.NOT_RECOGNISED, Status.DEFERRED})

MOVES: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.UNDER_REVIEW, *OUTCOMES}),
    Status.UNDER_REVIEW: OUTCOMES,
    Status.DEFERRED: frozenset({Status.UNDER_REVIEW, *OUTCOMES}),
    Status.RECOGNISED: frozenset(),
    Status.NOT_RECOGNISED: frozenset(),
    Status.DECLINED: frozenset(),
}

# Where the request goes when its own recognising council moves the item, and
# the step its history names.
REQUEST_FOLLOWS = {
    Status.UNDER_REVIEW: (request.Status.UNDER_REVIEW, Action.UNDER_REVIEW),
    Status.RECOGNISED: (request.Status.RECOGNISED, Action.RECOGNISED),
    Status.NOT_RECOGNISED: (request.Status.NOT_RECOGNISED, Action.NOT_RECOGNISED),
    Status.DEFERRED: (request.Status.DEFERRED, Action.DEFERRED),
}
# What the request's history says when a council above decides an item proposed
# to it (the request itself stays as its own council left it).
ESCALATION_EVENTS = {
    Status.RECOGNISED: Action.ESCALATION_RECOGNISED,
    Status.NOT_RECOGNISED: Action.ESCALATION_REFUSED,
}
# What the request's history says when a proposal from below is taken up or not.
PROPOSAL_EVENTS = {
    Status.ACCEPTED: Action.ACCEPTED,
    Status.DECLINED: Action.ESCALATION_REFUSED,
}


def may_move(from_status: str, to_status: str) -> bool:
    """Whether an item that is `from_status` may move to `to_status`."""
    return to_status in MOVES[from_status]


def lock(item: CouncilItem) -> CouncilItem:
    """The item, locked for the transaction."""
    return CouncilItem.objects.select_for_update().get(pk=item.pk)


def _write_history(item: CouncilItem, actor: User, note: str) -> None:
    if item.status in REQUEST_FOLLOWS:
        if item.escalated_from_id is None:
            to_status, action = REQUEST_FOLLOWS[item.status]
            request.move(
                item.initiative_id,
                to_status,
                actor=actor,
                action=action,
                note=note,
                if_allowed=True,
            )
        elif item.status in ESCALATION_EVENTS:
            request.record_event(
                item.initiative, ESCALATION_EVENTS[item.status], actor, note
            )
    elif item.status in PROPOSAL_EVENTS:
        request.record_event(item.initiative, PROPOSAL_EVENTS[item.status], actor, note)


def move(
    item: CouncilItem,
    to_status: str,
    *,
    actor: User,
    note: str = "",
    changes: dict | None = None,
    prepare: Callable[[CouncilItem], None] | None = None,
    on_saved: Callable[[CouncilItem], str | None] | None = None,
    refusal: str | None = None,
) -> CouncilItem:
    """Move a council item to `to_status` and return it as saved.

    The row is locked; a move `MOVES` does not allow is refused with
    `refusal` (the operation's own message). Then `changes` are set, `prepare` may
    refuse (raise), the item is saved, `on_saved` runs (and may return the history
    note), the request follows or its history records the step, and a decision is
    mailed to the authors once the transaction commits.
    """
    with transaction.atomic():
        current = lock(item)
        if not may_move(current.status, to_status):
            raise ValidationError(refusal or _("The item has been decided."))
        changes = changes or {}
        current.status = to_status
        for name, value in changes.items():
            setattr(current, name, value)
        if prepare is not None:
            prepare(current)
        current.save(update_fields=["status", *changes])
        if on_saved is not None:
            note = on_saved(current) or note
        _write_history(current, actor, note)
        if to_status in OUTCOMES:
            initiative = current.initiative
            send_templated(
                "initiative_decided",
                {
                    "initiative": initiative,
                    "item": current,
                    "outcome": Outcome(to_status),
                },
                request.author_emails(initiative),
            )
        return current
