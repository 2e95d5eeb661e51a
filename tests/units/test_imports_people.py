"""Importing people: checking every row, generated user names, all or nothing."""

import datetime
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.units.import_helpers import (
    BIRTH,
    EMAIL,
    FULL_TIME,
    PEOPLE_LABELS,
    PHONE,
    ROLE,
    UNIT_CODE,
    USERNAME,
    check,
    check_people,
    counts,
    csv_bytes,
    person_row,
    problem,
    vi,
)
from units import services
from units.imports import batches, template
from units.models import ImportBatch, Membership, Role, User

pytestmark = pytest.mark.django_db

PEOPLE = ImportBatch.Kind.PEOPLE


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


def good_rows(birth_of_hoa):
    return [
        person_row(
            "CB-A1",
            "Nguyễn Thị Hoa",
            "hoa.nt",
            "hoa.nt@truong.edu.vn",
            "0912345678",
            birth_of_hoa,
            "Thạc sĩ Quản lý giáo dục",
            "Cán bộ công đoàn",
            "Chủ tịch CĐCS",
            "Có",
        ),
        person_row("CB-A2", "Trần Văn Bình", birth="05/09/1990"),
        person_row("cb-a1", "Lê Minh", phone="+84 912 345 679", role="Tổ hỗ trợ"),
        person_row(
            "CB-A", "Hoàng Thu Trang", email="TRANG@example.vn", role="Quản trị đơn vị"
        ),
    ]


@pytest.mark.parametrize(
    ("fmt", "birth"),
    [("xlsx", datetime.date(1985, 3, 15)), ("csv", "15/03/1985")],
)
def test_good_file_is_checked_and_applied(cast, fmt, birth):
    tree = cast.tree
    batch = check_people(
        tree.a,
        good_rows(birth),
        cast.a_admin,
        fmt=fmt,
        **({"encoding": "utf-8-sig"} if fmt == "csv" else {}),
    )
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.errors == []
    assert [r["username"] for r in batch.rows] == [
        "hoa.nt",
        "tran.van.binh",
        "le.minh",
        "hoang.thu.trang",
    ]
    assert batch.rows[0]["date_of_birth"] == "1985-03-15"
    assert batch.rows[1]["date_of_birth"] == "1990-09-05"
    assert batch.rows[2]["unit_code"] == "CB-A1"
    before = counts()

    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.result == {"people": 4}
    after = counts()
    assert after["users"] == before["users"] + 4
    assert after["memberships"] == before["memberships"] + 4
    assert after["units"] == before["units"]

    hoa = User.objects.get(username="hoa.nt")
    assert hoa.full_name == "Nguyễn Thị Hoa"
    assert hoa.email == "hoa.nt@truong.edu.vn"
    assert hoa.phone == "0912345678"
    assert hoa.date_of_birth == datetime.date(1985, 3, 15)
    assert hoa.qualification == "Thạc sĩ Quản lý giáo dục"
    assert not hoa.has_usable_password()
    assert "nguyen thi hoa" in hoa.search_text
    role = hoa.memberships.get()
    assert (role.unit, role.role, role.position, role.full_time) == (
        tree.a1,
        Role.OFFICER,
        "Chủ tịch CĐCS",
        True,
    )
    assert role.granted_by == cast.a_admin
    assert role.started_on == timezone.localdate()

    binh = User.objects.get(username="tran.van.binh")
    assert binh.date_of_birth == datetime.date(1990, 9, 5)
    assert binh.memberships.get().role == Role.MEMBER
    assert binh.memberships.get().unit == tree.a2
    assert binh.memberships.get().full_time is None
    minh = User.objects.get(username="le.minh").memberships.get()
    assert (minh.unit, minh.role) == (tree.a1, Role.SUPPORT_TEAM)
    assert User.objects.get(username="le.minh").phone == "+84 912 345 679"
    trang = User.objects.get(username="hoang.thu.trang").memberships.get()
    assert (trang.unit, trang.role) == (tree.a, Role.UNIT_ADMIN)


# --- User names and emails --------------------------------------------------------


