"""Councils: set-up, intake, conflicts, reviews and escalation to the level above.

Sessions, votes and decisions are in `initiatives.services.sessions`.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from core.text import nfc
from documents.models import DocumentKind
from documents.services import document_issue
from initiatives import printing, voting
from initiatives.lifecycle import council_item
from initiatives.lifecycle import session as session_lifecycle
from initiatives.lifecycle.request import record_event
from initiatives.models import (
    Council,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Criterion,
    Initiative,
    InitiativeEvent,
    Recusal,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
)
from units.mail import send_templated
from units.models import Unit, User

# The score rubric a new council starts with (local practice; each council may
# change it before anyone scores).
DEFAULT_CRITERIA = [
    ("Tính mới, sáng tạo", 30),
    ("Khả năng áp dụng, nhân rộng", 25),
    ("Hiệu quả, lợi ích mang lại", 30),
    ("Phạm vi ảnh hưởng", 15),
]
# The series of receipts a recognising unit gives for requests it accepts.
RECEIPT_SERIES = "GBN"
# Reviewers have this long to score, unless the secretary says otherwise.
REVIEW_DAYS = 14


# --- Set-up ----------------------------------------------------------------------


def _check_ratios(data: dict, council: Council | None = None) -> None:
    """The shares given (the rest kept from `council`) against `initiatives.voting`."""
    for kind in ("pass", "quorum"):
        fields = (f"{kind}_numerator", f"{kind}_denominator")
        if not any(name in data for name in fields):
            continue
        numerator, denominator = (
            data[name] if name in data else getattr(council, name, None)
            for name in fields
        )
        if numerator is None or denominator is None:
            continue
        if not voting.share_is_valid(numerator, denominator):
            raise ValidationError(
                {
                    f"{kind}_numerator": _(
                        "Give a share between 1 and the whole, e.g. 2 of 3."
                    )
                }
            )
        if kind == "pass" and not voting.pass_share_is_legal(numerator, denominator):
            raise ValidationError(
                {f"{kind}_numerator": voting.below_legal_pass_message()}
            )


COUNCIL_FIELDS = (
    "name",
    "code",
    "voting_mode",
    "pass_numerator",
    "pass_denominator",
    "quorum_numerator",
    "quorum_denominator",
)


@transaction.atomic
def council_create(*, unit: Unit, year: int, actor: User, **data) -> Council:
    """Set up a unit's council for a year, with the default score rubric."""
    if not unit.is_active:
        raise ValidationError(_("This unit has been dissolved."))
    if Council.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {"year": _("This unit already has a council for this year.")}
        )
    _check_ratios(data)
    data["name"] = nfc(data.get("name") or "").strip() or (
        f"Hội đồng sáng kiến {unit.name} năm {year}"
    )
    council = Council(unit=unit, year=year, **data)
    council.full_clean()
    council.save()
    audit_log.record_created(
        Criterion.objects.bulk_create(
            Criterion(council=council, name=name, max_points=points, order=index)
            for index, (name, points) in enumerate(DEFAULT_CRITERIA)
        )
    )
    return council


@transaction.atomic
def council_update(*, council: Council, actor: User, **data) -> Council:
    current = Council.objects.select_for_update().get(pk=council.pk)
    _check_ratios(data, current)
    for name, value in data.items():
        setattr(current, name, nfc(value).strip() if isinstance(value, str) else value)
    current.full_clean()
    current.save()
    return current


def _state_funded_authored_by(council: Council, user: User) -> list[Initiative]:
    return list(
        Initiative.objects.filter(
            council_items__council=council,
            state_funded=True,
            authors__user=user,
        ).distinct()
    )


@transaction.atomic
def council_member_add(
    *,
    council: Council,
    user: User,
    role: str,
    position: str = "",
    is_unit_head: bool = False,
    actor: User,
) -> CouncilMember:
    """Seat a person on the council (people from other units may sit on it)."""
    council = Council.objects.select_for_update().get(pk=council.pk)
    if council.members.filter(user=user).exists():
        raise ValidationError({"person": _("This person is already on the council.")})
    for unique_role in (CouncilRole.CHAIR, CouncilRole.SECRETARY):
        if role == unique_role and council.members.filter(role=role).exists():
            raise ValidationError(
                {
                    "role": _("The council already has a %(role)s.")
                    % {"role": unique_role.label}
                }
            )
    if is_unit_head and _state_funded_authored_by(council, user):
        raise ValidationError(
            {
                "is_unit_head": _(
                    "The head of the unit authored a state-funded initiative before "
                    "this council and may not sit on it."
                )
            }
        )
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        role=role,
        position=nfc(position).strip(),
        is_unit_head=is_unit_head,
    )
    # An author on the council takes no part in their own items.
    for item in council.items.filter(initiative__authors__user=user).distinct():
        Recusal.objects.get_or_create(
            item=item, member=member, defaults={"reason": Recusal.Reason.AUTHOR}
        )
    return member


