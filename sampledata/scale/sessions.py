"""The councils' work at scale (see `sampledata.scale.initiatives`): items, reviews
and score sheets, sessions with attendance and votes, and the documents they issue
(minutes, excerpts, decisions), all pointing at one stored placeholder PDF."""

import datetime
import hashlib
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max

from documents.models import DocumentKind, IssuedDocument, NumberSeries
from initiatives.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilItem,
    CouncilMember,
    Criterion,
    Initiative,
    InitiativeEvent,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
    Vote,
)
from sampledata.common import at, pdf_bytes
from sampledata.scale.inserts import bulk_insert, keep_dates
from sampledata.scale.units import ProvinceSlice

S = Initiative.Status

DECIDED = {S.RECOGNISED, S.NOT_RECOGNISED, S.DEFERRED}
PER_SESSION = 50
REVIEWERS = 3


def placeholder_document() -> tuple[str, str, int]:
    """One small stored PDF that every scale document points at (name, hash, size)."""
    name = "documents/scale/placeholder.pdf"
    data = pdf_bytes("Sáng kiến Công đoàn — dữ liệu quy mô")
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    else:
        name = default_storage.save(name, ContentFile(data))
    return name, hashlib.sha256(data).hexdigest(), len(data)


class Documents:
    """Numbered documents in the councils' series, written in bulk."""

    def __init__(self):
        self.file, self.sha, self.size = placeholder_document()
        self.series: dict[tuple[int, str, int], NumberSeries] = {}
        self.rows: list[IssuedDocument] = []

    def _series(self, unit_id: int, code: str, year: int) -> NumberSeries:
        key = (unit_id, code, year)
        if key not in self.series:
            found = NumberSeries.objects.filter(
                unit_id=unit_id, code=code, year=year
            ).first()
            self.series[key] = found or NumberSeries.objects.create(
                unit_id=unit_id, code=code, year=year
            )
        return self.series[key]

    def add(self, council: Council, code: str, kind, title, day, actor_id, subject):
        series = self._series(council.unit_id, f"{code}-{council.code}", day.year)
        series.last_number += 1
        document = IssuedDocument(
            series=series,
            number=series.last_number,
            kind=kind,
            title=title[:300],
            symbol=f"{series.last_number:02d}/{code}-{council.code}",
            issued_on=day,
            file=self.file,
            sha256=self.sha,
            size=self.size,
            issued_by_id=actor_id,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
        )
        self.rows.append(document)
        return document

    def save(self) -> int:
        bulk_insert(self.rows)
        for series in self.series.values():
            NumberSeries.objects.filter(pk=series.pk).update(
                last_number=series.last_number
            )
        count = len(self.rows)
        self.rows = []
        return count


