"""A council session's lifecycle: planned, open for voting, closed. Its states, the
moves allowed between them and the one function that moves a session.

Until it closes a session may change (agenda, attendance, votes); closing freezes
it. A session writes no history of its own: the audit log follows it.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from initiatives.models.councils import Session

Status = Session.Status

# Not closed yet: its agenda, attendance and votes may still change.
CHANGEABLE = frozenset({Status.PLANNED, Status.OPEN})

MOVES: dict[str, frozenset[str]] = {
    Status.PLANNED: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def may_move(from_status: str, to_status: str) -> bool:
    """Whether a session that is `from_status` may move to `to_status`."""
    return to_status in MOVES[from_status]


def _refusal(to_status: str) -> str:
    if to_status == Status.OPEN:
        return _("The session is already open.")
    return _("Open the session before closing it.")


def lock_changeable(session: Session) -> Session:
    """The session, locked for the transaction; refused once it is closed."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    if current.status not in CHANGEABLE:
        raise ValidationError(_("The session is closed; nothing in it can change."))
    return current


def move(
    session: Session,
    to_status: str,
    *,
    changes: dict | None = None,
    prepare: Callable[[Session], dict | None] | None = None,
) -> Session:
    """Move a session to `to_status` and return it as saved.

    The row is locked; a closed session and a move `MOVES` does not allow
    are refused. Then `changes` are set and `prepare` may refuse (raise) or return
    further changes read from the locked session, and the session is saved.
    """
    with transaction.atomic():
        current = lock_changeable(session)
        if not may_move(current.status, to_status):
            raise ValidationError(_refusal(to_status))
        changes = dict(changes or {})
        if prepare is not None:
            changes.update(prepare(current) or {})
        current.status = to_status
        for name, value in changes.items():
            setattr(current, name, value)
        current.save(update_fields=["status", *changes])
        return current
