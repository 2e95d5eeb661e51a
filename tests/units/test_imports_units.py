"""Importing units from a spreadsheet: checking every row, then applying all or none."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override

from tests.factories import make_unit
from tests.units.import_helpers import (
    CODE,
    FOUNDED,
    KIND,
    NAME,
    PARENT,
    UNIT_HEADER,
    UNIT_LABELS,
    check_units,
    counts,
    problem,
    unit_row,
    vi,
)
from units.imports import batches
from units.models import ImportBatch, Unit, UnitEvent, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


def parent_of(unit: Unit) -> Unit:
    return Unit.objects.get(path=unit.path[: -Unit.steplen])


def no_unit_under(tree, code):
    return vi(
        "No active unit with the code %(code)s under %(unit)s.",
        code=code,
        unit=tree.a.name,
    )


# --- A good file ------------------------------------------------------------------


def good_rows():
    """Children before their parent, a parent code in lower case, existing parents."""
    return [
        [
            "CB-A-T1",
            "Công đoàn Trường THCS Hòa Chung",
            "CĐ THCS Hòa Chung",
            "Công đoàn cơ sở",
            "CB-A-XA",
            "CĐCS",
            "",
            datetime.date(2010, 9, 5),
        ],
        [
            "CB-A-T2",
            "Công đoàn Trường Mầm non Sơn Ca",
            "",
            "CĐCS",
            "cb-a-xa",
            "",
            "",
            "01/06/2012",
        ],
        [
            "CB-A-XA",
            "Công đoàn cụm trường xã Hưng Đạo",
            "",
            "cấp trên",
            "CB-A",
            "",
            "Hòa An",
            "",
        ],
        [
            "CB-A-T3",
            "Công đoàn Trường Tiểu học Kim Đồng",
            "",
            "grassroots",
            "CB-A",
            "",
            "",
            "",
        ],
    ]


def test_good_file_is_checked_with_parents_first(cast):
    batch = check_units(cast.tree.a, good_rows(), cast.a_admin, header=UNIT_LABELS)

    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.errors == []
    assert batch.notices == []
    # The parent defined on row 4 is ordered before its children on rows 2 and 3.
    assert [r["row"] for r in batch.rows] == [4, 5, 2, 3]
    assert [r["kind"] for r in batch.rows] == ["upper"] + ["grassroots"] * 3
    assert batch.rows[2]["parent_code"] == "CB-A-XA"
    assert batch.rows[3]["parent_code"] == "CB-A-XA"
    assert batch.rows[2]["established_on"] == "2010-09-05"
    assert batch.rows[3]["established_on"] == "2012-06-01"
    # Nothing is written by the check.
    assert not Unit.objects.filter(code__startswith="CB-A-").exists()


def test_good_file_applies_every_unit_under_its_parent(cast):
    tree = cast.tree
    batch = check_units(tree.a, good_rows(), cast.a_admin, header=UNIT_LABELS)
    before = counts()

    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.result == {"units": 4}
    assert batch.applied_at is not None
    after = counts()
    assert after["units"] == before["units"] + 4
    assert after["names"] == before["names"] + 4
    assert after["events"] == before["events"] + 4
    assert after["users"] == before["users"]

    xa = Unit.objects.get(code="CB-A-XA")
    t1 = Unit.objects.get(code="CB-A-T1")
    t2 = Unit.objects.get(code="CB-A-T2")
    t3 = Unit.objects.get(code="CB-A-T3")
    assert parent_of(xa) == tree.a
    assert parent_of(t1) == xa
    assert parent_of(t2) == xa
    assert parent_of(t3) == tree.a
    assert (xa.kind, t1.kind, t3.kind) == ("upper", "grassroots", "grassroots")
    assert t1.short_name == "CĐ THCS Hòa Chung"
    assert t1.abbreviation == "CĐCS"
    assert t1.established_on == datetime.date(2010, 9, 5)
    # The place name is taken from the parent when the file leaves it empty.
    assert xa.place_name == "Hòa An"
    assert t2.place_name == "Hòa An"
    assert t3.place_name == tree.a.place_name == "Cao Bằng"

    # Name history opened from the founding date; a "created" event by the admin.
    current = t1.names.get(valid_until__isnull=True)
    assert current.name == "Công đoàn Trường THCS Hòa Chung"
    assert current.valid_from == datetime.date(2010, 9, 5)
    assert t1.name_in_year(2011) == "Công đoàn Trường THCS Hòa Chung"
    for unit in (xa, t1, t2, t3):
        event = unit.events.get()
        assert event.kind == UnitEvent.Kind.CREATED
        assert event.actor == cast.a_admin
    assert t2.events.get().effective_on == datetime.date(2012, 6, 1)
    assert xa.events.get().effective_on == timezone.localdate()


def test_apply_is_atomic_when_a_row_fails_midway(cast, monkeypatch):
    batch = check_units(cast.tree.a, good_rows(), cast.a_admin, header=UNIT_LABELS)
    before = counts()
    calls = []

    def failing_bulk_create(objs, **kwargs):
        calls.append(len(objs))
        raise RuntimeError("disk full")

    # The units and their names are written when the events fail.
    monkeypatch.setattr(UnitEvent.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(RuntimeError):
        batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert calls == [4]
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.applied_at is None


# --- Kinds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("Công đoàn cơ sở", UnitKind.GRASSROOTS),
        ("CĐCS", UnitKind.GRASSROOTS),
        ("cđcs", UnitKind.GRASSROOTS),
        ("CONG DOAN CO SO", UnitKind.GRASSROOTS),
        ("grassroots", UnitKind.GRASSROOTS),
        ("cấp trên", UnitKind.UPPER),
        ("Công đoàn cấp trên cơ sở", UnitKind.UPPER),
        ("upper", UnitKind.UPPER),
        ("Ban LĐLĐ tỉnh", UnitKind.DEPARTMENT),
        ("department", UnitKind.DEPARTMENT),
    ],
)
def test_kind_words_and_codes(cast, word, kind):
    rows = [unit_row("CB-MOI", "Đơn vị mới", word, "CB")]
    batch = check_units(cast.tree.province, rows, cast.province_admin)

    assert batch.errors == []
    assert batch.rows[0]["kind"] == kind


def test_unknown_kind_word(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Chi đoàn Trường B", "Chi đoàn"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(3, KIND, vi('"%(value)s" is not a kind of unit.', value="Chi đoàn"))
    ]


# --- Headers ----------------------------------------------------------------------


def test_unknown_column(cast):
    header = [*UNIT_HEADER, "Ghi chú"]
    rows = [[*unit_row("CB-A-N1", "Công đoàn Trường A"), "x"]]
    batch = check_units(cast.tree.a, rows, cast.a_admin, header=header)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows == []
    assert batch.errors == [
        problem(
            None,
            "Ghi chú",
            vi(
                'Unknown column "%(title)s". Use the template\'s columns: '
                "%(expected)s.",
                title="Ghi chú",
                expected=", ".join(UNIT_LABELS),
            ),
        )
    ]


def test_missing_required_column(cast):
    header = [CODE, NAME, PARENT]
    rows = [["CB-A-N1", "Công đoàn Trường A", "CB-A"]]
    batch = check_units(cast.tree.a, rows, cast.a_admin, header=header)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(None, KIND, vi('Required column "%(title)s" is missing.', title=KIND))
    ]


def test_duplicate_column(cast):
    # The second title is the same column written without accents.
    header = [*UNIT_HEADER, "TEN DON VI"]
    rows = [[*unit_row("CB-A-N1", "Công đoàn Trường A"), "Tên khác"]]
    batch = check_units(cast.tree.a, rows, cast.a_admin, header=header)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            None,
            "TEN DON VI",
            vi('Column "%(title)s" appears twice.', title="TEN DON VI"),
        )
    ]


def test_english_and_unaccented_headers_are_understood(cast):
    header = ["code", "name", "loai", "ma cap tren", "ngay thanh lap"]
    rows = [unit_row("CB-A-N1", "Công đoàn Trường A", "CĐCS", "CB-A", "02/01/2020")]
    batch = check_units(cast.tree.a, rows, cast.a_admin, header=header, fmt="csv")

    assert batch.errors == []
    assert batch.rows[0]["code"] == "CB-A-N1"
    assert batch.rows[0]["established_on"] == "2020-01-02"


# --- Blank rows and duplicate codes -----------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_blank_rows_are_skipped_with_a_notice(cast, fmt):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        [],
        unit_row("CB-A-N2", "Công đoàn Trường B"),
        ["", " ", "", "", ""],
        unit_row("CB-A-N3", "Công đoàn Trường C"),
        [],
        ["", "", "", "", ""],
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin, fmt=fmt)

    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.errors == []
    # Row numbers are those the user sees; the empty rows at the end are not
    # skipped data and are not listed.
    assert [r["row"] for r in batch.rows] == [2, 4, 6]
    assert batch.notices == [
        vi("%(count)d blank rows were skipped (rows %(rows)s).", count=2, rows="3, 5")
    ]


def test_duplicate_codes_in_the_file_name_both_rows(cast):
    rows = [
        unit_row("CB-A-M1", "Công đoàn Trường A"),
        unit_row("CB-A-M2", "Công đoàn Trường B"),
        unit_row("cb-a-m1", "Công đoàn Trường C"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            4,
            CODE,
            vi("The code %(code)s is also on row %(row)d.", code="cb-a-m1", row=2),
        )
    ]


def test_codes_already_in_the_database(cast):
    tree = cast.tree
    Unit.objects.filter(pk=tree.a2.pk).update(
        dissolved_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    rows = [
        unit_row("cb-a1", "Công đoàn Trường A"),
        unit_row("CB-A-NEW", "Công đoàn Trường B"),
        # A unit of another branch and a dissolved unit keep their codes.
        unit_row("Cb-B1", "Công đoàn Trường C"),
        unit_row("CB-A2", "Công đoàn Trường D"),
    ]
    batch = check_units(tree.a, rows, cast.a_admin)

    message = "A unit with the code %(code)s already exists."
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, CODE, vi(message, code="cb-a1")),
        problem(4, CODE, vi(message, code="Cb-B1")),
        problem(5, CODE, vi(message, code="CB-A2")),
    ]


def test_bad_codes(cast):
    rows = [
        unit_row("CB A/1", "Công đoàn Trường A"),
        unit_row("CB-Á", "Công đoàn Trường B"),
        unit_row("", "Công đoàn Trường C"),
        unit_row("C" * 41, "Công đoàn Trường D"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    letters = vi(
        "Use only letters without accents, digits, dots, dashes and underscores."
    )
    assert batch.errors == [
        problem(2, CODE, letters),
        problem(3, CODE, letters),
        problem(4, CODE, vi("The code is missing.")),
        problem(
            5,
            CODE,
            vi(
                "At most %(limit)d characters (this has %(count)d).",
                limit=40,
                count=41,
            ),
        ),
    ]


# --- Parents ----------------------------------------------------------------------


def test_unknown_parent_code(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A", parent="KHONG-CO"),
        unit_row("CB-A-N2", "Công đoàn Trường B", parent=""),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, PARENT, no_unit_under(cast.tree, "KHONG-CO")),
        problem(3, PARENT, vi("The parent unit's code is missing.")),
    ]


def test_parent_outside_the_admins_subtree_is_refused(cast):
    rows = [
        # A unit of the sibling branch, the province above, and a unit of the
        # sibling branch written in lower case.
        unit_row("CB-A-N1", "Công đoàn Trường A", parent="CB-B"),
        unit_row("CB-A-N2", "Công đoàn Trường B", "cấp trên", parent="CB"),
        unit_row("CB-A-N3", "Công đoàn Trường C", parent="cb-b"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, PARENT, no_unit_under(cast.tree, "CB-B")),
        problem(3, PARENT, no_unit_under(cast.tree, "CB")),
        problem(4, PARENT, no_unit_under(cast.tree, "CB-B")),
    ]


def test_dissolved_parent_is_refused(cast):
    upper = make_unit(cast.tree.a, UnitKind.UPPER, "CB-A-U", "Công đoàn cụm")
    Unit.objects.filter(pk=upper.pk).update(dissolved_on=timezone.localdate())
    rows = [unit_row("CB-A-N1", "Công đoàn Trường A", parent="CB-A-U")]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.errors == [problem(2, PARENT, no_unit_under(cast.tree, "CB-A-U"))]


def test_kind_not_allowed_under_its_parent(cast):
    rows = [
        # Under an existing grassroots union.
        unit_row("CB-A-N1", "Công đoàn Trường A", "CĐCS", "CB-A1"),
        # A department belongs under the provincial federation only.
        unit_row("CB-A-N2", "Ban Chính sách", "Ban LĐLĐ tỉnh", "CB-A"),
        # Under a grassroots union defined in the same file.
        unit_row("CB-A-N3", "Công đoàn Trường C", "CĐCS", "CB-A"),
        unit_row("CB-A-N4", "Công đoàn cụm D", "cấp trên", "CB-A-N3"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    def refused(kind, parent_kind):
        return vi(
            "A %(kind)s cannot be placed under a %(parent_kind)s.",
            kind=UnitKind(kind).label,
            parent_kind=UnitKind(parent_kind).label,
        )

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, KIND, refused(UnitKind.GRASSROOTS, UnitKind.GRASSROOTS)),
        problem(3, KIND, refused(UnitKind.DEPARTMENT, UnitKind.UPPER)),
        problem(5, KIND, refused(UnitKind.UPPER, UnitKind.GRASSROOTS)),
    ]


def test_circle_of_parent_codes(cast):
    rows = [
        unit_row("CB-A-X1", "Công đoàn cụm 1", "cấp trên", "CB-A-X2"),
        unit_row("CB-A-X2", "Công đoàn cụm 2", "cấp trên", "CB-A-X1"),
        unit_row("CB-A-X3", "Công đoàn cụm 3", "cấp trên", "cb-a-x3"),
        unit_row("CB-A-X4", "Công đoàn cụm 4", "cấp trên", "CB-A"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    circle = vi(
        "The parent codes go round in a circle; one of them must be an existing unit."
    )
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, PARENT, circle),
        problem(3, PARENT, circle),
        problem(4, PARENT, circle),
    ]


# --- Dates and lengths ------------------------------------------------------------


def test_dates_in_the_future_or_not_dates(cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A", founded=tomorrow),
        unit_row(
            "CB-A-N2", "Công đoàn Trường B", founded=tomorrow.strftime("%d/%m/%Y")
        ),
        unit_row("CB-A-N3", "Công đoàn Trường C", founded="31/02/2020"),
        unit_row("CB-A-N4", "Công đoàn Trường D", founded="01/01/1899"),
        unit_row("CB-A-N5", "Công đoàn Trường E", founded="15.03.2001"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    future = vi("The date cannot be in the future.")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(2, FOUNDED, future),
        problem(3, FOUNDED, future),
        problem(
            4,
            FOUNDED,
            vi('"%(value)s" is not a date; write dd/mm/yyyy.', value="31/02/2020"),
        ),
        problem(5, FOUNDED, vi("The date is too far in the past.")),
    ]
    assert batch.rows[-1]["established_on"] == "2001-03-15"


def test_name_of_300_characters(cast):
    long_name = "Công đoàn " + "Đ" * 290
    assert len(long_name) == 300
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", long_name),
        unit_row("CB-A-N3", ""),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            3,
            NAME,
            vi(
                "At most %(limit)d characters (this has %(count)d).",
                limit=255,
                count=300,
            ),
        ),
        problem(4, NAME, vi("The name is missing.")),
    ]


# --- Nothing partial --------------------------------------------------------------


def test_batch_with_an_error_applies_nothing(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B", parent="KHONG-CO"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.INVALID
    before = counts()

    result = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert result.status == ImportBatch.Status.INVALID
    assert result.applied_at is None
    assert counts() == before
    assert not Unit.objects.filter(code="CB-A-N1").exists()


def test_code_taken_between_check_and_apply(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.CHECKED
    # Someone in another branch takes one of the codes, in other letters' case.
    make_unit(cast.tree.b, UnitKind.GRASSROOTS, "cb-a-n2", "Công đoàn khác")
    before = counts()

    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            3,
            CODE,
            vi("A unit with the code %(code)s already exists.", code="CB-A-N2"),
        )
    ]
    assert counts() == before
    assert not Unit.objects.filter(code="CB-A-N1").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.applied_at is None


def test_parent_dissolved_between_check_and_apply(cast):
    upper = make_unit(cast.tree.a, UnitKind.UPPER, "CB-A-U", "Công đoàn cụm")
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A", parent="CB-A"),
        unit_row("CB-A-N2", "Công đoàn Trường B", parent="CB-A-U"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.CHECKED
    Unit.objects.filter(pk=upper.pk).update(dissolved_on=timezone.localdate())
    before = counts()

    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [problem(3, PARENT, no_unit_under(cast.tree, "CB-A-U"))]
    assert counts() == before


def test_applying_twice_writes_once(cast):
    rows = [unit_row("CB-A-N1", "Công đoàn Trường A")]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    first = batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert first.status == ImportBatch.Status.APPLIED
    after_first = counts()

    second = batches.apply_batch(batch=batch, actor=cast.a_admin)

    assert second.status == ImportBatch.Status.APPLIED
    assert second.applied_at == first.applied_at
    assert counts() == after_first
    assert Unit.objects.filter(code="CB-A-N1").count() == 1
