"""The demo councils of this year: who sits on them (every member signs in with
the demo password), and their work: reviews, a closed session with every outcome
and its documents, an escalation to the province, and an open session."""

from decimal import Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.utils import timezone

from initiatives import services
from initiatives.models import Council, CouncilItem, Initiative
from initiatives.services import councils as council_services
from initiatives.services import sessions
from sampledata.demo.people import DEMO_PASSWORD
from units.models import User

YEAR = 2026

# Councils of this year: (unit, voting mode, [(user name, role, title, unit head)]).
# People named "dv.…" are demo members of the grassroots unions.
COUNCILS = [
    (
        "CB-GD-THPTC",
        "hands",
        [
            ("canbo.thptchuyen", "chair", "Chủ tịch CĐCS", True),
            ("hotro.thptchuyen", "secretary", "Tổ trưởng Tổ hỗ trợ sáng kiến", False),
            ("dv.cb-gd-thptc.01", "member", "Tổ trưởng tổ công đoàn", False),
            ("dv.cb-gd-thptc.02", "member", "Giáo viên", False),
            ("dv.cb-gd-thptc.03", "union_rep", "Đại diện tổ công đoàn", False),
        ],
    ),
    (
        "CB-GD",
        "ballot",
        [
            ("quantri.giaoduc", "chair", "Phó Chủ tịch CĐN Giáo dục", True),
            ("thidua.giaoduc", "secretary", "Ủy viên Ban Thường vụ", False),
            ("canbo.tinh", "expert", "Trưởng ban TC-TG-NC LĐLĐ tỉnh", False),
            ("dv.cb-gd-thpttp.01", "member", "Chủ tịch CĐCS THPT Thành phố", False),
            ("dv.cb-gd-cdsp.01", "member", "Chủ tịch CĐCS CĐ Sư phạm", False),
        ],
    ),
    (
        "CB-YT",
        "ballot",
        [
            ("quantri.yte", "chair", "Chủ tịch CĐN Y tế", True),
            ("dv.cb-yt-bvdk.01", "secretary", "Ủy viên Ban Thường vụ", False),
            ("dv.cb-yt-cdc.01", "member", "Chủ tịch CĐCS CDC tỉnh", False),
        ],
    ),
    (
        "CB",
        "ballot",
        [
            ("quantri.tinh", "chair", "Phó Chủ tịch LĐLĐ tỉnh", True),
            ("canbo.tinh", "vice_chair", "Trưởng ban TC-TG-NC", False),
            ("thidua.tinh", "secretary", "Chuyên viên thi đua - khen thưởng", False),
            ("quantri.yte", "union_rep", "Chủ tịch CĐN Y tế", False),
            ("dv.cb-cq.01", "member", "Chuyên viên Văn phòng", False),
        ],
    ),
]


def council_seated(unit, year: int, mode: str, seats, users):
    """The unit's council for the year, created if missing, with its seats
    [(user name, role, title, unit head)]. Returns (council, created)."""
    council = Council.objects.filter(unit=unit, year=year).first()
    created = council is None
    if created:
        council = council_services.council_create(
            unit=unit, year=year, voting_mode=mode, actor=None
        )
    for username, role, title, head in seats:
        if not council.members.filter(user=users[username]).exists():
            council_services.council_member_add(
                council=council,
                user=users[username],
                role=role,
                position=title,
                is_unit_head=head,
                actor=None,
            )
    return council, created


def seat_councils(units, users) -> int:
    """Seat this year's demo councils (COUNCILS); returns how many were created."""
    created = 0
    for code, mode, seats in COUNCILS:
        _council, new = council_seated(units[code], YEAR, mode, seats, users)
        created += new
    return created


def council_usernames() -> list[str]:
    """Everyone who sits on a demo council, in the order of COUNCILS."""
    names = []
    for _code, _mode, seats in COUNCILS:
        names += [username for username, *_rest in seats if username not in names]
    return names


def council_accounts() -> int:
    """Let every member of the demo councils sign in with the demo password, so
    each step of a council's work can be tried as the person who does it. Only
    accounts without a usable password are given it: a password changed by hand
    stays. Returns how many accounts were opened."""
    closed = User.objects.filter(
        username__in=council_usernames(),
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    )
    if not closed.exists():
        return 0
    # One hash for all: they share the published password anyway.
    return closed.update(password=make_password(DEMO_PASSWORD))


