"""Views of the union tree and of one unit: the tree, a unit's page, adding a
sub-unit, editing, renaming, moving, merging and dissolving."""

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from tests.factories import UserFactory, grant, make_unit
from units import services
from units.models import Membership, Role, Unit, UnitEvent, UnitName

pytestmark = pytest.mark.django_db

FUTURE = "The date cannot be in the future."
CODE_USED = "Another unit already uses this code."
SAME_NAME = "The new name is the same as the current one."
CHOICE = "Select a valid choice. That choice is not one of the available choices."
CHOICE_VALUE = "Select a valid choice. %(value)s is not one of the available choices."
MAX_ONE = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."
)
MAX_MANY = MAX_ONE.replace("character (", "characters (")


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def tomorrow() -> str:
    return fmt(timezone.localdate() + datetime.timedelta(days=1))


def with_dates(data: dict) -> dict:
    """Return the form data with the placeholder "FUTURE" replaced by tomorrow."""
    return {
        key: tomorrow() if value == "FUTURE" else value for key, value in data.items()
    }


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def field_errors(response, field: str) -> list[str]:
    with translation.override("vi"):
        return [str(error) for error in response.context["form"].errors[field]]


def assert_error(response, field: str, message: str, **params) -> None:
    """The form came back with the message, in Vietnamese, beside the field."""
    assert response.status_code == 200
    assert vi(message, **params) in field_errors(response, field)
    assert escape(vi(message, **params)) in response.content.decode()
    assert vi(message) != message, f"no Vietnamese text for {message!r}"


def counts() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        UnitName.objects.count(),
        UnitEvent.objects.count(),
        Membership.objects.active().count(),
    )


def parent_of(unit: Unit) -> Unit:
    return Unit.objects.get_parent(Unit.objects.get(pk=unit.pk))


# --- Who may open each page ---------------------------------------------------------

PAGES = ["detail", "add_child", "edit", "rename", "move", "merge", "dissolve"]

ACCESS = [
    ("detail", "a1", "a1_member", 200),
    ("detail", "a1", "a_officer", 200),
    ("detail", "national", "superuser", 200),
    ("detail", "a1", "b_admin", 404),
    ("detail", "a1", "outsider", 404),
    ("detail", "province", "province_admin", 200),
    ("detail", "national", "province_admin", 404),
    ("add_child", "a", "a_admin", 200),
    ("add_child", "a", "a_officer", 403),
    ("add_child", "a", "a_staff", 403),
    ("add_child", "a1", "a_admin", 403),  # a grassroots union takes no sub-units
    ("add_child", "department", "province_admin", 403),
    ("add_child", "a", "b_admin", 404),
    ("add_child", "a", "outsider", 404),
    ("edit", "a1", "a_admin", 200),
    ("edit", "a1", "a1_member", 403),
    ("edit", "a1", "a_officer", 403),
    ("edit", "a1", "b_admin", 404),
    ("edit", "a1", "outsider", 404),
    ("rename", "a1", "a_admin", 200),
    ("rename", "a1", "a1_support", 403),
    ("rename", "a1", "b_admin", 404),
    ("rename", "a1", "outsider", 404),
]
for _page in ("move", "merge", "dissolve"):
    ACCESS += [
        (_page, "a1", "a_admin", 200),
        (_page, "a", "province_admin", 200),
        (_page, "a1", "superuser", 200),
        (_page, "a", "a_admin", 403),  # needs an administrator strictly above
        (_page, "province", "province_admin", 403),
        (_page, "a1", "a1_member", 403),
        (_page, "a1", "a_officer", 403),
        (_page, "a", "b_admin", 404),
        (_page, "a1", "outsider", 404),
    ]


@pytest.mark.parametrize(("page", "where", "who", "status"), ACCESS)
def test_who_may_open_the_page(cast, client_for, page, where, who, status):
    url = reverse(f"units:{page}", args=[getattr(cast.tree, where).pk])
    assert client_for(getattr(cast, who)).get(url).status_code == status


