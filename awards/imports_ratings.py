"""Import the year's ratings of unions or of members from an Excel workbook.

Every row is checked first and each problem is reported with its row number;
nothing is written unless every row is right, and then all rows are written in one
transaction. Templates are written with `units.spreadsheets`, so that text in them
is never read back as a formula by a spreadsheet program.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from awards import services
from awards.models import MemberGrade, MemberRating, UnitRating, UnitRatingLevel
from core.text import fold
from initiatives import uploads
from units import access
from units.imports._common import _problem
from units.imports.columns import Column
from units.imports.reading import (
    Table,
    UnreadableFileError,
    _cell_value,
    _table_from_grid,
    map_columns,
)
from units.models import Membership, Unit, User
from units.spreadsheets import workbook_bytes

UNITS, MEMBERS = "units", "members"
KINDS = (UNITS, MEMBERS)
MAX_ROWS = 5000

RATING = Column(
    "rating",
    "Xếp loại",
    True,
    gettext_lazy("The rating, as named in the list of ratings."),
    ("rating", "xep loai"),
)
UNIT_COLUMNS = [
    Column(
        "code",
        "Mã đơn vị",
        True,
        gettext_lazy("Code of a union directly below."),
        ("code", "unit code"),
    ),
    Column("name", "Tên đơn vị", False, gettext_lazy("Ignored."), ("name",)),
    RATING,
]
MEMBER_COLUMNS = [
    Column(
        "login",
        "Tên đăng nhập hoặc email",
        True,
        gettext_lazy("The member's user name or email address."),
        ("ten dang nhap", "email", "username", "user name or email"),
    ),
    Column("full_name", "Họ và tên", False, gettext_lazy("Ignored."), ("full name",)),
    Column(
        "rating",
        "Xếp loại",
        True,
        gettext_lazy("Xuất sắc, Khá, Trung bình or Yếu."),
        ("rating", "xep loai"),
    ),
]
COLUMNS = {UNITS: UNIT_COLUMNS, MEMBERS: MEMBER_COLUMNS}

GRADE_WORDS = {
    "xuat sac": MemberGrade.EXCELLENT,
    "excellent": MemberGrade.EXCELLENT,
    "kha": MemberGrade.GOOD,
    "good": MemberGrade.GOOD,
    "trung binh": MemberGrade.AVERAGE,
    "average": MemberGrade.AVERAGE,
    "yeu": MemberGrade.WEAK,
    "weak": MemberGrade.WEAK,
}
GRADE_NAMES = {
    MemberGrade.EXCELLENT: "Xuất sắc",
    MemberGrade.GOOD: "Khá",
    MemberGrade.AVERAGE: "Trung bình",
    MemberGrade.WEAK: "Yếu",
}


def members_in_year(unit: Unit, year: int):
    """Return the people holding a role in the union at some time in the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = Membership.objects.filter(unit=unit, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "full_name", "pk"
    )


def rated_units(unit: Unit):
    """Return the unions the unit rates: those directly below it, still active."""
    return (
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .active()
        .order_by("code")
    )


@dataclass
class Outcome:
    problems: list[dict] = field(default_factory=list)
    applied: int = 0


class _RefusedError(Exception):
    """Raised inside the transaction to undo every row written so far."""


def save_all(calls) -> dict:
    """Run each (key, call) in one transaction; if any refuses, undo them all and
    return the messages of the refusals by key."""
    errors: dict = {}
    try:
        with transaction.atomic():
            for key, call in calls:
                try:
                    call()
                except ValidationError as error:
                    errors[key] = error.messages
            if errors:
                raise _RefusedError
    except _RefusedError:
        pass
    return errors


