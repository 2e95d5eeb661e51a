"""The questions the access policy answers beyond "may I see" and "may I do this
to that object": may I create under a unit, under which units may I act, and on
which objects."""

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from awards.models import AwardRound, MovementRecord, UnitRating
from goldbook.models import GoldBook
from initiatives.models import Council, Idea, Initiative
from tests.factories import grant
from units import access
from units.models import Unit

pytestmark = pytest.mark.django_db

UNITS = ["national", "province", "department", "a", "a1", "a2", "b", "b1", "p1"]


def codes(units) -> set[str]:
    return {unit.code for unit in units}


def named(cast, *names) -> set[str]:
    return {getattr(cast.tree, name).code for name in names}


def test_create_under_a_unit_is_answered_by_the_models_policy(cast):
    tree = cast.tree
    # An officer of CB-A opens rounds at CB-A and below it, not at CB-B.
    assert access.can_create(cast.a_officer, AwardRound, tree.a)
    assert access.can_create(cast.a_officer, AwardRound, tree.a1)
    assert not access.can_create(cast.a_officer, AwardRound, tree.b)
    # A member holds no keeper role, even on their own union.
    assert not access.can_create(cast.a1_member, AwardRound, tree.a1)
    # A union is rated from above, never by itself.
    assert access.can_create(cast.a_staff, UnitRating, tree.a1)
    assert not access.can_create(cast.a_staff, UnitRating, tree.a)
    # The spelled-out form asks the same question.
    assert access.can(cast.a_officer, "create", AwardRound, unit=tree.a)


def test_nothing_is_created_under_a_dissolved_unit(cast):
    unit = cast.tree.a2
    unit.dissolved_on = timezone.localdate()
    unit.save(update_fields=["dissolved_on"])
    assert not access.can_create(cast.a_officer, MovementRecord, unit)
    assert not access.can_create(cast.superuser, AwardRound, unit)
    assert access.can_create(cast.a_officer, MovementRecord, cast.tree.a1)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("superuser", True),
        ("province_admin", True),
        ("a_admin", True),
        ("a_staff", False),
        ("a_officer", False),
        ("a1_member", False),
        ("outsider", False),
    ],
)
def test_reading_the_audit_log_at_all(cast, who, expected):
    assert access.can(getattr(cast, who), "view", AuditEntry) is expected


def test_a_model_level_question_names_its_unit(cast):
    assert access.can(cast.a_admin, "view", AuditEntry, unit=cast.tree.a1)
    assert not access.can(cast.a_admin, "view", AuditEntry, unit=cast.tree.b)


def test_units_under_which_one_may_act(cast):
    # The staff of CB-A keep the books of CB-A and every union below it.
    assert codes(access.units_for(cast.a_staff, "write", GoldBook)) == named(
        cast, "a", "a1", "a2"
    )
    assert codes(access.units_for(cast.a_officer, "write", GoldBook)) == set()
    assert codes(access.units_for(cast.a_admin, "create", Council)) == named(
        cast, "a", "a1", "a2"
    )
    assert codes(access.units_for(cast.a_admin, "view", AuditEntry)) == named(
        cast, "a", "a1", "a2"
    )
    assert codes(access.units_for(cast.superuser, "create", AwardRound)) == codes(
        Unit.objects.all()
    )


def test_own_units_are_those_the_role_is_held_on(cast):
    # The province's staff are also members of P1: that role writes no book.
    staff = cast.province_staff
    assert codes(access.units_for(staff, "write", GoldBook, own=True)) == named(
        cast, "province"
    )
    assert named(cast, "p1", "a1") <= codes(access.units_for(staff, "write", GoldBook))
    # A superuser holds no role of their own.
    assert not access.units_for(cast.superuser, "create", AwardRound, own=True)


def test_no_unit_is_offered_once_dissolved(cast):
    unit = cast.tree.a1
    unit.dissolved_on = timezone.localdate()
    unit.save(update_fields=["dissolved_on"])
    assert codes(access.units_for(cast.a_officer, "create", AwardRound)) == named(
        cast, "a", "a2"
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("superuser", set(UNITS)),
        ("a_officer", {"a", "a1", "a2"}),
        ("a1_support", set()),
        ("a1_member", set()),
        ("outsider", set()),
    ],
)
def test_objects_for_is_exactly_the_objects_allowed(cast, who, expected):
    user = getattr(cast, who)
    reports = access.objects_for(user, "view_report", Unit)
    assert codes(reports) == named(cast, *expected)
    # The same answer as asking about each unit the user sees.
    allowed = {
        unit.code
        for unit in access.visible(user, Unit)
        if access.can(user, "view_report", unit)
    }
    assert codes(reports) == allowed


def test_objects_for_narrows_the_queryset_given(cast):
    queryset = Unit.objects.filter(kind=Unit.Kind.GRASSROOTS)
    assert codes(access.objects_for(cast.a_officer, "view_report", queryset)) == (
        named(cast, "a1", "a2")
    )


