"""Demo data: a union tree shaped like Cao Bằng's, with people in every role.

`build_demo()` is idempotent: it creates what is missing and leaves the rest.
`units.scale` adds data at scale with bulk inserts for benchmarks.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from units import leadership, services
from units.models import (
    EmulationBlock,
    EmulationBlockMember,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitName,
    User,
)

DEMO_PASSWORD = "SangKien@2026"  # noqa: S105 - published demo password
REFORM_DAY = datetime.date(2025, 7, 1)  # district level abolished, communes created


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    abbreviation: str = ""
    place_name: str = ""
    established_on: datetime.date | None = None


G, U, D = Unit.Kind.GRASSROOTS, Unit.Kind.UPPER, Unit.Kind.DEPARTMENT
OLD = datetime.date(1995, 1, 1)

TREE = [
    UnitSpec(
        "TLD",
        "Tổng Liên đoàn Lao động Việt Nam",
        Unit.Kind.NATIONAL,
        None,
        "Tổng LĐLĐ Việt Nam",
        "TLĐ",
        "Hà Nội",
    ),
    UnitSpec(
        "CB",
        "Liên đoàn Lao động tỉnh Cao Bằng",
        Unit.Kind.PROVINCE,
        "TLD",
        "LĐLĐ tỉnh Cao Bằng",
        "LĐLĐ",
        "Cao Bằng",
        datetime.date(1950, 7, 1),
    ),
    UnitSpec("CB-VP", "Văn phòng Liên đoàn Lao động tỉnh", D, "CB", "Văn phòng", "VP"),
    UnitSpec(
        "CB-TCTG",
        "Ban Tổ chức - Tuyên giáo - Nữ công",
        D,
        "CB",
        "Ban TC-TG-NC",
        "TCTGNC",
    ),
    UnitSpec("CB-CSPL", "Ban Chính sách - Pháp luật", D, "CB", "Ban CS-PL", "CSPL"),
    UnitSpec("CB-TC", "Ban Tài chính", D, "CB", "Ban Tài chính", "TC"),
    UnitSpec(
        "CB-UBKT", "Ủy ban Kiểm tra Liên đoàn Lao động tỉnh", D, "CB", "UBKT", "UBKT"
    ),
    UnitSpec(
        "CB-CQ",
        "Công đoàn cơ sở Cơ quan Liên đoàn Lao động tỉnh",
        G,
        "CB",
        "CĐCS Cơ quan LĐLĐ tỉnh",
        "CĐCS",
    ),
    UnitSpec(
        "CB-GD",
        "Công đoàn ngành Giáo dục tỉnh Cao Bằng",
        U,
        "CB",
        "CĐN Giáo dục",
        "CĐN",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-YT",
        "Công đoàn ngành Y tế tỉnh Cao Bằng",
        U,
        "CB",
        "CĐN Y tế",
        "CĐN",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-VC",
        "Công đoàn Viên chức tỉnh Cao Bằng",
        U,
        "CB",
        "CĐ Viên chức tỉnh",
        "CĐVC",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-XD",
        "Công đoàn ngành Giao thông vận tải tỉnh Cao Bằng",
        U,
        "CB",
        "CĐN Giao thông vận tải",
        "CĐN",
        established_on=OLD,
    ),
    # District federations, dissolved in the 2025 reform (see HISTORY below).
    UnitSpec(
        "CB-TP",
        "Liên đoàn Lao động thành phố Cao Bằng",
        U,
        "CB",
        "LĐLĐ thành phố",
        "LĐLĐ",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-HA",
        "Liên đoàn Lao động huyện Hòa An",
        U,
        "CB",
        "LĐLĐ huyện Hòa An",
        "LĐLĐ",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-TK",
        "Liên đoàn Lao động huyện Trùng Khánh",
        U,
        "CB",
        "LĐLĐ huyện Trùng Khánh",
        "LĐLĐ",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-QH",
        "Liên đoàn Lao động huyện Quảng Hòa",
        U,
        "CB",
        "LĐLĐ huyện Quảng Hòa",
        "LĐLĐ",
        established_on=datetime.date(2020, 3, 1),
    ),
    # Commune and ward unions, created by the reform.
    UnitSpec(
        "CB-P-TP",
        "Công đoàn phường Thục Phán",
        U,
        "CB",
        "CĐ phường Thục Phán",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    UnitSpec(
        "CB-P-NTC",
        "Công đoàn phường Nùng Trí Cao",
        U,
        "CB",
        "CĐ phường Nùng Trí Cao",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    UnitSpec(
        "CB-P-TG",
        "Công đoàn phường Tân Giang",
        U,
        "CB",
        "CĐ phường Tân Giang",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    UnitSpec(
        "CB-X-HA",
        "Công đoàn xã Hòa An",
        U,
        "CB",
        "CĐ xã Hòa An",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    UnitSpec(
        "CB-X-TK",
        "Công đoàn xã Trùng Khánh",
        U,
        "CB",
        "CĐ xã Trùng Khánh",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    UnitSpec(
        "CB-X-QU",
        "Công đoàn xã Quảng Uyên",
        U,
        "CB",
        "CĐ xã Quảng Uyên",
        "CĐ",
        established_on=REFORM_DAY,
    ),
    # Grassroots unions.
    UnitSpec(
        "CB-GD-THPTC",
        "Công đoàn Trường THPT Chuyên Cao Bằng",
        G,
        "CB-GD",
        "CĐCS THPT Chuyên",
        "CĐCS",
    ),
    UnitSpec(
        "CB-GD-THPTTP",
        "Công đoàn Trường THPT Thành phố Cao Bằng",
        G,
        "CB-GD",
        "CĐCS THPT Thành phố",
        "CĐCS",
    ),
    UnitSpec(
        "CB-GD-CDSP",
        "Công đoàn Trường Cao đẳng Sư phạm Cao Bằng",
        G,
        "CB-GD",
        "CĐCS CĐ Sư phạm",
        "CĐCS",
    ),
    UnitSpec(
        "CB-GD-THHA",
        "Công đoàn Trường Tiểu học Hòa Chung",
        G,
        "CB-GD",
        "CĐCS TH Hòa Chung",
        "CĐCS",
    ),
    UnitSpec(
        "CB-YT-BVDK",
        "Công đoàn Bệnh viện Đa khoa tỉnh Cao Bằng",
        G,
        "CB-YT",
        "CĐCS BVĐK tỉnh",
        "CĐCS",
    ),
    UnitSpec(
        "CB-YT-CDC",
        "Công đoàn Trung tâm Kiểm soát bệnh tật tỉnh",
        G,
        "CB-YT",
        "CĐCS CDC tỉnh",
        "CĐCS",
    ),
    UnitSpec(
        "CB-YT-BVYHCT",
        "Công đoàn Bệnh viện Y dược cổ truyền tỉnh",
        G,
        "CB-YT",
        "CĐCS BV YDCT",
        "CĐCS",
    ),
    UnitSpec(
        "CB-VC-STC", "Công đoàn Sở Tài chính", G, "CB-VC", "CĐCS Sở Tài chính", "CĐCS"
    ),
    UnitSpec("CB-VC-SNV", "Công đoàn Sở Nội vụ", G, "CB-VC", "CĐCS Sở Nội vụ", "CĐCS"),
    UnitSpec(
        "CB-VC-SKH",
        "Công đoàn Sở Kế hoạch và Đầu tư",
        G,
        "CB-VC",
        "CĐCS Sở KH&ĐT",
        "CĐCS",
        established_on=OLD,
    ),
    UnitSpec(
        "CB-VC-VPUB",
        "Công đoàn Văn phòng Ủy ban nhân dân tỉnh",
        G,
        "CB-VC",
        "CĐCS VP UBND tỉnh",
        "CĐCS",
    ),
    UnitSpec(
        "CB-XD-CTGT",
        "Công đoàn Công ty Cổ phần Quản lý đường bộ Cao Bằng",
        G,
        "CB-XD",
        "CĐCS QLĐB Cao Bằng",
        "CĐCS",
    ),
    UnitSpec(
        "CB-TP-XM",
        "Công đoàn Công ty Cổ phần Xi măng Cao Bằng",
        G,
        "CB-TP",
        "CĐCS Xi măng Cao Bằng",
        "CĐCS",
    ),
    UnitSpec(
        "CB-TP-CTN",
        "Công đoàn Công ty Cổ phần Cấp thoát nước Cao Bằng",
        G,
        "CB-TP",
        "CĐCS Cấp thoát nước",
        "CĐCS",
    ),
    UnitSpec(
        "CB-HA-KK",
        "Công đoàn Công ty TNHH Khai khoáng Hòa An",
        G,
        "CB-HA",
        "CĐCS Khai khoáng Hòa An",
        "CĐCS",
    ),
    UnitSpec(
        "CB-HA-HTX",
        "Công đoàn Hợp tác xã Nông nghiệp Hòa An",
        G,
        "CB-HA",
        "CĐCS HTX Hòa An",
        "CĐCS",
    ),
    UnitSpec(
        "CB-TK-BG",
        "Công đoàn Ban Quản lý Khu du lịch thác Bản Giốc",
        G,
        "CB-TK",
        "CĐCS BQL thác Bản Giốc",
        "CĐCS",
    ),
    UnitSpec(
        "CB-QH-MD",
        "Công đoàn Công ty TNHH Mía đường Phục Hòa",
        G,
        "CB-QH",
        "CĐCS Mía đường Phục Hòa",
        "CĐCS",
    ),
    UnitSpec(
        "CB-P-TG-DL",
        "Công đoàn Công ty Điện lực Cao Bằng",
        G,
        "CB-P-TG",
        "CĐCS Điện lực Cao Bằng",
        "CĐCS",
    ),
]

# Renames, merges and dissolutions, replayed once in date order.
RENAMES = [
    (
        "CB-XD",
        "Công đoàn ngành Xây dựng tỉnh Cao Bằng",
        "CĐN Xây dựng",
        "CĐN",
        datetime.date(2025, 3, 1),
        "Theo Quyết định hợp nhất ngành Giao thông vận tải và Xây dựng.",
    ),
]
MERGES = [
    (
        "CB-VC-SKH",
        "CB-VC-STC",
        datetime.date(2025, 3, 1),
        "Sở Kế hoạch và Đầu tư hợp nhất vào Sở Tài chính.",
    ),
    ("CB-TP", "CB-P-TP", REFORM_DAY, "Kết thúc hoạt động cấp huyện."),
    ("CB-HA", "CB-X-HA", REFORM_DAY, "Kết thúc hoạt động cấp huyện."),
    ("CB-TK", "CB-X-TK", REFORM_DAY, "Kết thúc hoạt động cấp huyện."),
    ("CB-QH", "CB-X-QU", REFORM_DAY, "Kết thúc hoạt động cấp huyện."),
]


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    email: str
    home: str  # the grassroots union they are a member of
    roles: tuple[
        tuple[str, str, str, bool | None], ...
    ]  # (unit, role, position, full-time)
    superuser: bool = False


ACCOUNTS = [
    AccountSpec(
        "admin", "Quản trị hệ thống", "admin@caobang.congdoan.vn", "CB-CQ", (), True
    ),
    AccountSpec(
        "quantri.tinh",
        "Nông Thị Hạnh",
        "quantri.tinh@caobang.congdoan.vn",
        "CB-CQ",
        (("CB", Role.UNIT_ADMIN, "Chánh Văn phòng", None),),
    ),
    AccountSpec(
        "thidua.tinh",
        "Hoàng Văn Bình",
        "thidua.tinh@caobang.congdoan.vn",
        "CB-CQ",
        (("CB", Role.EMULATION_STAFF, "Chuyên viên thi đua - khen thưởng", None),),
    ),
    AccountSpec(
        "canbo.tinh",
        "Lương Thu Trang",
        "canbo.tinh@caobang.congdoan.vn",
        "CB-CQ",
        (("CB-TCTG", Role.OFFICER, "Trưởng ban", True),),
    ),
    AccountSpec(
        "quantri.giaoduc",
        "Đàm Minh Quân",
        "quantri.gd@caobang.congdoan.vn",
        "CB-GD-THPTTP",
        (
            ("CB-GD", Role.UNIT_ADMIN, "Phó Chủ tịch", None),
            ("CB-GD", Role.OFFICER, "Phó Chủ tịch", True),
        ),
    ),
    AccountSpec(
        "thidua.giaoduc",
        "Bế Thị Lan",
        "thidua.gd@caobang.congdoan.vn",
        "CB-GD-THPTTP",
        (("CB-GD", Role.EMULATION_STAFF, "Ủy viên Ban Thường vụ", None),),
    ),
    AccountSpec(
        "quantri.yte",
        "Triệu Văn Sơn",
        "quantri.yt@caobang.congdoan.vn",
        "CB-YT-BVDK",
        (
            ("CB-YT", Role.UNIT_ADMIN, "Chủ tịch", None),
            ("CB-YT", Role.OFFICER, "Chủ tịch", True),
        ),
    ),
    AccountSpec(
        "canbo.thptchuyen",
        "Nguyễn Thị Mai",
        "canbo.thptc@caobang.congdoan.vn",
        "CB-GD-THPTC",
        (("CB-GD-THPTC", Role.OFFICER, "Chủ tịch CĐCS", False),),
    ),
    AccountSpec(
        "hotro.thptchuyen",
        "Lục Văn Dũng",
        "hotro.thptc@caobang.congdoan.vn",
        "CB-GD-THPTC",
        (("CB-GD-THPTC", Role.SUPPORT_TEAM, "Tổ trưởng Tổ hỗ trợ sáng kiến", None),),
    ),
    AccountSpec(
        "doanvien.thptchuyen",
        "Ma Thị Phương",
        "doanvien.thptc@caobang.congdoan.vn",
        "CB-GD-THPTC",
        (),
    ),
]

BLOCKS = [
    (
        "CB",
        2024,
        "Khối Liên đoàn Lao động huyện, thành phố",
        [
            ("CB-TP", "head"),
            ("CB-HA", "deputy"),
            ("CB-TK", "member"),
            ("CB-QH", "member"),
        ],
    ),
    (
        "CB",
        2024,
        "Khối Công đoàn ngành",
        [
            ("CB-GD", "head"),
            ("CB-YT", "deputy"),
            ("CB-VC", "member"),
            ("CB-XD", "member"),
        ],
    ),
    (
        "CB",
        2026,
        "Khối Công đoàn ngành",
        [
            ("CB-YT", "head"),
            ("CB-GD", "deputy"),
            ("CB-VC", "member"),
            ("CB-XD", "member"),
        ],
    ),
    (
        "CB",
        2026,
        "Khối Công đoàn xã, phường",
        [
            ("CB-P-TP", "head"),
            ("CB-P-NTC", "deputy"),
            ("CB-P-TG", "member"),
            ("CB-X-HA", "member"),
            ("CB-X-TK", "member"),
            ("CB-X-QU", "member"),
        ],
    ),
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Nông",
    "Lương",
    "Đàm",
    "Bế",
    "Lục",
    "Ma",
    "Triệu",
    "Hà",
    "Vi",
    "Lý",
    "Đinh",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Ngọc"]
MIDDLE_F = ["Thị", "Thu", "Hồng", "Ngọc", "Minh", "Thanh"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Đạt",
    "Phúc",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Huệ",
]
MEMBERS_PER_GRASSROOTS = 6


def random_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _units_by_code() -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.all()}


@transaction.atomic
def build_demo(out=None) -> dict[str, int]:
    """Create the demo tree, history, accounts, members and blocks that are missing."""
    created = {"units": 0, "people": 0, "roles": 0, "blocks": 0}
    units = _units_by_code()
    for spec in TREE:
        if spec.code in units:
            continue
        units[spec.code] = services.unit_create(
            parent=units[spec.parent] if spec.parent else None,
            kind=spec.kind,
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            abbreviation=spec.abbreviation,
            place_name=spec.place_name,
            established_on=spec.established_on,
            actor=None,
        )
        created["units"] += 1

    _add_members(units, created)
    _add_accounts(units, created)
    add_leaders(units)

    for code, name, short_name, abbreviation, day, note in RENAMES:
        unit = Unit.objects.get(code=code)
        if unit.name != name:
            services.unit_rename(
                unit=unit,
                name=name,
                short_name=short_name,
                abbreviation=abbreviation,
                effective_on=day,
                actor=None,
                note=note,
            )
    for code, successor, day, note in MERGES:
        unit = Unit.objects.get(code=code)
        if unit.dissolved_on is None:
            services.unit_merge(
                unit=unit,
                successor=Unit.objects.get(code=successor),
                effective_on=day,
                actor=None,
                note=note,
            )

    units = _units_by_code()
    for organizer, year, name, members in BLOCKS:
        block, new = EmulationBlock.objects.get_or_create(
            organizer=units[organizer], year=year, name=name
        )
        created["blocks"] += int(new)
        for code, role in members:
            EmulationBlockMember.objects.get_or_create(
                block=block, unit=units[code], defaults={"role": role}
            )
    return created


def _add_members(units: dict[str, Unit], created: dict) -> None:
    """Give every grassroots union of the demo tree a few members (deterministic)."""
    rng = random.Random(2019)
    existing = set(
        User.objects.filter(username__startswith="dv.").values_list(
            "username", flat=True
        )
    )
    people, memberships = [], []
    for spec in TREE:
        if spec.kind != Unit.Kind.GRASSROOTS:
            continue
        for number in range(1, MEMBERS_PER_GRASSROOTS + 1):
            name = random_name(rng)
            username = f"dv.{spec.code.lower()}.{number:02d}"
            if username in existing:
                continue
            person = User(username=username, full_name=name)
            person.set_unusable_password()
            person.fill_derived()
            people.append(person)
            memberships.append((person, units[spec.code]))
    if not people:
        return
    User.objects.bulk_create(people)
    Membership.objects.bulk_create(
        [
            Membership(
                user=p, unit=u, role=Role.MEMBER, started_on=datetime.date(2019, 1, 1)
            )
            for p, u in memberships
        ]
    )
    created["people"] += len(people)


def _add_accounts(units: dict[str, Unit], created: dict) -> None:
    for spec in ACCOUNTS:
        person = User.objects.filter(username=spec.username).first()
        if person is None:
            person = User(
                username=spec.username,
                full_name=spec.full_name,
                email=spec.email,
                is_superuser=spec.superuser,
                is_staff=spec.superuser,
            )
            person.set_password(DEMO_PASSWORD)
            person.save()
            created["people"] += 1
        wanted = [(spec.home, Role.MEMBER, "", None), *spec.roles]
        for code, role, position, full_time in wanted:
            _, new = Membership.objects.get_or_create(
                user=person,
                unit=units[code],
                role=role,
                ended_on=None,
                defaults={
                    "position": position,
                    "full_time": full_time,
                    "started_on": datetime.date(2019, 1, 1),
                },
            )
            created["roles"] += int(new)


# --- Province-sized data for benchmarks ----------------------------------------------


def bulk_add_children(parent: Unit, children: list[Unit]) -> list[Unit]:
    """Insert many children under one parent with computed tree paths."""
    if not children:
        return []
    last = Unit.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1
    ).aggregate(last=Max("path"))["last"]
    start = Unit._str2int(last[-Unit.steplen :]) + 1 if last else 1
    for offset, child in enumerate(children):
        child.depth = parent.depth + 1
        child.path = Unit._get_path(parent.path, child.depth, start + offset)
        child.numchild = 0
        child.fill_derived()
    Unit.objects.bulk_create(children, batch_size=1000)
    # Their history starts as the services' would: the name and the creation.
    UnitName.objects.bulk_create(
        [
            UnitName(
                unit=child,
                name=child.name,
                short_name=child.short_name,
                abbreviation=child.abbreviation,
                valid_from=child.established_on,
            )
            for child in children
        ],
        batch_size=1000,
    )
    UnitEvent.objects.bulk_create(
        [
            UnitEvent(
                unit=child,
                kind=UnitEvent.Kind.CREATED,
                effective_on=child.established_on or REFORM_DAY,
            )
            for child in children
        ],
        batch_size=1000,
    )
    Unit.objects.filter(pk=parent.pk).update(
        numchild=Unit.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1
        ).count()
    )
    parent.refresh_from_db()
    return children


# --- Leaders and signers --------------------------------------------------------

# (unit, username or None for a leader without an account, full name, position).
# The education union's movement report is signed by its vice-chair for the
# chair (KT.), so the demo shows both kinds of block.
LEADERS = [
    ("CB", "lanhdao.tinh", "Hoàng Thị Thu Hà", "chair"),
    ("CB-GD", "lanhdao.giaoduc", "Nông Văn Chủ", "chair"),
    ("CB-GD", "quantri.giaoduc", "", "vice_chair"),
    ("CB-YT", "quantri.yte", "", "chair"),
    ("CB-GD-THPTC", "canbo.thptchuyen", "", "chair"),
]
LEADERS_SINCE = datetime.date(2023, 1, 1)


def add_leaders(units: dict[str, Unit]) -> int:
    """Record the demo units' leaders (and one KT. signing rule) if missing.

    A leader without a demo account gets a user that cannot sign in: leaders
    sign documents, they need not use the application.
    """
    added = 0
    for code, username, full_name, position in LEADERS:
        unit = units.get(code)
        if unit is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            user.set_unusable_password()
            user.save()
        if leadership.Leadership.objects.filter(unit=unit, user=user).exists():
            continue
        leadership.Leadership.objects.create(
            unit=unit, user=user, position=position, started_on=LEADERS_SINCE
        )
        added += 1
    union = units.get("CB-GD")
    deputy = User.objects.filter(username="quantri.giaoduc").first()
    if union is not None and deputy is not None:
        leadership.SigningRule.objects.get_or_create(
            unit=union,
            kind=leadership.SigningKind.MOVEMENT_REPORT,
            defaults={
                "authority": leadership.Authority.KT,
                "body": leadership.Body.STANDING,
                "signer": deputy,
            },
        )
    return added
