"""Recognition requests, councils, sessions, scores, votes and their documents at
scale (see units/scale.py). Bulk inserts only: no rendering, no mail.

Each grassroots union files to the council of its commune union; a share of the
province's requests goes to the province's own council, so that its Gold Book
grows to the size of a real one.
"""

import datetime
import hashlib
import math
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument, NumberSeries
from initiatives.models import (
    AgendaItem,
    Attendance,
    Author,
    Council,
    CouncilItem,
    CouncilMember,
    Criterion,
    Field,
    Initiative,
    InitiativeEvent,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
    Vote,
)
from initiatives.services.councils import DEFAULT_CRITERIA
from units.models import User
from units.scale import ProvinceSlice, ScalePlan, analyze, bulk_insert, keep_dates

S = Initiative.Status
A = InitiativeEvent.Action

ACTIONS = [
    "Ứng dụng",
    "Số hoá",
    "Cải tiến",
    "Đổi mới cách thức",
    "Xây dựng mô hình",
    "Tổ chức",
    "Nâng cao hiệu quả",
    "Chuẩn hoá",
    "Tự động hoá",
    "Đơn giản hoá",
]
OBJECTS = [
    "quản lý hồ sơ đoàn viên",
    "thu, chi đoàn phí công đoàn",
    "tuyên truyền pháp luật lao động",
    "chăm lo Tết cho người lao động",
    "bữa ăn ca của công nhân",
    "đối thoại tại nơi làm việc",
    "phát triển đoàn viên mới",
    "thương lượng thoả ước lao động tập thể",
    "thi đua lao động giỏi",
    "hỗ trợ nữ công nhân nuôi con nhỏ",
    "an toàn, vệ sinh lao động",
    "sinh hoạt công đoàn định kỳ",
    "khen thưởng đoàn viên tiêu biểu",
    "giải quyết kiến nghị của người lao động",
    "xây dựng nhà văn hoá công nhân",
]
MEANS = [
    "bằng phần mềm trên điện thoại",
    "qua nhóm Zalo",
    "bằng mã QR",
    "trên bảng tính dùng chung",
    "qua hộp thư góp ý trực tuyến",
    "theo quy trình một cửa",
    "với sổ tay điện tử",
    "bằng biểu mẫu in sẵn",
]
PLACES = ["tại doanh nghiệp", "tại trường học", "tại bệnh viện", "ở cơ sở", "ở xã"]

# Status mix: (status, weight) for years gone and for the current year.
PAST = [
    (S.RECOGNISED, 58),
    (S.NOT_RECOGNISED, 17),
    (S.DEFERRED, 3),
    (S.WITHDRAWN, 6),
    (S.RETURNED, 4),
    (S.SUBMITTED, 2),
    (S.DRAFT, 10),
]
CURRENT = [
    (S.DRAFT, 14),
    (S.SUBMITTED, 18),
    (S.RETURNED, 5),
    (S.ACCEPTED, 14),
    (S.UNDER_REVIEW, 14),
    (S.RECOGNISED, 24),
    (S.NOT_RECOGNISED, 9),
    (S.WITHDRAWN, 2),
]
IN_COUNCIL = {S.ACCEPTED, S.UNDER_REVIEW, S.DEFERRED, S.RECOGNISED, S.NOT_RECOGNISED}
DECIDED = {S.RECOGNISED, S.NOT_RECOGNISED, S.DEFERRED}
SEATS = ["chair", "vice_chair", "secretary", "member", "member"]
PER_SESSION = 50
REVIEWERS = 3


def _title(rng, unit) -> str:
    return " ".join(
        [
            rng.choice(ACTIONS),
            rng.choice(OBJECTS),
            rng.choice(MEANS),
            rng.choice(PLACES),
            f"({unit.short_name or unit.name})",
        ]
    )