@transaction.atomic
def council_member_remove(*, member: CouncilMember, actor: User) -> None:
    on_record = member.attendance.filter(session__status=Session.Status.CLOSED).exists()
    if on_record or member.votes.exists() or member.score_sheets.exists():
        raise ValidationError(
            _(
                "%(name)s has taken part in the council's work; their seat stays "
                "on record."
            )
            % {"name": member.user}
        )
    member.delete()


@transaction.atomic
def criteria_replace(
    *, council: Council, criteria: list[tuple[str, int]], actor: User
) -> list[Criterion]:
    """Set the council's score rubric; allowed until the first sheet is filled."""
    council = Council.objects.select_for_update().get(pk=council.pk)
    if ScoreSheet.objects.filter(item__council=council).exists():
        raise ValidationError(
            _("Members have already scored; the rubric can no longer change.")
        )
    if not criteria:
        raise ValidationError(_("Keep at least one criterion."))
    if any(not (0 < points <= 1000) for _name, points in criteria):
        raise ValidationError(_("Each criterion needs from 1 to 1000 points."))
    names = [nfc(name).strip() for name, _points in criteria]
    if len(set(map(str.casefold, names))) != len(names):
        raise ValidationError(_("Each criterion must have its own name."))
    council.criteria.all().delete()
    created = Criterion.objects.bulk_create(
        Criterion(council=council, name=name, max_points=points, order=index)
        for index, (name, (_n, points)) in enumerate(zip(names, criteria, strict=True))
    )
    audit_log.record_created(created)
    return created


# --- Intake ----------------------------------------------------------------------


def council_for(unit: Unit, year: int) -> Council | None:
    return Council.objects.filter(unit=unit, year=year).first()


def _recuse_authors(item: CouncilItem) -> None:
    authors = set(
        item.initiative.authors.exclude(user=None).values_list("user_id", flat=True)
    )
    for member in item.council.members.filter(user_id__in=authors):
        Recusal.objects.get_or_create(
            item=item, member=member, defaults={"reason": Recusal.Reason.AUTHOR}
        )


def _check_unit_head(council: Council, initiative: Initiative) -> None:
    if not initiative.state_funded:
        return
    authors = set(
        initiative.authors.exclude(user=None).values_list("user_id", flat=True)
    )
    if council.members.filter(is_unit_head=True, user_id__in=authors).exists():
        raise ValidationError(
            _(
                "The head of the unit is an author of this state-funded initiative and "
                "sits on the council: replace them on the council first."
            )
        )


def issue_receipt(item: CouncilItem, actor: User):
    initiative = item.initiative
    receipt = document_issue(
        unit=item.council.unit,
        code=RECEIPT_SERIES,
        kind=DocumentKind.RECEIPT,
        title=f"Giấy biên nhận đơn: {initiative.title}"[:300],
        template_name="documents/initiative_receipt.html",
        context=printing.receipt_context(initiative, item=item, received_by=actor),
        issued_on=item.accepted_on,
        actor=actor,
        subject=initiative,
    )
    return receipt


def intake_accept(
    *, initiative: Initiative, actor: User, accepted_on: datetime.date | None = None
) -> CouncilItem:
    """Accept a submitted request into the recognising unit's council.

    The three-month clock starts; a numbered receipt carries the due date.
    Runs inside the caller's transaction (initiative_accept).
    """
    accepted_on = accepted_on or timezone.localdate()
    council = council_for(initiative.recognizing_unit, accepted_on.year)
    if council is None:
        raise ValidationError(
            _(
                "%(unit)s has no initiative council for %(year)d yet; its "
                "administrator must set it up first."
            )
            % {"unit": initiative.recognizing_unit.name, "year": accepted_on.year}
        )
    _check_unit_head(council, initiative)
    item = CouncilItem.objects.create(
        council=council,
        initiative=initiative,
        status=CouncilItem.Status.ACCEPTED,
        accepted_on=accepted_on,
    )
    _recuse_authors(item)
    return item


