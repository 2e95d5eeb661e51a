"""Views of people and roles: a unit's people, adding, showing and editing a person,
the link to set a password, granting and ending roles, and the home page."""

import datetime
import re
import unicodedata

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext, ngettext

from tests.factories import UserFactory, grant, make_unit
from units import services
from units.models import Membership, Role, Unit, User

pytestmark = pytest.mark.django_db

FUTURE = "The date cannot be in the future."
EMAIL_USED = "Another person already uses this email."
SELF_OFF = "You cannot deactivate your own account."
NO_PERSON = "No person has this user name or email address."
MEMBER_ELSEWHERE = (
    "This person is already a member of another union; end that membership first."
)
HOLDS = "This person already holds this role here."
MAX_ONE = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."
)
MAX_MANY = MAX_ONE.replace("character (", "characters (")


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def tomorrow() -> str:
    return fmt(timezone.localdate() + datetime.timedelta(days=1))


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def assert_error(response, field: str, message: str) -> None:
    """The form came back with the message, in Vietnamese, beside the field."""
    assert response.status_code == 200
    with translation.override("vi"):
        errors = [str(error) for error in response.context["form"].errors[field]]
    assert vi(message) in errors
    assert escape(vi(message)) in response.content.decode()
    assert vi(message) != message, f"no Vietnamese text for {message!r}"


def counts() -> tuple[int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Membership.objects.active().count(),
    )


def url(name: str, obj) -> str:
    return reverse(f"units:{name}", args=[obj.pk])


# --- Who may do what ------------------------------------------------------------------

# (view, whose page: a unit of the tree or a person of the cast, who asks, status)
GET_ACCESS = [
    ("people", "a", "a_admin", 200),
    ("people", "a1", "a_officer", 200),
    ("people", "a", "superuser", 200),
    ("people", "a1", "a1_support", 403),
    ("people", "a1", "a1_member", 403),
    ("people", "a", "b_admin", 404),  # a sibling's people are out of scope
    ("people", "a", "outsider", 404),
    ("person_add", "a1", "a_admin", 200),
    ("person_add", "a", "a_officer", 403),
    ("person_add", "a", "a_staff", 403),
    ("person_add", "a", "b_admin", 404),
    ("person_add", "a", "outsider", 404),
    ("role_grant", "a1", "a_admin", 200),
    ("role_grant", "a", "a_officer", 403),
    ("role_grant", "a", "b_admin", 404),
    ("role_grant", "a", "outsider", 404),
    ("person_detail", "a1_member", "a_officer", 200),
    ("person_detail", "a1_member", "a1_member", 200),
    ("person_detail", "outsider", "outsider", 200),
    ("person_detail", "outsider", "superuser", 200),
    ("person_detail", "a1_support", "a1_member", 403),
    ("person_detail", "a1_member", "b_admin", 404),
    ("person_detail", "b1_member", "a_admin", 404),
    ("person_detail", "a1_member", "outsider", 404),
    ("person_edit", "a1_member", "a_admin", 200),
    ("person_edit", "a1_member", "province_admin", 200),
    ("person_edit", "a1_member", "a_officer", 403),
    ("person_edit", "a1_member", "a1_member", 403),
    ("person_edit", "a1_member", "b_admin", 404),
    ("person_edit", "a1_member", "outsider", 404),
]


def target(cast, name):
    return getattr(cast.tree, name, None) or getattr(cast, name)


@pytest.mark.parametrize(("view", "whose", "who", "status"), GET_ACCESS)
def test_who_may_open_the_page(cast, client_for, view, whose, who, status):
    response = client_for(getattr(cast, who)).get(url(view, target(cast, whose)))
    assert response.status_code == status


POST_ONLY = [
    ("person_send_reset", "a1_member"),
    ("role_revoke", "a1_support"),
]


