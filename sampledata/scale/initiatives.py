"""Recognition requests and councils at scale (see `sampledata.scale.units`);
their reviews, sessions, votes and documents are in `sampledata.scale.sessions`.
Bulk inserts only: no rendering, no mail.

Each grassroots union files to the council of its commune union; a share of the
province's requests goes to the province's own council, so that its Gold Book
grows to the size of a real one.
"""

import datetime
import math
from decimal import Decimal

from initiatives.models import (
    Author,
    Council,
    CouncilMember,
    Criterion,
    Field,
    Initiative,
    InitiativeEvent,
)
from initiatives.services.councils import DEFAULT_CRITERIA
from sampledata.common import at
from sampledata.scale.inserts import analyze, bulk_insert, keep_dates
from sampledata.scale.sessions import council_work
from sampledata.scale.units import ProvinceSlice, ScalePlan
from units.models import User

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
SEATS = ["chair", "vice_chair", "secretary", "member", "member"]


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
                        created_at=at(datetime.date(year, 1, 3)),
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
            created_at=at(created),
            created_by_id=built.members[unit.pk][0],
            submitted_at=at(submitted) if submitted else None,
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
                    created_at=at(day),
                )
            )
    with keep_dates(InitiativeEvent, "created_at"):
        bulk_insert(events)
    return {"initiatives": rows, "authors": authors, "items": items}


def build_scale(plan: ScalePlan, built: ProvinceSlice) -> dict[str, int]:
    councils = _councils(plan, built)
    made = _requests(plan, built, councils)
    work = council_work(plan, built, councils, made)
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