@transaction.atomic
def proposal_accept(*, item: CouncilItem, actor: User) -> CouncilItem:
    """Take up a request proposed by the council of the level below."""

    def with_receipt(current: CouncilItem) -> str:
        _recuse_authors(current)
        receipt = issue_receipt(current, actor)
        return _("%(council)s; receipt no. %(symbol)s") % {
            "council": current.council.name,
            "symbol": receipt.symbol,
        }

    return council_item.move(
        item,
        CouncilItem.Status.ACCEPTED,
        actor=actor,
        changes={"accepted_on": timezone.localdate()},
        prepare=lambda current: _check_unit_head(current.council, current.initiative),
        on_saved=with_receipt,
        refusal=_("Only a proposed request can be taken up."),
    )


@transaction.atomic
def proposal_decline(*, item: CouncilItem, actor: User, reason: str) -> CouncilItem:
    """Decline a proposal from the level below, with reasons."""
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is not taken up.")})
    return council_item.move(
        item,
        CouncilItem.Status.DECLINED,
        actor=actor,
        changes={"reasons": reason},
        on_saved=lambda current: f"{current.council.name}: {reason}",
        refusal=_("Only a proposed request can be declined."),
    )


# --- Conflicts and reviews ----------------------------------------------------------


def member_of(council: Council, user: User) -> CouncilMember | None:
    return council.members.filter(user=user).first()


def is_recused(item: CouncilItem, member: CouncilMember) -> bool:
    return item.recusals.filter(member=member).exists()


@transaction.atomic
def conflict_declare(*, item: CouncilItem, member: CouncilMember, note: str) -> Recusal:
    """A member declares a conflict: they leave the item, and any score or vote
    they gave it is withdrawn."""
    if item.is_decided:
        raise ValidationError(_("The item has been decided."))
    recusal, created = Recusal.objects.get_or_create(
        item=item,
        member=member,
        defaults={"reason": Recusal.Reason.DECLARED, "note": nfc(note).strip()[:500]},
    )
    if not created:
        raise ValidationError(_("You already take no part in this item."))
    ScoreSheet.objects.filter(item=item, member=member).delete()
    ReviewAssignment.objects.filter(item=item, member=member).delete()
    from initiatives.models import Vote

    Vote.objects.filter(
        agenda_item__item=item,
        member=member,
        agenda_item__session__status__in=session_lifecycle.CHANGEABLE,
    ).delete()
    return recusal


@transaction.atomic
def reviewers_assign(
    *,
    item: CouncilItem,
    members: list[CouncilMember],
    actor: User,
    due_on: datetime.date | None = None,
) -> list[ReviewAssignment]:
    """Ask several members at once to score an item; the item is under review."""
    current = council_item.lock(item)
    if current.status not in council_item.OPEN:
        raise ValidationError(_("Reviewers can be asked only while the item is open."))
    if not members:
        raise ValidationError({"members": _("Choose at least one member.")})
    strangers = [m for m in members if m.council_id != current.council_id]
    if strangers:
        raise ValidationError(
            {
                "members": _("%(names)s do not sit on this council.")
                % {"names": ", ".join(str(m.user) for m in strangers)}
            }
        )
    recused = set(current.recusals.values_list("member_id", flat=True))
    refused = [m for m in members if m.pk in recused]
    if refused:
        raise ValidationError(
            {
                "members": _("%(names)s take no part in this item.")
                % {"names": ", ".join(str(m.user) for m in refused)}
            }
        )
    due_on = due_on or timezone.localdate() + datetime.timedelta(days=REVIEW_DAYS)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The date cannot be in the past.")})
    assignments = []
    for member in members:
        assignment, _created = ReviewAssignment.objects.update_or_create(
            item=current,
            member=member,
            defaults={"due_on": due_on, "assigned_by": actor},
        )
        assignments.append(assignment)
    if current.status != CouncilItem.Status.UNDER_REVIEW:
        current = council_item.move(
            current,
            CouncilItem.Status.UNDER_REVIEW,
            actor=actor,
            note=current.council.name,
        )
    send_templated(
        "review_assigned",
        {"item": current, "due_on": due_on},
        [m.user.email for m in members],
    )
    return assignments


