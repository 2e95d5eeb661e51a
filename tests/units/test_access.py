"""The access policy over a tree, by role and by position in the tree."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tests.factories import grant
from units import access, services
from units.models import EmulationBlock, Membership, Role, Unit, User

UNITS = ["national", "province", "department", "a", "a1", "a2", "b", "b1", "p1"]
UNDER_PROVINCE = set(UNITS) - {"national"}

# Which units each person of the cast can see: their units and everything below.
VISIBLE = {
    "superuser": set(UNITS),
    "province_admin": UNDER_PROVINCE,
    "province_staff": UNDER_PROVINCE,
    "a_admin": {"a", "a1", "a2"},
    "a_staff": {"a", "a1", "a2"},
    "a_officer": {"a", "a1", "a2"},
    "a1_member": {"a1"},
    "a1_support": {"a1"},
    "b_admin": {"b", "b1"},
    "b1_member": {"b1"},
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visible_units_are_the_subtrees_of_held_roles(cast, who):
    user = getattr(cast, who)
    visible = set(access.visible(user, Unit).values_list("code", flat=True))
    expected = {getattr(cast.tree, name).code for name in VISIBLE[who]}
    assert visible == expected


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("where", UNITS)
def test_list_and_detail_agree(cast, who, where):
    """A unit is in the user's list exactly when its detail fetch succeeds."""
    user = getattr(cast, who)
    unit = getattr(cast.tree, where)
    in_list = access.visible(user, Unit).filter(pk=unit.pk).exists()
    try:
        access.get_for_user(user, Unit, "view", pk=unit.pk)
        fetched = True
    except Http404:
        fetched = False
    assert in_list is fetched is (where in VISIBLE[who])


# (person, unit, action) -> allowed; every combination not listed is refused.
ALLOWED = {
    "view_people": [
        ("province_admin", UNDER_PROVINCE),
        ("province_staff", UNDER_PROVINCE),
        ("a_admin", {"a", "a1", "a2"}),
        ("a_staff", {"a", "a1", "a2"}),
        ("a_officer", {"a", "a1", "a2"}),
        ("b_admin", {"b", "b1"}),
    ],
    "change": [
        ("province_admin", UNDER_PROVINCE),
        ("a_admin", {"a", "a1", "a2"}),
        ("b_admin", {"b", "b1"}),
    ],
    # Restructuring needs an administrator strictly above the unit.
    "restructure": [
        ("province_admin", UNDER_PROVINCE - {"province"}),
        ("a_admin", {"a1", "a2"}),
        ("b_admin", {"b1"}),
    ],
    # Grassroots unions take no sub-units.
    "add_child": [
        ("province_admin", {"province", "a", "b"}),
        ("a_admin", {"a"}),
        ("b_admin", {"b"}),
    ],
    "manage_blocks": [
        ("province_admin", UNDER_PROVINCE),
        ("province_staff", UNDER_PROVINCE),
        ("a_admin", {"a", "a1", "a2"}),
        ("a_staff", {"a", "a1", "a2"}),
        ("b_admin", {"b", "b1"}),
    ],
}
PEOPLE = [who for who in VISIBLE if who != "superuser"]


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", PEOPLE)
def test_unit_rules_by_role_and_position(cast, action, who):
    user = getattr(cast, who)
    expected = set()
    for holder, names in ALLOWED[action]:
        if holder == who:
            expected |= names
    allowed = {
        name for name in UNITS if access.can(user, action, getattr(cast.tree, name))
    }
    assert allowed == expected


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_superuser_may_do_everything_on_active_units(cast, action):
    province = cast.tree.province
    assert access.can(cast.superuser, action, province)


def test_visible_but_not_allowed_is_403(cast):
    with pytest.raises(PermissionDenied):
        access.get_for_user(cast.a1_member, Unit, "change", pk=cast.tree.a1.pk)


def test_out_of_scope_is_404_even_for_a_missing_right(cast):
    with pytest.raises(Http404):
        access.get_for_user(cast.b_admin, Unit, "change", pk=cast.tree.a1.pk)


def test_garbage_lookup_is_404(cast):
    with pytest.raises(Http404):
        access.get_for_user(cast.province_admin, Unit, "view", pk="not-a-number")