def _pick(rng, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _day(rng, year: int, today: datetime.date, after: datetime.date | None = None):
    start = after or datetime.date(year, 1, 5)
    end = min(datetime.date(year, 12, 20), today)
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def placeholder_document() -> tuple[str, str, int]:
    """One small stored PDF that every scale document points at (name, hash, size)."""
    from initiatives.demo import pdf_bytes

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


def _councils(plan, built: ProvinceSlice) -> dict[tuple[int, int], Council]:
    """A council per commune and year, and the province's own, each with five
    seats and the default rubric. Councils that exist (the demo's) are kept."""
    units = [*built.communes, built.province]
    existing = {
        (c.unit_id, c.year): c
        for c in Council.objects.filter(unit__in=units, year__in=plan.years)
    }
    new = []
    for unit in units:
        for year in plan.years:
            if (unit.pk, year) not in existing:
                new.append(
                    Council(
                        unit=unit,
                        year=year,
                        name=f"Hội đồng sáng kiến {unit.name} năm {year}",
                        created_at=_at(datetime.date(year, 1, 3)),
                    )
                )
    bulk_insert(new)
    bulk_insert(
        [
            Criterion(council=c, name=name, max_points=points, order=index)
            for c in new
            for index, (name, points) in enumerate(DEFAULT_CRITERIA)
        ]
    )
    seats = []
    for council in new:
        if council.unit_id == built.province.pk:
            # The province's council: the keepers of its first communes.
            people = [built.officers[c.pk][0] for c in built.communes[:5]]
        else:
            unions = built.grassroots[council.unit_id]
            people = [built.officers[council.unit_id][0]] + [
                built.members[u.pk][1 % len(built.members[u.pk])] for u in unions[:4]
            ]
            # The keeper is the secretary.
            people[0], people[2] = people[2], people[0]
        seen = set()
        for role, user_id in zip(SEATS, people, strict=False):
            if user_id in seen:
                continue
            seen.add(user_id)
            seats.append(
                CouncilMember(
                    council=council,
                    user_id=user_id,
                    role=role,
                    position="Ủy viên" if role == "member" else "",
                )
            )
    bulk_insert(seats)
    for council in new:
        existing[(council.unit_id, council.year)] = council
    return existing


def _authors(plan, unit_id, members, initiative) -> list[Author]:
    rng = plan.rng
    people = members[unit_id]
    count = rng.choices([1, 2, 3], [55, 30, 15])[0]
    chosen = rng.sample(people, min(count, len(people)))
    shares = {1: ["100"], 2: ["60", "40"], 3: ["33.34", "33.33", "33.33"]}[len(chosen)]
    return [
        Author(
            initiative=initiative,
            user_id=user_id,
            full_name="",
            share=Decimal(share),
            order=order,
        )
        for order, (user_id, share) in enumerate(zip(chosen, shares, strict=True))
    ]


def _requests(plan, built: ProvinceSlice, councils) -> dict:
    """The province's requests, their authors and history; returns what the later
    steps need: the items in councils."""
    rng = plan.rng
    spec = plan.spec
    total = plan.share(spec.requests)
    # Enough requests go to the province council for its own Gold Book.
    to_province = min(math.ceil(spec.big_book * 1.5), total // 4)
    fields = list(Field.objects.filter(is_active=True).values_list("pk", flat=True))
    names = dict(
        User.objects.filter(
            pk__in=[u for people in built.members.values() for u in people]
        ).values_list("pk", "full_name")
    )
    unions = [u for units in built.grassroots.values() for u in units]
    parent = {u.pk: c for c in built.communes for u in built.grassroots[c.pk]}
    rows, authors, plans = [], [], []
    for index in range(total):
        unit = unions[index % len(unions)]
        year = plan.years[index % len(plan.years)]
        current = year == plan.today.year
        provincial = index < to_province
        if provincial:
            status = S.RECOGNISED if rng.random() < 0.85 else S.NOT_RECOGNISED
            if current and rng.random() < 0.3:
                status = S.UNDER_REVIEW
        else:
            status = _pick(rng, CURRENT if current else PAST)
        recognizing = built.province if provincial else parent[unit.pk]
        created = _day(rng, year, plan.today)
        submitted = None if status == S.DRAFT else _day(rng, year, plan.today, created)
        accepted = (
            _day(rng, year, plan.today, submitted) if status in IN_COUNCIL else None
        )
        initiative = Initiative(
            year=year,
            unit=unit,
            recognizing_unit=recognizing,
            title=_title(rng, unit),
            kind=rng.choice(Initiative.Kind.values),
            field_id=rng.choice(fields) if fields else None,
            investor="" if rng.random() < 0.7 else "Công đoàn cơ sở",
            first_applied_on=created,
            essence=(
                "Cách làm mới giúp đoàn viên tiếp cận thông tin nhanh hơn, giảm giấy "
                "tờ và thời gian của cán bộ công đoàn; đã áp dụng thử tại đơn vị."
            ),
            conditions="Cán bộ công đoàn được hướng dẫn sử dụng.",
            application_place=unit.name,
            benefits_author="Tiết kiệm thời gian, chi phí; đoàn viên hài lòng hơn.",
            level=Initiative.Scope.PROVINCE if provincial else Initiative.Scope.UPPER,
            status=status,
            created_at=_at(created),
            created_by_id=built.members[unit.pk][0],
            submitted_at=_at(submitted) if submitted else None,
            accepted_on=accepted,
        )
        people = _authors(plan, unit.pk, built.members, initiative)
        for author in people:
            author.full_name = names[author.user_id]
        initiative.fill_derived([a.full_name for a in people])
        initiative.fill_paths()
        rows.append(initiative)
        authors.append(people)
        plans.append((created, submitted, accepted))
    with keep_dates(Initiative, "created_at"):
        bulk_insert(rows, plan.interleaved_keys(Initiative, built.number, len(rows)))
    bulk_insert([a for people in authors for a in people])

    events, items = [], []
    for initiative, people, (created, submitted, accepted) in zip(
        rows, authors, plans, strict=True
    ):
        actor = people[0].user_id
        steps = [(A.CREATED, "", S.DRAFT, created)]
        if submitted:
            steps.append((A.SUBMITTED, S.DRAFT, S.SUBMITTED, submitted))
        if initiative.status == S.RETURNED:
            steps.append((A.RETURNED, S.SUBMITTED, S.RETURNED, submitted))
        if initiative.status == S.WITHDRAWN:
            steps.append((A.WITHDRAWN, S.SUBMITTED, S.WITHDRAWN, submitted))
        if accepted:
            steps.append((A.ACCEPTED, S.SUBMITTED, S.ACCEPTED, accepted))
            council = councils[(initiative.recognizing_unit_id, initiative.year)]
            items.append((initiative, council))
        for action, before, after, day in steps:
            events.append(
                InitiativeEvent(
                    initiative=initiative,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor_id=actor,
                    created_at=_at(day),
                )
            )
    with keep_dates(InitiativeEvent, "created_at"):
        bulk_insert(events)
    return {"initiatives": rows, "authors": authors, "items": items}


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
                opened_at=_at(day),
                closed_at=_at(day) + datetime.timedelta(hours=2),
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


def _council_work(plan, built: ProvinceSlice, councils, made) -> dict:
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
                    submitted_at=_at(initiative.accepted_on),
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
            created_at=_at(item.decided_on),
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


def build_scale(plan: ScalePlan, built: ProvinceSlice) -> dict[str, int]:
    councils = _councils(plan, built)
    made = _requests(plan, built, councils)
    work = _council_work(plan, built, councils, made)
    built.shared["recognised"] = work.pop("recognised")
    built.shared["authors"] = {
        initiative.pk: people
        for initiative, people in zip(made["initiatives"], made["authors"], strict=True)
    }
    analyze(
        "initiatives_initiative",
        "initiatives_author",
        "initiatives_initiativeevent",
        "initiatives_councilitem",
        "initiatives_scoresheet",
        "initiatives_vote",
        "documents_issueddocument",
    )
    return {
        "councils": len(councils),
        "requests": len(made["initiatives"]),
        **work,
    }
