"""Writes for the nominations and the selection meeting of an award round."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import criteria, selection_rule
from awards.lifecycle import candidate as lifecycle
from awards.lifecycle import round as round_lifecycle
from awards.models import AwardForm, AwardRound, Candidate, Selection
from awards.services.common import _clean
from awards.services.rounds import _check_open, _locked_round
from units.models import User


def _nomination_errors(
    current: AwardRound,
    candidate: Candidate,
    award_form: AwardForm,
    checklist: criteria.Checklist,
    taken: int,
) -> dict:
    """Why the candidate cannot be nominated for the form (empty if it can);
    `taken` is how many places of the form's quota are already used."""
    errors: dict = {}
    refusal = lifecycle.refusal(candidate.status, Candidate.Status.NOMINATED)
    if refusal:
        errors[NON_FIELD_ERRORS] = refusal
        return errors
    if timezone.localdate() > current.deadline:
        errors[NON_FIELD_ERRORS] = _("The deadline for nominations has passed.")
    offer = next(
        (o for o in current.offers.all() if o.award_form_id == award_form.pk), None
    )
    if offer is None:
        errors["award_form"] = _("This award form is not on offer in the round.")
    elif candidate.kind == Candidate.Kind.COLLECTIVE and not award_form.for_collectives:
        errors["award_form"] = _("This award form is not given to collectives.")
    elif candidate.kind == Candidate.Kind.INDIVIDUAL and not award_form.for_individuals:
        errors["award_form"] = _("This award form is not given to individuals.")
    elif offer.quota is not None and taken >= offer.quota:
        errors["award_form"] = _(
            "The quota of %(quota)d for this award form is used up."
        ) % {"quota": offer.quota}
    if checklist.failed:
        errors[NON_FIELD_ERRORS] = _("Falls short: %(reasons)s") % {
            "reasons": checklist.shortfall
        }
    elif checklist.waiting:
        errors[NON_FIELD_ERRORS] = _("Waiting for staff to attest: %(criteria)s") % {
            "criteria": checklist.waiting_for
        }
    return errors


def _quota_taken(current: AwardRound, award_form: AwardForm) -> int:
    return current.candidates.filter(
        award_form=award_form,
        status__in=lifecycle.TAKES_QUOTA,
    ).count()


@transaction.atomic
def nominate(
    *,
    candidate: Candidate,
    actor: User,
    award_form: AwardForm,
    achievements: str = "",
) -> Candidate:
    """Propose a candidate who meets every criterion for an award form on offer,
    within its quota and before the deadline."""
    current = _locked_round(candidate.round)
    _check_open(current)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    checklist = criteria.checklists([candidate], current.year)[candidate.pk]
    errors = _nomination_errors(
        current, candidate, award_form, checklist, _quota_taken(current, award_form)
    )
    if errors:
        raise ValidationError(errors)
    return lifecycle.move(
        candidate,
        Candidate.Status.NOMINATED,
        award_form=award_form,
        achievements=_clean(achievements),
    )


@transaction.atomic
def candidates_nominate(
    *,
    award_round: AwardRound,
    actor: User,
    candidates: list[Candidate],
    award_form: AwardForm,
) -> list[Candidate]:
    """Nominate many candidates of the round for one award form: all of them, or
    none with the reason for each one that cannot be nominated."""
    current = _locked_round(award_round)
    _check_open(current)
    wanted = {c.pk for c in candidates}
    if not wanted:
        raise ValidationError(_("Tick the candidates to nominate."))
    rows = list(
        # Only the candidates' own rows are locked: unit and person are joined
        # outer (one of them is empty), which PostgreSQL cannot lock.
        current.candidates.select_for_update(of=("self",))
        .filter(pk__in=wanted)
        .select_related("unit", "person")
        .order_by("kind", "id")
    )
    if len(rows) != len(wanted):
        raise ValidationError(_("Only candidates of this round can be nominated."))
    checks = criteria.checklists(rows, current.year)
    taken = _quota_taken(current, award_form)
    problems = []
    for row in rows:
        errors = _nomination_errors(current, row, award_form, checks[row.pk], taken)
        if errors:
            reasons = [str(message) for message in errors.values()]
            problems.append(
                _("%(name)s: %(reasons)s")
                % {"name": row.display_name, "reasons": " ".join(reasons)}
            )
        else:
            taken += 1
    if problems:
        raise ValidationError(
            [_("Nobody was nominated; correct the choice and try again."), *problems]
        )
    lifecycle.move_all(wanted, Candidate.Status.NOMINATED, award_form=award_form)
    return rows


@transaction.atomic
def nomination_withdraw(*, candidate: Candidate, actor: User) -> Candidate:
    current = _locked_round(candidate.round)
    _check_open(current)
    return lifecycle.move(candidate, Candidate.Status.CANDIDATE, award_form=None)


@transaction.atomic
def selection_record(
    *,
    award_round: AwardRound,
    actor: User,
    held_on: datetime.date | None,
    chaired_by: str,
    members_total: int,
    members_present: int,
    votes: dict[int, int],
    place: str = "",
) -> Selection:
    """Record the selecting body's meeting and the votes for each nominee; the
    nominees with more than half of all members' votes are selected."""
    current = _locked_round(award_round)
    _check_open(current)
    chaired_by = _clean(chaired_by)
    nominees = list(
        current.candidates.select_for_update().filter(status__in=lifecycle.NOMINATED)
    )
    errors: dict = {}
    if held_on is None:
        errors["held_on"] = _("Give the date of the meeting.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    if not chaired_by:
        errors["chaired_by"] = _("Give who chaired the meeting.")
    if members_total < 1:
        errors["members_total"] = _("Give the number of members of the body.")
    elif not 0 <= members_present <= members_total:
        errors["members_present"] = _(
            "Members present must be between 0 and the number of members."
        )
    elif not selection_rule.quorum_met(members_present, members_total):
        errors["members_present"] = _(
            "Fewer than two thirds of the members were present: the meeting "
            "cannot select."
        )
    if not nominees:
        errors[NON_FIELD_ERRORS] = _("Nominate someone before recording the selection.")
    for nominee in nominees:
        count = votes.get(nominee.pk)
        if count is None:
            errors[NON_FIELD_ERRORS] = _("Give the votes for every nominee.")
        elif not 0 <= count <= members_present:
            errors[NON_FIELD_ERRORS] = _(
                "The votes for %(name)s must be between 0 and the members present."
            ) % {"name": nominee.display_name}
    if errors:
        raise ValidationError(errors)
    selection = Selection.objects.create(
        round=current,
        body=current.selecting_body,
        held_on=held_on,
        place=_clean(place),
        chaired_by=chaired_by,
        members_total=members_total,
        members_present=members_present,
        recorded_by=actor,
    )
    chosen = selection_rule.decide(
        members_total=members_total,
        members_present=members_present,
        votes={nominee.pk: votes[nominee.pk] for nominee in nominees},
    )
    for nominee in nominees:
        lifecycle.move(
            nominee,
            Candidate.Status.SELECTED
            if chosen[nominee.pk]
            else Candidate.Status.NOT_SELECTED,
            votes_for=votes[nominee.pk],
        )
    round_lifecycle.move(current, AwardRound.Status.SELECTED)
    return selection
