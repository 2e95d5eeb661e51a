"""Council sessions: agenda, attendance, votes, closing and the documents issued.

Closing a session is one transaction: it freezes attendance, tallies and average
scores, decides each item by the council's rules, and moves the requests on.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from core.text import nfc
from documents.models import DocumentKind, IssuedDocument
from documents.services import document_issue
from initiatives import printing
from initiatives.lifecycle import council_item
from initiatives.lifecycle import session as lifecycle
from initiatives.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilItem,
    CouncilMember,
    Outcome,
    Session,
    Vote,
    VotingMode,
)
from initiatives.tracking import session_seal
from initiatives.voting import Tally, decide, has_quorum
from units.models import User

# --- Planning -----------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    council: Council,
    held_on: datetime.date,
    place: str,
    items: list[CouncilItem],
    actor: User,
) -> Session:
    """Plan a session with its agenda; every member is listed, absent until marked."""
    council = Council.objects.select_for_update().get(pk=council.pk)
    place = nfc(place).strip()
    if not place:
        raise ValidationError({"place": _("Say where the council meets.")})
    if not council.members.exists():
        raise ValidationError(_("The council has no members yet."))
    number = (council.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
    session = Session.objects.create(
        council=council, number=number, held_on=held_on, place=place
    )
    audit_log.record_created(
        Attendance.objects.bulk_create(
            Attendance(session=session, member=member)
            for member in council.members.all()
        )
    )
    agenda_add(session=session, items=items, actor=actor)
    return session


@transaction.atomic
def agenda_add(*, session: Session, items: list[CouncilItem], actor: User) -> None:
    current = lifecycle.lock_changeable(session)
    busy = set(
        AgendaItem.objects.filter(
            item__in=items,
            session__status__in=lifecycle.CHANGEABLE,
        )
        .exclude(session=current)
        .values_list("item_id", flat=True)
    )
    start = current.agenda.count()
    for offset, item in enumerate(items):
        if item.council_id != current.council_id:
            raise ValidationError({"items": _("An item belongs to another council.")})
        if item.status not in council_item.OPEN:
            raise ValidationError(
                {
                    "items": _("%(title)s is not waiting for a decision.")
                    % {"title": item.initiative}
                }
            )
        if item.pk in busy:
            raise ValidationError(
                {
                    "items": _("%(title)s is already on another open session.")
                    % {"title": item.initiative}
                }
            )
        AgendaItem.objects.get_or_create(
            session=current, item=item, defaults={"order": start + offset}
        )


@transaction.atomic
def agenda_remove(*, agenda_item: AgendaItem, actor: User) -> None:
    lifecycle.lock_changeable(agenda_item.session)
    agenda_item.votes.all().delete()
    agenda_item.delete()


@transaction.atomic
def attendance_set(*, session: Session, present: set[int], actor: User) -> None:
    """Mark who is present (the rest are absent) until the session closes."""
    current = lifecycle.lock_changeable(session)
    # Members seated after the session was planned join its attendance list.
    listed = set(current.attendance.values_list("member_id", flat=True))
    audit_log.record_created(
        Attendance.objects.bulk_create(
            Attendance(session=current, member=member)
            for member in current.council.members.exclude(pk__in=listed)
        )
    )
    rows = list(current.attendance.all())
    before = audit_log.values_before(rows, ["present"])
    for row in rows:
        row.present = row.member_id in present
    Attendance.objects.bulk_update(rows, ["present"])
    audit_log.record_updated(rows, before)
    # Someone marked absent has no vote.
    Vote.objects.filter(agenda_item__session=current).exclude(
        member_id__in=present
    ).delete()


@transaction.atomic
def session_open(*, session: Session, actor: User) -> Session:

    def check_agenda(current: Session) -> None:
        if not current.agenda.exists():
            raise ValidationError(_("Put at least one request on the agenda first."))

    return lifecycle.move(
        session,
        Session.Status.OPEN,
        changes={"opened_at": timezone.now()},
        prepare=check_agenda,
    )


# --- Voting -------------------------------------------------------------------


def can_vote(agenda_item: AgendaItem, member: CouncilMember) -> str | None:
    """Return why the member may not vote on the item now, or None if they may."""
    session = agenda_item.session
    if session.status != Session.Status.OPEN:
        return _("Voting is possible only while the session is open.")
    if session.council.voting_mode != VotingMode.BALLOT:
        return _(
            "This council votes by show of hands; the secretary records the count."
        )
    if member.council_id != session.council_id:
        return _("You are not on this council.")
    if not session.attendance.filter(member=member, present=True).exists():
        return _("Only members present at the session vote.")
    if agenda_item.item.recusals.filter(member=member).exists():
        return _("You take no part in this item.")
    return None


def vote_cast(*, agenda_item: AgendaItem, member: CouncilMember, choice: str) -> Vote:
    """Cast or change a vote. One row per member and item whatever the clicks: the
    database refuses a second row and a lost race turns into an update."""
    if choice not in Vote.Choice.values:
        raise ValidationError(_("Choose in favour or against."))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                current = AgendaItem.objects.select_related(
                    "session__council", "item"
                ).get(pk=agenda_item.pk)
                Session.objects.select_for_update().get(pk=current.session_id)
                current.session.refresh_from_db()
                refusal = can_vote(current, member)
                if refusal:
                    raise ValidationError(refusal)
                vote, created = Vote.objects.get_or_create(
                    agenda_item=current, member=member, defaults={"choice": choice}
                )
                if not created and vote.choice != choice:
                    vote.choice = choice
                    vote.save(update_fields=["choice", "updated_at"])
                return vote
        except IntegrityError:
            continue
    raise ValidationError(_("Your vote could not be recorded; please try again."))


@transaction.atomic
def hands_record(
    *, agenda_item: AgendaItem, yes: int, no: int, actor: User
) -> AgendaItem:
    """Record the show-of-hands count (secretary)."""
    current = AgendaItem.objects.select_related("session__council", "item").get(
        pk=agenda_item.pk
    )
    lifecycle.lock_changeable(current.session)
    if current.session.status != Session.Status.OPEN:
        raise ValidationError(_("Counts are recorded while the session is open."))
    if current.session.council.voting_mode != VotingMode.HANDS:
        raise ValidationError(
            _("This council votes by secret ballot in the application.")
        )
    eligible = _eligible_members(current)
    if yes < 0 or no < 0 or yes + no > len(eligible):
        raise ValidationError(
            {
                "hands_yes": _(
                    "The votes cannot exceed the %(count)d members present who take "
                    "part in this item."
                )
                % {"count": len(eligible)}
            }
        )
    current.hands_yes, current.hands_no = yes, no
    current.save(update_fields=["hands_yes", "hands_no"])
    return current


@transaction.atomic
def agenda_note(*, agenda_item: AgendaItem, note: str, actor: User) -> AgendaItem:
    """The council's conclusion on an item (reasons for a refusal or deferral)."""
    lifecycle.lock_changeable(agenda_item.session)
    agenda_item.note = nfc(note).strip()
    agenda_item.save(update_fields=["note"])
    return agenda_item