@pytest.mark.parametrize(
    ("page", "where", "who", "status"),
    [row for row in ACCESS if row[3] != 200 and row[0] != "detail"],
)
def test_a_refused_post_changes_nothing(cast, client_for, page, where, who, status):
    unit = getattr(cast.tree, where)
    before = counts()
    data = {
        "kind": Unit.Kind.GRASSROOTS,
        "name": "Tên mới",
        "code": "CB-NEW",
        "effective_on": fmt(timezone.localdate()),
        "new_parent": cast.tree.b.pk,
        "successor": cast.tree.a2.pk,
        "confirm": "on",
    }
    url = reverse(f"units:{page}", args=[unit.pk])
    assert client_for(getattr(cast, who)).post(url, data).status_code == status
    assert counts() == before
    assert Unit.objects.get(pk=unit.pk).name == unit.name


@pytest.mark.parametrize("page", ["tree", *PAGES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(cast, client, page, method):
    args = [] if page == "tree" else [cast.tree.a1.pk]
    url = reverse(f"units:{page}", args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# --- The tree -----------------------------------------------------------------------


def drawn(response) -> dict[str, object]:
    """Return the nodes drawn on the tree page, by unit code."""
    return {row.node.unit.code: row.node for row in response.context["rows"]}


def tops(response) -> list[Unit]:
    nodes = [node.unit for node in drawn(response).values()]
    return [unit for unit in nodes if unit.depth == min(u.depth for u in nodes)]


def test_tree_shows_the_subtrees_of_the_users_roles(cast, client_for):
    response = client_for(cast.b_admin).get(reverse("units:tree"))
    assert response.status_code == 200
    assert tops(response) == [cast.tree.b]
    assert set(drawn(response)) == {"CB-B", "CB-B1"}
    assert cast.tree.b1.name in response.content.decode()
    assert cast.tree.a.name not in response.content.decode()
    response = client_for(cast.outsider).get(reverse("units:tree"))
    assert (response.status_code, drawn(response)) == (200, {})


def test_tree_counts_units_and_members_below(cast, client_for):
    response = client_for(cast.province_admin).get(reverse("units:tree"))
    nodes = drawn(response)
    assert tops(response) == [cast.tree.province]
    # a1_member, a1_support, b1_member, province_admin and province_staff.
    assert (nodes["CB"].unit_count, nodes["CB"].people_count) == (7, 5)
    assert (nodes["CB-A"].unit_count, nodes["CB-A"].people_count) == (2, 2)
    assert (nodes["CB-A1"].unit_count, nodes["CB-A1"].people_count) == (0, 2)


def test_superuser_sees_the_whole_tree(cast, client_for):
    response = client_for(cast.superuser).get(reverse("units:tree"))
    assert tops(response) == [cast.tree.national]
    assert cast.tree.b1.name not in response.content.decode()  # three levels deep
    response = client_for(cast.superuser).get(
        reverse("units:tree"), {"root": cast.tree.b.pk}
    )
    assert cast.tree.b1.name in response.content.decode()


@pytest.mark.parametrize("root", ["a", "national", "x"])
def test_tree_from_a_root_out_of_scope_is_404(cast, client_for, root):
    pk = getattr(cast.tree, root).pk if root != "x" else root
    response = client_for(cast.b_admin).get(reverse("units:tree"), {"root": pk})
    assert response.status_code == 404


def test_dissolved_units_are_hidden_from_the_tree_unless_asked(cast, client_for):
    services.unit_dissolve(
        unit=cast.tree.a2, effective_on=timezone.localdate(), actor=None
    )
    client = client_for(cast.province_admin)
    hidden = client.get(reverse("units:tree"))
    assert cast.tree.a2.name not in hidden.content.decode()
    assert cast.tree.a1.name in hidden.content.decode()
    shown = client.get(reverse("units:tree"), {"dissolved": "1"})
    assert cast.tree.a2.name in shown.content.decode()
    assert shown.context["show_dissolved"] is True


def add_grassroots(parent: Unit, how_many: int) -> None:
    for number in range(how_many):
        unit = make_unit(parent, Unit.Kind.GRASSROOTS, f"X-{parent.code}-{number}")
        for _ in range(2):
            grant(UserFactory(), unit, Role.MEMBER)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Measured on SQLite: 7 queries for the tree and 10 for a unit's page (session and
# user included), for the cast and for 60 more units; the bounds leave one spare.
TREE_QUERIES = 8
DETAIL_QUERIES = 11


@pytest.mark.parametrize("who", ["province_admin", "superuser"])
def test_tree_query_count_does_not_grow_with_units(
    cast, client_for, django_assert_max_num_queries, who
):
    client = client_for(getattr(cast, who))
    url = reverse("units:tree")
    small = queries_for(client, url)
    units_before = drawn(client.get(url))["CB-A"].unit_count
    add_grassroots(cast.tree.a, 30)
    add_grassroots(cast.tree.b, 30)
    with django_assert_max_num_queries(TREE_QUERIES):
        response = client.get(url)
    assert drawn(response)["CB-A"].unit_count == units_before + 30
    assert queries_for(client, url) == small


def test_unit_page_query_count_does_not_grow_with_sub_units(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.province_admin)
    url = reverse("units:detail", args=[cast.tree.a.pk])
    small = queries_for(client, url)
    add_grassroots(cast.tree.a, 30)
    for number in range(5):
        services.unit_rename(
            unit=cast.tree.a,
            name=f"Công đoàn ngành Giáo dục {number}",
            short_name="",
            abbreviation="",
            effective_on=datetime.date(2000 + number, 1, 1),
            actor=cast.a_admin,
        )
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 32
    assert queries_for(client, url) == small


# --- A unit's page --------------------------------------------------------------------


def test_unit_page_shows_actions_by_right(cast, client_for):
    url = reverse("units:detail", args=[cast.tree.a.pk])
    dissolve = reverse("units:dissolve", args=[cast.tree.a.pk])
    above = client_for(cast.province_admin).get(url)
    assert above.context["can_restructure"] is True
    assert above.context["can_change"] is True
    assert dissolve in above.content.decode()
    own = client_for(cast.a_admin).get(url)
    assert own.context["can_restructure"] is False
    assert own.context["can_change"] is True
    assert dissolve not in own.content.decode()
    assert reverse("units:edit", args=[cast.tree.a.pk]) in own.content.decode()


def test_unit_page_for_a_member_offers_no_action(cast, client_for):
    a1 = cast.tree.a1
    response = client_for(cast.a1_member).get(reverse("units:detail", args=[a1.pk]))
    rights = ["view_people", "change", "add_child", "manage_people", "import"]
    rights += ["restructure", "manage_blocks"]
    assert all(response.context[f"can_{right}"] is False for right in rights)
    page = response.content.decode()
    for action in ("dissolve", "edit", "move", "merge", "people"):
        assert reverse(f"units:{action}", args=[a1.pk]) not in page


def test_unit_page_hides_dissolved_sub_units_unless_asked(cast, client_for):
    services.unit_dissolve(
        unit=cast.tree.a2, effective_on=timezone.localdate(), actor=None
    )
    client = client_for(cast.a_admin)
    url = reverse("units:detail", args=[cast.tree.a.pk])
    assert list(client.get(url).context["page"].object_list) == [cast.tree.a1]
    shown = client.get(url, {"dissolved": "1"}).context["page"].object_list
    assert {unit.pk for unit in shown} == {cast.tree.a1.pk, cast.tree.a2.pk}


# --- Add a sub-unit ---------------------------------------------------------------


def unit_data(**changes) -> dict:
    return {
        "kind": Unit.Kind.GRASSROOTS,
        "name": "Công đoàn Trường Mầm non Hoa Sen",
        "short_name": "CĐ MN Hoa Sen",
        "code": "CB-A3",
        "abbreviation": "",
        "place_name": "",
        "established_on": "15/08/2019",
        **changes,
    }


def test_add_a_sub_unit(cast, client_for):
    a = cast.tree.a
    response = client_for(cast.a_admin).post(
        reverse("units:add_child", args=[a.pk]), unit_data()
    )
    unit = Unit.objects.get(code="CB-A3")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[unit.pk])
    assert parent_of(unit) == a
    assert unit.kind == Unit.Kind.GRASSROOTS
    assert unit.place_name == "Cao Bằng"  # from the unit above
    assert unit.established_on == datetime.date(2019, 8, 15)
    (name,) = unit.names.all()
    assert (name.name, name.valid_from, name.valid_until) == (
        "Công đoàn Trường Mầm non Hoa Sen",
        datetime.date(2019, 8, 15),
        None,
    )
    (event,) = unit.events.all()
    assert (event.kind, event.actor) == (UnitEvent.Kind.CREATED, cast.a_admin)
    assert event.data["parent"] == a.name


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"established_on": "FUTURE"}, "established_on", FUTURE),
        ({"code": "cb-a1"}, "code", CODE_USED),
        ({"kind": Unit.Kind.DEPARTMENT}, "kind", CHOICE_VALUE),
        ({"kind": Unit.Kind.NATIONAL}, "kind", CHOICE_VALUE),
    ],
    ids=["future-date", "duplicate-code", "department", "national"],
)
def test_add_bad_input_keeps_what_was_typed(cast, client_for, changes, field, message):
    data = with_dates(unit_data(**changes))
    before = counts()
    response = client_for(cast.a_admin).post(
        reverse("units:add_child", args=[cast.tree.a.pk]), data
    )
    assert counts() == before
    page = response.content.decode()
    for typed in (data["name"], data["short_name"], data["code"]):
        assert f'value="{escape(typed)}"' in page
    assert_error(response, field, message, value=data["kind"])