@pytest.mark.parametrize(("view", "whose"), POST_ONLY)
def test_post_only_views_refuse_get(cast, client_for, view, whose):
    obj = target(cast, whose)
    if view == "role_revoke":
        obj = Membership.objects.get(user=obj, role=Role.SUPPORT_TEAM)
    assert client_for(cast.province_admin).get(url(view, obj)).status_code == 405
    assert Membership.objects.get(
        user=cast.a1_support, role=Role.SUPPORT_TEAM
    ).is_active
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("view", "whose"),
    [
        *POST_ONLY,
        *[(view, "a") for view in ("people", "person_add", "role_grant")],
        *[(view, "a1_member") for view in ("person_detail", "person_edit")],
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(cast, client, view, whose, method):
    obj = target(cast, whose)
    if view == "role_revoke":
        obj = Membership.objects.get(user=obj, role=Role.SUPPORT_TEAM)
    address = url(view, obj)
    response = getattr(client, method)(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"


# --- A unit's people ------------------------------------------------------------------


def names_in(response) -> set[str]:
    return {person.full_name for person in response.context["page"].object_list}


def test_people_of_a_unit_and_of_its_sub_units(cast, client_for):
    client = client_for(cast.a_admin)
    own = client.get(url("people", cast.tree.a))
    assert names_in(own) == {
        cast.a_admin.full_name,
        cast.a_staff.full_name,
        cast.a_officer.full_name,
    }
    everyone = client.get(url("people", cast.tree.a), {"all": "1"})
    assert names_in(everyone) == names_in(own) | {
        cast.a1_member.full_name,
        cast.a1_support.full_name,
    }
    assert everyone.context["include_subunits"] is True
    assert everyone.context["can_manage_people"] is True
    assert url("person_add", cast.tree.a) in everyone.content.decode()


def test_people_page_for_an_officer_offers_no_changes(cast, client_for):
    response = client_for(cast.a_officer).get(url("people", cast.tree.a1))
    assert response.context["can_manage_people"] is False
    assert names_in(response) == {cast.a1_member.full_name, cast.a1_support.full_name}
    assert url("person_add", cast.tree.a1) not in response.content.decode()


@pytest.fixture
def school(cast):
    """A grassroots union under a with four members whose names need folding."""
    unit = make_unit(cast.tree.a, Unit.Kind.GRASSROOTS, "CB-A9", "Trường Kim Đồng")
    for name in ("Nguyễn Văn Đức", "Đặng Thị Hoa", "Trần Thị Bích", "Nguyễn Thị Lan"):
        grant(UserFactory(full_name=name), unit, Role.MEMBER)
    return unit


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("nguyen van", {"Nguyễn Văn Đức"}),
        ("NGUYEN", {"Nguyễn Văn Đức", "Nguyễn Thị Lan"}),
        ("duc", {"Nguyễn Văn Đức"}),
        ("dang thi", {"Đặng Thị Hoa"}),
        ("Đặng", {"Đặng Thị Hoa"}),
        ("bich tran", {"Trần Thị Bích"}),
        ("thi", {"Đặng Thị Hoa", "Trần Thị Bích", "Nguyễn Thị Lan"}),
        ("nobody", set()),
    ],
)
def test_people_search_ignores_accents_and_case(cast, client_for, school, query, found):
    response = client_for(cast.a_admin).get(url("people", school), {"q": query})
    assert names_in(response) == found
    assert f'value="{escape(query)}"' in response.content.decode()


def test_people_search_across_sub_units(cast, client_for, school):
    response = client_for(cast.a_admin).get(
        url("people", cast.tree.a), {"q": "nguyen van", "all": "1"}
    )
    assert "Nguyễn Văn Đức" in names_in(response)
    response = client_for(cast.a_admin).get(
        url("people", cast.tree.a), {"q": "nguyen van"}
    )
    assert "Nguyễn Văn Đức" not in names_in(response)


# Measured on SQLite: 7 queries for a page of people (session and user included),
# whether 5 or 35 people are listed; the bound leaves one spare.
PEOPLE_QUERIES = 8