def _scores(plan, members, criteria):
    rng = plan.rng
    sheets = []
    for member in members[2 : 2 + REVIEWERS] or members[:REVIEWERS]:
        points = [
            Decimal(rng.randint(c.max_points // 2, c.max_points)) for c in criteria
        ]
        sheets.append((member, points))
    return sheets


def _seats_and_rubrics(made):
    seated: dict[int, list[CouncilMember]] = {}
    rubric: dict[int, list[Criterion]] = {}
    council_ids = {c.pk for _i, c in made["items"]}
    for member in CouncilMember.objects.filter(council_id__in=council_ids).order_by(
        "council_id", "id"
    ):
        seated.setdefault(member.council_id, []).append(member)
    for criterion in Criterion.objects.filter(council_id__in=council_ids).order_by(
        "council_id", "order"
    ):
        rubric.setdefault(criterion.council_id, []).append(criterion)
    return seated, rubric


def _plan_sessions(plan, by_council, councils_by_id, seated):
    """Decided items met in closed sessions of up to 50; items under review wait
    for this year's planned session. Returns [(session, items, members)]."""
    numbers = dict(
        Session.objects.filter(council_id__in=by_council)
        .values("council_id")
        .annotate(last=Max("number"))
        .values_list("council_id", "last")
    )
    planned = []
    for council_id, council_items in by_council.items():
        council = councils_by_id[council_id]
        members = seated[council_id]
        place = f"Phòng họp {council.unit.short_name or council.unit.name}"
        decided = [i for i in council_items if i.status in DECIDED]
        waiting = [i for i in council_items if i.status == S.UNDER_REVIEW]
        number = numbers.get(council_id) or 0
        for start in range(0, len(decided), PER_SESSION):
            chunk = decided[start : start + PER_SESSION]
            number += 1
            day = max(i.accepted_on for i in chunk) + datetime.timedelta(days=7)
            day = min(day, plan.today)
            session = Session(
                council=council,
                number=number,
                held_on=day,
                place=place,
                status=Session.Status.CLOSED,
                opened_at=at(day),
                closed_at=at(day) + datetime.timedelta(hours=2),
                closed_by_id=members[0].user_id,
                member_count=len(members),
                present_count=len(members),
                quorum_met=True,
            )
            planned.append((session, chunk, members))
        if waiting:
            number += 1
            session = Session(
                council=council,
                number=number,
                held_on=plan.today + datetime.timedelta(days=10),
                place=place,
                status=Session.Status.PLANNED,
            )
            planned.append((session, waiting, members))
    bulk_insert([s for s, _c, _m in planned])
    return planned


def _meet(plan, planned, documents):
    """Votes, outcomes and documents of the sessions (items not yet saved)."""
    rng = plan.rng
    agenda, attendance, votes = [], [], []
    for session, chunk, members in planned:
        closed = session.status == Session.Status.CLOSED
        council = session.council
        chair = members[0].user_id
        needed = council.votes_needed(len(members))
        attendance += [
            Attendance(session=session, member=member, present=closed)
            for member in members
        ]
        recognised = []
        for order, item in enumerate(chunk):
            entry = AgendaItem(session=session, item=item, order=order)
            agenda.append(entry)
            if not closed:
                continue
            passed = item.status == S.RECOGNISED
            yes = (
                rng.randint(needed, len(members))
                if passed
                else rng.randint(0, needed - 1)
            )
            entry.yes_count, entry.no_count = yes, len(members) - yes
            entry.eligible_count, entry.votes_needed = len(members), needed
            entry.average_score = item.average_score
            entry.outcome = item.status
            item.yes_count, item.no_count = entry.yes_count, entry.no_count
            item.decided_on = session.held_on
            votes += [
                Vote(
                    agenda_item=entry,
                    member=member,
                    choice="yes" if position < yes else "no",
                )
                for position, member in enumerate(members)
            ]
            if passed:
                recognised.append(item)
            entry.excerpt = documents.add(
                council,
                "TrBB",
                DocumentKind.MINUTES_EXCERPT,
                f"Trích biên bản: {item.initiative.title}",
                session.held_on,
                chair,
                item.initiative,
            )
        if not closed:
            continue
        session.minutes = documents.add(
            council,
            "BB",
            DocumentKind.MINUTES,
            f"Biên bản phiên họp số {session.number} — {council.name}",
            session.held_on,
            chair,
            session,
        )
        if recognised:
            decision = documents.add(
                council,
                "QĐ",
                DocumentKind.DECISION,
                f"Quyết định công nhận sáng kiến — phiên họp số {session.number}",
                session.held_on,
                chair,
                session,
            )
            for item in recognised:
                item.decision = decision
    return agenda, attendance, votes


def council_work(plan, built: ProvinceSlice, councils, made) -> dict:
    """Items, reviews and score sheets, sessions with votes and documents.

    Rows are inserted parents first with every column known, so that nothing
    has to be updated afterwards (bulk updates of this size are slow)."""
    seated, rubric = _seats_and_rubrics(made)
    items, sheets, scores, assignments = [], [], [], []
    by_council: dict[int, list[CouncilItem]] = {}
    for initiative, council in made["items"]:
        members = seated[council.pk]
        status = initiative.status
        item = CouncilItem(
            council=council,
            initiative=initiative,
            status=status,
            accepted_on=initiative.accepted_on,
        )
        if status in DECIDED or status == S.UNDER_REVIEW:
            graded = _scores(plan, members, rubric[council.pk])
            if status in DECIDED:
                totals = [sum(points) for _m, points in graded]
                item.average_score = (sum(totals) / len(totals)).quantize(
                    Decimal("0.01")
                )
            for member, points in graded:
                sheet = ScoreSheet(
                    item=item,
                    member=member,
                    total=sum(points),
                    submitted_at=at(initiative.accepted_on),
                )
                sheets.append(sheet)
                scores.append((sheet, points))
                assignments.append(
                    ReviewAssignment(
                        item=item,
                        member=member,
                        due_on=initiative.accepted_on + datetime.timedelta(days=30),
                        assigned_by_id=members[0].user_id,
                    )
                )
        items.append(item)
        by_council.setdefault(council.pk, []).append(item)

    councils_by_id = {c.pk: c for c in councils.values()}
    planned = _plan_sessions(plan, by_council, councils_by_id, seated)
    documents = Documents()
    agenda, attendance, votes = _meet(plan, planned, documents)
    issued = documents.save()
    closed = [s for s, _c, _m in planned if s.minutes is not None]
    for session in closed:
        session.minutes_id = session.minutes.pk
    Session.objects.bulk_update(closed, ["minutes"], batch_size=1000)

    # bulk_insert takes the keys of related rows saved since they were assigned.
    bulk_insert(items)
    bulk_insert(assignments)
    bulk_insert(sheets)
    bulk_insert(
        [
            Score(sheet=sheet, criterion=criterion, points=value)
            for sheet, points in scores
            for criterion, value in zip(
                rubric[sheet.item.council_id], points, strict=True
            )
        ]
    )
    bulk_insert(attendance)
    bulk_insert(agenda)
    bulk_insert(votes)

    # The outcomes in the requests' history, dated the day of their session.
    events = [
        InitiativeEvent(
            initiative=item.initiative,
            action=item.status,
            from_status=S.UNDER_REVIEW,
            to_status=item.status,
            actor_id=seated[item.council_id][0].user_id,
            created_at=at(item.decided_on),
        )
        for item in items
        if item.decided_on
    ]
    with keep_dates(InitiativeEvent, "created_at"):
        bulk_insert(events)
    return {
        "council items": len(items),
        "score sheets": len(sheets),
        "sessions": len(planned),
        "votes": len(votes),
        "documents": issued,
        "recognised": [i for i in items if i.status == S.RECOGNISED],
    }
