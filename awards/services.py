"""Writes for the movement's records, ratings and award rounds.

Every function checks its input and raises ValidationError with messages for the
user; nothing is half-written.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from awards import criteria, selection_rule
from awards.models import (
    Attestation,
    AwardForm,
    AwardRound,
    Candidate,
    MemberGrade,
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    RoundForm,
    SelectingBody,
    Selection,
    UnitRating,
    UnitRatingLevel,
)
from core.text import nfc
from goldbook.models import GoldBookEntry
from initiatives import uploads
from units.models import EmulationBlock, Membership, Unit, UnitKind, User

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _clean(text: str | None) -> str:
    return nfc(text or "").strip()


def _check_year(year, errors: dict, name: str = "year") -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors[name] = _("Give a year between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }


def _check_day(day, year, errors: dict, name: str) -> None:
    """A record's date: not in the future, in its year or early in the next
    (annual reviews are often held in January)."""
    if day is None:
        errors[name] = _("Give the date.")
    elif day > timezone.localdate():
        errors[name] = _("The date cannot be in the future.")
    elif isinstance(year, int) and day.year not in (year, year + 1):
        errors[name] = _("The date must fall in %(year)d or early the year after.") % {
            "year": year
        }


def _attach(instance, upload, errors: dict) -> None:
    """Check an uploaded document and put it on the instance (not saved yet)."""
    if not upload:
        return
    try:
        data, kind = uploads.read_checked(upload)
    except ValidationError as error:
        errors["file"] = error.messages
        return
    instance.file_name = uploads.display_name(upload.name, kind)
    instance.file_sha256 = hashlib.sha256(data).hexdigest()
    instance._pending_file = (f"{uuid.uuid4().hex}{kind.extension}", data)


def _save_with_file(instance) -> None:
    """Save the row and its file together: no file is left without its row."""
    pending = getattr(instance, "_pending_file", None)
    if pending is None:
        instance.save()
        return
    name, data = pending
    instance.file.save(name, ContentFile(data), save=False)
    try:
        instance.save()
    except BaseException:
        instance.file.storage.delete(instance.file.name)
        raise


# --- Movement records -----------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    unit: Unit,
    actor: User,
    kind: str,
    year: int,
    held_on: datetime.date | None,
    title: str,
    summary: str = "",
    inspected_unit: Unit | None = None,
    upload=None,
) -> MovementRecord:
    """Record a launch, propagation, review or inspection of the unit."""
    title, summary = _clean(title), _clean(summary)
    errors: dict = {}
    if kind not in MovementRecord.Kind.values:
        errors["kind"] = _("Choose what is recorded.")
    _check_year(year, errors)
    _check_day(held_on, year, errors, "held_on")
    if not title:
        errors["title"] = _("Give a title, e.g. the name of the plan or conference.")
    if kind == MovementRecord.Kind.INSPECTION:
        if inspected_unit is None:
            errors["inspected_unit"] = _("Choose the union that was inspected.")
        elif not (
            inspected_unit.path.startswith(unit.path) and inspected_unit.pk != unit.pk
        ):
            errors["inspected_unit"] = _(
                "Only a union below this unit can be inspected."
            )
        if not summary:
            errors["summary"] = _("Write the findings of the inspection.")
    else:
        inspected_unit = None
    if not unit.is_active:
        errors[NON_FIELD_ERRORS] = _("This unit has been dissolved.")
    record = MovementRecord(
        unit=unit,
        year=year,
        kind=kind,
        held_on=held_on,
        title=title,
        summary=summary,
        inspected_unit=inspected_unit,
        recorded_by=actor,
    )
    _attach(record, upload, errors)
    if errors:
        raise ValidationError(errors)
    _save_with_file(record)
    return record


@dataclass
class SignatoryData:
    unit: Unit
    signer_name: str
    signer_position: str = ""


@transaction.atomic
def pact_create(
    *,
    organizer: Unit,
    actor: User,
    year: int,
    signed_on: datetime.date | None,
    title: str,
    signatories: list[SignatoryData],
    content: str = "",
    block: EmulationBlock | None = None,
    upload=None,
) -> Pact:
    """Record an emulation pact and the units that signed it."""
    title, content = _clean(title), _clean(content)
    errors: dict = {}
    _check_year(year, errors)
    _check_day(signed_on, year, errors, "signed_on")
    if not title:
        errors["title"] = _("Give the title of the pact.")
    if block is not None and (block.organizer_id != organizer.pk or block.year != year):
        errors["block"] = _("Choose a block this unit organises in that year.")
    if not signatories:
        errors["signatories"] = _("List at least one signing unit.")
    members = set(block.members.values_list("unit_id", flat=True)) if block else None
    seen = set()
    for row in signatories:
        name = _clean(row.signer_name)
        if not name:
            errors["signatories"] = _("Give the name of who signed for each unit.")
        elif row.unit.pk in seen:
            errors["signatories"] = _("%(unit)s is listed twice.") % {
                "unit": row.unit.name
            }
        elif members is not None and row.unit.pk not in members:
            errors["signatories"] = _("%(unit)s is not in the block.") % {
                "unit": row.unit.name
            }
        elif members is None and not row.unit.path.startswith(organizer.path):
            errors["signatories"] = _(
                "%(unit)s is neither this unit nor a unit below it."
            ) % {"unit": row.unit.name}
        seen.add(row.unit.pk)
    pact = Pact(
        organizer=organizer,
        block=block,
        year=year,
        signed_on=signed_on,
        title=title,
        content=content,
        recorded_by=actor,
    )
    _attach(pact, upload, errors)
    if errors:
        raise ValidationError(errors)
    _save_with_file(pact)
    audit_log.record_created(
        PactSignatory.objects.bulk_create(
            PactSignatory(
                pact=pact,
                unit=row.unit,
                signer_name=_clean(row.signer_name),
                signer_position=_clean(row.signer_position),
            )
            for row in signatories
        )
    )
    return pact


# --- Ratings --------------------------------------------------------------------


@transaction.atomic
def unit_rating_set(
    *, unit: Unit, year: int, level: UnitRatingLevel, actor: User
) -> UnitRating:
    """Give a union its rating for the year (replacing an earlier one)."""
    errors: dict = {}
    _check_year(year, errors)
    if not level.is_active:
        errors["level"] = _("This rating is no longer in use.")
    if unit.depth == 1:
        errors["unit"] = _("The top of the tree is not rated.")
    if errors:
        raise ValidationError(errors)
    rating, _created = UnitRating.objects.update_or_create(
        unit=unit, year=year, defaults={"level": level, "recorded_by": actor}
    )
    return rating


def is_member_of(user: User, unit: Unit, year: int) -> bool:
    """Whether the person held a role in the union at some time in the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Membership.objects.filter(user=user, unit=unit, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .exists()
    )