def test_add_refuses_nul_bytes_in_a_name(cast, client_for):
    before = counts()
    response = client_for(cast.a_admin).post(
        reverse("units:add_child", args=[cast.tree.a.pk]),
        unit_data(name="Công đoàn\x00 Trường"),
    )
    assert counts() == before
    assert 'value="CB-A3"' in response.content.decode()
    assert_error(response, "name", "Null characters are not allowed.")


def test_add_refuses_a_100000_character_name(cast, client_for):
    before = counts()
    long_name = "Công đoàn " + "x" * 99_990
    response = client_for(cast.a_admin).post(
        reverse("units:add_child", args=[cast.tree.a.pk]), unit_data(name=long_name)
    )
    assert counts() == before
    assert long_name in response.content.decode()
    with translation.override("vi"):
        expected = ngettext(MAX_ONE, MAX_MANY, 255)
    expected %= {"limit_value": 255, "show_value": 100_000}
    assert expected.startswith("Giá trị này")  # Django's Vietnamese message
    assert field_errors(response, "name") == [expected]
    assert escape(expected) in response.content.decode()


def test_add_stores_a_decomposed_name_composed(cast, client_for):
    name = "Công đoàn Trường Tiểu học Nguyễn Trãi"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    client_for(cast.a_admin).post(
        reverse("units:add_child", args=[cast.tree.a.pk]),
        unit_data(name=decomposed, short_name=unicodedata.normalize("NFD", "Trãi")),
    )
    unit = Unit.objects.get(code="CB-A3")
    assert unit.name == name
    assert unit.short_name == "Trãi"
    assert unit.names.get().name == name
    assert Unit.objects.filter(name=name).count() == 1