@transaction.atomic
def score_sheet_save(
    *,
    item: CouncilItem,
    member: CouncilMember,
    points: dict[int, Decimal],
    comments: str,
    submit: bool,
) -> ScoreSheet:
    """Save a member's scores for an item (a draft, or submitted when complete).

    Sheets can change until the item is decided; a recused member has none.
    """
    current = council_item.lock(item)
    if current.status not in council_item.OPEN:
        raise ValidationError(_("Scores can no longer be changed for this item."))
    if member.council_id != current.council_id:
        raise ValidationError(_("You are not on this council."))
    if is_recused(current, member):
        raise ValidationError(_("You take no part in this item."))
    criteria = list(current.council.criteria.all())
    errors = {}
    for criterion in criteria:
        value = points.get(criterion.pk)
        if value is None:
            if submit:
                errors[f"criterion_{criterion.pk}"] = _("Give a score.")
            continue
        if value < 0 or value > criterion.max_points:
            errors[f"criterion_{criterion.pk}"] = _(
                "Give from 0 to %(max)d points."
            ) % {"max": criterion.max_points}
    if errors:
        raise ValidationError(errors)
    sheet, _created = ScoreSheet.objects.get_or_create(item=current, member=member)
    sheet.comments = nfc(comments).strip()
    sheet.scores.all().delete()
    audit_log.record_created(
        Score.objects.bulk_create(
            Score(sheet=sheet, criterion=c, points=points[c.pk])
            for c in criteria
            if points.get(c.pk) is not None
        )
    )
    sheet.total = sum(
        (points[c.pk] for c in criteria if points.get(c.pk) is not None), Decimal("0")
    )
    # Saving a draft over a submitted sheet takes it back: it counts again only
    # when submitted complete.
    sheet.submitted_at = timezone.now() if submit else None
    sheet.save()
    return sheet


@transaction.atomic
def reviewers_remind(*, item: CouncilItem, actor: User) -> int:
    """Mail the reviewers who have not submitted their sheet yet."""
    submitted = set(
        item.score_sheets.exclude(submitted_at=None).values_list("member_id", flat=True)
    )
    pending = [
        r
        for r in item.reviews.select_related("member__user")
        if r.member_id not in submitted
    ]
    now = timezone.now()
    for review in pending:
        review.reminded_at = now
    ReviewAssignment.objects.bulk_update(pending, ["reminded_at"])
    send_templated(
        "review_reminder",
        {"item": item},
        [review.member.user.email for review in pending],
    )
    return len(pending)


# --- Escalation --------------------------------------------------------------------


def council_above(council: Council) -> Council | None:
    """The nearest council above this council's unit for the same year."""
    paths = council.unit.ancestor_paths()
    return (
        Council.objects.filter(unit__path__in=paths, year=council.year)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )


@transaction.atomic
def propose_upward(*, item: CouncilItem, actor: User, note: str = "") -> CouncilItem:
    """Propose a recognised initiative with wider influence to the level above.

    Its request, score sheets, minutes and decision go with it, read-only; the
    upper council handles it like any other request.
    """
    current = council_item.lock(item)
    if current.status != CouncilItem.Status.RECOGNISED:
        raise ValidationError(_("Only a recognised initiative can be proposed upward."))
    target = council_above(current.council)
    if target is None:
        raise ValidationError(
            _("No unit above %(unit)s has an initiative council for %(year)d.")
            % {"unit": current.council.unit.name, "year": current.council.year}
        )
    try:
        with transaction.atomic():
            upper = CouncilItem.objects.create(
                council=target,
                initiative=current.initiative,
                status=CouncilItem.Status.PROPOSED,
                escalated_from=current,
                proposed_by=actor,
                proposal_note=nfc(note).strip(),
            )
    except IntegrityError:
        raise ValidationError(
            _("This initiative is already before %(council)s.")
            % {"council": target.name}
        ) from None
    record_event(
        current.initiative,
        InitiativeEvent.Action.PROPOSED,
        actor,
        f"{target.name}" + (f": {upper.proposal_note}" if upper.proposal_note else ""),
    )
    return upper