def _eligible_members(agenda_item: AgendaItem) -> set[int]:
    present = set(
        agenda_item.session.attendance.filter(present=True).values_list(
            "member_id", flat=True
        )
    )
    recused = set(agenda_item.item.recusals.values_list("member_id", flat=True))
    return present - recused


# --- Closing ------------------------------------------------------------------

REASON_TEXT = {
    "quorum": "Phiên họp không đủ số thành viên tham dự theo quy định; hoãn xem xét.",
    "tie": "Số phiếu đồng ý và không đồng ý bằng nhau; hoãn xem xét.",
    "failed": (
        "Số thành viên Hội đồng đồng ý ({yes}/{members}) chưa đạt tỷ lệ quy định "
        "(cần ít nhất {needed})."
    ),
    "passed": "Được {yes}/{members} thành viên Hội đồng đồng ý.",
}


@transaction.atomic
def session_close(*, session: Session, actor: User) -> Session:
    """Close the session: freeze the results and decide every item on the agenda."""

    def freeze(current: Session) -> dict:
        member_count = current.council.members.count()
        present = current.attendance.filter(present=True).count()
        return {
            "member_count": member_count,
            "present_count": present,
            "quorum_met": has_quorum(
                present, current.council.quorum_needed(member_count)
            ),
            "closed_at": timezone.now(),
            "closed_by": actor,
        }

    current = lifecycle.move(session, Session.Status.CLOSED, prepare=freeze)
    council = current.council
    member_count, present = current.member_count, current.present_count
    quorum = council.quorum_needed(member_count)
    needed = council.votes_needed(member_count)
    # The members' choices may now be read in the audit log.
    audit_log.unseal(session_seal(current))
    # The decision is taken on the day the council met (never a future day).
    today = min(current.held_on, timezone.localdate())
    for agenda_item in current.agenda.select_related(
        "item__initiative"
    ).select_for_update():
        eligible = _eligible_members(agenda_item)
        if council.voting_mode == VotingMode.BALLOT:
            votes = agenda_item.votes.filter(member_id__in=eligible)
            yes = votes.filter(choice=Vote.Choice.YES).count()
            no = votes.filter(choice=Vote.Choice.NO).count()
        else:
            yes, no = agenda_item.hands_yes or 0, agenda_item.hands_no or 0
        tally = decide(
            member_count=member_count,
            present=present,
            quorum=quorum,
            needed=needed,
            yes=yes,
            no=no,
        )
        average = agenda_item.item.score_sheets.exclude(submitted_at=None).aggregate(
            average=Avg("total")
        )["average"]
        agenda_item.yes_count, agenda_item.no_count = yes, no
        agenda_item.eligible_count = len(eligible)
        agenda_item.votes_needed = needed
        agenda_item.average_score = (
            Decimal(average).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if average is not None
            else None
        )
        agenda_item.outcome = tally.outcome
        reason = REASON_TEXT[tally.reason].format(
            yes=yes, members=member_count, needed=needed
        )
        if not agenda_item.note:
            agenda_item.note = reason
        agenda_item.save()
        _apply_outcome(agenda_item, tally, actor, today)
    return current