# --- Edit and rename --------------------------------------------------------------


def test_edit_a_unit(cast, client_for):
    a1 = cast.tree.a1
    data = {
        "code": "CB-A1-MOI",
        "place_name": "Hà Quảng",
        "established_on": "02/09/2010",
    }
    response = client_for(cast.a_admin).post(reverse("units:edit", args=[a1.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[a1.pk])
    a1.refresh_from_db()
    assert (a1.code, a1.place_name, a1.established_on) == (
        "CB-A1-MOI",
        "Hà Quảng",
        datetime.date(2010, 9, 2),
    )
    event = a1.events.first()
    assert (event.kind, event.actor) == (UnitEvent.Kind.EDITED, cast.a_admin)
    assert event.data["changes"]["code"] == ["CB-A1", "CB-A1-MOI"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "cb-A2"}, "code", CODE_USED),
        ({"code": "CB-A1", "established_on": "FUTURE"}, "established_on", FUTURE),
    ],
    ids=["duplicate-code", "future-date"],
)
def test_edit_bad_input(cast, client_for, data, field, message):
    a1 = cast.tree.a1
    data = with_dates({"place_name": "Hà Quảng", **data})
    before = counts()
    response = client_for(cast.a_admin).post(reverse("units:edit", args=[a1.pk]), data)
    assert counts() == before
    a1.refresh_from_db()
    assert (a1.code, a1.place_name) == ("CB-A1", "Cao Bằng")
    page = response.content.decode()
    assert 'value="Hà Quảng"' in page
    assert f'value="{escape(data["code"])}"' in page
    assert_error(response, field, message)


