"""The award round's lifecycle.

    open ──the selection meeting recorded──▶ selected

While open, candidates are added, attested, nominated and withdrawn; once the
selection is recorded, the round's dossier is drafted from it. ("closed" is a
state kept for rounds of earlier years; no move leads to it.)
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from awards.models import AwardRound

Status = AwardRound.Status

# Taking candidates and nominations.
OPEN = frozenset({Status.OPEN})
# The selection meeting is recorded: the dossier can be prepared.
SELECTED = frozenset({Status.SELECTED})

MOVES = {
    Status.OPEN: frozenset({Status.SELECTED}),
    Status.SELECTED: frozenset(),
    Status.CLOSED: frozenset(),
}

# Why a move to the state is refused.
REFUSALS = {
    Status.SELECTED: _("The selection of this round is already recorded."),
}


def is_open(award_round: AwardRound) -> bool:
    return award_round.status in OPEN


def is_selected(award_round: AwardRound) -> bool:
    return award_round.status in SELECTED


def check_open(award_round: AwardRound) -> None:
    """Refuse any change to the candidates once the selection is recorded."""
    if not is_open(award_round):
        raise ValidationError(
            str(_("The selection of this round is already recorded."))
        )


def check_selected(award_round: AwardRound) -> None:
    """Refuse to prepare a dossier before the selection is recorded."""
    if not is_selected(award_round):
        raise ValidationError(str(_("Record the selection meeting first.")))


def may_move(award_round: AwardRound, to: str) -> bool:
    return to in MOVES.get(award_round.status, frozenset())


def check(award_round: AwardRound, to: str) -> None:
    if not may_move(award_round, to):
        raise ValidationError(str(REFUSALS[to]))


@transaction.atomic
def move(award_round: AwardRound, to: str) -> AwardRound:
    """Move the round to `to`: its row locked, the move checked, then saved."""
    current = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    check(current, to)
    current.status = to
    current.save(update_fields=["status"])
    return current