def _apply_outcome(agenda_item: AgendaItem, tally: Tally, actor: User, today) -> None:
    changes = {
        "yes_count": agenda_item.yes_count,
        "no_count": agenda_item.no_count,
        "average_score": agenda_item.average_score,
        "reasons": agenda_item.note,
    }
    if tally.outcome != Outcome.DEFERRED:
        changes["decided_on"] = today
    council_item.move(
        agenda_item.item,
        CouncilItem.Status(tally.outcome),
        actor=actor,
        changes=changes,
        on_saved=lambda item: f"{item.council.name}: {agenda_item.note}",
    )


# --- Documents ----------------------------------------------------------------


def series(council: Council, kind_code: str) -> str:
    """The council's own series for a type of document: "QĐ-HĐSK", "BB-HĐSK"…"""
    return f"{kind_code}-{council.code}"


def _issue(council: Council, kind_code: str, **kwargs) -> IssuedDocument:
    return document_issue(
        unit=council.unit,
        code=series(council, kind_code),
        issuer=printing.council_issuer(council),
        # The council's own series: "05/QĐ-HĐSK", without the unit's abbreviation.
        abbreviation="",
        **kwargs,
    )


@transaction.atomic
def session_documents_issue(*, session: Session, actor: User) -> list[IssuedDocument]:
    """Issue what a closed session produces, each numbered in the council's series:
    the minutes, an excerpt per item, the recognition decision, a certificate for
    each author of a recognised initiative and a refusal notice per refused request.
    Documents already issued are not issued again."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    if not current.is_closed:
        raise ValidationError(_("Documents are issued once the session is closed."))
    council = current.council
    # Documents carry the date of the meeting they record.
    day = min(current.held_on, timezone.localdate())
    issued: list[IssuedDocument] = []
    agenda = list(
        current.agenda.select_related("item__initiative__recognizing_unit").order_by(
            "order", "id"
        )
    )
    if current.minutes_id is None:
        current.minutes = _issue(
            council,
            "BB",
            kind=DocumentKind.MINUTES,
            title=f"Biên bản phiên họp số {current.number} — {council.name}"[:300],
            template_name="documents/council_minutes.html",
            context=printing.minutes_context(current, agenda),
            issued_on=day,
            actor=actor,
            subject=current,
        )
        current.save(update_fields=["minutes"])
        issued.append(current.minutes)
    for agenda_item in agenda:
        if agenda_item.excerpt_id is None:
            agenda_item.excerpt = _issue(
                council,
                "TrBB",
                kind=DocumentKind.MINUTES_EXCERPT,
                title=f"Trích biên bản: {agenda_item.item.initiative.title}"[:300],
                template_name="documents/council_excerpt.html",
                context=printing.excerpt_context(current, agenda_item),
                issued_on=day,
                actor=actor,
                subject=agenda_item.item.initiative,
            )
            agenda_item.save(update_fields=["excerpt"])
            issued.append(agenda_item.excerpt)
    recognised = [a for a in agenda if a.outcome == Outcome.RECOGNISED]
    undecided = [a for a in recognised if a.item.decision_id is None]
    if undecided:
        decision = _issue(
            council,
            "QĐ",
            kind=DocumentKind.DECISION,
            title=f"Quyết định công nhận sáng kiến — phiên họp số {current.number}"[
                :300
            ],
            template_name="documents/council_decision.html",
            context=printing.decision_context(current, undecided),
            issued_on=day,
            actor=actor,
            subject=current,
        )
        issued.append(decision)
        for agenda_item in undecided:
            CouncilItem.objects.filter(pk=agenda_item.item_id).update(decision=decision)
            agenda_item.item.decision = decision
            for author in agenda_item.item.initiative.authors.all():
                issued.append(
                    _issue(
                        council,
                        "GCN",
                        kind=DocumentKind.CERTIFICATE,
                        title=f"Giấy chứng nhận sáng kiến — {author.full_name}"[:300],
                        template_name="documents/council_certificate.html",
                        context=printing.certificate_context(
                            agenda_item.item, author, decision
                        ),
                        issued_on=day,
                        actor=actor,
                        subject=agenda_item.item.initiative,
                    )
                )
    for agenda_item in agenda:
        if agenda_item.outcome != Outcome.NOT_RECOGNISED:
            continue
        already = IssuedDocument.objects.filter(
            kind=DocumentKind.NOTICE,
            content_type=ContentType.objects.get_for_model(agenda_item.item.initiative),
            object_id=agenda_item.item.initiative_id,
            series__code=series(council, "TB"),
            series__unit=council.unit,
        ).exists()
        if not already:
            issued.append(
                _issue(
                    council,
                    "TB",
                    kind=DocumentKind.NOTICE,
                    title=(
                        "Thông báo không công nhận sáng kiến: "
                        f"{agenda_item.item.initiative.title}"
                    )[:300],
                    template_name="documents/council_refusal.html",
                    context=printing.refusal_context(current, agenda_item),
                    issued_on=day,
                    actor=actor,
                    subject=agenda_item.item.initiative,
                )
            )
    return issued