def test_people_list_query_count_does_not_grow_with_people(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.province_admin)
    address = url("people", cast.tree.a) + "?all=1"

    def measure():
        with CaptureQueriesContext(connection) as context:
            response = client.get(address)
        return len(context.captured_queries), response

    small, response = measure()
    assert response.context["page"].paginator.count == 5
    for number in range(30):
        person = UserFactory()
        grant(person, cast.tree.a1 if number % 2 else cast.tree.a2, Role.MEMBER)
        grant(person, cast.tree.a, Role.OFFICER, position=f"Ủy viên {number}")
    with django_assert_max_num_queries(PEOPLE_QUERIES):
        big, response = measure()
    assert response.context["page"].paginator.count == 35
    assert all(len(p.unit_roles) >= 1 for p in response.context["page"].object_list)
    assert big == small


# --- Add a person ---------------------------------------------------------------------


def person_data(**changes) -> dict:
    return {
        "full_name": "Nguyễn Thị Lan",
        "username": "",
        "email": "lan.nguyen@truong.edu.vn",
        "phone": "0912 345 678",
        "date_of_birth": "20/10/1985",
        "qualification": "Cử nhân Sư phạm",
        "role": Role.MEMBER,
        "position": "Tổ trưởng",
        "full_time": "",
        **changes,
    }


def test_add_a_person(cast, client_for):
    response = client_for(cast.a_admin).post(
        url("person_add", cast.tree.a1), person_data()
    )
    person = User.objects.get(email="lan.nguyen@truong.edu.vn")
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", person)
    assert (person.username, person.full_name) == ("nguyen.thi.lan", "Nguyễn Thị Lan")
    assert person.date_of_birth == datetime.date(1985, 10, 20)
    assert not person.has_usable_password()
    membership = person.memberships.get()
    assert (membership.unit, membership.role, membership.granted_by) == (
        cast.tree.a1,
        Role.MEMBER,
        cast.a_admin,
    )
    assert membership.position == "Tổ trưởng"


def test_add_stores_a_decomposed_name_composed(cast, client_for):
    name = "Nguyễn Thị Lan"
    client_for(cast.a_admin).post(
        url("person_add", cast.tree.a1),
        person_data(full_name=unicodedata.normalize("NFD", name)),
    )
    person = User.objects.get(email="lan.nguyen@truong.edu.vn")
    assert person.full_name == name
    assert person.username == "nguyen.thi.lan"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "A1_Member@Example.VN"}, "email", EMAIL_USED),
        ({"date_of_birth": "FUTURE"}, "date_of_birth", FUTURE),
        ({"username": "A1_MEMBER"}, "username", "This user name is already taken."),
        (
            {"role": Role.MEMBER, "full_time": "1"},
            "full_time",
            "Full-time or part-time applies to officers only.",
        ),
        ({"phone": "12"}, "phone", "Enter a phone number of 8 to 20 digits."),
    ],
    ids=["email-used", "future-birth", "username-taken", "full-time", "phone"],
)
def test_add_bad_input_keeps_what_was_typed(cast, client_for, changes, field, message):
    data = person_data(**changes)
    if data["date_of_birth"] == "FUTURE":
        data["date_of_birth"] = tomorrow()
    before = counts()
    response = client_for(cast.a_admin).post(url("person_add", cast.tree.a1), data)
    assert counts() == before
    page = response.content.decode()
    for key in ("full_name", "email", "phone", "qualification", "position"):
        assert f'value="{escape(data[key])}"' in page
    assert_error(response, field, message)


def test_add_refuses_nul_bytes_in_a_name(cast, client_for):
    before = counts()
    response = client_for(cast.a_admin).post(
        url("person_add", cast.tree.a1), person_data(full_name="Nguyễn\x00Lan")
    )
    assert counts() == before
    assert 'value="lan.nguyen@truong.edu.vn"' in response.content.decode()
    assert_error(response, "full_name", "Null characters are not allowed.")


