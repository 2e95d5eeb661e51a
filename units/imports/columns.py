"""The columns of the import files and the words staff write in them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from core.text import fold
from units.models import ImportBatch, Role, UnitKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header written in the template (Vietnamese, as staff use it)
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()

    def matches(self, header: str) -> bool:
        folded = fold(header)
        return folded in {fold(self.label), self.key.replace("_", " "), self.key} | {
            fold(alias) for alias in self.aliases
        }


UNIT_COLUMNS = [
    Column(
        "code",
        "Mã đơn vị",
        True,
        gettext_lazy("Unique code, e.g. CB-GD-THPT01."),
        ("code",),
    ),
    Column("name", "Tên đơn vị", True, gettext_lazy("Full name."), ("name",)),
    Column("short_name", "Tên viết tắt", False, gettext_lazy("Optional.")),
    Column(
        "kind",
        "Loại đơn vị",
        True,
        gettext_lazy(
            "Công đoàn cơ sở, Công đoàn cấp trên cơ sở, Ban LĐLĐ tỉnh or LĐLĐ tỉnh."
        ),
        ("loai", "kind"),
    ),
    Column(
        "parent_code",
        "Mã đơn vị cấp trên",
        True,
        gettext_lazy(
            "Code of an existing unit, or of a unit earlier or later in this file."
        ),
        ("ma cap tren", "parent", "parent code"),
    ),
    Column("abbreviation", "Ký hiệu văn bản", False, gettext_lazy('e.g. "CĐCS".')),
    Column("place_name", "Địa danh", False, gettext_lazy('e.g. "Cao Bằng".')),
    Column("established_on", "Ngày thành lập", False, gettext_lazy("dd/mm/yyyy.")),
]


PEOPLE_COLUMNS = [
    Column(
        "unit_code",
        "Mã đơn vị",
        True,
        gettext_lazy("Code of the person's unit."),
        ("unit", "unit code"),
    ),
    Column(
        "full_name",
        "Họ và tên",
        True,
        gettext_lazy("Full name."),
        ("ho ten", "name", "full name"),
    ),
    Column(
        "username",
        "Tên đăng nhập",
        False,
        gettext_lazy("Optional; made from the name when empty."),
        ("username", "user name"),
    ),
    Column(
        "email",
        "Email",
        False,
        gettext_lazy("Optional; used to set a password."),
        ("thu dien tu",),
    ),
    Column(
        "phone",
        "Điện thoại",
        False,
        gettext_lazy("Optional."),
        ("so dien thoai", "phone"),
    ),
    Column(
        "date_of_birth",
        "Ngày sinh",
        False,
        gettext_lazy("dd/mm/yyyy."),
        ("date of birth",),
    ),
    Column(
        "qualification",
        "Trình độ chuyên môn",
        False,
        gettext_lazy("Optional."),
        ("trinh do", "qualification"),
    ),
    Column(
        "role",
        "Vai trò",
        False,
        gettext_lazy(
            "Đoàn viên (default), Cán bộ công đoàn, Tổ hỗ trợ, Cán bộ thi đua, "
            "Quản trị đơn vị."
        ),
        ("role",),
    ),
    Column(
        "position", "Chức vụ", False, gettext_lazy("e.g. Chủ tịch CĐCS."), ("position",)
    ),
    Column(
        "full_time",
        "Chuyên trách",
        False,
        gettext_lazy("For officers: Có (full-time) or Không (part-time)."),
        ("full time",),
    ),
]


COLUMNS = {
    ImportBatch.Kind.UNITS: UNIT_COLUMNS,
    ImportBatch.Kind.PEOPLE: PEOPLE_COLUMNS,
}


KIND_WORDS = {
    UnitKind.GRASSROOTS: ("cong doan co so", "cdcs", "co so", "grassroots"),
    UnitKind.UPPER: (
        "cong doan cap tren co so",
        "cong doan cap tren truc tiep co so",
        "cap tren co so",
        "cap tren",
        "upper",
    ),
    UnitKind.DEPARTMENT: ("ban ldld tinh", "ban", "van phong", "department"),
    UnitKind.PROVINCE: ("ldld tinh", "lien doan lao dong tinh", "province"),
    UnitKind.NATIONAL: ("tong lien doan", "national"),
}


ROLE_WORDS = {
    Role.MEMBER: ("doan vien", "member"),
    Role.OFFICER: ("can bo cong doan", "can bo", "officer"),
    Role.SUPPORT_TEAM: (
        "to ho tro",
        "to ho tro sang kien",
        "to uom mam",
        "support team",
    ),
    Role.EMULATION_STAFF: ("can bo thi dua", "thi dua khen thuong", "emulation staff"),
    Role.UNIT_ADMIN: ("quan tri don vi", "quan tri", "unit admin"),
}


YES_WORDS = {"co", "x", "1", "yes", "true", "chuyen trach", "full time"}


NO_WORDS = {"khong", "0", "no", "false", "khong chuyen trach", "part time"}


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]
