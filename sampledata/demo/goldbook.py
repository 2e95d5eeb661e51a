"""Demo Gold Books: recognitions of 2024 and 2025 at a grassroots union, two
industry unions and the province, written in their books, plus this year's
recognition of the education union. One entry carries a correction, one is
revoked, and one recognition of the province still waits to be written in.

Past councils go through the same services as this year's: requests accepted
into the council of their year, a session on a past date, a ballot, the
decision dated on the day of the meeting, and then the entry.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from goldbook import services
from goldbook.models import GoldBookEntry
from initiatives import services as request_services
from initiatives.models import CouncilItem, Field, Initiative
from initiatives.services import sessions
from sampledata.demo.councils import COUNCILS, council_seated
from sampledata.demo.initiatives import REQUESTS, member_author, typed_author
from units.models import Unit, User

SEATS = {code: seats for code, _mode, seats in COUNCILS}
# Who keeps each book: the emulation staff or administrator of the unit or above.
KEEPERS = {
    "CB-GD-THPTC": "thidua.giaoduc",
    "CB-GD": "thidua.giaoduc",
    "CB-YT": "quantri.yte",
    "CB": "thidua.tinh",
}

# (year, council unit, chair's user name, [requests]). Each request: title, author,
# unit, field position, typed co-authors, the public summary, what happens to it.
PAST = [
    (
        2024,
        "CB-GD-THPTC",
        "canbo.thptchuyen",
        [
            {
                "title": "Bảng tin công đoàn điện tử tại phòng hội đồng giáo viên",
                "author": "hotro.thptchuyen",
                "unit": "CB-GD-THPTC",
                "field": 10,
                "co_authors": [],
                "summary": (
                    "Thông báo của công đoàn đến đủ 100% đoàn viên trong ngày, thay "
                    "cho bảng tin giấy; tiết kiệm khoảng 2 triệu đồng in ấn mỗi năm."
                ),
                "then": "write",
            },
            {
                "title": "Quỹ tương trợ “Đồng hành” cho giáo viên có hoàn cảnh khó khăn",
                "author": "doanvien.thptchuyen",
                "unit": "CB-GD-THPTC",
                "field": 3,
                "co_authors": [
                    (
                        "Nông Văn Tùn",
                        "40.00",
                        datetime.date(1985, 6, 2),
                        "Giáo viên",
                    )
                ],
                "summary": (
                    "Trong năm học đầu tiên, quỹ hỗ trợ kịp thời 12 lượt giáo viên ốm "
                    "đau, gặp hoạn nạn với tổng số tiền 36 triệu đồng."
                ),
                "then": "correct",
            },
        ],
    ),
    (
        2024,
        "CB-GD",
        "quantri.giaoduc",
        [
            {
                "title": "Chấm điểm thi đua trực tuyến cho các công đoàn cơ sở ngành Giáo dục",
                "author": "dv.cb-gd-thpttp.02",
                "unit": "CB-GD-THPTTP",
                "field": 5,
                "co_authors": [
                    (
                        "Hà Thị Thu",
                        "50.00",
                        datetime.date(1983, 11, 9),
                        "Ủy viên Ban Chấp hành",
                    )
                ],
                "summary": (
                    "Rút thời gian tổng hợp điểm thi đua cuối năm của 48 công đoàn cơ "
                    "sở từ ba tuần xuống ba ngày; kết quả công khai cho mọi đơn vị."
                ),
                "then": "write",
            },
        ],
    ),
    (
        2025,
        "CB-GD-THPTC",
        "canbo.thptchuyen",
        [
            {
                "title": "Ngày hội “Đoàn viên khỏe” gắn với khám sức khỏe định kỳ",
                "author": "doanvien.thptchuyen",
                "unit": "CB-GD-THPTC",
                "field": 3,
                "co_authors": [],
                "summary": (
                    "95% đoàn viên tham gia khám sức khỏe định kỳ, tăng từ 60% năm "
                    "trước; phát hiện sớm và tư vấn 14 trường hợp bệnh mạn tính."
                ),
                "then": "write",
            },
        ],
    ),
    (
        2025,
        "CB-YT",
        "quantri.yte",
        [
            {
                "title": "Bàn giao ca trực điều dưỡng bằng bảng kiểm điện tử",
                "author": "dv.cb-yt-bvdk.02",
                "unit": "CB-YT-BVDK",
                "field": 10,
                "co_authors": [
                    (
                        "Triệu Thị Hạnh",
                        "30.00",
                        datetime.date(1991, 2, 14),
                        "Điều dưỡng trưởng khoa",
                    )
                ],
                "summary": (
                    "Mỗi ca bàn giao ngắn đi 15 phút; không còn sót y lệnh khi đổi ca "
                    "ở 6 khoa lâm sàng áp dụng."
                ),
                "then": "write",
            },
            {
                "title": "Tủ thuốc công đoàn tại khoa Cấp cứu",
                "author": "dv.cb-yt-cdc.02",
                "unit": "CB-YT-CDC",
                "field": 3,
                "co_authors": [],
                "summary": (
                    "Đoàn viên trực đêm có thuốc thông thường ngay tại khoa, không phải "
                    "rời vị trí trực."
                ),
                "then": "revoke",
            },
        ],
    ),
    (
        2025,
        "CB",
        "quantri.tinh",
        [
            {
                "title": "Số hóa hồ sơ khen thưởng của Liên đoàn Lao động tỉnh",
                "author": "dv.cb-cq.02",
                "unit": "CB-CQ",
                "field": 10,
                "co_authors": [],
                "summary": (
                    "Hơn 3.000 hồ sơ khen thưởng từ năm 2010 được số hóa và tra cứu "
                    "trong vài giây; trả lời xác minh khen thưởng trong ngày."
                ),
                "then": "write",
            },
            {
                "title": "Mô hình “Mái ấm Công đoàn” kết nối nhà hảo tâm với đoàn viên khó khăn",
                "author": "dv.cb-cq.03",
                "unit": "CB-CQ",
                "field": 3,
                "co_authors": [],
                "summary": "",
                # Recognised; the confirmation of its application is still awaited.
                "then": "wait",
            },
        ],
    ),
]

CORRECTION = (
    "Đính chính: họ tên đồng tác giả là “Nông Văn Tùng” (ghi nhầm là “Nông Văn "
    "Tùn”); tỷ lệ đóng góp không thay đổi."
)
REVOCATION = (
    "Quyết định số 02/QĐ-HĐSK ngày 02/3/2026 của Hội đồng sáng kiến Công đoàn ngành "
    "Y tế hủy bỏ công nhận: nội dung trùng với sáng kiến đã được công nhận năm 2023 "
    "tại Bệnh viện Đa khoa tỉnh."
)


def _request(spec, year: int, council_unit: Unit, users, fields) -> Initiative:
    author = users[spec["author"]]
    unit = Unit.objects.get(code=spec["unit"])
    authors = [
        member_author(
            author, f"{100 - sum(float(c[1]) for c in spec['co_authors']):.2f}"
        )
    ] + [
        typed_author(name, share, born, unit.name, position)
        for name, share, born, position in spec["co_authors"]
    ]
    initiative = request_services.initiative_create(
        actor=author,
        unit=unit,
        recognizing_unit=council_unit,
        authors=authors,
        year=year,
        title=spec["title"],
        kind="initiative",
        field=fields[spec["field"]],
        field_other="",
        investor="",
        state_funded=False,
        first_applied_on=datetime.date(year - 1, 10, 1),
        essence="Cách làm, các bước thực hiện và điều kiện áp dụng được mô tả trong đơn.",
        confidential_info=f"Thông tin cá nhân của đoàn viên liên quan ({spec['unit']}).",
        conditions="Có sự đồng thuận của Ban Chấp hành công đoàn và chuyên môn.",
        application_place=unit.name,
        application_people="",
        benefits_author=spec["summary"] or "Hỗ trợ kịp thời đoàn viên khó khăn.",
        benefits_confirmation="",
        level="grassroots" if unit == council_unit else "upper",
        period_start=datetime.date(year - 1, 9, 1),
        period_end=datetime.date(year, 5, 31),
    )
    return request_services.initiative_submit(initiative=initiative, actor=author)


def _past_year(year, code, chair_name, specs, users, fields) -> None:
    unit = Unit.objects.get(code=code)
    council, created = council_seated(unit, year, "ballot", SEATS[code], users)
    if not created:
        return
    chair = users[chair_name]
    initiatives = [_request(spec, year, unit, users, fields) for spec in specs]
    for initiative in initiatives:
        request_services.initiative_accept(
            initiative=initiative,
            actor=chair,
            accepted_on=datetime.date(year, 3, 12),
        )
    items = list(
        CouncilItem.objects.filter(council=council)
        .order_by("id")
        .select_related("initiative")
    )
    session = sessions.session_create(
        council=council,
        held_on=datetime.date(year, 5, 22),
        place=f"Phòng họp {unit.name}",
        items=items,
        actor=chair,
    )
    members = list(council.members.all())
    sessions.attendance_set(
        session=session, present={m.pk for m in members}, actor=chair
    )
    session = sessions.session_open(session=session, actor=chair)
    for agenda_item in session.agenda.select_related("item"):
        for member in members:
            if sessions.can_vote(agenda_item, member) is None:
                sessions.vote_cast(agenda_item=agenda_item, member=member, choice="yes")
    sessions.session_close(session=session, actor=chair)
    sessions.session_documents_issue(session=session, actor=chair)

    keeper = users[KEEPERS[code]]
    by_title = {spec["title"]: spec for spec in specs}
    for item in CouncilItem.objects.filter(council=council).select_related(
        "initiative"
    ):
        spec = by_title[item.initiative.title]
        if spec["then"] == "wait":
            continue
        entry = services.entry_confirm(
            item=item,
            actor=keeper,
            public_summary=spec["summary"],
            application_evidence=(
                f"Xác nhận của {item.initiative.unit.name}: áp dụng từ tháng 10/"
                f"{year - 1}, có biên bản kiểm tra của Ban Thường vụ."
            ),
            evidence_file=item.initiative.attachments.first(),
            recorded_on=datetime.date(year, 6, 10),
        )
        if spec["then"] == "correct":
            services.entry_annotate(entry=entry, actor=keeper, text=CORRECTION)
        elif spec["then"] == "revoke":
            services.entry_revoke(
                entry=entry,
                actor=keeper,
                reason=REVOCATION,
                revoked_on=min(datetime.date(2026, 3, 2), timezone.localdate()),
            )


def _this_year(users) -> int:
    """This year's recognition of the education union goes into its book."""
    item = (
        CouncilItem.objects.filter(
            council__unit__code="CB-GD",
            initiative__title=REQUESTS[0]["title"],
            status=CouncilItem.Status.RECOGNISED,
            decision__isnull=False,
            gold_book_entry__isnull=True,
        )
        .select_related("initiative")
        .first()
    )
    if item is None:
        return 0
    services.entry_confirm(
        item=item,
        actor=users["thidua.giaoduc"],
        public_summary=REQUESTS[0]["benefits"],
        application_evidence=(
            "Xác nhận của Ban Giám hiệu Trường THPT Chuyên Cao Bằng: áp dụng ở 6 tổ "
            "công đoàn từ học kỳ I năm học 2025-2026."
        ),
        evidence_file=item.initiative.attachments.filter(
            purpose="confirmation"
        ).first(),
    )
    return 1


@transaction.atomic
def build_demo() -> dict[str, int]:
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    fields = {f.position: f for f in Field.objects.all()}
    before = GoldBookEntry.objects.count()
    for year, code, chair, specs in PAST:
        _past_year(year, code, chair, specs, users, fields)
    _this_year(users)
    return {"gold book entries": GoldBookEntry.objects.count() - before}