def rename_data(**changes) -> dict:
    return {
        "name": "Công đoàn Trường THPT Chuyên Cao Bằng",
        "short_name": "CĐ THPT Chuyên",
        "abbreviation": "",
        "effective_on": "01/03/2024",
        "note": "Quyết định số 12/QĐ-LĐLĐ",
        **changes,
    }


def test_rename_keeps_the_old_name_for_earlier_years(cast, client_for):
    a1 = cast.tree.a1
    old = a1.name
    response = client_for(cast.a_admin).post(
        reverse("units:rename", args=[a1.pk]), rename_data()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[a1.pk])
    a1 = Unit.objects.get(pk=a1.pk)
    assert a1.name == "Công đoàn Trường THPT Chuyên Cao Bằng"
    assert a1.name_in_year(2023) == old
    assert a1.name_in_year(2024) == a1.name
    assert a1.name_on(datetime.date(2024, 2, 29)) == old
    assert a1.names.get(valid_until__isnull=True).valid_from == datetime.date(
        2024, 3, 1
    )
    event = a1.events.get(kind=UnitEvent.Kind.RENAMED)
    assert event.actor == cast.a_admin
    assert (event.data["old"], event.data["new"]) == (old, a1.name)
    assert event.note == "Quyết định số 12/QĐ-LĐLĐ"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"effective_on": "FUTURE"}, "effective_on", FUTURE),
        ({"name": "Công đoàn Trường THPT Chuyên", "short_name": ""}, "name", SAME_NAME),
    ],
    ids=["future-date", "same-name"],
)
def test_rename_bad_input(cast, client_for, changes, field, message):
    data = with_dates(rename_data(**changes))
    before = counts()
    response = client_for(cast.a_admin).post(
        reverse("units:rename", args=[cast.tree.a1.pk]), data
    )
    assert counts() == before
    assert Unit.objects.get(pk=cast.tree.a1.pk).name == cast.tree.a1.name
    assert f'value="{escape(data["name"])}"' in response.content.decode()
    assert escape(data["note"]) in response.content.decode()
    assert_error(response, field, message)


# --- Move, merge, dissolve ---------------------------------------------------------


