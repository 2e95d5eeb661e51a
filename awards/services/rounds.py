"""Writes for award rounds and their candidates, before the nominations."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from awards import criteria
from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import round as round_lifecycle
from awards.models import (
    Attestation,
    AwardForm,
    AwardRound,
    Candidate,
    RoundForm,
    SelectingBody,
)
from awards.services.common import _check_year, _clean
from goldbook.models import GoldBookEntry
from units.models import Membership, Unit, UnitKind, User


def default_body(unit: Unit) -> str:
    """Seed IV.3: the grassroots executive committee, an upper union's standing
    committee, the federation's council for the province and its departments."""
    if unit.kind == UnitKind.GRASSROOTS:
        return SelectingBody.EXECUTIVE
    if unit.kind in (UnitKind.PROVINCE, UnitKind.DEPARTMENT):
        return SelectingBody.COUNCIL
    return SelectingBody.STANDING


@dataclass
class OfferData:
    award_form: AwardForm
    quota: int | None = None


@transaction.atomic
def round_create(
    *,
    unit: Unit,
    actor: User,
    year: int,
    title: str,
    deadline: datetime.date | None,
    offers: list[OfferData],
    selecting_body: str | None = None,
    note: str = "",
) -> AwardRound:
    title = _clean(title)
    errors: dict = {}
    _check_year(year, errors)
    if not title:
        errors["title"] = _("Give the round a title.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline for nominations.")
    if not offers:
        errors["offers"] = _("Offer at least one award form.")
    forms = [offer.award_form.pk for offer in offers]
    if len(set(forms)) != len(forms):
        errors["offers"] = _("An award form is offered twice.")
    if any(not offer.award_form.is_active for offer in offers):
        errors["offers"] = _("An award form offered is no longer in use.")
    if any(offer.quota is not None and offer.quota < 1 for offer in offers):
        errors["offers"] = _("A quota must be at least 1; leave it empty for none.")
    selecting_body = selecting_body or default_body(unit)
    if selecting_body not in SelectingBody.values:
        errors["selecting_body"] = _("Choose the selecting body.")
    if not unit.is_active:
        errors[NON_FIELD_ERRORS] = _("This unit has been dissolved.")
    if errors:
        raise ValidationError(errors)
    award_round = AwardRound.objects.create(
        unit=unit,
        year=year,
        title=title,
        deadline=deadline,
        selecting_body=selecting_body,
        note=_clean(note),
        created_by=actor,
    )
    audit_log.record_created(
        RoundForm.objects.bulk_create(
            RoundForm(round=award_round, award_form=o.award_form, quota=o.quota)
            for o in offers
        )
    )
    return award_round


def _locked_round(award_round: AwardRound) -> AwardRound:
    return AwardRound.objects.select_for_update().get(pk=award_round.pk)


def _check_open(award_round: AwardRound) -> None:
    round_lifecycle.check_open(award_round)


def collective_choices(award_round: AwardRound):
    """Units that may be proposed as collectives: the unit's departments and the
    unions directly below it, or the unit itself for a grassroots union's round
    (it proposes its own members only)."""
    return (
        Unit.objects.get_children(award_round.unit)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=timezone.localdate()))
        .order_by("path")
    )


def individual_choices(award_round: AwardRound):
    """People holding a role in the unit or below during the round's year."""
    year = award_round.year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = Membership.objects.filter(
        unit__path__startswith=award_round.unit.path, started_on__lte=end
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return User.objects.filter(
        pk__in=memberships.values("user_id"), is_active=True
    ).order_by("full_name", "pk")


def _home_unit(award_round: AwardRound, person: User) -> Unit:
    membership = (
        Membership.objects.filter(
            user=person, unit__path__startswith=award_round.unit.path
        )
        .select_related("unit")
        .order_by("-unit__depth", "-started_on")
        .first()
    )
    return membership.unit if membership else award_round.unit


@transaction.atomic
def candidate_add(
    *,
    award_round: AwardRound,
    actor: User,
    unit: Unit | None = None,
    person: User | None = None,
) -> Candidate:
    """Consider a collective (a unit) or an individual in the round."""
    current = _locked_round(award_round)
    _check_open(current)
    if (unit is None) == (person is None):
        raise ValidationError(_("Choose a unit or a person."))
    if unit is not None:
        if not collective_choices(current).filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("Only a union directly below this unit can be proposed.")}
            )
        if current.candidates.filter(
            kind=Candidate.Kind.COLLECTIVE, unit=unit
        ).exists():
            raise ValidationError({"unit": _("This unit is already a candidate.")})
        return Candidate.objects.create(
            round=current, kind=Candidate.Kind.COLLECTIVE, unit=unit, added_by=actor
        )
    if not individual_choices(current).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "person": _(
                    "Only a member of this unit or of a unit below it can be added."
                )
            }
        )
    if current.candidates.filter(
        kind=Candidate.Kind.INDIVIDUAL, person=person
    ).exists():
        raise ValidationError({"person": _("This person is already a candidate.")})
    return Candidate.objects.create(
        round=current,
        kind=Candidate.Kind.INDIVIDUAL,
        unit=_home_unit(current, person),
        person=person,
        added_by=actor,
    )


