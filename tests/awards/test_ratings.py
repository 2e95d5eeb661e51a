"""Ratings of a year: the grid of the unions below a unit, the grid of a union's
members, and the import of either from an Excel workbook. Every save writes all
rows or none; the pages run the same number of queries for 2 rows as for 6.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from awards import services
from awards.models import MemberGrade, MemberRating, UnitRating, UnitRatingLevel
from tests.factories import UserFactory, grant, make_unit
from units.models import Role, Unit, User

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def level(name) -> UnitRatingLevel:
    return UnitRatingLevel.objects.get(name=name)


STRONG = "Công đoàn vững mạnh"
EXCELLENT = "Công đoàn vững mạnh xuất sắc"
GOOD = "Hoàn thành tốt nhiệm vụ"


def unit_url(unit, year=YEAR):
    return reverse("awards:unit_ratings", args=[unit.pk]) + f"?year={year}"


def member_url(unit, year=YEAR, page=None):
    url = reverse("awards:member_ratings", args=[unit.pk]) + f"?year={year}"
    return url + (f"&page={page}" if page else "")


def ratings_of_units(year=YEAR) -> dict:
    return {
        r.unit.code: r.level.name
        for r in UnitRating.objects.filter(year=year).select_related("unit", "level")
    }


def ratings_of_members(year=YEAR) -> dict:
    return {
        r.user.username: r.grade
        for r in MemberRating.objects.filter(year=year).select_related("user")
    }


# --- The grid of the unions below ---------------------------------------------------


def test_the_unions_below_are_rated_in_one_post(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_staff)
    page = client.get(unit_url(tree.a))
    assert [row.unit for row in page.context["rows"]] == [tree.a1, tree.a2]
    assert page.context["can_edit"]
    response = client.post(
        unit_url(tree.a),
        {
            f"u{tree.a1.pk}-value": level(EXCELLENT).pk,
            f"u{tree.a2.pk}-value": level(GOOD).pk,
        },
    )
    assert response.status_code == 302
    assert response.url == unit_url(tree.a)
    assert ratings_of_units() == {"CB-A1": EXCELLENT, "CB-A2": GOOD}
    # A second save changes one row and leaves the other.
    client.post(
        unit_url(tree.a),
        {
            f"u{tree.a1.pk}-value": level(STRONG).pk,
            f"u{tree.a2.pk}-value": level(GOOD).pk,
        },
    )
    assert ratings_of_units() == {"CB-A1": STRONG, "CB-A2": GOOD}
    shown = client.get(unit_url(tree.a))
    assert shown.context["rows"][0].rating.level.name == STRONG


def test_one_bad_row_refuses_the_whole_grid(cast, client_for):
    tree = cast.tree
    retired = UnitRatingLevel.objects.create(name="Cũ", is_active=False)
    client = client_for(cast.a_admin)
    response = client.post(
        unit_url(tree.a),
        {
            f"u{tree.a1.pk}-value": level(STRONG).pk,
            f"u{tree.a2.pk}-value": retired.pk,
        },
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert not rows[0].form.errors
    assert rows[1].form.errors["value"][0].startswith("Hãy chọn một lựa chọn hợp lệ.")
    assert ratings_of_units() == {}


def test_a_refusal_by_the_service_undoes_the_rows_already_saved(
    cast, client_for, monkeypatch
):
    tree = cast.tree
    real = services.unit_rating_set

    def refuse_a2(*, unit, **kwargs):
        if unit == tree.a2:
            from django.core.exceptions import ValidationError

            raise ValidationError({"unit": "Không được."})
        return real(unit=unit, **kwargs)

    monkeypatch.setattr(services, "unit_rating_set", refuse_a2)
    response = client_for(cast.a_admin).post(
        unit_url(tree.a),
        {
            f"u{tree.a1.pk}-value": level(STRONG).pk,
            f"u{tree.a2.pk}-value": level(GOOD).pk,
        },
    )
    assert response.status_code == 200
    assert response.context["rows"][1].errors == ["Không được."]
    assert ratings_of_units() == {}


def test_a_rating_given_is_not_blanked_by_an_empty_row(cast, client_for):
    tree = cast.tree
    services.unit_rating_set(
        unit=tree.a1, year=YEAR, level=level(STRONG), actor=cast.a_admin
    )
    client = client_for(cast.a_admin)
    choices = client.get(unit_url(tree.a)).context["rows"][0].form.fields["value"]
    assert "" not in dict(choices.choices)
    response = client.post(
        unit_url(tree.a),
        {f"u{tree.a1.pk}-value": "", f"u{tree.a2.pk}-value": level(GOOD).pk},
    )
    assert response.status_code == 302
    assert ratings_of_units() == {"CB-A1": STRONG, "CB-A2": GOOD}


def test_those_who_see_the_unit_read_the_ratings_without_selects(cast, client_for):
    tree = cast.tree
    services.unit_rating_set(
        unit=tree.a1, year=YEAR, level=level(STRONG), actor=cast.a_admin
    )
    response = client_for(cast.a_officer).get(unit_url(tree.a))
    assert response.context["can_edit"]
    # A grassroots union's own member sees its (empty) list and may not save.
    client = client_for(cast.a1_member)
    response = client.get(unit_url(tree.a1))
    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert client.post(unit_url(tree.a1), {}).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_unions_grid_queries_do_not_grow_with_rows(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_admin)
    for unit in (tree.a1, tree.a2):
        services.unit_rating_set(
            unit=unit, year=YEAR, level=level(STRONG), actor=cast.a_admin
        )
    few = _queries(client, unit_url(tree.a))
    for n in range(3, 7):
        unit = make_unit(tree.a, Unit.Kind.GRASSROOTS, f"CB-A{n}")
        services.unit_rating_set(
            unit=unit, year=YEAR, level=level(GOOD), actor=cast.a_admin
        )
    assert len(client.get(unit_url(tree.a)).context["rows"]) == 6
    assert _queries(client, unit_url(tree.a)) == few


# --- The grid of members ------------------------------------------------------------


def test_the_members_are_rated_in_one_post(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_admin)
    page = client.get(member_url(tree.a1))
    people = [row.person for row in page.context["rows"]]
    assert set(people) == {cast.a1_member, cast.a1_support}
    response = client.post(
        member_url(tree.a1),
        {
            f"m{cast.a1_member.pk}-value": MemberGrade.EXCELLENT,
            f"m{cast.a1_support.pk}-value": MemberGrade.GOOD,
        },
    )
    assert response.status_code == 302
    assert ratings_of_members() == {
        "a1_member": MemberGrade.EXCELLENT,
        "a1_support": MemberGrade.GOOD,
    }
    assert MemberRating.objects.filter(unit=tree.a1).count() == 2


def test_one_bad_member_row_refuses_them_all(cast, client_for):
    tree = cast.tree
    response = client_for(cast.a_admin).post(
        member_url(tree.a1),
        {
            f"m{cast.a1_member.pk}-value": MemberGrade.EXCELLENT,
            f"m{cast.a1_support.pk}-value": "great",
        },
    )
    assert response.status_code == 200
    bad = next(r for r in response.context["rows"] if r.person == cast.a1_support)
    assert "value" in bad.form.errors
    assert ratings_of_members() == {}


def test_a_member_rated_by_another_union_is_shown_not_changed(cast, client_for):
    tree = cast.tree
    grant(cast.a1_member, tree.a2, Role.OFFICER)
    services.member_rating_set(
        user=cast.a1_member,
        unit=tree.a2,
        year=YEAR,
        grade=MemberGrade.AVERAGE,
        actor=cast.a_admin,
    )
    client = client_for(cast.a_admin)
    response = client.post(
        member_url(tree.a1),
        {
            f"m{cast.a1_member.pk}-value": MemberGrade.EXCELLENT,
            f"m{cast.a1_support.pk}-value": MemberGrade.WEAK,
        },
    )
    assert response.status_code == 302
    assert ratings_of_members() == {
        "a1_member": MemberGrade.AVERAGE,
        "a1_support": MemberGrade.WEAK,
    }
    row = next(
        r
        for r in client.get(member_url(tree.a1)).context["rows"]
        if r.person == cast.a1_member
    )
    assert row.elsewhere


def test_people_who_left_before_the_year_are_not_listed(cast, client_for):
    tree = cast.tree
    gone = UserFactory(username="gone")
    grant(
        gone,
        tree.a1,
        started_on=timezone.localdate().replace(year=YEAR - 3, month=1, day=1),
        ended_on=timezone.localdate().replace(year=YEAR - 2, month=1, day=1),
    )
    response = client_for(cast.a_admin).get(member_url(tree.a1))
    assert gone not in [row.person for row in response.context["rows"]]


def test_the_members_grid_is_paginated_and_saves_its_page(cast, client_for, settings):
    settings.PAGE_SIZE = 2
    tree = cast.tree
    for n in range(3):
        grant(UserFactory(username=f"dv{n}", full_name=f"Zz {n}"), tree.a1)
    client = client_for(cast.a_admin)
    pages = [
        [
            r.person.username
            for r in client.get(member_url(tree.a1, page=n)).context["rows"]
        ]
        for n in (1, 2, 3)
    ]
    # Five members of CB-A1 (the cast's two and three more), two per page, each
    # once; the order is the database's collation of their names.
    assert [len(names) for names in pages] == [2, 2, 1]
    assert len({name for names in pages for name in names}) == 5
    last = pages[2][0]
    person = User.objects.get(username=last)
    response = client.post(
        member_url(tree.a1, page=3), {f"m{person.pk}-value": MemberGrade.GOOD}
    )
    assert response.status_code == 302
    assert ratings_of_members() == {last: MemberGrade.GOOD}


def test_the_members_grid_queries_do_not_grow_with_rows(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_admin)
    for person in (cast.a1_member, cast.a1_support):
        services.member_rating_set(
            user=person, unit=tree.a1, year=YEAR, grade="good", actor=cast.a_admin
        )
    few = _queries(client, member_url(tree.a1))
    for n in range(4):
        person = UserFactory(username=f"dv{n}")
        grant(person, tree.a1)
        services.member_rating_set(
            user=person, unit=tree.a1, year=YEAR, grade="weak", actor=cast.a_admin
        )
    assert len(client.get(member_url(tree.a1)).context["rows"]) == 6
    assert _queries(client, member_url(tree.a1)) == few


# --- Import from Excel --------------------------------------------------------------


def workbook(header, rows, name="xep-loai.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def import_url(unit):
    return reverse("awards:ratings_import", args=[unit.pk])


def test_union_ratings_are_imported(cast, client_for):
    tree = cast.tree
    upload = workbook(
        ["Mã đơn vị", "Xếp loại"],
        [["cb-a1", "công đoàn VỮNG MẠNH"], ["CB-A2", "Hoan thanh tot nhiem vu"]],
    )
    response = client_for(cast.a_admin).post(
        import_url(tree.a), {"kind": "units", "year": YEAR, "file": upload}
    )
    assert response.status_code == 302
    assert response.url == unit_url(tree.a)
    assert ratings_of_units() == {"CB-A1": STRONG, "CB-A2": GOOD}


def test_member_ratings_are_imported_by_user_name_or_email(cast, client_for):
    tree = cast.tree
    upload = workbook(
        ["Tên đăng nhập hoặc email", "Họ và tên", "Xếp loại"],
        [
            ["A1_MEMBER", "", "xuất sắc"],
            [cast.a1_support.email.upper(), "", "Trung Binh"],
        ],
    )
    response = client_for(cast.a_admin).post(
        import_url(tree.a1), {"kind": "members", "year": YEAR, "file": upload}
    )
    assert response.status_code == 302
    assert response.url == member_url(tree.a1)
    assert ratings_of_members() == {
        "a1_member": MemberGrade.EXCELLENT,
        "a1_support": MemberGrade.AVERAGE,
    }


def problems_of(response) -> list[tuple]:
    return [(p["row"], p["message"]) for p in response.context["problems"]]


def test_one_bad_row_imports_nothing_and_names_the_row(cast, client_for):
    tree = cast.tree
    upload = workbook(
        ["Mã đơn vị", "Tên đơn vị", "Xếp loại"],
        [
            ["CB-A1", "", STRONG],
            ["CB-B1", "", STRONG],
            ["CB-A2", "", "Rất tốt"],
        ],
    )
    response = client_for(cast.a_admin).post(
        import_url(tree.a), {"kind": "units", "year": YEAR, "file": upload}
    )
    assert response.status_code == 200
    rows = [row for row, _message in problems_of(response)]
    assert rows == [3, 4]
    assert "CB-B1" in problems_of(response)[0][1]
    assert "Rất tốt" in problems_of(response)[1][1]
    assert ratings_of_units() == {}


def test_a_bad_member_row_imports_nothing(cast, client_for):
    tree = cast.tree
    upload = workbook(
        ["Tên đăng nhập hoặc email", "Xếp loại"],
        [["a1_member", "Khá"], ["b1_member", "Khá"], ["a1_support", ""]],
    )
    response = client_for(cast.a_admin).post(
        import_url(tree.a1), {"kind": "members", "year": YEAR, "file": upload}
    )
    assert response.status_code == 200
    assert [row for row, _m in problems_of(response)] == [3, 4]
    assert ratings_of_members() == {}


def test_a_file_that_is_not_a_workbook_is_refused(cast, client_for):
    fake = SimpleUploadedFile(
        "xep-loai.xlsx", b"Ma don vi;Xep loai\n", content_type=XLSX
    )
    response = client_for(cast.a_admin).post(
        import_url(cast.tree.a), {"kind": "units", "year": YEAR, "file": fake}
    )
    assert response.status_code == 200
    assert response.context["problems"]
    assert ratings_of_units() == {}


def test_a_missing_column_is_reported(cast, client_for):
    upload = workbook(["Mã đơn vị"], [["CB-A1"]])
    response = client_for(cast.a_admin).post(
        import_url(cast.tree.a), {"kind": "units", "year": YEAR, "file": upload}
    )
    assert any("Xếp loại" in message for _row, message in problems_of(response))
    assert ratings_of_units() == {}


def test_the_template_lists_the_rows_to_fill_and_imports_back(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_admin)
    response = client.get(
        reverse("awards:ratings_template", args=[tree.a.pk, "units"]) + f"?year={YEAR}"
    )
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mã đơn vị", "Tên đơn vị", "Xếp loại")
    assert [r[0] for r in rows[1:]] == ["CB-A1", "CB-A2"]
    for row in sheet.iter_rows(min_row=2):
        row[2].value = STRONG
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("t.xlsx", buffer.getvalue(), content_type=XLSX)
    response = client.post(
        import_url(tree.a), {"kind": "units", "year": YEAR, "file": upload}
    )
    assert response.status_code == 302
    assert ratings_of_units() == {"CB-A1": STRONG, "CB-A2": STRONG}
    members = client.get(
        reverse("awards:ratings_template", args=[tree.a1.pk, "members"])
    )
    names = [
        r[0]
        for r in load_workbook(io.BytesIO(members.content))
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(names) == ["a1_member", "a1_support"]


def test_an_unknown_template_kind_is_not_found(cast, client_for):
    url = reverse("awards:ratings_template", args=[cast.tree.a.pk, "other"])
    assert client_for(cast.a_admin).get(url).status_code == 404


def test_members_see_their_own_yearly_ratings(cast, client_for):
    from django.utils.html import escape

    services.member_rating_set(
        user=cast.a1_member,
        unit=cast.tree.a1,
        year=timezone.localdate().year,
        grade=MemberGrade.GOOD,
        actor=cast.a_staff,
    )
    path = reverse("awards:person_awards", args=[cast.a1_member.pk])
    label = escape(str(MemberGrade.GOOD.label))
    own = client_for(cast.a1_member).get(path)
    assert own.status_code == 200
    assert label in own.content.decode()
    assert escape(cast.tree.a1.name) in own.content.decode()
    # The keepers of the union see it too.
    assert label in client_for(cast.a_officer).get(path).content.decode()