@transaction.atomic
def member_rating_set(
    *, user: User, unit: Unit, year: int, grade: str, actor: User
) -> MemberRating:
    """Record a member's rating for the year by their union (replacing an earlier
    one given by the same union)."""
    errors: dict = {}
    _check_year(year, errors)
    if grade not in MemberGrade.values:
        errors["grade"] = _("Choose excellent, good, average or weak.")
    if not errors and not is_member_of(user, unit, year):
        errors["user"] = _("%(name)s is not a member of %(unit)s in %(year)d.") % {
            "name": user.full_name,
            "unit": unit.name,
            "year": year,
        }
    existing = MemberRating.objects.filter(user=user, year=year).first()
    if existing is not None and existing.unit_id != unit.pk:
        errors["user"] = _("%(name)s was already rated by %(unit)s for the year.") % {
            "name": user.full_name,
            "unit": existing.unit.name,
        }
    if errors:
        raise ValidationError(errors)
    rating, _created = MemberRating.objects.update_or_create(
        user=user,
        year=year,
        defaults={"unit": unit, "grade": grade, "recorded_by": actor},
    )
    return rating


# --- Award rounds ---------------------------------------------------------------


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
    if award_round.status != AwardRound.Status.OPEN:
        raise ValidationError(_("The selection of this round is already recorded."))


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
    if candidate.status != Candidate.Status.CANDIDATE:
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
    if candidate.status != Candidate.Status.CANDIDATE:
        errors[NON_FIELD_ERRORS] = _(
            "Withdraw the nomination before proposing another."
        )
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
        status__in=[Candidate.Status.NOMINATED, Candidate.Status.SELECTED],
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
    candidate.status = Candidate.Status.NOMINATED
    candidate.award_form = award_form
    candidate.achievements = _clean(achievements)
    candidate.save(update_fields=["status", "award_form", "achievements"])
    return candidate


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
    Candidate.objects.filter(pk__in=wanted).update(
        status=Candidate.Status.NOMINATED, award_form=award_form
    )
    return rows


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


@transaction.atomic
def nomination_withdraw(*, candidate: Candidate, actor: User) -> Candidate:
    current = _locked_round(candidate.round)
    _check_open(current)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.NOMINATED:
        raise ValidationError(_("This candidate is not nominated."))
    candidate.status = Candidate.Status.CANDIDATE
    candidate.award_form = None
    candidate.save(update_fields=["status", "award_form"])
    return candidate


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
        current.candidates.select_for_update().filter(status=Candidate.Status.NOMINATED)
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
        nominee.votes_for = votes[nominee.pk]
        nominee.status = (
            Candidate.Status.SELECTED
            if chosen[nominee.pk]
            else Candidate.Status.NOT_SELECTED
        )
        nominee.save(update_fields=["votes_for", "status"])
    current.status = AwardRound.Status.SELECTED
    current.save(update_fields=["status"])
    return selection