def read_workbook(data: bytes) -> Table:
    """Read the first sheet of an .xlsx file (cached values, not formulas)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise UnreadableFileError(
            _("The Excel file could not be opened. Save it again as .xlsx and retry.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        grid = []
        # Read-only sheets yield every row from the first, empty ones included.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise UnreadableFileError(
                    _("The file has more than %(count)d rows; split it.")
                    % {"count": MAX_ROWS}
                )
            grid.append((number, [_cell_value(value) for value in values]))
    finally:
        workbook.close()
    return _table_from_grid(grid, [])


def _text(cells: list, index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value if isinstance(value, str) else value.strftime("%d/%m/%Y")


def _check_units(unit, year, table, index, actor) -> tuple[list, list]:
    problems, rows = [], []
    children = {child.code.upper(): child for child in rated_units(unit)}
    levels = {fold(level.name): level for level in UnitRatingLevel.objects.all()}
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        code = _text(cells, index.get("code"))
        value = _text(cells, index.get("rating"))
        child = children.get(code.upper())
        if not code:
            problems.append(_problem(number, "Mã đơn vị", _("The code is missing.")))
        elif child is None:
            problems.append(
                _problem(
                    number,
                    "Mã đơn vị",
                    _("%(code)s is not a union directly below %(unit)s.")
                    % {"code": code, "unit": unit.name},
                )
            )
        elif code.upper() in seen:
            problems.append(
                _problem(
                    number,
                    "Mã đơn vị",
                    _("The code %(code)s is also on row %(row)d.")
                    % {"code": code, "row": seen[code.upper()]},
                )
            )
        elif not access.can_create(actor, UnitRating, child):
            problems.append(
                _problem(
                    number,
                    "Mã đơn vị",
                    _("You may not rate %(unit)s.") % {"unit": child.name},
                )
            )
        if code:
            seen.setdefault(code.upper(), number)
        level = levels.get(fold(value))
        if not value:
            problems.append(_problem(number, "Xếp loại", _("The rating is missing.")))
        elif level is None or not level.is_active:
            names = ", ".join(lv.name for lv in levels.values() if lv.is_active)
            problems.append(
                _problem(
                    number,
                    "Xếp loại",
                    _('Unknown rating "%(value)s". Use one of: %(names)s.')
                    % {"value": value, "names": names},
                )
            )
        if child is not None and level is not None:
            rows.append((number, child, level))
    return problems, rows


def _check_members(unit, year, table, index, actor) -> tuple[list, list]:
    problems, rows = [], []
    members = list(members_in_year(unit, year))
    by_login: dict[str, list[User]] = {}
    for member in members:
        by_login.setdefault(member.username.lower(), []).append(member)
        if member.email:
            by_login.setdefault(member.email.lower(), []).append(member)
    elsewhere = {
        rating.user_id: rating.unit
        for rating in MemberRating.objects.filter(
            year=year, user__in=[m.pk for m in members]
        )
        .exclude(unit=unit)
        .select_related("unit")
    }
    seen: dict[int, int] = {}
    for number, cells in table.rows:
        login = _text(cells, index.get("login"))
        value = _text(cells, index.get("rating"))
        found = {m.pk: m for m in by_login.get(login.lower(), [])}
        person = next(iter(found.values())) if len(found) == 1 else None
        column = "Tên đăng nhập hoặc email"
        if not login:
            problems.append(
                _problem(number, column, _("The user name or email is missing."))
            )
        elif len(found) > 1:
            problems.append(
                _problem(
                    number,
                    column,
                    _("Several members have this email; give the user name."),
                )
            )
        elif person is None:
            problems.append(
                _problem(
                    number,
                    column,
                    _(
                        "No member of %(unit)s in %(year)d has the user name "
                        "or email %(login)s."
                    )
                    % {"unit": unit.name, "year": year, "login": login},
                )
            )
        elif person.pk in seen:
            problems.append(
                _problem(
                    number,
                    column,
                    _("%(name)s is also on row %(row)d.")
                    % {"name": person.full_name, "row": seen[person.pk]},
                )
            )
        elif person.pk in elsewhere:
            problems.append(
                _problem(
                    number,
                    column,
                    _("%(name)s was already rated by %(unit)s for the year.")
                    % {"name": person.full_name, "unit": elsewhere[person.pk].name},
                )
            )
        if person is not None:
            seen.setdefault(person.pk, number)
        grade = GRADE_WORDS.get(fold(value))
        if not value:
            problems.append(_problem(number, "Xếp loại", _("The rating is missing.")))
        elif grade is None:
            problems.append(
                _problem(
                    number,
                    "Xếp loại",
                    _(
                        'Unknown rating "%(value)s". Use Xuất sắc, Khá, '
                        "Trung bình or Yếu."
                    )
                    % {"value": value},
                )
            )
        if person is not None and grade is not None:
            rows.append((number, person, grade))
    return problems, rows


def ratings_import(*, unit: Unit, kind: str, year: int, upload, actor: User) -> Outcome:
    """Check every row of the workbook, then write them all or none."""
    try:
        data, file_type = uploads.read_checked(upload)
    except ValidationError as error:
        return Outcome(problems=[_problem(None, "", m) for m in error.messages])
    if file_type != uploads.XLSX:
        return Outcome(
            problems=[_problem(None, "", _("Upload an Excel workbook (.xlsx)."))]
        )
    try:
        table = read_workbook(data)
    except UnreadableFileError as error:
        return Outcome(problems=[_problem(None, "", str(error))])
    index, problems = map_columns(table.header, COLUMNS[kind])
    if problems:
        return Outcome(problems=problems)
    if not table.rows:
        return Outcome(problems=[_problem(None, "", _("The file has no rows."))])
    check = _check_units if kind == UNITS else _check_members
    problems, rows = check(unit, year, table, index, actor)
    if problems:
        return Outcome(problems=problems)

    def call(target, value):
        if kind == UNITS:
            return lambda: services.unit_rating_set(
                unit=target, year=year, level=value, actor=actor
            )
        return lambda: services.member_rating_set(
            user=target, unit=unit, year=year, grade=value, actor=actor
        )

    errors = save_all((number, call(target, value)) for number, target, value in rows)
    if errors:
        return Outcome(
            problems=[
                _problem(number, "", message)
                for number, messages in errors.items()
                for message in messages
            ]
        )
    return Outcome(applied=len(rows))


def template_bytes(*, unit: Unit, kind: str, year: int) -> bytes:
    """Return a workbook to fill in, listing the unions below or the members."""
    if kind == UNITS:
        headers = [c.label for c in UNIT_COLUMNS]
        current = {
            r.unit_id: r.level.name
            for r in UnitRating.objects.filter(
                unit__in=rated_units(unit), year=year
            ).select_related("level")
        }
        rows = [
            (child.code, child.name, current.get(child.pk, ""))
            for child in rated_units(unit)
        ]
        widths = [20, 50, 30]
    else:
        headers = [c.label for c in MEMBER_COLUMNS]
        current = dict(
            MemberRating.objects.filter(unit=unit, year=year).values_list(
                "user_id", "grade"
            )
        )
        rows = [
            (
                person.username,
                person.full_name,
                GRADE_NAMES.get(current.get(person.pk), ""),
            )
            for person in members_in_year(unit, year)
        ]
        widths = [30, 40, 16]
    return workbook_bytes(f"{year}", headers, rows, widths)
