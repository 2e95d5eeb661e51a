"""The services that change the tree, people and roles, and the history they keep."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from core.text import fold
from tests.factories import grant, make_unit
from units import services
from units.models import (
    EmulationBlockMember,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitName,
    User,
)

TODAY = timezone.localdate
D = datetime.date


def fresh(unit):
    return Unit.objects.get(pk=unit.pk)


def test_create_places_unit_and_opens_name_history(tree):
    unit = make_unit(
        tree.a, Unit.Kind.GRASSROOTS, "CB-A3", established_on=D(2020, 5, 1)
    )
    assert Unit.objects.get_parent(unit).pk == tree.a.pk
    assert unit.place_name == "Cao Bằng"  # taken from the unit above
    name = UnitName.objects.get(unit=unit)
    assert (name.valid_from, name.valid_until) == (D(2020, 5, 1), None)
    event = unit.events.get()
    assert (event.kind, event.effective_on) == (UnitEvent.Kind.CREATED, D(2020, 5, 1))


@pytest.mark.parametrize(
    ("parent", "kind"),
    [
        ("a1", Unit.Kind.GRASSROOTS),  # nothing under a grassroots union
        ("department", Unit.Kind.GRASSROOTS),  # nothing under a department
        ("a", Unit.Kind.DEPARTMENT),  # departments belong to the province
        ("a", Unit.Kind.PROVINCE),
        (None, Unit.Kind.GRASSROOTS),  # only national or provincial roots
    ],
)
def test_create_refuses_a_kind_under_the_wrong_parent(tree, parent, kind):
    with pytest.raises(ValidationError) as error:
        make_unit(getattr(tree, parent) if parent else None, kind, "X-1")
    assert "parent" in error.value.message_dict
    assert not Unit.objects.filter(code="X-1").exists()


def test_grassroots_may_hang_directly_under_the_province(tree):
    unit = make_unit(tree.province, Unit.Kind.GRASSROOTS, "CB-P2")
    assert Unit.objects.get_parent(unit).pk == tree.province.pk


def test_create_refuses_duplicate_code_case_insensitively(tree):
    with pytest.raises(ValidationError) as error:
        make_unit(tree.a, Unit.Kind.GRASSROOTS, "cb-a1")
    assert "code" in error.value.message_dict


def test_create_refuses_future_founding_date(tree):
    with pytest.raises(ValidationError) as error:
        make_unit(
            tree.a,
            Unit.Kind.GRASSROOTS,
            "CB-A9",
            established_on=TODAY() + datetime.timedelta(days=1),
        )
    assert "established_on" in error.value.message_dict


def test_names_are_stored_composed_and_folded_for_search(tree):
    nfd = unicodedata.normalize("NFD", "Công đoàn Trường Tiểu học Hòa Chung")
    unit = make_unit(tree.a, Unit.Kind.GRASSROOTS, "CB-A5", nfd)
    assert unit.name == unicodedata.normalize("NFC", nfd)
    assert fresh(unit).name == unit.name
    assert "cong doan truong tieu hoc hoa chung" in unit.search_text
    assert fold("Đổi mới") == "doi moi"


def test_rename_keeps_the_old_name_for_earlier_dates(tree):
    unit = tree.b
    services.unit_rename(
        unit=unit,
        name="Công đoàn ngành Y tế và Dân số",
        short_name="CĐN Y tế",
        abbreviation="CĐN",
        effective_on=D(2025, 3, 1),
        actor=None,
        note="Quyết định số 12",
    )
    unit = fresh(unit)
    assert unit.name == "Công đoàn ngành Y tế và Dân số"
    assert unit.name_on(D(2019, 6, 1)) == "Công đoàn ngành Y tế"
    assert unit.name_on(D(2025, 2, 28)) == "Công đoàn ngành Y tế"
    assert unit.name_on(D(2025, 3, 1)) == "Công đoàn ngành Y tế và Dân số"
    assert unit.name_in_year(2019) == "Công đoàn ngành Y tế"
    assert unit.name_in_year(2025) == "Công đoàn ngành Y tế và Dân số"
    event = unit.events.get(kind=UnitEvent.Kind.RENAMED)
    assert event.data == {"old": "Công đoàn ngành Y tế", "new": unit.name}
    assert event.note == "Quyết định số 12"


def test_rename_refuses_same_name_future_date_and_date_before_current_name(tree):
    unit = tree.b
    with pytest.raises(ValidationError):
        services.unit_rename(
            unit=unit,
            name=unit.name,
            short_name=unit.short_name,
            abbreviation=unit.abbreviation,
            effective_on=TODAY(),
            actor=None,
        )
    with pytest.raises(ValidationError):
        services.unit_rename(
            unit=unit,
            name="Tên mới",
            short_name="",
            abbreviation="",
            effective_on=TODAY() + datetime.timedelta(days=3),
            actor=None,
        )
    services.unit_rename(
        unit=unit,
        name="Tên 2024",
        short_name="",
        abbreviation="",
        effective_on=D(2024, 1, 1),
        actor=None,
    )
    with pytest.raises(ValidationError) as error:
        services.unit_rename(
            unit=fresh(unit),
            name="Tên 2023",
            short_name="",
            abbreviation="",
            effective_on=D(2023, 1, 1),
            actor=None,
        )
    assert "effective_on" in error.value.message_dict
    assert UnitName.objects.filter(unit=unit).count() == 2


def test_move_takes_the_subtree_along_and_records_it(tree):
    services.unit_move(unit=tree.a, new_parent=tree.b, effective_on=TODAY(), actor=None)
    a, a1 = fresh(tree.a), fresh(tree.a1)
    assert a1.path.startswith(fresh(tree.b).path)
    assert Unit.objects.get_parent(a).pk == tree.b.pk
    event = a.events.get(kind=UnitEvent.Kind.MOVED)
    assert event.data == {"old_parent": tree.province.name, "new_parent": tree.b.name}


@pytest.mark.parametrize(
    ("unit", "target", "field"),
    [
        ("a", "a1", "new_parent"),  # under its own sub-unit
        ("a", "province", "new_parent"),  # already there
        ("a1", "department", "new_parent"),  # wrong kind of parent
    ],
)
def test_move_refusals(tree, unit, target, field):
    before = fresh(getattr(tree, unit)).path
    with pytest.raises(ValidationError) as error:
        services.unit_move(
            unit=getattr(tree, unit),
            new_parent=getattr(tree, target),
            effective_on=TODAY(),
            actor=None,
        )
    assert field in error.value.message_dict
    assert fresh(getattr(tree, unit)).path == before


def test_merge_moves_children_and_members_and_closes_the_unit(cast):
    tree = cast.tree
    c = make_unit(tree.province, Unit.Kind.UPPER, "CB-C", "Công đoàn xã Hòa An")
    services.unit_merge(
        unit=tree.a, successor=c, effective_on=D(2025, 7, 1), actor=None
    )
    a = fresh(tree.a)
    assert a.dissolved_on == D(2025, 7, 1)
    assert a.successor_id == c.pk
    assert a.name_on(D(2025, 6, 30)) == "Công đoàn ngành Giáo dục"
    for child in (tree.a1, tree.a2):
        assert Unit.objects.get_parent(fresh(child)).pk == c.pk
    # The officer's and admin's roles on A end; nobody keeps a role on a closed unit.
    assert not Membership.objects.active().filter(unit=a).exists()
    assert Membership.objects.get(user=cast.a_admin).ended_on is not None
    assert c.events.filter(kind=UnitEvent.Kind.ABSORBED).exists()
    assert a.events.get(kind=UnitEvent.Kind.MERGED).data["children"] == 2


def test_merge_transfers_union_members(tree):
    member = grant(User.objects.create(username="dv1", full_name="Lê Văn An"), tree.a1)
    services.unit_merge(
        unit=tree.a1, successor=tree.a2, effective_on=TODAY(), actor=None
    )
    active = Membership.objects.active().get(user=member.user)
    assert active.unit_id == tree.a2.pk
    assert active.role == Role.MEMBER


def test_merge_refuses_a_successor_that_cannot_take_the_children(tree):
    with pytest.raises(ValidationError) as error:
        services.unit_merge(
            unit=tree.a, successor=tree.p1, effective_on=TODAY(), actor=None
        )
    assert "successor" in error.value.message_dict
    assert fresh(tree.a).dissolved_on is None
    assert Unit.objects.get_parent(fresh(tree.a1)).pk == tree.a.pk


def test_dissolve_requires_no_active_children_then_ends_roles(cast):
    tree = cast.tree
    with pytest.raises(ValidationError):
        services.unit_dissolve(unit=tree.a, effective_on=TODAY(), actor=None)
    assert fresh(tree.a).dissolved_on is None
    services.unit_dissolve(unit=tree.a1, effective_on=TODAY(), actor=cast.a_admin)
    a1 = fresh(tree.a1)
    assert a1.is_dissolved()
    assert not Membership.objects.active().filter(unit=a1).exists()
    event = a1.events.get(kind=UnitEvent.Kind.DISSOLVED)
    assert event.actor == cast.a_admin
    assert event.data["roles_ended"] == 3  # a1_member, a1_support (member + support)
    with pytest.raises(ValidationError):
        services.unit_dissolve(unit=a1, effective_on=TODAY(), actor=None)


def test_dissolved_unit_takes_no_children_people_or_roles(cast):
    tree = cast.tree
    services.unit_dissolve(unit=tree.a2, effective_on=TODAY(), actor=None)
    a2 = fresh(tree.a2)
    with pytest.raises(ValidationError):
        services.person_create(unit=a2, full_name="Trần Thị B", actor=None)
    with pytest.raises(ValidationError):
        services.role_grant(unit=a2, person=cast.outsider, role=Role.MEMBER, actor=None)


def test_units_are_protected_from_deletion_while_referred_to(cast):
    with pytest.raises(ProtectedError):
        fresh(cast.tree.a1).delete()
    assert Unit.objects.filter(pk=cast.tree.a1.pk).exists()


def test_person_create_makes_a_user_name_and_a_member_role(tree):
    person = services.person_create(
        unit=tree.a1, full_name="Nguyễn Văn Đức", email="duc@example.vn", actor=None
    )
    assert person.username == "nguyen.van.duc"
    assert not person.has_usable_password()
    assert Membership.objects.active().get(user=person).unit_id == tree.a1.pk
    again = services.person_create(unit=tree.a2, full_name="Nguyễn Văn Đức", actor=None)
    assert again.username == "nguyen.van.duc2"


def test_person_create_refuses_taken_email_any_case(tree):
    services.person_create(
        unit=tree.a1, full_name="A", email="mai@example.vn", actor=None
    )
    with pytest.raises(ValidationError) as error:
        services.person_create(
            unit=tree.a1, full_name="B", email="MAI@Example.vn", actor=None
        )
    assert "email" in error.value.message_dict
    assert User.objects.filter(full_name="B").count() == 0


def test_email_uniqueness_is_enforced_by_the_database(tree):
    User.objects.create(username="x1", full_name="X", email="same@example.vn")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x2", full_name="Y", email="SAME@example.vn")
    # Blank emails are not unique.
    User.objects.create(username="x3", full_name="Z", email="")
    User.objects.create(username="x4", full_name="W", email="")


def test_full_time_only_for_officers(tree):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            unit=tree.a1, full_name="C", role=Role.MEMBER, full_time=True, actor=None
        )
    assert "full_time" in error.value.message_dict


def test_role_grant_refuses_duplicates_and_a_second_union(cast):
    tree = cast.tree
    with pytest.raises(ValidationError):
        services.role_grant(
            unit=tree.a, person=cast.a_admin, role=Role.UNIT_ADMIN, actor=None
        )
    with pytest.raises(ValidationError) as error:
        services.role_grant(
            unit=tree.a2, person=cast.a1_member, role=Role.MEMBER, actor=None
        )
    assert "role" in error.value.message_dict


def test_one_active_union_membership_is_enforced_by_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=cast.a1_member, unit=cast.tree.a2, role=Role.MEMBER
        )


def test_revoke_keeps_the_record_and_allows_a_new_grant(cast):
    membership = Membership.objects.get(user=cast.a1_member)
    services.role_revoke(membership=membership, actor=cast.a_admin)
    membership.refresh_from_db()
    assert (membership.ended_on, membership.ended_by) == (TODAY(), cast.a_admin)
    with pytest.raises(ValidationError):
        services.role_revoke(membership=membership, actor=cast.a_admin)
    services.role_grant(
        unit=cast.tree.a2, person=cast.a1_member, role=Role.MEMBER, actor=None
    )
    assert Membership.objects.filter(user=cast.a1_member).count() == 2


def test_person_update_refuses_to_deactivate_oneself(cast):
    with pytest.raises(ValidationError):
        services.person_update(person=cast.a_admin, actor=cast.a_admin, is_active=False)
    services.person_update(person=cast.a1_member, actor=cast.a_admin, is_active=False)
    assert not User.objects.get(pk=cast.a1_member.pk).is_active


def test_blocks_one_head_one_block_per_year_and_copy(tree):
    block = services.block_create(
        organizer=tree.province, year=2025, name="Khối ngành", actor=None
    )
    services.block_member_set(block=block, unit=tree.a, role="head", actor=None)
    services.block_member_set(block=block, unit=tree.b, role="deputy", actor=None)
    with pytest.raises(ValidationError):
        services.block_member_set(block=block, unit=tree.b, role="head", actor=None)
    other = services.block_create(
        organizer=tree.province, year=2025, name="Khối khác", actor=None
    )
    with pytest.raises(ValidationError):
        services.block_member_set(block=other, unit=tree.a, role="member", actor=None)
    with pytest.raises(ValidationError):  # the organiser itself is not a member
        services.block_member_set(
            block=other, unit=tree.province, role="member", actor=None
        )
    with pytest.raises(ValidationError):  # same name, same year
        services.block_create(
            organizer=tree.province, year=2025, name="Khối ngành", actor=None
        )
    services.unit_dissolve(unit=tree.b1, effective_on=TODAY(), actor=None)
    copy = services.block_copy(block=block, year=2026, actor=None)
    assert copy.year == 2026
    assert set(copy.members.values_list("unit__code", "role")) == {
        ("CB-A", "head"),
        ("CB-B", "deputy"),
    }
    assert EmulationBlockMember.objects.filter(block=block).count() == 2


def test_block_member_units_must_be_active(tree):
    block = services.block_create(
        organizer=tree.a, year=2025, name="Khối trường", actor=None
    )
    services.unit_dissolve(unit=tree.a2, effective_on=TODAY(), actor=None)
    with pytest.raises(ValidationError):
        services.block_member_set(
            block=block, unit=fresh(tree.a2), role="member", actor=None
        )
