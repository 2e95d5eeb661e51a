"""Views of emulation blocks: the list, creating, showing and editing a block,
adding and removing member units, and copying a block to another year."""

import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from tests.factories import make_unit
from units import services
from units.models import EmulationBlock, EmulationBlockMember, Unit

pytestmark = pytest.mark.django_db

HEAD = EmulationBlockMember.Role.HEAD
MEMBER = EmulationBlockMember.Role.MEMBER
NAME_TAKEN = "This unit already has a block with this name in this year."
MAX_ONE = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."
)
MAX_MANY = MAX_ONE.replace("character (", "characters (")


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def assert_error(response, field: str, message: str, **params) -> None:
    """The form came back with the message, in Vietnamese, beside the field."""
    assert response.status_code == 200
    with translation.override("vi"):
        errors = [str(error) for error in response.context["form"].errors[field]]
    assert vi(message, **params) in errors
    assert escape(vi(message, **params)) in response.content.decode()
    assert vi(message) != message, f"no Vietnamese text for {message!r}"


def assert_message(response, message: str, **params) -> None:
    """The page we were sent back to says what went wrong, in Vietnamese."""
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert vi(message, **params) in texts
    assert escape(vi(message, **params)) in response.content.decode()
    assert vi(message) != message, f"no Vietnamese text for {message!r}"


def counts() -> tuple[int, int]:
    return EmulationBlock.objects.count(), EmulationBlockMember.objects.count()


def members(block) -> dict[str, str]:
    return dict(block.members.values_list("unit__code", "role"))


def url(name: str, obj) -> str:
    return reverse(f"units:{name}", args=[obj.pk])


@pytest.fixture
def block(cast):
    """The province's block of 2025: a is its head, b1 a member."""
    block = services.block_create(
        organizer=cast.tree.province,
        year=2025,
        name="Khối các công đoàn ngành",
        note="Ký giao ước thi đua tháng 3",
        actor=None,
    )
    services.block_member_set(block=block, unit=cast.tree.a, role=HEAD, actor=None)
    services.block_member_set(block=block, unit=cast.tree.b1, role=MEMBER, actor=None)
    return block


@pytest.fixture
def a_block(cast):
    """A block organised by a, with a1 in it."""
    block = services.block_create(
        organizer=cast.tree.a, year=2025, name="Khối trường học", actor=None
    )
    services.block_member_set(block=block, unit=cast.tree.a1, role=HEAD, actor=None)
    return block


# --- Who may do what ------------------------------------------------------------------

GET_ACCESS = [
    ("block_detail", "block", "province_staff", 200),
    ("block_detail", "block", "a_officer", 200),  # a is in the block
    ("block_detail", "block", "b1_member", 200),  # so is b1
    ("block_detail", "block", "superuser", 200),
    ("block_detail", "block", "a1_member", 404),
    ("block_detail", "block", "outsider", 404),
    ("block_detail", "a_block", "b_admin", 404),
    ("block_edit", "block", "province_staff", 200),
    ("block_edit", "block", "province_admin", 200),
    ("block_edit", "a_block", "a_staff", 200),
    ("block_edit", "block", "a_admin", 403),  # sees it, but does not organise it
    ("block_edit", "block", "b1_member", 403),
    ("block_edit", "block", "a1_member", 404),
    ("block_edit", "a_block", "b_admin", 404),
    ("block_edit", "block", "outsider", 404),
    ("block_create", "province", "province_staff", 200),
    ("block_create", "a", "a_staff", 200),
    ("block_create", "a", "a_admin", 200),
    ("block_create", "a", "a_officer", 403),
    ("block_create", "a1", "a1_support", 403),
    ("block_create", "a", "b_admin", 404),
    ("block_create", "a", "outsider", 404),
]


def target(request, cast, name):
    return getattr(cast.tree, name, None) or request.getfixturevalue(name)


@pytest.mark.parametrize(("view", "what", "who", "status"), GET_ACCESS)
def test_who_may_open_the_page(request, cast, client_for, view, what, who, status):
    address = url(view, target(request, cast, what))
    assert client_for(getattr(cast, who)).get(address).status_code == status


@pytest.mark.parametrize(
    ("view", "what", "who", "status"),
    [row for row in GET_ACCESS if row[0] != "block_detail" and row[3] != 200],
)
def test_a_refused_post_changes_nothing(
    request, cast, client_for, block, view, what, who, status
):
    obj = target(request, cast, what)
    before = counts()
    data = {"year": 2026, "name": "Khối mới", "note": ""}
    response = client_for(getattr(cast, who)).post(url(view, obj), data)
    assert response.status_code == status
    assert counts() == before
    assert not EmulationBlock.objects.filter(name="Khối mới").exists()


POST_ONLY = ["block_member_add", "block_member_remove", "block_copy"]