def test_add_refuses_a_100000_character_name(cast, client_for):
    long_name = "Nguyễn " + "a" * 99_993
    before = counts()
    response = client_for(cast.a_admin).post(
        url("person_add", cast.tree.a1), person_data(full_name=long_name)
    )
    assert counts() == before
    assert long_name in response.content.decode()
    with translation.override("vi"):
        expected = ngettext(MAX_ONE, MAX_MANY, 150)
        expected %= {"limit_value": 150, "show_value": 100_000}
        errors = [str(error) for error in response.context["form"].errors["full_name"]]
    assert errors == [expected]
    assert expected.startswith("Giá trị này")  # Django's Vietnamese message
    assert escape(expected) in response.content.decode()


# --- A person's page, editing, the password link --------------------------------------


def test_person_page_shows_roles_and_actions_by_right(cast, client_for):
    response = client_for(cast.a_admin).get(url("person_detail", cast.a1_support))
    assert response.context["can_change"] is True
    roles = {m.role: m.can_revoke for m in response.context["memberships"]}
    assert roles == {Role.MEMBER: True, Role.SUPPORT_TEAM: True}
    page = response.content.decode()
    assert url("person_edit", cast.a1_support) in page
    assert url("person_send_reset", cast.a1_support) in page
    officer = client_for(cast.a_officer).get(url("person_detail", cast.a1_support))
    assert officer.context["can_change"] is False
    assert not any(m.can_revoke for m in officer.context["memberships"])
    assert url("person_edit", cast.a1_support) not in officer.content.decode()
    assert "role_revoke" not in officer.content.decode()


def test_nobody_can_end_their_own_admin_role(cast, client_for):
    own = Membership.objects.get(user=cast.a_admin, role=Role.UNIT_ADMIN)
    client = client_for(cast.a_admin)
    response = client.get(url("person_detail", cast.a_admin))
    assert [m.can_revoke for m in response.context["memberships"]] == [False]
    assert url("role_revoke", own) not in response.content.decode()
    assert client.post(url("role_revoke", own)).status_code == 403
    assert Membership.objects.get(pk=own.pk).is_active
    # Someone above may end it.
    page = client_for(cast.province_admin).get(url("person_detail", cast.a_admin))
    assert url("role_revoke", own) in page.content.decode()
    # Not even a system administrator ends their own.
    own = grant(cast.superuser, cast.tree.province, Role.UNIT_ADMIN)
    assert client_for(cast.superuser).post(url("role_revoke", own)).status_code == 403
    assert Membership.objects.get(pk=own.pk).is_active


def test_edit_a_person(cast, client_for):
    person = cast.a1_member
    data = {
        "full_name": "Hoàng Văn Nam",
        "email": "nam.hoang@truong.edu.vn",
        "phone": "+84 912 000 111",
        "date_of_birth": "01/05/1990",
        "qualification": "Thạc sĩ",
        "is_active": "",
    }
    response = client_for(cast.a_admin).post(url("person_edit", person), data)
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", person)
    person.refresh_from_db()
    assert (person.full_name, person.email, person.is_active) == (
        "Hoàng Văn Nam",
        "nam.hoang@truong.edu.vn",
        False,
    )
    assert "hoang van nam" in person.search_text