def test_move_a_unit(cast, client_for):
    a1, b = cast.tree.a1, cast.tree.b
    response = client_for(cast.province_admin).post(
        reverse("units:move", args=[a1.pk]),
        {"new_parent": b.pk, "effective_on": "01/01/2025", "note": "QĐ 3"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[a1.pk])
    assert parent_of(a1) == b
    event = a1.events.get(kind=UnitEvent.Kind.MOVED)
    assert (event.effective_on, event.actor) == (
        datetime.date(2025, 1, 1),
        cast.province_admin,
    )
    assert (event.data["old_parent"], event.data["new_parent"]) == (
        cast.tree.a.name,
        b.name,
    )
    # Its members went with it, so the administrator of b now reaches them.
    assert Membership.objects.active().get(user=cast.a1_member).unit_id == a1.pk
    detail = client_for(cast.b_admin).get(reverse("units:detail", args=[a1.pk]))
    assert detail.status_code == 200


def test_move_offers_only_allowed_places(cast, client_for):
    url = reverse("units:move", args=[cast.tree.a1.pk])
    targets = client_for(cast.province_admin).get(url).context["form"]
    offered = set(targets.fields["new_parent"].queryset)
    # Not its current parent a, not the department, not grassroots units.
    assert offered == {cast.tree.province, cast.tree.b}


def test_move_under_its_own_sub_unit_is_refused(cast, client_for):
    a = cast.tree.a
    below = make_unit(a, Unit.Kind.UPPER, "CB-A-X", "Công đoàn cụm trường")
    before = counts()
    response = client_for(cast.province_admin).post(
        reverse("units:move", args=[a.pk]),
        {"new_parent": below.pk, "effective_on": "01/01/2025", "note": "Thử"},
    )
    assert counts() == before
    assert parent_of(a) == cast.tree.province
    assert below not in response.context["form"].fields["new_parent"].queryset
    assert 'value="01/01/2025"' in response.content.decode()
    assert_error(response, "new_parent", CHOICE)


def test_merge_a_unit_into_a_successor(cast, client_for):
    a1, a2 = cast.tree.a1, cast.tree.a2
    today = timezone.localdate()
    response = client_for(cast.a_admin).post(
        reverse("units:merge", args=[a1.pk]),
        {"successor": a2.pk, "effective_on": fmt(today), "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[a2.pk])
    a1.refresh_from_db()
    assert (a1.dissolved_on, a1.successor) == (today, a2)
    active = Membership.objects.active()
    assert active.get(user=cast.a1_member).unit == a2
    assert active.get(user=cast.a1_support).unit == a2  # as a member only
    assert not active.filter(unit=a1).exists()
    assert a1.events.first().kind == UnitEvent.Kind.MERGED
    assert Unit.objects.get(pk=a2.pk).events.first().kind == UnitEvent.Kind.ABSORBED


def test_merge_needs_the_confirmation(cast, client_for):
    a1 = cast.tree.a1
    before = counts()
    response = client_for(cast.a_admin).post(
        reverse("units:merge", args=[a1.pk]),
        {"successor": cast.tree.a2.pk, "effective_on": "01/01/2025", "note": "QĐ 9"},
    )
    assert counts() == before
    assert Unit.objects.get(pk=a1.pk).dissolved_on is None
    assert "QĐ 9" in response.content.decode()
    assert_error(response, "confirm", "This field is required.")


def test_dissolve_a_unit(cast, client_for):
    a1 = cast.tree.a1
    today = timezone.localdate()
    response = client_for(cast.a_admin).post(
        reverse("units:dissolve", args=[a1.pk]),
        {"effective_on": fmt(today), "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[a1.pk])
    a1.refresh_from_db()
    assert a1.dissolved_on == today
    assert not Membership.objects.active().filter(unit=a1).exists()
    event = a1.events.first()
    assert (event.kind, event.data["roles_ended"]) == (UnitEvent.Kind.DISSOLVED, 3)
    # The dissolved unit is still there to see, with nothing left to do on it.
    page = client_for(cast.a_admin).get(reverse("units:detail", args=[a1.pk]))
    assert page.context["can_change"] is False
    assert page.context["can_restructure"] is False


def test_dissolve_with_active_sub_units_is_refused(cast, client_for):
    a = cast.tree.a
    before = counts()
    response = client_for(cast.province_admin).post(
        reverse("units:dissolve", args=[a.pk]),
        {"effective_on": "01/01/2025", "confirm": "on", "note": "Sáp nhập"},
    )
    assert counts() == before
    assert Unit.objects.get(pk=a.pk).dissolved_on is None
    assert not a.events.filter(kind=UnitEvent.Kind.DISSOLVED).exists()
    assert "Sáp nhập" in response.content.decode()
    message = (
        "%(unit)s still has %(count)d active sub-units. Move or dissolve them, "
        "or merge the unit into a successor."
    )
    expected = vi(message) % {"unit": a.name, "count": 2}
    with translation.override("vi"):
        assert list(response.context["form"].non_field_errors()) == [expected]
    assert escape(expected) in response.content.decode()
    assert vi(message) != message, "no Vietnamese text for the message"


@pytest.mark.parametrize("page", ["move", "merge", "dissolve"])
def test_restructuring_on_a_future_date_is_refused(cast, client_for, page):
    a1 = cast.tree.a1
    data = {"effective_on": tomorrow(), "confirm": "on", "note": "QĐ 7"}
    data |= {"new_parent": cast.tree.b.pk, "successor": cast.tree.a2.pk}
    before = counts()
    response = client_for(cast.province_admin).post(
        reverse(f"units:{page}", args=[a1.pk]), data
    )
    assert counts() == before
    a1 = Unit.objects.get(pk=a1.pk)
    assert (parent_of(a1), a1.dissolved_on) == (cast.tree.a, None)
    assert f'value="{tomorrow()}"' in response.content.decode()
    assert "QĐ 7" in response.content.decode()
    assert_error(response, "effective_on", FUTURE)