def post_only_url(name, block):
    if name == "block_member_remove":
        return url(name, block.members.get(role=HEAD))
    return url(name, block)


@pytest.mark.parametrize("view", POST_ONLY)
def test_post_only_views_refuse_get(cast, client_for, block, view):
    response = client_for(cast.province_staff).get(post_only_url(view, block))
    assert response.status_code == 405


@pytest.mark.parametrize("view", POST_ONLY)
@pytest.mark.parametrize(
    ("who", "status"),
    [("a_admin", 403), ("b1_member", 403), ("a1_member", 404), ("outsider", 404)],
)
def test_refused_member_changes(cast, client_for, block, view, who, status):
    data = {"unit": cast.tree.p1.pk, "role": MEMBER, "year": 2026}
    before = members(block), counts()
    response = client_for(getattr(cast, who)).post(post_only_url(view, block), data)
    assert response.status_code == status
    assert (members(block), counts()) == before


@pytest.mark.parametrize(
    "view", ["block_list", "block_detail", "block_edit", "block_create", *POST_ONLY]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(cast, client, block, view, method):
    if view == "block_list":
        address = reverse("units:block_list")
    elif view == "block_create":
        address = url(view, cast.tree.province)
    else:
        address = post_only_url(view, block)
    response = getattr(client, method)(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"


# --- The list -------------------------------------------------------------------------


def listed(response) -> set[str]:
    return {b.name for b in response.context["page"].object_list}


def test_block_list_shows_the_blocks_the_user_can_see(cast, client_for, block, a_block):
    staff = client_for(cast.province_staff).get(reverse("units:block_list"))
    assert staff.status_code == 200
    assert listed(staff) == {block.name, a_block.name}
    assert staff.context["organizers"] == [cast.tree.province]
    row = next(b for b in staff.context["page"].object_list if b.pk == block.pk)
    assert (row.member_count, [m.unit for m in row.heads]) == (2, [cast.tree.a])
    assert url("block_create", cast.tree.province) in staff.content.decode()
    sibling = client_for(cast.b_admin).get(reverse("units:block_list"))
    assert listed(sibling) == {block.name}
    assert sibling.context["organizers"] == [cast.tree.b]
    nobody = client_for(cast.outsider).get(reverse("units:block_list"))
    assert (listed(nobody), nobody.context["organizers"]) == (set(), [])
    officer = client_for(cast.a_officer).get(reverse("units:block_list"))
    assert officer.context["organizers"] == []
    assert "blocks/new" not in officer.content.decode()


def test_block_list_filters_by_year(cast, client_for, block):
    services.block_copy(block=block, year=2026, actor=None)
    client = client_for(cast.province_staff)
    response = client.get(reverse("units:block_list"))
    assert [b.year for b in response.context["page"].object_list] == [2026, 2025]
    response = client.get(reverse("units:block_list"), {"year": "2026"})
    assert [b.year for b in response.context["page"].object_list] == [2026]
    response = client.get(reverse("units:block_list"), {"year": "hai nghìn"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


# Measured on SQLite: 7 queries for the list (session and user included), with 2
# blocks and with 32; the bound leaves one spare.
LIST_QUERIES = 8


def test_block_list_query_count_does_not_grow_with_blocks(
    cast, client_for, block, a_block, django_assert_max_num_queries
):
    client = client_for(cast.province_staff)
    address = reverse("units:block_list")

    def measure():
        with CaptureQueriesContext(connection) as context:
            response = client.get(address)
        assert response.status_code == 200
        return len(context.captured_queries), response

    small, _response = measure()
    for number in range(30):
        head = make_unit(cast.tree.a, Unit.Kind.GRASSROOTS, f"X-{number}")
        member = make_unit(cast.tree.b, Unit.Kind.GRASSROOTS, f"Y-{number}")
        extra = services.block_create(
            organizer=cast.tree.province, year=2024, name=f"Khối {number}", actor=None
        )
        services.block_member_set(block=extra, unit=head, role=HEAD, actor=None)
        services.block_member_set(block=extra, unit=member, role=MEMBER, actor=None)
    with django_assert_max_num_queries(LIST_QUERIES):
        big, response = measure()
    assert response.context["page"].paginator.count == 32
    assert all(len(b.heads) == 1 for b in response.context["page"].object_list)
    assert big == small


# --- Create and edit ------------------------------------------------------------------


def test_create_a_block(cast, client_for):
    response = client_for(cast.province_staff).post(
        url("block_create", cast.tree.province),
        {"year": "2025", "name": "Khối doanh nghiệp", "note": "Ghi chú"},
    )
    block = EmulationBlock.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("block_detail", block)
    assert (block.organizer, block.year, block.name, block.note) == (
        cast.tree.province,
        2025,
        "Khối doanh nghiệp",
        "Ghi chú",
    )


def test_create_stores_a_decomposed_name_composed(cast, client_for):
    name = "Khối các trường Tiểu học"
    client_for(cast.a_staff).post(
        url("block_create", cast.tree.a),
        {"year": "2025", "name": unicodedata.normalize("NFD", name), "note": ""},
    )
    assert EmulationBlock.objects.get().name == name


@pytest.mark.parametrize(
    ("data", "field", "message", "params"),
    [
        ({"name": "Khối các công đoàn ngành"}, "name", NAME_TAKEN, {}),
        (
            {"year": "1800"},
            "year",
            "Ensure this value is greater than or equal to %(limit_value)s.",
            {"limit_value": 1990},
        ),
        ({"year": "năm nay"}, "year", "Enter a whole number.", {}),
        ({"name": ""}, "name", "This field is required.", {}),
    ],
    ids=["name-taken", "year-too-early", "year-not-a-number", "no-name"],
)
def test_create_bad_input(cast, client_for, block, data, field, message, params):
    data = {"year": "2025", "name": "Khối mới", "note": "Ghi chú dài", **data}
    before = counts()
    response = client_for(cast.province_staff).post(
        url("block_create", cast.tree.province), data
    )
    assert counts() == before
    page = response.content.decode()
    assert escape(data["name"]) in page
    assert "Ghi chú dài" in page
    assert escape(data["year"]) in page
    assert_error(response, field, message, **params)


def test_create_refuses_nul_bytes_in_a_name(cast, client_for):
    response = client_for(cast.province_staff).post(
        url("block_create", cast.tree.province),
        {"year": "2025", "name": "Khối\x00 mới", "note": "Ghi chú"},
    )
    assert counts() == (0, 0)
    assert "Ghi chú" in response.content.decode()
    assert_error(response, "name", "Null characters are not allowed.")


def test_create_refuses_a_100000_character_name(cast, client_for):
    long_name = "Khối " + "x" * 99_995
    response = client_for(cast.province_staff).post(
        url("block_create", cast.tree.province),
        {"year": "2025", "name": long_name, "note": ""},
    )
    assert counts() == (0, 0)
    assert long_name in response.content.decode()
    with translation.override("vi"):
        expected = ngettext(MAX_ONE, MAX_MANY, 255)
    expected %= {"limit_value": 255, "show_value": 100_000}
    assert expected.startswith("Giá trị này")  # Django's Vietnamese message
    assert escape(expected) in response.content.decode()
    assert "name" in response.context["form"].errors


def test_block_page_shows_changes_only_to_its_organisers(cast, client_for, block):
    staff = client_for(cast.province_staff).get(url("block_detail", block))
    assert staff.context["can_change"] is True
    assert staff.context["member_form"] is not None
    assert url("block_edit", block) in staff.content.decode()
    assert url("block_copy", block) in staff.content.decode()
    choices = set(staff.context["member_form"].fields["unit"].queryset)
    assert cast.tree.province not in choices
    assert cast.tree.p1 in choices
    member = client_for(cast.b1_member).get(url("block_detail", block))
    assert member.context["can_change"] is False
    assert member.context["member_form"] is None
    page = member.content.decode()
    assert url("block_edit", block) not in page
    assert "/remove/" not in page
    assert cast.tree.a.name in page


def test_block_page_shows_the_block(cast, client_for, block):
    response = client_for(cast.b1_member).get(url("block_detail", block))
    page = response.content.decode()
    assert f"<title>{block.name} (2025)" in page
    assert f'<h1 class="h3 mb-1">{block.name} <small' in page
    assert block.note in page


def test_edit_form_cancels_back_to_the_block(cast, client_for, block):
    response = client_for(cast.province_staff).get(url("block_edit", block))
    assert f'href="{url("block_detail", block)}"' in response.content.decode()
    assert response.context["form"]["name"].value() == block.name


def test_edit_a_block(cast, client_for, block):
    response = client_for(cast.province_staff).post(
        url("block_edit", block),
        {"year": "2030", "name": "Khối ngành sản xuất", "note": "Mới"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("block_detail", block)
    block.refresh_from_db()
    # The year cannot be changed: copy the block instead.
    assert (block.year, block.name, block.note) == (2025, "Khối ngành sản xuất", "Mới")


def test_edit_to_a_name_already_used_is_refused(cast, client_for, block):
    other = services.block_create(
        organizer=cast.tree.province, year=2025, name="Khối khác", actor=None
    )
    response = client_for(cast.province_staff).post(
        url("block_edit", other),
        {"name": block.name, "note": "Ghi chú mới"},
    )
    other.refresh_from_db()
    assert (other.name, other.note) == ("Khối khác", "")
    assert "Ghi chú mới" in response.content.decode()
    assert_error(response, "name", NAME_TAKEN)


# --- Members --------------------------------------------------------------------------


def test_add_a_member_unit(cast, client_for, block):
    response = client_for(cast.province_staff).post(
        url("block_member_add", block), {"unit": cast.tree.p1.pk, "role": MEMBER}
    )
    assert response.status_code == 302
    assert response["Location"] == url("block_detail", block)
    assert members(block) == {"CB-A": HEAD, "CB-B1": MEMBER, "CB-P1": MEMBER}


def test_change_a_member_units_role(cast, client_for, block):
    client = client_for(cast.province_staff)
    client.post(
        url("block_member_add", block), {"unit": cast.tree.a.pk, "role": MEMBER}
    )
    client.post(url("block_member_add", block), {"unit": cast.tree.b1.pk, "role": HEAD})
    assert members(block) == {"CB-A": MEMBER, "CB-B1": HEAD}


@pytest.mark.parametrize(
    ("data", "message", "params"),
    [
        (
            {"unit": "p1", "role": HEAD},
            "The block already has a head unit; change its role first.",
            {},
        ),
        (
            {"unit": "province", "role": MEMBER},
            "Select a valid choice. That choice is not one of the available choices.",
            {},
        ),
        (
            {"unit": "p1", "role": "boss"},
            "Select a valid choice. %(value)s is not one of the available choices.",
            {"value": "boss"},
        ),
    ],
    ids=["second-head", "the-organiser-itself", "unknown-role"],
)
def test_add_member_bad_input(cast, client_for, block, data, message, params):
    before = members(block), counts()
    data = {**data, "unit": getattr(cast.tree, data["unit"]).pk}
    response = client_for(cast.province_staff).post(
        url("block_member_add", block), data, follow=True
    )
    assert response.redirect_chain == [(url("block_detail", block), 302)]
    assert (members(block), counts()) == before
    assert_message(response, message, **params)


def test_a_unit_is_in_one_block_of_an_organiser_a_year(cast, client_for, block):
    other = services.block_create(
        organizer=cast.tree.province, year=2025, name="Khối khác", actor=None
    )
    response = client_for(cast.province_staff).post(
        url("block_member_add", other),
        {"unit": cast.tree.a.pk, "role": MEMBER},
        follow=True,
    )
    assert not other.members.exists()
    assert_message(
        response,
        "%(unit)s is already in %(block)s this year.",
        unit=cast.tree.a.name,
        block=block.name,
    )


def test_remove_a_member_unit(cast, client_for, block):
    member = block.members.get(unit=cast.tree.b1)
    response = client_for(cast.province_staff).post(url("block_member_remove", member))
    assert response.status_code == 302
    assert response["Location"] == url("block_detail", block)
    assert members(block) == {"CB-A": HEAD}
    assert Unit.objects.filter(pk=cast.tree.b1.pk).exists()


def test_remove_a_member_that_does_not_exist_is_404(cast, client_for, block):
    response = client_for(cast.province_staff).post(
        reverse("units:block_member_remove", args=[987654])
    )
    assert response.status_code == 404


# --- Copy -----------------------------------------------------------------------------


def test_copy_a_block_to_next_year(cast, client_for, block):
    services.role_revoke(
        membership=cast.b1_member.memberships.get(), actor=None, ended_on=None
    )
    services.unit_dissolve(
        unit=cast.tree.b1, effective_on=timezone.localdate(), actor=None
    )
    response = client_for(cast.province_staff).post(
        url("block_copy", block), {"year": "2026"}
    )
    copy = EmulationBlock.objects.get(year=2026)
    assert response.status_code == 302
    assert response["Location"] == url("block_detail", copy)
    assert (copy.organizer, copy.name, copy.note) == (
        block.organizer,
        block.name,
        block.note,
    )
    assert members(copy) == {"CB-A": HEAD}  # the dissolved b1 is left out
    assert members(block) == {"CB-A": HEAD, "CB-B1": MEMBER}


@pytest.mark.parametrize(
    ("year", "message", "params"),
    [
        ("2025", "Choose a different year.", {}),
        (
            "2200",
            "Ensure this value is less than or equal to %(limit_value)s.",
            {"limit_value": 2100},
        ),
    ],
    ids=["same-year", "too-late"],
)
def test_copy_bad_input(cast, client_for, block, year, message, params):
    before = counts()
    response = client_for(cast.province_staff).post(
        url("block_copy", block), {"year": year}, follow=True
    )
    assert response.redirect_chain == [(url("block_detail", block), 302)]
    assert counts() == before
    assert_message(response, message, **params)


def test_copy_to_a_year_that_has_the_block_already(cast, client_for, block):
    services.block_copy(block=block, year=2026, actor=None)
    before = counts()
    response = client_for(cast.province_staff).post(
        url("block_copy", block), {"year": "2026"}, follow=True
    )
    assert counts() == before
    assert_message(response, NAME_TAKEN)