def test_an_action_a_policy_does_not_name_is_an_error(cast):
    with pytest.raises(ValueError, match="no scope 'fly'"):
        access.objects_for(cast.superuser, "fly", Unit)
    with pytest.raises(ValueError, match="no unit rule 'fly'"):
        access.can(cast.superuser, "fly", AwardRound, unit=cast.tree.a)
    with pytest.raises(ValueError, match="no unit scope 'fly'"):
        access.units_for(cast.superuser, "fly", GoldBook)


def test_the_roles_held_are_the_active_ones(cast):
    held = access.roles_held(cast.province_admin)
    assert {(m.unit.code, m.role) for m in held} == {
        (cast.tree.province.code, "unit_admin"),
        (cast.tree.p1.code, "member"),
    }
    assert access.roles_held(cast.outsider) == []


# The menus ask model-level questions under some unit, and one site-wide one.
MENU = {
    # who: (units, blocks, awards, audit log, administration)
    "superuser": (True, True, True, True, True),
    "province_admin": (True, True, True, True, False),
    "a_staff": (True, True, True, False, False),
    "a_officer": (True, False, True, False, False),
    "a1_support": (True, False, False, False, False),
    "a1_member": (True, False, False, False, False),
    "outsider": (False, False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(MENU))
def test_the_menu_questions(cast, who):
    user = getattr(cast, who)
    asked = (
        access.can(user, "view", Unit),
        access.can(user, "manage_blocks", Unit),
        access.can(user, "view_report", Unit),
        access.can(user, "change", Unit),
        access.may(user, "administer"),
    )
    assert asked == MENU[who]


def test_a_unit_level_question_under_a_unit_is_the_rule_on_it(cast):
    tree = cast.tree
    assert access.can(cast.a_staff, "manage_blocks", Unit, unit=tree.a1)
    assert not access.can(cast.a_staff, "manage_blocks", Unit, unit=tree.b)
    assert access.can(cast.a1_member, "view", Unit, unit=tree.a1)
    assert not access.can(cast.a1_member, "view", Unit, unit=tree.a)


def test_a_site_wide_action_must_be_named(cast):
    with pytest.raises(ValueError, match="No site rule 'fly'"):
        access.may(cast.superuser, "fly")


def test_the_highest_units(cast):
    tree = cast.tree
    # The province's staff also belong to P1, below the province: one top.
    assert access.highest_units(cast.province_staff, "view", Unit) == [tree.province]
    assert access.highest_units(cast.a_officer, "view_report", Unit) == [tree.a]
    # A member keeps no movement.
    assert access.highest_units(cast.a1_member, "view_report", Unit) == []
    assert access.highest_units(cast.a1_member, "view", Unit) == [tree.a1]
    assert access.highest_units(cast.outsider, "view", Unit) == []
    assert access.highest_units(cast.superuser, "view", Unit) == [tree.national]
    assert access.highest_units(cast.superuser, "view", Unit, roots=0) == []


def test_the_highest_units_in_separate_parts_of_the_tree(cast):
    grant(cast.a_officer, cast.tree.b1, "officer")
    access.forget_grants(cast.a_officer)
    assert access.highest_units(cast.a_officer, "view_report", Unit) == [
        cast.tree.a,
        cast.tree.b1,
    ]


def test_filing_is_from_a_unit_ones_own_role_is_held_on(cast):
    tree = cast.tree
    assert access.can(cast.a1_member, "create", Initiative)
    assert access.can_create(cast.a1_member, Initiative, tree.a1)
    # Not from a unit above or beside it, nor for someone with no role.
    assert not access.can_create(cast.a1_member, Initiative, tree.a)
    assert not access.can(cast.outsider, "create", Initiative)
    assert codes(access.units_for(cast.province_admin, "create", Initiative)) == (
        named(cast, "province", "p1")
    )
    assert codes(access.units_for(cast.superuser, "create", Initiative)) == codes(
        Unit.objects.all()
    )
    assert access.can_create(cast.superuser, Initiative, tree.b1)


def test_no_filing_from_a_dissolved_unit(cast):
    unit = cast.tree.a1
    unit.dissolved_on = timezone.localdate()
    unit.save(update_fields=["dissolved_on"])
    access.forget_grants(cast.a1_member)
    assert not access.can(cast.a1_member, "create", Initiative)
    assert not access.can_create(cast.superuser, Initiative, unit)
    assert not access.units_for(cast.a1_member, "create", Initiative)


def test_the_support_team_and_its_ideas(cast):
    tree = cast.tree
    mine = Idea.objects.create(
        unit=tree.a1, author=cast.a1_member, title="Ý tưởng", description="Mô tả"
    )
    elsewhere = Idea.objects.create(
        unit=tree.b1, author=cast.b1_member, title="Khác", description="Mô tả"
    )
    assert list(access.objects_for(cast.a1_support, "support", Idea)) == [mine]
    assert access.can(cast.a1_support, "support", mine)
    assert not access.can(cast.a1_support, "support", elsewhere)
    # An officer coaches ideas too, but is not on the support team.
    assert not access.objects_for(cast.a_officer, "support", Idea).exists()
    assert codes(access.units_for(cast.a1_support, "support", Idea, own=True)) == (
        named(cast, "a1")
    )
    assert not access.units_for(cast.superuser, "support", Idea, own=True).exists()
