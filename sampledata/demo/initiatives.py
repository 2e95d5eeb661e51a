"""Demo registrations, ideas and requests: every state of a request, several
authors in several units, co-authors, evidence files, and Vietnamese text that
exercises accent-insensitive search. Idempotent: records are found by title.
The councils that take them up are in `sampledata.demo.councils`."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from initiatives import services
from initiatives.models import Field, Idea, Initiative, Registration
from initiatives.services import AuthorData
from sampledata.common import pdf_bytes, png_bytes
from sampledata.demo.councils import (
    YEAR,
    council_accounts,
    council_work,
    seat_councils,
)
from units.models import Unit, User


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
    created["councils"] = seat_councils(units, users)

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
                upload=SimpleUploadedFile(
                    "anh-minh-hoa.png", png_bytes(spec["title"][:40])
                ),
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
    council_work(users, REQUESTS[0]["title"], REQUESTS[1]["title"])
    created["council accounts"] = council_accounts()
    return created
