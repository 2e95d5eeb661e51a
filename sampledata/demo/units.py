"""Demo data: a union tree shaped like Cao Bằng's, with people in every role
(`sampledata.demo.people`) and emulation blocks.

`build_demo()` is idempotent: it creates what is missing and leaves the rest.
`sampledata.scale` adds data at scale with bulk inserts for benchmarks.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from sampledata.common import REFORM_DAY
from sampledata.demo import people
from units import services
from units.models import EmulationBlock, EmulationBlockMember, Unit


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

    grassroots = [spec.code for spec in TREE if spec.kind == Unit.Kind.GRASSROOTS]
    people.add_members(units, created, grassroots)
    people.add_accounts(units, created)
    people.add_leaders(units)

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
