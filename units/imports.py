"""Import units and people from spreadsheets (.xlsx) and CSV files.

An upload is read, checked row by row and stored as an ``ImportBatch`` with every
problem found (row number and reason). Only a batch without problems can be
applied, and applying checks everything again and writes all rows in one
transaction, or none.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.text import fold, nfc
from units import services
from units.models import (
    ALLOWED_PARENT_KINDS,
    ImportBatch,
    Membership,
    Role,
    Unit,
    UnitKind,
    User,
)


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
PHONE_RE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


def _phone_ok(phone: str) -> bool:
    """Say whether the text is a phone number that fits the 20-character field.

    The pattern alone let through "+" and 20 more characters (21 in all) and
    numbers without enough digits, such as "(...) ---".
    """
    digits = sum(ch.isdigit() for ch in phone)
    return bool(PHONE_RE.match(phone)) and len(phone) <= 20 and 8 <= digits <= 20


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]


def _lookup(words: dict, value: str) -> str | None:
    folded = fold(value)
    for key, options in words.items():
        if folded == key or folded in options:
            return key
    return None


# --- Reading files ------------------------------------------------------------


class UnreadableFileError(Exception):
    """The file cannot be read at all; the message says why."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number as the user sees it, cells)
    problems: list[dict] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)


def _problem(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return nfc(str(value)).replace("\x00", "").strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise UnreadableFileError(
            _("The Excel file could not be opened. Save it again as .xlsx and retry.")
        ) from None
    sheet = workbook.worksheets[0]
    problems = []
    for merged in sheet.merged_cells.ranges:
        problems.append(
            _problem(
                merged.min_row,
                str(merged.coord),
                _("Merged cells %(range)s: unmerge them and fill in every cell.")
                % {"range": merged.coord},
            )
        )
    grid = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f" or (
                isinstance(cell.value, str) and cell.value.startswith("=")
            ):
                problems.append(
                    _problem(
                        cell.row,
                        cell.coordinate,
                        _("Cell %(cell)s holds a formula; paste its value instead.")
                        % {"cell": cell.coordinate},
                    )
                )
                cells.append("")
            else:
                cells.append(_cell_value(cell.value))
        grid.append((row[0].row if row else len(grid) + 1, cells))
    workbook.close()
    return _table_from_grid(grid, problems)


