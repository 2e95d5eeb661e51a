"""The award dossier's lifecycle.

    draft ──issue──▶ prepared ──send──▶ sent ──accept──▶ accepted
                      ▲    ↺             │
                      │  (issue the      │
                      │   missing parts) │
                    issue                │
                      │                  │
                   returned ◀──return────┘

A draft's texts are reviewed before anything is numbered; issuing numbers
every document; the unit above returns a sent dossier with comments (it is
corrected and issued again) or accepts it, then records its award decisions.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Dossier
from units.models import User

Status = Dossier.Status

# A new dossier is a draft: the texts written from the data, nothing numbered.
INITIAL = Status.DRAFT
# Its texts may change: before anything is numbered, and after the unit above
# returned it (the corrected documents then refer to the earlier ones).
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# With the round's keepers: being prepared, issued or corrected.
IN_PREPARATION = frozenset({Status.DRAFT, Status.PREPARED, Status.RETURNED})
# Never sent up: the unit above does not see it yet.
UNSENT = frozenset({Status.DRAFT, Status.PREPARED})
# With the unit above, which answers it or records its decisions.
WITH_ADDRESSEE = frozenset({Status.SENT, Status.ACCEPTED})
# Accepted by the unit above: its award decisions may be recorded.
ACCEPTED = frozenset({Status.ACCEPTED})

MOVES = {
    Status.DRAFT: frozenset({Status.PREPARED}),
    Status.PREPARED: frozenset({Status.PREPARED, Status.SENT}),
    Status.RETURNED: frozenset({Status.PREPARED}),
    Status.SENT: frozenset({Status.RETURNED, Status.ACCEPTED}),
    Status.ACCEPTED: frozenset(),
}

# Why a move to the state is refused.
REFUSALS = {
    Status.PREPARED: _("The dossier has been sent; its parts are final."),
    Status.SENT: _("Issue the dossier before sending it."),
    Status.RETURNED: _("Only a dossier that was sent can be returned."),
    Status.ACCEPTED: _("Only a dossier that was sent can be accepted."),
}


def may_move(dossier: Dossier, to: str) -> bool:
    if to == Status.SENT and dossier.submission_id is None:
        return False  # only an issued Tờ trình goes up
    return to in MOVES.get(dossier.status, frozenset())


def check(dossier: Dossier, to: str) -> None:
    if not may_move(dossier, to):
        raise ValidationError(str(REFUSALS[to]))


def check_editable(dossier: Dossier | None) -> None:
    """Refuse to change the texts of a dossier whose documents are issued."""
    if dossier is not None and dossier.status not in EDITABLE:
        raise ValidationError(
            str(
                _(
                    "The dossier's documents are numbered and issued; their texts "
                    "no longer change. If the unit above returns the dossier, "
                    "correct them then."
                )
            )
        )


@transaction.atomic
def move(dossier: Dossier, to: str, *, actor: User, **changes) -> Dossier:
    """Move the dossier to `to` with the other fields given: its row locked, the
    move checked, the time of sending or of the answer stamped, then saved (the
    audit log records the change). A return carries the comments."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    check(current, to)
    if to == Status.RETURNED and not changes.get("comments"):
        raise ValidationError({"comments": str(_("Say what must be revised."))})
    if to == Status.SENT:
        changes["sent_at"] = timezone.now()
    elif to in (Status.RETURNED, Status.ACCEPTED):
        changes["answered_at"], changes["answered_by"] = timezone.now(), actor
    current.status = to
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=["status", *changes])
    return current
