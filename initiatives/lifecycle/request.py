"""A recognition request's lifecycle: its states, the moves allowed between them,
the one function that moves a request and the one writer of its history.

The states are the model's `Status` choices; the sets of states and the map of
moves are named here only.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from initiatives.models.requests import Initiative, InitiativeEvent, Status
from units.mail import send_templated
from units.models import User

Action = InitiativeEvent.Action

# Decided by the council; nothing moves a decided request any more.
DECIDED = frozenset({Status.RECOGNISED, Status.NOT_RECOGNISED})
# What the council's vote may come to.
OUTCOMES = frozenset({Status.RECOGNISED, Status.NOT_RECOGNISED, Status.DEFERRED})
# The authors may change the request (and its files) only in these states.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

# The steps a request may take. Authors may withdraw until a decision; a deferred
# request comes before the council again.
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.RETURNED, Status.ACCEPTED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN, *OUTCOMES}),
    Status.UNDER_REVIEW: frozenset({Status.WITHDRAWN, *OUTCOMES}),
    Status.DEFERRED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN, *OUTCOMES}),
    Status.RECOGNISED: frozenset(),
    Status.NOT_RECOGNISED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# The mail the authors receive when their request arrives in a state.
MAIL = {
    Status.RETURNED: "initiative_returned",
    Status.ACCEPTED: "initiative_accepted",
}


def may_move(from_status: str, to_status: str) -> bool:
    """Whether a request that is `from_status` may move to `to_status`."""
    return to_status in MOVES[from_status]


def may_withdraw(status: str) -> bool:
    """A draft has been filed nowhere: there is nothing to withdraw yet."""
    return status != Status.DRAFT and may_move(status, Status.WITHDRAWN)


def record_event(
    initiative: Initiative,
    action: str,
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> InitiativeEvent:
    """Write one step into the request's history (its timeline)."""
    return InitiativeEvent.objects.create(
        initiative=initiative,
        action=action,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


def author_emails(initiative: Initiative) -> list[str]:
    """The addresses of the request's registered authors and of its filer."""
    emails = [a.user.email for a in initiative.authors.select_related("user") if a.user]
    return [*emails, initiative.created_by.email]


def lock(initiative: Initiative | int) -> Initiative:
    """The request (or the request with this id), locked for the transaction."""
    pk = initiative.pk if isinstance(initiative, Initiative) else initiative
    return Initiative.objects.select_for_update().get(pk=pk)


def move(
    initiative: Initiative | int,
    to_status: str,
    *,
    actor: User,
    action: str,
    note: str = "",
    changes: dict | None = None,
    prepare: Callable[[Initiative], None] | None = None,
    on_saved: Callable[[Initiative], str | None] | None = None,
    mail_context: dict | None = None,
    if_allowed: bool = False,
) -> Initiative | None:
    """Move a request (or the request with this id) to `to_status` as the step
    `action`, and return it as saved.

    The row is locked; a move `MOVES` does not allow is refused, naming the
    step. With `if_allowed` such a move, and a move to the state the request is
    already in, is skipped quietly and None is returned (a council acting on a
    request moves it only where the request may go). Then `changes` are set,
    `prepare` may refuse (raise) or check the locked request, the request is saved
    with its version bumped, `on_saved` runs (and may return the history note),
    the step is written into the history and the authors are mailed where `MAIL`
    says so, once the transaction commits.
    """
    with transaction.atomic():
        current = lock(initiative)
        from_status = current.status
        if if_allowed and (
            to_status == from_status or not may_move(from_status, to_status)
        ):
            return None
        if not may_move(from_status, to_status):
            raise ValidationError(
                _("A request that is %(status)s cannot be %(action)s.")
                % {
                    "status": current.get_status_display(),
                    "action": Action(action).label,
                },
                code="transition",
            )
        changes = changes or {}
        current.status = to_status
        current.version += 1
        for name, value in changes.items():
            setattr(current, name, value)
        if prepare is not None:
            prepare(current)
        current.save(update_fields=["status", "version", *changes, "updated_at"])
        if on_saved is not None:
            note = on_saved(current) or note
        event = (
            Action.RESUBMITTED
            if action == Action.SUBMITTED and from_status == Status.RETURNED
            else action
        )
        record_event(current, event, actor, note, from_status, to_status)
        if to_status in MAIL:
            send_templated(
                MAIL[to_status],
                {"initiative": current, **(mail_context or {})},
                author_emails(current),
            )
        return current