@pytest.mark.parametrize(
    ("whose", "changes", "field", "message"),
    [
        ("a1_member", {"email": "B1_MEMBER@example.VN"}, "email", EMAIL_USED),
        ("a1_member", {"date_of_birth": "FUTURE"}, "date_of_birth", FUTURE),
        ("a_admin", {"is_active": ""}, "is_active", SELF_OFF),
    ],
    ids=["email-used", "future-birth", "self-deactivation"],
)
def test_edit_bad_input(cast, client_for, whose, changes, field, message):
    person = getattr(cast, whose)
    data = {
        "full_name": "Hoàng Văn Nam",
        "email": person.email,
        "phone": "0912000111",
        "date_of_birth": "",
        "qualification": "Thạc sĩ",
        "is_active": "on",
        **changes,
    }
    if data["date_of_birth"] == "FUTURE":
        data["date_of_birth"] = tomorrow()
    response = client_for(cast.a_admin).post(url("person_edit", person), data)
    fresh = User.objects.get(pk=person.pk)
    assert (fresh.full_name, fresh.email, fresh.is_active) == (
        person.full_name,
        person.email,
        True,
    )
    page = response.content.decode()
    for key in ("full_name", "email", "phone", "qualification"):
        assert f'value="{escape(data[key])}"' in page
    assert_error(response, field, message)


def test_a_unit_admin_cannot_take_over_an_account_above_them(cast, client_for):
    """a_admin must not change the email of an administrator of the province or of a
    system administrator (and then send the password link to that address)."""
    home = Membership.objects.get(user=cast.province_admin, role=Role.MEMBER)
    services.role_revoke(membership=home, actor=None)
    grant(cast.province_admin, cast.tree.a1, Role.MEMBER)  # a teacher at school a1
    client = client_for(cast.a_admin)
    response = client.post(
        url("role_grant", cast.tree.a1), {"person": "superuser", "role": Role.MEMBER}
    )
    assert response.status_code == 302
    for person in (cast.province_admin, cast.superuser):
        data = {"full_name": "X", "email": "ke.gian@example.vn", "is_active": "on"}
        response = client.post(url("person_edit", person), data)
        assert response.status_code == 403
        assert User.objects.get(pk=person.pk).email == person.email
        assert client.post(url("person_send_reset", person)).status_code == 403
    assert mail.outbox == []


def test_send_the_password_link(cast, client_for):
    person = cast.a1_member
    response = client_for(cast.a_admin).post(url("person_send_reset", person))
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", person)
    (message,) = mail.outbox
    assert message.to == [person.email]
    # The token holds the time in seconds: read it back from the mail
    # instead of making a new one a second later.
    match = re.search(r"/accounts/reset/([^/\s]+)/([^/\s]+)/", message.body)
    assert match, message.body
    assert urlsafe_base64_decode(match[1]).decode() == str(person.pk)
    assert default_token_generator.check_token(person, match[2])


def test_a_person_just_added_gets_the_link_to_set_a_password(cast, client_for):
    client = client_for(cast.a_admin)
    client.post(url("person_add", cast.tree.a1), person_data())
    person = User.objects.get(email="lan.nguyen@truong.edu.vn")
    assert not person.has_usable_password()
    client.post(url("person_send_reset", person))
    assert [message.to for message in mail.outbox] == [["lan.nguyen@truong.edu.vn"]]


@pytest.mark.parametrize("change", [{"email": ""}, {"is_active": False}])
def test_no_link_without_an_email_or_for_a_closed_account(cast, client_for, change):
    User.objects.filter(pk=cast.a1_member.pk).update(**change)
    response = client_for(cast.a_admin).post(url("person_send_reset", cast.a1_member))
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(("who", "status"), [("a_officer", 403), ("b_admin", 404)])
def test_password_link_refused(cast, client_for, who, status):
    response = client_for(getattr(cast, who)).post(
        url("person_send_reset", cast.a1_member)
    )
    assert response.status_code == status
    assert mail.outbox == []


# --- Grant and end roles --------------------------------------------------------------


