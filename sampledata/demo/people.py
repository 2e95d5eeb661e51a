"""Demo people: an account for every role (all sign in with the published demo
password), a few members in every grassroots union, and the units' leaders."""

import datetime
import random
from dataclasses import dataclass

from sampledata.common import random_name
from units import leadership
from units.models import Membership, Role, Unit, User

DEMO_PASSWORD = "SangKien@2026"  # noqa: S105 - published demo password


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


MEMBERS_PER_GRASSROOTS = 6


def add_members(units: dict[str, Unit], created: dict, grassroots: list[str]) -> None:
    """Give every grassroots union of the demo tree (`grassroots`, their codes in
    the order of the tree) a few members (deterministic)."""
    rng = random.Random(2019)
    existing = set(
        User.objects.filter(username__startswith="dv.").values_list(
            "username", flat=True
        )
    )
    people, memberships = [], []
    for code in grassroots:
        for number in range(1, MEMBERS_PER_GRASSROOTS + 1):
            name = random_name(rng)
            username = f"dv.{code.lower()}.{number:02d}"
            if username in existing:
                continue
            person = User(username=username, full_name=name)
            person.set_unusable_password()
            person.fill_derived()
            people.append(person)
            memberships.append((person, units[code]))
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


def add_accounts(units: dict[str, Unit], created: dict) -> None:
    """Open the demo accounts that are missing and give them their roles."""
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