def _utf16_order(data: bytes) -> str | None:
    """Recognise UTF-16 without a byte-order mark: a NUL byte beside every Latin
    letter, on one side (which says the byte order). A stray NUL in a UTF-8 file
    is not enough."""
    half = len(data) // 2
    if half < 2:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if odd >= half * 0.3 and odd > even:
        return "utf-16-le"
    if even >= half * 0.3 and even > odd:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        candidates = [(data[len(codecs.BOM_UTF8) :], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [(data, "utf-16")]
    elif _utf16_order(data):
        candidates = [(data, _utf16_order(data))]
    else:
        candidates = [(data, "utf-8"), (data, "cp1258")]
    # A byte-order mark followed by other bytes (or cut short) is a damaged file,
    # not a crash.
    for content, encoding in candidates:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        _("The CSV file's encoding is not recognised. Save it as CSV UTF-8 and retry.")
    )


def _read_csv(data: bytes) -> Table:
    text = nfc(_decode(data)).replace("\x00", "")
    # Guess the delimiter from the first line that holds anything (the header).
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    try:
        for number, row in enumerate(reader, start=1):
            grid.append((number, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise UnreadableFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None
    problems = []
    for number, cells in grid:
        for index, value in enumerate(cells):
            if value.startswith("="):
                problems.append(
                    _problem(
                        number,
                        get_column_letter(index + 1),
                        _("Cell %(cell)s holds a formula; write its value instead.")
                        % {"cell": f"{get_column_letter(index + 1)}{number}"},
                    )
                )
    return _table_from_grid(grid, problems)


def _table_from_grid(grid: list[tuple[int, list]], problems: list[dict]) -> Table:
    rows = [(n, cells) for n, cells in grid if any(str(c).strip() for c in cells)]
    if not rows:
        raise UnreadableFileError(_("The file is empty."))
    header_row, header = rows[0]
    last_row = rows[-1][0]
    # Only blank rows between data rows are worth a notice: the empty, formatted
    # rows after the last one (the template formats 500 rows) are not skipped data.
    blank = [
        n
        for n, cells in grid
        if header_row < n < last_row and not any(str(c).strip() for c in cells)
    ]
    # Trailing empty header cells come from formatting, not data.
    header = [str(h) for h in header]
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=rows[1:], problems=problems, blank_rows=blank)


def read_table(data: bytes) -> Table:
    """Read the first sheet of an .xlsx file, or a CSV file, into rows of cells."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx and retry.")
        )
    if data.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFileError(_("The Excel file is damaged."))
        return _read_xlsx(data)
    return _read_csv(data)


def map_columns(
    header: list[str], columns: list[Column]
) -> tuple[dict[str, int], list[dict]]:
    """Match the header row against the expected columns."""
    found: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        column = next((c for c in columns if c.matches(title)), None)
        if column is None:
            problems.append(
                _problem(
                    None,
                    title,
                    _(
                        'Unknown column "%(title)s". Use the template\'s columns: '
                        "%(expected)s."
                    )
                    % {"title": title, "expected": ", ".join(c.label for c in columns)},
                )
            )
        elif column.key in found:
            problems.append(
                _problem(
                    None,
                    title,
                    _('Column "%(title)s" appears twice.') % {"title": title},
                )
            )
        else:
            found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            problems.append(
                _problem(
                    None,
                    column.label,
                    _('Required column "%(title)s" is missing.')
                    % {"title": column.label},
                )
            )
    return found, problems


# --- Checking rows ------------------------------------------------------------


def _parse_date(value, label: str, problems: list, row: int) -> str:
    if value in ("", None):
        return ""
    if isinstance(value, datetime.date):
        day = value
    else:
        day = None
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = datetime.datetime.strptime(str(value), pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            problems.append(
                _problem(
                    row,
                    label,
                    _('"%(value)s" is not a date; write dd/mm/yyyy.')
                    % {"value": value},
                )
            )
            return ""
    if day > timezone.localdate():
        problems.append(_problem(row, label, _("The date cannot be in the future.")))
        return ""
    if day.year < 1900:
        problems.append(_problem(row, label, _("The date is too far in the past.")))
        return ""
    return day.isoformat()


def _text(cells: list, index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value if isinstance(value, str) else value.strftime("%d/%m/%Y")


def _raw(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _check_length(value: str, limit: int, label: str, row: int, problems: list) -> None:
    if len(value) > limit:
        problems.append(
            _problem(
                row,
                label,
                _("At most %(limit)d characters (this has %(count)d).")
                % {"limit": limit, "count": len(value)},
            )
        )


def _chunks(values: set[str], size: int = 500):
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _scope_units(unit: Unit, codes: set[str]) -> dict[str, Unit]:
    """Return the active units in the unit's subtree with these codes.

    The result is keyed by the upper-cased code.
    """
    in_scope = (
        Unit.objects.filter(path__startswith=unit.path)
        .active()
        .annotate(key=Upper("code"))
    )
    result = {}
    for chunk in _chunks({code.upper() for code in codes if code}):
        for candidate in in_scope.filter(key__in=chunk):
            result[candidate.key] = candidate
    return result


def _existing_codes(codes: set[str]) -> set[str]:
    """Return the codes (upper-cased) that some unit already uses."""
    existing = set()
    all_units = Unit.objects.annotate(key=Upper("code"))
    for chunk in _chunks({c.upper() for c in codes if c}):
        existing |= set(all_units.filter(key__in=chunk).values_list("key", flat=True))
    return existing


def check_unit_rows(
    unit: Unit, table: Table, index: dict[str, int]
) -> tuple[list, list]:
    labels = {c.key: c.label for c in UNIT_COLUMNS}
    problems: list[dict] = []
    rows: list[dict] = []
    codes_in_file = [
        _text(cells, index.get("code")).upper() for _n, cells in table.rows
    ]
    parent_codes = {
        _text(cells, index.get("parent_code")).upper() for _n, cells in table.rows
    }
    existing = _existing_codes(set(codes_in_file))
    parents_in_db = _scope_units(unit, parent_codes)
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        row_problems: list[dict] = []
        record = {key: _text(cells, i) for key, i in index.items()}
        code = record.get("code", "")
        if not code:
            row_problems.append(
                _problem(number, labels["code"], _("The code is missing."))
            )
        elif not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", code):
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _(
                        "Use only letters without accents, digits, dots, dashes and "
                        "underscores."
                    ),
                )
            )
        elif code.upper() in seen:
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _("The code %(code)s is also on row %(row)d.")
                    % {"code": code, "row": seen[code.upper()]},
                )
            )
        elif code.upper() in existing:
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _("A unit with the code %(code)s already exists.") % {"code": code},
                )
            )
        else:
            _check_length(code, 40, labels["code"], number, row_problems)
        if code:
            seen.setdefault(code.upper(), number)
        if not record.get("name"):
            row_problems.append(
                _problem(number, labels["name"], _("The name is missing."))
            )
        _check_length(record.get("name", ""), 255, labels["name"], number, row_problems)
        _check_length(
            record.get("short_name", ""),
            100,
            labels["short_name"],
            number,
            row_problems,
        )
        _check_length(
            record.get("abbreviation", ""),
            30,
            labels["abbreviation"],
            number,
            row_problems,
        )
        _check_length(
            record.get("place_name", ""),
            100,
            labels["place_name"],
            number,
            row_problems,
        )
        kind = _lookup(KIND_WORDS, record.get("kind", ""))
        if kind is None:
            row_problems.append(
                _problem(
                    number,
                    labels["kind"],
                    _('"%(value)s" is not a kind of unit.')
                    % {"value": record.get("kind", "")},
                )
            )
        record["kind"] = kind or ""
        record["established_on"] = _parse_date(
            _raw(cells, index.get("established_on")),
            labels["established_on"],
            row_problems,
            number,
        )
        parent_code = record.get("parent_code", "").upper()
        record["parent_code"] = parent_code
        if not parent_code:
            row_problems.append(
                _problem(
                    number,
                    labels["parent_code"],
                    _("The parent unit's code is missing."),
                )
            )
        elif parent_code not in parents_in_db and parent_code not in codes_in_file:
            row_problems.append(
                _problem(
                    number,
                    labels["parent_code"],
                    _("No active unit with the code %(code)s under %(unit)s.")
                    % {"code": parent_code, "unit": unit.name},
                )
            )
        record["code"] = code
        record["row"] = number
        problems.extend(row_problems)
        rows.append(record)

    # Kinds and order: every parent must exist before its children.
    by_code = {r["code"].upper(): r for r in rows if r["code"]}
    for record in rows:
        parent_code = record["parent_code"]
        parent_kind = None
        if parent_code in by_code:
            parent_kind = by_code[parent_code]["kind"] or None
        elif parent_code in parents_in_db:
            parent_kind = parents_in_db[parent_code].kind
        else:
            continue
        if (
            record["kind"]
            and parent_kind
            and parent_kind not in ALLOWED_PARENT_KINDS[record["kind"]]
        ):
            problems.append(
                _problem(
                    record["row"],
                    labels["kind"],
                    _("A %(kind)s cannot be placed under a %(parent_kind)s.")
                    % {
                        "kind": UnitKind(record["kind"]).label,
                        "parent_kind": UnitKind(parent_kind).label,
                    },
                )
            )
    ordered, cycle = _parents_first(rows, by_code)
    for record in cycle:
        problems.append(
            _problem(
                record["row"],
                labels["parent_code"],
                _(
                    "The parent codes go round in a circle; one of them must be an "
                    "existing unit."
                ),
            )
        )
    return ordered, problems


def _parents_first(
    rows: list[dict], by_code: dict[str, dict]
) -> tuple[list[dict], list[dict]]:
    """Order rows so each comes after its parent in the file; report circles."""
    placed: set[str] = set()
    ordered: list[dict] = []
    pending = list(rows)
    while pending:
        progress = []
        for record in pending:
            parent = record["parent_code"]
            if parent not in by_code or parent in placed:
                progress.append(record)
        if not progress:
            return ordered, pending
        for record in progress:
            ordered.append(record)
            placed.add(record["code"].upper())
        pending = [r for r in pending if r not in progress]
    return ordered, []


def check_people_rows(
    unit: Unit, table: Table, index: dict[str, int]
) -> tuple[list, list]:
    labels = {c.key: c.label for c in PEOPLE_COLUMNS}
    problems: list[dict] = []
    rows: list[dict] = []
    unit_codes = {
        _text(cells, index.get("unit_code")).upper() for _n, cells in table.rows
    }
    units = _scope_units(unit, unit_codes)
    usernames = {
        _text(cells, index.get("username")).lower() for _n, cells in table.rows
    } - {""}
    emails = {_text(cells, index.get("email")).lower() for _n, cells in table.rows} - {
        ""
    }
    taken_usernames = _existing(User, "username", usernames)
    taken_emails = _existing(User, "email", emails)
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    username_validator = UnicodeUsernameValidator()
    for number, cells in table.rows:
        row_problems: list[dict] = []
        record = {key: _text(cells, i) for key, i in index.items()}
        code = record.get("unit_code", "").upper()
        if not code:
            row_problems.append(
                _problem(number, labels["unit_code"], _("The unit code is missing."))
            )
        elif code not in units:
            row_problems.append(
                _problem(
                    number,
                    labels["unit_code"],
                    _("No active unit with the code %(code)s under %(unit)s.")
                    % {"code": code, "unit": unit.name},
                )
            )
        record["unit_code"] = code
        if not record.get("full_name"):
            row_problems.append(
                _problem(number, labels["full_name"], _("The full name is missing."))
            )
        _check_length(
            record.get("full_name", ""), 150, labels["full_name"], number, row_problems
        )
        username = record.get("username", "")
        if username:
            try:
                username_validator(username)
            except ValidationError:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("A user name may hold only letters, digits and . @ + - _"),
                    )
                )
            _check_length(username, 150, labels["username"], number, row_problems)
            if username.lower() in seen_usernames:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("The user name %(value)s is also on row %(row)d.")
                        % {"value": username, "row": seen_usernames[username.lower()]},
                    )
                )
            elif username.lower() in taken_usernames:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("The user name %(value)s is already taken.")
                        % {"value": username},
                    )
                )
            seen_usernames.setdefault(username.lower(), number)
        email = record.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _('"%(value)s" is not an email address.') % {"value": email},
                    )
                )
            # The validator allows 320 characters; the column holds 254.
            _check_length(email, 254, labels["email"], number, row_problems)
            if email.lower() in seen_emails:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _("The email %(value)s is also on row %(row)d.")
                        % {"value": email, "row": seen_emails[email.lower()]},
                    )
                )
            elif email.lower() in taken_emails:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _("Another person already uses the email %(value)s.")
                        % {"value": email},
                    )
                )
            seen_emails.setdefault(email.lower(), number)
        phone = record.get("phone", "")
        if phone and not _phone_ok(phone):
            row_problems.append(
                _problem(
                    number,
                    labels["phone"],
                    _("Enter a phone number of 8 to 20 digits."),
                )
            )
        record["date_of_birth"] = _parse_date(
            _raw(cells, index.get("date_of_birth")),
            labels["date_of_birth"],
            row_problems,
            number,
        )
        _check_length(
            record.get("qualification", ""),
            150,
            labels["qualification"],
            number,
            row_problems,
        )
        _check_length(
            record.get("position", ""), 150, labels["position"], number, row_problems
        )
        role = Role.MEMBER
        if record.get("role"):
            role = _lookup(ROLE_WORDS, record["role"])
            if role is None:
                row_problems.append(
                    _problem(
                        number,
                        labels["role"],
                        _('"%(value)s" is not a role.') % {"value": record["role"]},
                    )
                )
        record["role"] = role or ""
        full_time = None
        raw_full_time = fold(record.get("full_time", ""))
        if raw_full_time:
            if raw_full_time in YES_WORDS:
                full_time = True
            elif raw_full_time in NO_WORDS:
                full_time = False
            else:
                row_problems.append(
                    _problem(number, labels["full_time"], _('Write "Có" or "Không".'))
                )
            if role and role != Role.OFFICER:
                row_problems.append(
                    _problem(
                        number,
                        labels["full_time"],
                        _("Full-time or part-time applies to officers only."),
                    )
                )
        record["full_time"] = full_time
        record["row"] = number
        problems.extend(row_problems)
        rows.append(record)
    # Make user names for the rows without one, avoiding every name in use.
    _fill_usernames(rows, set(seen_usernames))
    return rows, problems


def _username_base(full_name: str) -> str:
    """Return the user name made from a name, as services.suggest_username does."""
    base = ".".join(fold(full_name).replace("-", " ").split())[:140] or "nguoidung"
    base = "".join(ch for ch in base if ch.isalnum() or ch == ".").strip(".")
    return base or "nguoidung"


def _usernames_starting_with(bases: set[str]) -> set[str]:
    """Return the user names in use (lower-cased) that start with one of the bases."""
    found = set()
    for chunk in _chunks(bases, 100):
        query = Q()
        for base in chunk:
            query |= Q(username__istartswith=base)
        found |= {
            name.lower()
            for name in User.objects.filter(query).values_list("username", flat=True)
        }
    return found


def _fill_usernames(rows: list[dict], taken: set[str]) -> None:
    """Give every row without a user name a free one: "nguyen.van.an", "…2".

    The same names as services.suggest_username, but with one query per hundred
    names instead of one per row, so that a file of 35,000 people stays quick.
    """
    missing = [r for r in rows if not r.get("username") and r.get("full_name")]
    bases = {id(r): _username_base(r["full_name"]) for r in missing}
    taken = set(taken) | _usernames_starting_with(set(bases.values()))
    next_number: dict[str, int] = {}
    for record in missing:
        base = bases[id(record)]
        number = next_number.get(base, 1)
        candidate = base if number == 1 else f"{base}{number}"
        while candidate.lower() in taken:
            number += 1
            candidate = f"{base}{number}"
        next_number[base] = number
        record["username"] = candidate
        taken.add(candidate.lower())


def _existing(model, field_name: str, values: set[str]) -> set[str]:
    """Return the values (lower-cased) already used in this field."""
    found = set()
    rows = model.objects.annotate(key=Lower(field_name))
    for chunk in _chunks(values):
        found |= set(rows.filter(key__in=chunk).values_list("key", flat=True))
    return found


def _check(unit: Unit, kind: str, table: Table) -> tuple[list, list, list]:
    columns = COLUMNS[kind]
    index, header_problems = map_columns(table.header, columns)
    notices = []
    if table.blank_rows:
        shown = ", ".join(str(n) for n in table.blank_rows[:20])
        notices.append(
            _("%(count)d blank rows were skipped (rows %(rows)s).")
            % {
                "count": len(table.blank_rows),
                "rows": shown + ("…" if len(table.blank_rows) > 20 else ""),
            }
        )
    if header_problems:
        return [], table.problems + header_problems, notices
    if not table.rows:
        return (
            [],
            [_problem(None, "", _("The file has a header row but no data."))],
            notices,
        )
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        return (
            [],
            [
                _problem(
                    None,
                    "",
                    _(
                        "The file has %(count)d rows; at most %(limit)d can be "
                        "imported at once."
                    )
                    % {"count": len(table.rows), "limit": settings.IMPORT_MAX_ROWS},
                )
            ],
            notices,
        )
    checker = check_unit_rows if kind == ImportBatch.Kind.UNITS else check_people_rows
    rows, problems = checker(unit, table, index)
    return rows, table.problems + problems, notices


# --- Upload, apply, templates -------------------------------------------------


def check_upload(*, unit: Unit, kind: str, upload, actor: User) -> ImportBatch:
    """Read and check an uploaded file; store the result as a batch."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    data = upload.read(limit + 1)
    batch = ImportBatch(
        unit=unit,
        kind=kind,
        filename=nfc(upload.name or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
    )
    rows, problems, notices = [], [], []
    if len(data) > limit:
        problems = [
            _problem(
                None,
                "",
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.UPLOAD_MAX_MB},
            )
        ]
    else:
        try:
            table = read_table(data)
        except UnreadableFileError as error:
            problems = [_problem(None, "", str(error))]
        else:
            rows, problems, notices = _check(unit, kind, table)
    batch.rows = _json_rows(rows)
    batch.errors = sorted(problems, key=lambda p: p["row"] or 0)
    batch.notices = notices
    batch.status = (
        ImportBatch.Status.INVALID if problems else ImportBatch.Status.CHECKED
    )
    batch.save()
    return batch


def _json_rows(rows: list[dict]) -> list[dict]:
    return [dict(row) for row in rows]


def _as_table(batch: ImportBatch) -> Table:
    """Rebuild a table from a checked batch, to check it again before applying."""
    columns = COLUMNS[batch.kind]
    header = [c.label for c in columns]
    rows = []
    for record in batch.rows:
        cells = []
        for column in columns:
            value = record.get(column.key, "")
            if column.key in ("established_on", "date_of_birth") and value:
                value = datetime.date.fromisoformat(value)
            elif column.key == "full_time":
                value = {True: "có", False: "không", None: ""}[value]
            elif column.key == "role":
                value = value or ""
            cells.append(value if value is not None else "")
        rows.append((record["row"], cells))
    return Table(header=header, rows=rows)


def apply_batch(*, batch: ImportBatch, actor: User) -> ImportBatch:
    """Check the batch again against today's data and write every row, or none."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .select_related("unit")
            .get(pk=batch.pk)
        )
        if batch.status != ImportBatch.Status.CHECKED:
            return batch
        rows, problems, _notices = _check(batch.unit, batch.kind, _as_table(batch))
        if problems:
            batch.errors = sorted(problems, key=lambda p: p["row"] or 0)
            batch.status = ImportBatch.Status.INVALID
            batch.save(update_fields=["errors", "status"])
            return batch
        if batch.kind == ImportBatch.Kind.UNITS:
            result = _apply_units(batch.unit, rows, actor)
        else:
            result = _apply_people(batch.unit, rows, actor)
        batch.rows = _json_rows(rows)
        batch.result = result
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.save(update_fields=["rows", "result", "status", "applied_at"])
    return batch


def _apply_units(scope: Unit, rows: list[dict], actor: User) -> dict:
    created: dict[str, Unit] = {}
    parents = _scope_units(scope, {r["parent_code"] for r in rows})
    for record in rows:
        parent = created.get(record["parent_code"]) or parents[record["parent_code"]]
        unit = services.unit_create(
            parent=parent,
            kind=record["kind"],
            code=record["code"],
            name=record["name"],
            short_name=record.get("short_name", ""),
            abbreviation=record.get("abbreviation", ""),
            place_name=record.get("place_name", ""),
            established_on=datetime.date.fromisoformat(record["established_on"])
            if record.get("established_on")
            else None,
            actor=actor,
        )
        created[unit.code.upper()] = unit
    return {"units": len(created)}


def _apply_people(scope: Unit, rows: list[dict], actor: User) -> dict:
    units = _scope_units(scope, {r["unit_code"] for r in rows})
    people = []
    for record in rows:
        person = User(
            username=record["username"],
            full_name=record["full_name"],
            email=record.get("email", ""),
            phone=record.get("phone", ""),
            date_of_birth=datetime.date.fromisoformat(record["date_of_birth"])
            if record.get("date_of_birth")
            else None,
            qualification=record.get("qualification", ""),
        )
        person.set_unusable_password()
        person.fill_derived()
        people.append(person)
    User.objects.bulk_create(people, batch_size=1000)
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+.
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                user=person,
                unit=units[record["unit_code"]],
                role=record["role"] or Role.MEMBER,
                position=record.get("position", ""),
                full_time=record.get("full_time"),
                started_on=today,
                granted_by=actor,
            )
            for person, record in zip(people, rows, strict=True)
        ],
        batch_size=1000,
    )
    return {"people": len(people)}


def template_file(kind: str, fmt: str) -> tuple[bytes, str]:
    """Return an empty import template with its column titles and a guide."""
    columns = COLUMNS[kind]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow([c.label for c in columns])
        return codecs.BOM_UTF8 + buffer.getvalue().encode(
            "utf-8"
        ), "text/csv; charset=utf-8"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Du lieu"
    sheet.append([c.label for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            16, len(column.label) + 4
        )
        # Keep every cell as text so leading zeros in phone numbers and codes stay.
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    guide = workbook.create_sheet("Huong dan")
    guide.append([_("Column"), _("Required"), _("What to write")])
    for column in columns:
        guide.append(
            [column.label, _("yes") if column.required else "", str(column.help)]
        )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def display_row(record: dict) -> dict:
    """Return a checked row with kinds and roles shown by their labels."""
    shown = dict(record)
    if shown.get("kind") in UnitKind.values:
        shown["kind"] = UnitKind(shown["kind"]).label
    if shown.get("role") in Role.values:
        shown["role"] = Role(shown["role"]).label
    return shown