def test_dissolved_unit_can_be_seen_but_not_changed(cast):
    services.role_revoke(
        membership=Membership.objects.get(user=cast.a1_member), actor=None
    )
    services.unit_dissolve(
        unit=cast.tree.a2, effective_on=timezone.localdate(), actor=None
    )
    a2 = Unit.objects.get(pk=cast.tree.a2.pk)
    assert access.can(cast.a_admin, "view", a2)
    for action in ("change", "add_child", "manage_people", "import", "restructure"):
        assert not access.can(cast.a_admin, action, a2)
        assert not access.can(cast.superuser, action, a2)


def test_ended_role_no_longer_gives_access(cast):
    membership = Membership.objects.get(user=cast.a_admin, role=Role.UNIT_ADMIN)
    services.role_revoke(membership=membership, actor=cast.province_admin)
    user = User.objects.get(pk=cast.a_admin.pk)  # a new request loads roles again
    assert not access.visible(user, Unit).exists()


def test_inactive_account_sees_nothing(cast):
    cast.province_admin.is_active = False
    assert not access.visible(cast.province_admin, Unit).exists()
    assert not access.can(cast.province_admin, "change", cast.tree.a)


def test_anonymous_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.visible(anonymous, Unit).exists()
    assert not access.visible(anonymous, User).exists()
    assert not access.can(anonymous, "view", cast.tree.province)


def test_grants_are_loaded_once_per_user_object(cast, django_assert_num_queries):
    user = User.objects.get(pk=cast.province_admin.pk)
    with django_assert_num_queries(1):
        for name in UNITS:
            access.can(user, "change", getattr(cast.tree, name))
            access.can(user, "view_people", getattr(cast.tree, name))


# --- People -----------------------------------------------------------------------


def test_people_are_visible_within_the_viewers_units(cast):
    seen = set(access.visible(cast.a_admin, User).values_list("username", flat=True))
    assert {"a_admin", "a_staff", "a_officer", "a1_member", "a1_support"} <= seen
    assert "b1_member" not in seen
    assert "outsider" not in seen


def test_a_member_sees_fellow_members_but_not_their_details(cast):
    fellow = grant(
        User.objects.create(username="fellow", full_name="Hà Thị Thu"),
        cast.tree.a1,
        Role.MEMBER,
    ).user
    assert access.visible(cast.a1_member, User).filter(pk=fellow.pk).exists()
    with pytest.raises(PermissionDenied):
        access.get_for_user(cast.a1_member, User, "view", pk=fellow.pk)


def test_everyone_may_see_themselves(cast):
    assert access.get_for_user(cast.outsider, User, "view", pk=cast.outsider.pk)


def test_person_change_needs_an_admin_over_one_of_their_units(cast):
    assert access.can(cast.a_admin, "change", cast.a1_member)
    assert access.can(cast.province_admin, "change", cast.a1_member)
    assert not access.can(cast.a_officer, "change", cast.a1_member)
    with pytest.raises(Http404):
        access.get_for_user(cast.b_admin, User, "change", pk=cast.a1_member.pk)


def test_nobody_revokes_their_own_admin_role(cast):
    own = Membership.objects.get(user=cast.a_admin, role=Role.UNIT_ADMIN)
    assert not access.can(cast.a_admin, "revoke", own)
    assert access.can(cast.province_admin, "revoke", own)
    member = Membership.objects.get(user=cast.a1_member)
    assert access.can(cast.a_admin, "revoke", member)
    assert not access.can(cast.a_officer, "revoke", member)


# --- Emulation blocks --------------------------------------------------------------


def test_block_visible_to_organiser_scope_and_member_units(cast):
    block = services.block_create(
        organizer=cast.tree.province, year=2026, name="Khối ngành", actor=None
    )
    services.block_member_set(block=block, unit=cast.tree.a, role="head", actor=None)
    assert (
        access.visible(cast.province_staff, EmulationBlock).filter(pk=block.pk).exists()
    )
    # Units in the block see it through their member unit …
    assert access.visible(cast.a_staff, EmulationBlock).filter(pk=block.pk).exists()
    # … but cannot change it; the organiser's staff can.
    assert not access.can(cast.a_staff, "change", block)
    assert access.can(cast.province_staff, "change", block)
    # A unit outside the block does not see it.
    assert not access.visible(cast.b_admin, EmulationBlock).filter(pk=block.pk).exists()


def test_every_model_with_pages_has_a_policy():
    from units.models import ImportBatch

    for model in (Unit, User, Membership, EmulationBlock, ImportBatch):
        assert access.policy_for(model) is not None
    with pytest.raises(LookupError):
        access.policy_for(Role)
