"""The questions the access policy answers beyond "may I see" and "may I do this
to that object": may I create under a unit, under which units may I act, and on
which objects."""

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from awards.models import AwardRound, MovementRecord, UnitRating
from goldbook.models import GoldBook
from initiatives.models import Council
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