def demo_accounts() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The demo councils and who sits on them, for `seed_demo` to print:
    [(council, [(user name, full name, role)])]."""
    councils = (
        Council.objects.filter(
            unit__code__in=[code for code, _mode, _seats in COUNCILS], year=YEAR
        )
        .select_related("unit")
        .prefetch_related("members__user")
        .order_by("unit__path")
    )
    return [
        (
            council.name,
            [
                (m.user.username, m.user.full_name, m.get_role_display())
                for m in sorted(council.members.all(), key=lambda m: m.pk)
            ],
        )
        for council in councils
    ]


def _sheet(item, username, points, comment=""):
    member = item.council.members.get(user__username=username)
    criteria = list(item.council.criteria.all())
    council_services.score_sheet_save(
        item=item,
        member=member,
        points={c.pk: Decimal(p) for c, p in zip(criteria, points, strict=True)},
        comments=comment,
        submit=True,
    )


def council_work(users, recognised: str, handbook: str) -> None:
    """Reviews, a closed session with every outcome and its documents, an
    escalation to the province, and an open session at a grassroots union.

    `recognised` is the title of the education union's request the council
    recognises and sends up to the province; `handbook` the title of the request
    the school's council meets on in a session still open."""
    education = Council.objects.get(unit__code="CB-GD", year=YEAR)
    if education.sessions.exists():
        return
    items = {
        i.initiative.title: i for i in education.items.select_related("initiative")
    }
    zalo = items[recognised]
    software = items["Phần mềm quản lý hồ sơ đoàn viên trên điện thoại"]
    mailbox = items["Hộp thư góp ý trực tuyến cho đoàn viên trường tiểu học"]
    secretary = users["thidua.giaoduc"]
    reviewers = list(
        education.members.filter(
            user__username__in=["canbo.tinh", "dv.cb-gd-thpttp.01", "dv.cb-gd-cdsp.01"]
        )
    )
    for item in (zalo, software, mailbox):
        council_services.reviewers_assign(item=item, members=reviewers, actor=secretary)
    _sheet(zalo, "canbo.tinh", ["26", "22", "27", "13"], "Cách làm mới, dễ nhân rộng.")
    _sheet(zalo, "dv.cb-gd-thpttp.01", ["24", "21", "25", "12"])
    _sheet(zalo, "dv.cb-gd-cdsp.01", ["25", "20", "26", "11"])
    _sheet(software, "canbo.tinh", ["15", "10", "12", "6"], "Chưa có số liệu áp dụng.")
    _sheet(software, "dv.cb-gd-thpttp.01", ["18", "12", "14", "7"])
    _sheet(mailbox, "canbo.tinh", ["20", "18", "19", "9"])

    session = sessions.session_create(
        council=education,
        held_on=timezone.localdate(),
        place="Phòng họp Công đoàn ngành Giáo dục",
        items=[zalo, software, mailbox],
        actor=secretary,
    )
    members = {m.user.username: m for m in education.members.select_related("user")}
    sessions.attendance_set(
        session=session, present={m.pk for m in members.values()}, actor=secretary
    )
    sessions.session_open(session=session, actor=secretary)
    agenda = {a.item_id: a for a in session.agenda.all()}
    votes = {
        zalo.pk: {
            "quantri.giaoduc": "yes",
            "thidua.giaoduc": "yes",
            "canbo.tinh": "yes",
            "dv.cb-gd-thpttp.01": "yes",
            "dv.cb-gd-cdsp.01": "no",
        },
        software.pk: {
            "quantri.giaoduc": "no",
            "thidua.giaoduc": "yes",
            "canbo.tinh": "no",
            "dv.cb-gd-thpttp.01": "yes",
            "dv.cb-gd-cdsp.01": "no",
        },
        mailbox.pk: {
            "quantri.giaoduc": "yes",
            "thidua.giaoduc": "no",
            "canbo.tinh": "yes",
            "dv.cb-gd-thpttp.01": "no",
        },
    }
    for item_id, choices in votes.items():
        for username, choice in choices.items():
            sessions.vote_cast(
                agenda_item=agenda[item_id], member=members[username], choice=choice
            )
    sessions.agenda_note(
        agenda_item=agenda[software.pk],
        note="Chưa có số liệu chứng minh hiệu quả áp dụng thực tế.",
        actor=secretary,
    )
    chair = users["quantri.giaoduc"]
    sessions.session_close(session=session, actor=chair)
    sessions.session_documents_issue(session=session, actor=chair)

    # The recognised initiative goes up to the province, which takes it up.
    zalo.refresh_from_db()
    upper = council_services.propose_upward(
        item=zalo,
        actor=chair,
        note="Có thể áp dụng cho các công đoàn cơ sở ngoài ngành giáo dục.",
    )
    province_secretary = users["thidua.tinh"]
    council_services.proposal_accept(item=upper, actor=province_secretary)
    province_reviewers = list(
        upper.council.members.filter(user__username__in=["canbo.tinh", "dv.cb-cq.01"])
    )
    council_services.reviewers_assign(
        item=upper, members=province_reviewers, actor=province_secretary
    )

    # A grassroots council votes by show of hands in a session still open.
    school = Council.objects.get(unit__code="CB-GD-THPTC", year=YEAR)
    handbook = Initiative.objects.get(title=handbook)
    school_secretary = users["hotro.thptchuyen"]
    services.initiative_accept(initiative=handbook, actor=school_secretary)
    item = CouncilItem.objects.get(council=school, initiative=handbook)
    council_services.reviewers_assign(
        item=item,
        members=list(school.members.filter(role__in=["member", "union_rep"])),
        actor=school_secretary,
    )
    _sheet(
        item, "dv.cb-gd-thptc.01", ["22", "20", "24", "8"], "Thiết thực với đoàn viên."
    )
    open_session = sessions.session_create(
        council=school,
        held_on=timezone.localdate(),
        place="Phòng họp Trường THPT Chuyên Cao Bằng",
        items=[item],
        actor=school_secretary,
    )
    sessions.attendance_set(
        session=open_session,
        present=set(school.members.values_list("pk", flat=True)),
        actor=school_secretary,
    )
    sessions.session_open(session=open_session, actor=school_secretary)
