"""Demo registrations, ideas and requests: every state of a request, several
authors in several units, co-authors, evidence files, and Vietnamese text that
exercises accent-insensitive search. Idempotent: records are found by title."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from initiatives import services
from initiatives.models import Field, Idea, Initiative, Registration
from initiatives.services import AuthorData
from units.models import Unit, User

YEAR = 2026


def _png(text: str) -> bytes:
    image = Image.new("RGB", (480, 160), "white")
    ImageDraw.Draw(image).text((16, 60), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 200), "white").save(buffer, format="PDF", title=text)
    return buffer.getvalue()


def member_author(user: User, share: str, position: str = "") -> AuthorData:
    membership = user.memberships.filter(ended_on__isnull=True).select_related("unit")
    workplace = membership.first().unit.name if membership.exists() else ""
    return AuthorData(
        full_name=user.full_name,
        share=Decimal(share),
        user=user,
        date_of_birth=user.date_of_birth,
        workplace=workplace,
        position=position,
        qualification=user.qualification,
    )


def typed_author(
    name: str, share: str, born: datetime.date, workplace: str, position: str
):
    return AuthorData(
        full_name=name,
        share=Decimal(share),
        date_of_birth=born,
        workplace=workplace,
        position=position,
        qualification="Cử nhân",
    )


REQUESTS = [
    {
        "title": "Đổi mới phương pháp tuyên truyền pháp luật lao động qua nhóm Zalo tổ công đoàn",
        "state": "accepted",
        "author": "canbo.thptchuyen",
        "unit": "CB-GD-THPTC",
        "recognizing": "CB-GD",
        "field": 2,
        "co_authors": [
            ("Đặng Thị Ngọc Ánh", "30.00", datetime.date(1988, 4, 12), "Giáo viên")
        ],
        "share": "70.00",
        "essence": (
            "Lập nhóm Zalo cho từng tổ công đoàn; mỗi tuần đăng một tình huống pháp luật "
            "lao động ngắn kèm câu hỏi trắc nghiệm; cuối tháng tổng hợp, khen thưởng "
            "đoàn viên trả lời đúng nhiều nhất."
        ),
        "confidential": "Danh sách số điện thoại của đoàn viên trong các nhóm.",
        "benefits": "Tỷ lệ đoàn viên nắm được quy định mới tăng từ 40% lên 85% sau một học kỳ.",
    },
    {
        "title": "Sổ tay điện tử hướng dẫn thủ tục trợ cấp ốm đau, thai sản cho đoàn viên",
        "registration": "Sổ tay điện tử về chế độ bảo hiểm xã hội",
        "state": "submitted",
        "author": "doanvien.thptchuyen",
        "unit": "CB-GD-THPTC",
        "recognizing": "CB-GD-THPTC",
        "field": 3,
        "co_authors": [
            ("Hoàng Minh Đức", "25.00", datetime.date(1990, 9, 3), "Kế toán"),
            ("Lý Thị Huệ", "25.00", datetime.date(1992, 1, 20), "Giáo viên"),
        ],
        "share": "50.00",
        "essence": "Biên soạn sổ tay dạng trang web đơn giản, có mẫu giấy tờ và thời hạn nộp.",
        "confidential": "",
        "benefits": "Rút ngắn thời gian hoàn thiện hồ sơ từ 10 ngày xuống 3 ngày.",
    },
    {
        "title": "Mô hình “Bữa cơm công đoàn” gắn kết đoàn viên ở bệnh viện",
        "state": "returned",
        "author": "quantri.yte",
        "unit": "CB-YT",
        "recognizing": "CB-YT",
        "field": 1,
        "co_authors": [],
        "share": "100.00",
        "essence": "Mỗi tháng tổ chức một bữa cơm chung do công đoàn hỗ trợ một phần kinh phí.",
        "confidential": "",
        "benefits": "Đoàn viên mới hòa nhập nhanh hơn; giảm số người xin thôi việc.",
    },
    {
        "title": "Ứng dụng bảng tính dùng chung để theo dõi đoàn phí của công đoàn cơ sở",
        "state": "resubmitted",
        "author": "canbo.tinh",
        "unit": "CB-TCTG",
        "recognizing": "CB",
        "field": 7,
        "co_authors": [
            ("Triệu Thị Yến", "40.00", datetime.date(1985, 6, 30), "Chuyên viên")
        ],
        "share": "60.00",
        "essence": "Mẫu bảng tính có công thức kiểm tra, chia sẻ cho các công đoàn cơ sở.",
        "confidential": "Mật khẩu bảng tính và cấu trúc phân quyền.",
        "benefits": "Giảm sai sót khi tổng hợp đoàn phí; báo cáo nhanh hơn 5 ngày.",
    },
    {
        "title": "Tổ ươm mầm ý tưởng trực tuyến cho đoàn viên trẻ",
        "state": "draft",
        "author": "hotro.thptchuyen",
        "unit": "CB-GD-THPTC",
        "recognizing": "CB-GD-THPTC",
        "field": 10,
        "co_authors": [],
        "share": "100.00",
        "essence": "",
        "confidential": "",
        "benefits": "",
    },
    {
        "title": "Quy trình tiếp nhận ý kiến đoàn viên qua hòm thư điện tử",
        "state": "withdrawn",
        "author": "thidua.giaoduc",
        "unit": "CB-GD",
        "recognizing": "CB-GD",
        "field": 9,
        "co_authors": [],
        "share": "100.00",
        "essence": "Hòm thư điện tử riêng, phân loại ý kiến và trả lời trong 7 ngày.",
        "confidential": "",
        "benefits": "Ý kiến được trả lời đúng hạn.",
    },
    {
        "title": "Sổ giao ca điện tử cho điều dưỡng trực đêm",
        "state": "accepted",
        "author": "dv.cb-yt-bvdk.02",
        "unit": "CB-YT-BVDK",
        "recognizing": "CB-YT",
        "field": 3,
        "co_authors": [
            ("Lục Thị Thu Hà", "45.00", datetime.date(1991, 11, 2), "Điều dưỡng")
        ],
        "share": "55.00",
        "essence": "Bảng giao ca trên máy tính bảng, nhắc việc còn dở cho ca sau.",
        "confidential": "",
        "benefits": "Giảm sai sót khi giao ca đêm.",
    },
    {
        "title": "Phần mềm quản lý hồ sơ đoàn viên trên điện thoại",
        "state": "accepted",
        "author": "dv.cb-gd-cdsp.02",
        "unit": "CB-GD-CDSP",
        "recognizing": "CB-GD",
        "field": 10,
        "co_authors": [],
        "share": "100.00",
        "essence": "Ứng dụng điện thoại để đoàn viên tự cập nhật hồ sơ, cán bộ công đoàn duyệt.",
        "confidential": "Địa chỉ máy chủ và tài khoản quản trị.",
        "benefits": "Dự kiến giảm một nửa thời gian cập nhật hồ sơ.",
    },
    {
        "title": "Hộp thư góp ý trực tuyến cho đoàn viên trường tiểu học",
        "state": "accepted",
        "author": "dv.cb-gd-thha.02",
        "unit": "CB-GD-THHA",
        "recognizing": "CB-GD",
        "field": 2,
        "co_authors": [
            ("Nông Văn Hải", "40.00", datetime.date(1987, 3, 8), "Giáo viên")
        ],
        "share": "60.00",
        "essence": "Biểu mẫu góp ý trực tuyến, công đoàn trả lời công khai mỗi tháng.",
        "confidential": "",
        "benefits": "Số ý kiến của đoàn viên tăng gấp ba.",
    },
]

REGISTRATIONS = [
    ("doanvien.thptchuyen", "CB-GD-THPTC", "Sổ tay điện tử về chế độ bảo hiểm xã hội"),
    ("canbo.thptchuyen", "CB-GD-THPTC", "Câu lạc bộ pháp luật cho đoàn viên trẻ"),
    ("quantri.yte", "CB-YT-BVDK", "Chăm lo bữa ăn ca cho nhân viên trực đêm"),
]

IDEAS = [
    (
        "doanvien.thptchuyen",
        "CB-GD-THPTC",
        "Góc đọc sách pháp luật ở phòng chờ giáo viên",
        "Đặt một kệ sách nhỏ với tài liệu pháp luật lao động, thay mới hằng tháng.",
        ["hotro.thptchuyen"],
    ),
    (
        "canbo.thptchuyen",
        "CB-GD-THPTC",
        "Lịch trực tư vấn của công đoàn vào giờ ra chơi",
        "Mỗi ngày một cán bộ công đoàn trực 15 phút để giải đáp thắc mắc của đoàn viên.",
        [],
    ),
]


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
    from initiatives.models import Council
    from initiatives.services import councils as council_services

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


def _councils(units, users) -> int:
    created = 0
    for code, mode, seats in COUNCILS:
        _council, new = council_seated(units[code], YEAR, mode, seats, users)
        created += new
    return created


@transaction.atomic
def build_demo() -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.filter(code__startswith="CB")}
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    fields = list(Field.objects.order_by("position"))
    staff = {
        "CB-GD": users["thidua.giaoduc"],
        "CB-GD-THPTC": users["thidua.giaoduc"],
        "CB-YT": users["quantri.yte"],
        "CB": users["thidua.tinh"],
    }
    created = {"councils": 0, "registrations": 0, "ideas": 0, "requests": 0}
    created["councils"] = _councils(units, users)

    for username, code, title in REGISTRATIONS:
        if Registration.objects.filter(title=title).exists():
            continue
        services.registration_create(
            actor=users[username],
            unit=units[code],
            year=YEAR,
            title=title,
            kind="initiative",
            field=fields[1],
            field_other="",
            expected_completion=datetime.date(YEAR, 11, 30),
            team="",
            note="",
        )
        created["registrations"] += 1

    for username, code, title, text, commenters in IDEAS:
        if Idea.objects.filter(title=title).exists():
            continue
        idea = services.idea_create(
            actor=users[username], unit=units[code], title=title, description=text
        )
        for commenter in commenters:
            services.idea_comment(
                idea=idea,
                actor=users[commenter],
                text="Ý tưởng hay. Nên ghi lại số người dùng mỗi tháng để làm căn cứ đánh giá hiệu quả.",
            )
        created["ideas"] += 1

    for spec in REQUESTS:
        if Initiative.objects.filter(title=spec["title"]).exists():
            continue
        author = users[spec["author"]]
        unit = units[spec["unit"]]
        authors = [member_author(author, spec["share"])] + [
            typed_author(name, share, born, unit.name, position)
            for name, share, born, position in spec["co_authors"]
        ]
        registration = (
            Registration.objects.get(title=spec["registration"])
            if spec.get("registration")
            else None
        )
        initiative = services.initiative_create(
            actor=author,
            registration=registration,
            unit=unit,
            recognizing_unit=units[spec["recognizing"]],
            authors=authors,
            year=YEAR,
            title=spec["title"],
            kind="initiative",
            field=fields[spec["field"] - 1],
            field_other="",
            investor="",
            state_funded=False,
            first_applied_on=datetime.date(YEAR, 2, 15),
            essence=spec["essence"],
            confidential_info=spec["confidential"],
            conditions="Có điện thoại thông minh và kết nối Internet."
            if spec["essence"]
            else "",
            application_place=unit.name if spec["essence"] else "",
            application_people="",
            benefits_author=spec["benefits"],
            benefits_confirmation="",
            level="grassroots" if spec["recognizing"] == spec["unit"] else "upper",
            period_start=datetime.date(YEAR - 1, 9, 1),
            period_end=datetime.date(YEAR, 5, 31),
        )
        created["requests"] += 1
        if spec["essence"]:
            services.attachment_add(
                initiative=initiative,
                actor=author,
                upload=SimpleUploadedFile("anh-minh-hoa.png", _png(spec["title"][:40])),
            )
            services.attachment_add(
                initiative=initiative,
                actor=author,
                upload=SimpleUploadedFile(
                    "xac-nhan-ap-dung.pdf", pdf_bytes("Xác nhận")
                ),
                purpose="confirmation",
            )
        state = spec["state"]
        if state == "draft":
            continue
        if state == "withdrawn":
            services.initiative_withdraw(
                initiative=initiative, actor=author, reason="Đã có sáng kiến tương tự."
            )
            continue
        initiative = services.initiative_submit(initiative=initiative, actor=author)
        intake = staff[spec["recognizing"]]
        if state in ("returned", "resubmitted"):
            initiative = services.initiative_return(
                initiative=initiative,
                actor=intake,
                reason="Bổ sung xác nhận của đơn vị áp dụng và số liệu trước, sau khi áp dụng.",
            )
        if state == "resubmitted":
            initiative = services.initiative_submit(initiative=initiative, actor=author)
        if state == "accepted":
            services.initiative_accept(initiative=initiative, actor=intake)
    _council_work(users)
    created["council accounts"] = council_accounts()
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
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password

    from units.demo import DEMO_PASSWORD

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
    from initiatives.models import Council

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
    from initiatives.services import councils as council_services

    member = item.council.members.get(user__username=username)
    criteria = list(item.council.criteria.all())
    council_services.score_sheet_save(
        item=item,
        member=member,
        points={c.pk: Decimal(p) for c, p in zip(criteria, points, strict=True)},
        comments=comment,
        submit=True,
    )


def _council_work(users) -> None:
    """Reviews, a closed session with every outcome and its documents, an
    escalation to the province, and an open session at a grassroots union."""
    from initiatives.models import Council, CouncilItem
    from initiatives.services import councils as council_services
    from initiatives.services import sessions

    education = Council.objects.get(unit__code="CB-GD", year=YEAR)
    if education.sessions.exists():
        return
    items = {
        i.initiative.title: i for i in education.items.select_related("initiative")
    }
    zalo = items[REQUESTS[0]["title"]]
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
    handbook = Initiative.objects.get(title=REQUESTS[1]["title"])
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