def test_grant_a_role(cast, client_for):
    response = client_for(cast.a_admin).post(
        url("role_grant", cast.tree.a),
        {
            "person": "B1_Member@example.vn",
            "role": Role.OFFICER,
            "position": "Phó Chủ tịch",
            "full_time": "1",
            "started_on": "01/01/2025",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("people", cast.tree.a)
    membership = Membership.objects.active().get(user=cast.b1_member, unit=cast.tree.a)
    assert (membership.role, membership.position, membership.full_time) == (
        Role.OFFICER,
        "Phó Chủ tịch",
        True,
    )
    assert (membership.started_on, membership.granted_by) == (
        datetime.date(2025, 1, 1),
        cast.a_admin,
    )


@pytest.mark.parametrize(
    ("person", "role", "field", "message"),
    [
        ("khong.co.ai", Role.OFFICER, "person", NO_PERSON),
        ("b1_member", Role.MEMBER, "role", MEMBER_ELSEWHERE),
        ("a1_support", Role.SUPPORT_TEAM, "role", HOLDS),
    ],
    ids=["unknown", "member-elsewhere", "already-holds"],
)
def test_grant_bad_input(cast, client_for, person, role, field, message):
    before = counts()
    data = {"person": person, "role": role, "position": "Ủy viên", "started_on": ""}
    response = client_for(cast.a_admin).post(url("role_grant", cast.tree.a1), data)
    assert counts() == before
    page = response.content.decode()
    assert f'value="{person}"' in page
    assert 'value="Ủy viên"' in page
    assert_error(response, field, message)


def test_grant_from_a_future_date_is_refused(cast, client_for):
    before = counts()
    data = {"person": "b1_member", "role": Role.OFFICER, "started_on": tomorrow()}
    response = client_for(cast.a_admin).post(url("role_grant", cast.tree.a), data)
    assert counts() == before
    assert f'value="{tomorrow()}"' in response.content.decode()
    assert_error(response, "started_on", FUTURE)


def test_end_a_role(cast, client_for):
    membership = Membership.objects.get(user=cast.a1_support, role=Role.SUPPORT_TEAM)
    response = client_for(cast.a_admin).post(url("role_revoke", membership))
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", cast.a1_support)
    membership.refresh_from_db()
    assert (membership.ended_on, membership.ended_by) == (
        timezone.localdate(),
        cast.a_admin,
    )
    assert Membership.objects.active().filter(user=cast.a1_support).count() == 1


def test_ending_a_persons_last_role_leads_to_a_page_that_exists(cast, client_for):
    membership = Membership.objects.get(user=cast.a1_member)
    response = client_for(cast.a_admin).post(
        url("role_revoke", membership), follow=True
    )
    assert not Membership.objects.get(pk=membership.pk).is_active
    assert response.status_code == 200


@pytest.mark.parametrize(("who", "status"), [("a_officer", 403), ("b_admin", 404)])
def test_end_a_role_refused(cast, client_for, who, status):
    membership = Membership.objects.get(user=cast.a1_support, role=Role.SUPPORT_TEAM)
    response = client_for(getattr(cast, who)).post(url("role_revoke", membership))
    assert response.status_code == status
    assert Membership.objects.get(pk=membership.pk).is_active


# --- Home -----------------------------------------------------------------------------


def test_home_for_anonymous_is_the_public_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "home_public.html"
    assert client.post(reverse("home")).status_code == 405


def test_home_lists_the_users_active_roles(cast, client_for):
    services.role_revoke(
        membership=Membership.objects.get(user=cast.a1_support, role=Role.MEMBER),
        actor=None,
    )
    response = client_for(cast.a1_support).get(reverse("home"))
    assert response.status_code == 200
    assert [(m.unit, m.role) for m in response.context["roles"]] == [
        (cast.tree.a1, Role.SUPPORT_TEAM)
    ]
    assert url("detail", cast.tree.a1) in response.content.decode()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (
            "outsider",
            "You do not hold a role in any union unit yet. Ask the administrator "
            "of your union to add you.",
        ),
        ("superuser", "You are a system administrator."),
    ],
)
def test_home_without_roles(cast, client_for, who, message):
    response = client_for(getattr(cast, who)).get(reverse("home"))
    assert list(response.context["roles"]) == []
    assert escape(vi(message)) in response.content.decode()
    assert vi(message) != message