@transaction.atomic
def candidates_suggest(*, award_round: AwardRound, actor: User) -> int:
    """Add every union directly below the unit and every author with a Gold Book
    entry in the unit's subtree for the year; return how many were added."""
    current = _locked_round(award_round)
    _check_open(current)
    taken_units = set(
        current.candidates.filter(kind=Candidate.Kind.COLLECTIVE).values_list(
            "unit_id", flat=True
        )
    )
    taken_people = set(
        current.candidates.filter(kind=Candidate.Kind.INDIVIDUAL).values_list(
            "person_id", flat=True
        )
    )
    added = 0
    for unit in collective_choices(current):
        if unit.pk not in taken_units:
            Candidate.objects.create(
                round=current, kind=Candidate.Kind.COLLECTIVE, unit=unit, added_by=actor
            )
            added += 1
    authors = (
        GoldBookEntry.objects.filter(
            book__unit__path__startswith=current.unit.path,
            year=current.year,
            status=GoldBookEntry.Status.ACTIVE,
            initiative__authors__user__isnull=False,
        )
        .values_list("initiative__authors__user_id", flat=True)
        .distinct()
    )
    members = set(individual_choices(current).values_list("pk", flat=True))
    for person in User.objects.filter(pk__in=set(authors) & members).order_by(
        "full_name", "pk"
    ):
        if person.pk not in taken_people:
            Candidate.objects.create(
                round=current,
                kind=Candidate.Kind.INDIVIDUAL,
                unit=_home_unit(current, person),
                person=person,
                added_by=actor,
            )
            added += 1
    return added


@transaction.atomic
def candidate_remove(*, candidate: Candidate, actor: User) -> None:
    current = _locked_round(candidate.round)
    _check_open(current)
    if candidate.status not in candidate_lifecycle.CONSIDERED:
        raise ValidationError(_("Withdraw the nomination first."))
    candidate.delete()


@transaction.atomic
def attest(
    *, candidate: Candidate, actor: User, criterion: str, met: bool, note: str = ""
) -> Attestation:
    """Staff's word on a criterion the data cannot decide."""
    _check_open(_locked_round(candidate.round))
    note = _clean(note)
    if not criteria.attestable(candidate.kind, criterion):
        raise ValidationError(_("This criterion is decided from the data."))
    if not met and not note:
        raise ValidationError({"note": _("Say why the criterion is not met.")})
    attestation, _created = Attestation.objects.update_or_create(
        candidate=candidate,
        criterion=criterion,
        defaults={"met": met, "note": note, "attested_by": actor},
    )
    return attestation


@transaction.atomic
def candidates_attest(
    *,
    award_round: AwardRound,
    actor: User,
    candidates: list[Candidate],
    criterion: str,
    note: str = "",
) -> int:
    """Record staff's word that a criterion is met for many candidates at once
    (a criterion not met needs its own reason, on the candidate's page).
    Return how many candidates the criterion applies to."""
    current = _locked_round(award_round)
    _check_open(current)
    note = _clean(note)
    wanted = {c.pk for c in candidates}
    if not wanted:
        raise ValidationError(_("Tick the candidates to attest."))
    rows = list(current.candidates.filter(pk__in=wanted))
    if len(rows) != len(wanted):
        raise ValidationError(_("Only candidates of this round can be attested."))
    fits = [row for row in rows if criteria.attestable(row.kind, criterion)]
    if not fits:
        raise ValidationError(
            {"criterion": _("Choose a criterion that staff attest for those ticked.")}
        )
    existing = {
        a.candidate_id: a
        for a in Attestation.objects.select_for_update().filter(
            candidate__in=fits, criterion=criterion
        )
    }
    changed = []
    for row in fits:
        attestation = existing.get(row.pk)
        if attestation is None:
            continue
        attestation.met, attestation.note, attestation.attested_by = True, note, actor
        attestation.attested_at = timezone.now()
        changed.append(attestation)
    Attestation.objects.bulk_update(
        changed, ["met", "note", "attested_by", "attested_at"]
    )
    Attestation.objects.bulk_create(
        Attestation(
            candidate=row, criterion=criterion, met=True, note=note, attested_by=actor
        )
        for row in fits
        if row.pk not in existing
    )
    return len(fits)