def test_generated_user_names_are_unique(cast):
    UserFactory(username="nguyen.van.an")
    UserFactory(username="Nguyen.Van.An4")
    rows = [
        person_row("CB-A1", "Nguyễn Văn An"),
        person_row("CB-A1", "NGUYỄN VĂN AN"),
        person_row("CB-A1", "Người khác", username="nguyen.van.AN3"),
        person_row("CB-A2", "Nguyễn  Văn   An"),
        person_row("CB-A2", "Đặng Thị Ánh-Tuyết"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert batch.errors == []
    assert [r["username"] for r in batch.rows] == [
        "nguyen.van.an2",
        "nguyen.van.an5",
        "nguyen.van.AN3",
        "nguyen.van.an6",
        "dang.thi.anh.tuyet",
    ]
    batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert User.objects.filter(username__istartswith="nguyen.van.an").count() == 6


def test_generated_user_names_match_the_service(cast):
    # The import makes names in bulk; they must be the ones the service would give.
    UserFactory(username="dang.thi.anh.tuyet")
    names = [
        "Đặng Thị Ánh-Tuyết",
        "O'Neil Nguyễn",
        "!!!",
        "Lý Tiểu Long 李小龍",
        "Đặng Thị Ánh Tuyết",
        "  Nguyễn   Văn  An ",
    ]
    batch = check_people(
        cast.tree.a, [person_row("CB-A1", name) for name in names], cast.a_admin
    )

    taken: set[str] = set()
    expected = []
    for name in names:
        expected.append(services.suggest_username(name, taken))
        taken.add(expected[-1].lower())
    assert batch.errors == []
    assert [r["username"] for r in batch.rows] == expected
    assert expected[0] == "dang.thi.anh.tuyet2"
    assert expected[2] == "nguoidung"


def test_duplicate_user_names_and_emails(cast):
    rows = [
        person_row("CB-A1", "Nguyễn Thị Hoa", "hoa.nt", "hoa@truong.vn"),
        person_row("CB-A1", "Nguyễn Thị Hoa", "HOA.NT", "Hoa@Truong.VN"),
        # Already used by someone in the database, in other letters' case.
        person_row("CB-A1", "Phạm Văn Dũng", "A1_Member", "A1_MEMBER@example.vn"),
        person_row("CB-A1", "Lê Văn Tám", "le tam", "tam@"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            3,
            USERNAME,
            vi(
                "The user name %(value)s is also on row %(row)d.", value="HOA.NT", row=2
            ),
        ),
        problem(
            3,
            EMAIL,
            vi(
                "The email %(value)s is also on row %(row)d.",
                value="Hoa@Truong.VN",
                row=2,
            ),
        ),
        problem(
            4,
            USERNAME,
            vi("The user name %(value)s is already taken.", value="A1_Member"),
        ),
        problem(
            4,
            EMAIL,
            vi(
                "Another person already uses the email %(value)s.",
                value="A1_MEMBER@example.vn",
            ),
        ),
        problem(
            5,
            USERNAME,
            vi("A user name may hold only letters, digits and . @ + - _"),
        ),
        problem(5, EMAIL, vi('"%(value)s" is not an email address.', value="tam@")),
    ]


def test_email_longer_than_the_column(cast):
    email = "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "@truong.vn"
    assert len(email) == 253
    rows = [
        person_row("CB-A1", "Người Một", email=email),
        person_row("CB-A1", "Người Hai", email="e" + email),
        person_row("CB-A1", "Người Ba", email="ee" + email),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert batch.errors == [
        problem(
            4,
            EMAIL,
            vi(
                "At most %(limit)d characters (this has %(count)d).",
                limit=254,
                count=255,
            ),
        )
    ]


# --- Phones, roles, units and dates -----------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "abc-def-ghi",
        "0912 345 678 ext 9",
        "+" + "1" * 20,  # 21 characters: longer than the phone field
        "(...) --- ..",  # no digits at all
    ],
)
def test_bad_phone(cast, phone):
    rows = [person_row("CB-A1", "Nguyễn Thị Hoa", phone=phone)]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert batch.errors == [
        problem(2, PHONE, vi("Enter a phone number of 8 to 20 digits."))
    ]


@pytest.mark.parametrize(
    "phone", ["0912 345 678", "+84912345678", "(0206) 385.2345", "0" * 20]
)
def test_good_phone(cast, phone):
    rows = [person_row("CB-A1", "Nguyễn Thị Hoa", phone=phone)]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert batch.errors == []
    assert batch.rows[0]["phone"] == phone


def test_unknown_role_and_full_time_for_non_officers(cast):
    rows = [
        person_row("CB-A1", "Người Một", role="Chủ tịch"),
        person_row("CB-A1", "Người Hai", role="Đoàn viên", full_time="Có"),
        # No role means a member: full-time does not apply either.
        person_row("CB-A1", "Người Ba", full_time="Không"),
        person_row("CB-A1", "Người Bốn", role="Cán bộ công đoàn", full_time="Có lẽ"),
        person_row("CB-A1", "Người Năm", role="can bo", full_time="x"),
        person_row("CB-A1", "Người Sáu", role="Cán bộ", full_time="Không"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    officers_only = vi("Full-time or part-time applies to officers only.")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, ROLE, vi('"%(value)s" is not a role.', value="Chủ tịch")),
        problem(3, FULL_TIME, officers_only),
        problem(4, FULL_TIME, officers_only),
        problem(5, FULL_TIME, vi('Write "Có" or "Không".')),
    ]
    assert batch.rows[4]["role"] == Role.OFFICER
    assert batch.rows[4]["full_time"] is True
    assert batch.rows[5]["full_time"] is False


def test_unit_codes_unknown_or_outside_the_subtree(cast):
    rows = [
        person_row("CB-A1", "Người Một"),
        person_row("CB-ZZ", "Người Hai"),
        person_row("cb-b1", "Người Ba"),
        person_row("CB", "Người Bốn"),
        person_row("", "Người Năm"),
        person_row("CB-A2", ""),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    def no_unit(code):
        return vi(
            "No active unit with the code %(code)s under %(unit)s.",
            code=code,
            unit=cast.tree.a.name,
        )

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(3, UNIT_CODE, no_unit("CB-ZZ")),
        problem(4, UNIT_CODE, no_unit("CB-B1")),
        problem(5, UNIT_CODE, no_unit("CB")),
        problem(6, UNIT_CODE, vi("The unit code is missing.")),
        problem(7, "Họ và tên", vi("The full name is missing.")),
    ]


def test_dates_of_birth(cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        person_row("CB-A1", "Người Một", birth=datetime.date(1985, 9, 5)),
        person_row("CB-A1", "Người Hai", birth=datetime.datetime(1985, 9, 5, 0, 0)),
        person_row("CB-A1", "Người Ba", birth="05/09/1985"),
        person_row("CB-A1", "Người Bốn", birth="5-9-1985"),
        person_row("CB-A1", "Người Năm", birth="1985-09-05"),
        person_row("CB-A1", "Người Sáu", birth=tomorrow),
        person_row("CB-A1", "Người Bảy", birth="tháng 9/1985"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)

    assert [r["date_of_birth"] for r in batch.rows[:5]] == ["1985-09-05"] * 5
    assert batch.errors == [
        problem(7, BIRTH, vi("The date cannot be in the future.")),
        problem(
            8,
            BIRTH,
            vi('"%(value)s" is not a date; write dd/mm/yyyy.', value="tháng 9/1985"),
        ),
    ]


def test_template_keeps_leading_zeros_of_phone_numbers(cast, client_for):
    content, _type = template.template_file(PEOPLE, "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    phone_column = PEOPLE_LABELS.index(PHONE) + 1
    # Every cell people fill in is formatted as text, so Excel keeps "09…".
    assert sheet.cell(row=2, column=phone_column).number_format == "@"
    assert sheet.cell(row=501, column=phone_column).number_format == "@"
    # The user types into the first rows, as they would in Excel.
    for number, row in enumerate(
        [
            person_row("CB-A1", "Nguyễn Thị Hoa", phone="0912345678"),
            person_row("CB-A2", "Trần Văn Bình", phone="0206 385 2345"),
        ],
        start=2,
    ):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = check(cast.tree.a, PEOPLE, buffer.getvalue(), cast.a_admin)

    assert batch.errors == []
    # The 498 formatted but empty rows under the data are not "skipped rows".
    assert batch.notices == []
    assert [r["phone"] for r in batch.rows] == ["0912345678", "0206 385 2345"]
    batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert User.objects.get(full_name="Nguyễn Thị Hoa").phone == "0912345678"


# --- Nothing partial --------------------------------------------------------------


def test_batch_with_an_error_applies_nothing(cast):
    rows = [
        person_row("CB-A1", "Nguyễn Thị Hoa", "hoa.nt"),
        person_row("CB-A1", "Trần Văn Bình", email="binh@"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.INVALID
    before = counts()

    result = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert result.status == ImportBatch.Status.INVALID
    assert counts() == before
    assert not User.objects.filter(username="hoa.nt").exists()


@pytest.mark.parametrize("clash", ["generated user name", "user name", "email"])
def test_data_changed_between_check_and_apply(cast, clash):
    rows = [
        person_row("CB-A1", "Nguyễn Thị Hoa", "hoa.nt", "hoa@truong.vn"),
        person_row("CB-A2", "Trần Văn Bình"),
    ]
    batch = check_people(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.rows[1]["username"] == "tran.van.binh"
    if clash == "generated user name":
        UserFactory(username="Tran.Van.Binh")
        expected = problem(
            3,
            USERNAME,
            vi("The user name %(value)s is already taken.", value="tran.van.binh"),
        )
    elif clash == "user name":
        UserFactory(username="HOA.NT")
        expected = problem(
            2, USERNAME, vi("The user name %(value)s is already taken.", value="hoa.nt")
        )
    else:
        UserFactory(username="khac", email="Hoa@Truong.vn")
        expected = problem(
            2,
            EMAIL,
            vi(
                "Another person already uses the email %(value)s.",
                value="hoa@truong.vn",
            ),
        )
    before = counts()

    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [expected]
    assert counts() == before
    assert not User.objects.filter(full_name="Trần Văn Bình").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [expected]


def test_applying_twice_writes_once(cast):
    rows = [person_row("CB-A1", "Nguyễn Thị Hoa")]
    batch = check_people(cast.tree.a, rows, cast.a_admin)
    batches.apply_batch(batch=batch, actor=cast.a_admin)
    after_first = counts()

    again = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert again.status == ImportBatch.Status.APPLIED
    assert counts() == after_first
    assert User.objects.filter(full_name="Nguyễn Thị Hoa").count() == 1


# --- Query counts -----------------------------------------------------------------


def many_people(count: int, prefix: str) -> bytes:
    rows = [PEOPLE_LABELS]
    for i in range(count):
        rows.append(
            person_row(
                "CB-A1" if i % 2 else "CB-A2",
                "Nguyễn Văn An" if i % 3 == 0 else f"Người Thứ {i}",
                "" if i % 4 else f"{prefix}.{i}",
                f"{prefix}{i}@truong.vn" if i % 5 == 0 else "",
                f"09{i:08d}",
                "05/09/1985",
                role="Cán bộ công đoàn" if i % 7 == 0 else "",
                full_time="Có" if i % 7 == 0 else "",
            )
        )
    return csv_bytes(rows)


def queries(call) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, [q["sql"] for q in captured.captured_queries]


def insert_statements(model, rows: int) -> int:
    """Return how many INSERTs bulk_create(batch_size=1000) needs on this database.

    PostgreSQL takes 1,000 rows a statement; SQLite fewer, as a statement holds at
    most 999 parameters.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(1000, connection.ops.bulk_batch_size(fields, [None] * rows))
    return math.ceil(rows / size)


def test_2000_people_take_a_bounded_number_of_queries(
    cast, django_assert_max_num_queries
):
    def check_and_apply(count, prefix):
        data = many_people(count, prefix)
        batch, checked = queries(
            lambda: check(cast.tree.a, PEOPLE, data, cast.a_admin, name="x.csv")
        )
        assert batch.errors == []
        batch, applied = queries(
            lambda: batches.apply_batch(batch=batch, actor=cast.a_admin)
        )
        assert batch.status == ImportBatch.Status.APPLIED
        return checked, applied

    small_check, small_apply = check_and_apply(20, "nho")
    users = User.objects.count()
    members_of_a2 = Membership.objects.filter(unit=cast.tree.a2).count()
    inserts = insert_statements(User, 2000) + insert_statements(Membership, 2000)

    # Measured: 26 queries besides the inserts (SQLite and PostgreSQL alike).
    # (and 2 audit entries: the import checked, then applied)
    with django_assert_max_num_queries(32 + inserts):
        big_check, big_apply = check_and_apply(2000, "lon")

    assert User.objects.count() == users + 2000
    assert Membership.objects.filter(unit=cast.tree.a2).count() == members_of_a2 + 1000
    # The insert part is bulk: the database's own batches, never one per row
    # (2 statements for each model on PostgreSQL, 27 and 21 on SQLite).
    audit = 'INSERT INTO "audit_auditentry"'
    big_inserts = [
        sql
        for sql in big_apply
        if sql.startswith("INSERT") and not sql.startswith(audit)
    ]
    assert len(big_inserts) == inserts
    # One audit entry says the import was applied, whatever its size.
    assert sum(sql.startswith(audit) for sql in big_apply) == 1
    assert len(big_inserts) <= 2000 * 2 // 50
    assert [
        sql
        for sql in big_check
        if sql.startswith("INSERT") and not sql.startswith(audit)
    ] == [sql for sql in big_check if sql.startswith('INSERT INTO "units_importbatch"')]
    # Checking and applying 100 times more rows adds a query per chunk of 100 to
    # 500 values, not per row.
    others = [sql for sql in big_check + big_apply if not sql.startswith("INSERT")]
    small_others = [
        sql for sql in small_check + small_apply if not sql.startswith("INSERT")
    ]
    assert len(others) <= len(small_others) + 20
