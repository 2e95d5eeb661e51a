"""The demo data: realistic, complete for every role, and idempotent."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from sampledata.demo import people
from sampledata.demo.units import build_demo
from units.models import EmulationBlock, Membership, Role, Unit, UnitEvent, User

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("units").get_models()
    }


def test_seed_demo_twice_changes_nothing():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    paths = sorted(Unit.objects.values_list("code", "path", "dissolved_on"))
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert sorted(Unit.objects.values_list("code", "path", "dissolved_on")) == paths
    text = out.getvalue()
    assert people.DEMO_PASSWORD in text
    for account in people.ACCOUNTS:
        assert account.username in text
    # Everyone on a demo council signs in with the same password and is listed.
    from initiatives.models import CouncilMember

    seated = User.objects.filter(pk__in=CouncilMember.objects.values("user")).distinct()
    assert seated.filter(username__startswith="dv.").count() >= 7
    for person in seated:
        assert person.check_password(people.DEMO_PASSWORD), person.username
        assert person.username in text

    # Each app's part is built after the apps it uses, then the accounts listed.
    lines = text.splitlines()
    parts = [line for line in lines if line.startswith("Demo data, ")]
    assert [line.split(":")[0] for line in parts] == [
        "Demo data, units",
        "Demo data, initiatives",
        "Demo data, goldbook",
        "Demo data, awards",
    ]
    # Each part found what it builds on: none of them came out empty.
    assert all(not line.endswith(": nothing created.") for line in parts)
    assert "Demo data, goldbook: 8 gold book entries created." in parts
    heading = f"Demo accounts (password for all: {people.DEMO_PASSWORD}):"
    assert lines.index(heading) > lines.index(parts[-1])
    for account in people.ACCOUNTS:
        assert any(line.split()[:1] == [account.username] for line in lines)


def test_demo_tree_keeps_the_2025_reform_in_history():
    build_demo()
    district = Unit.objects.get(code="CB-HA")
    assert district.dissolved_on == datetime.date(2025, 7, 1)
    assert district.successor.code == "CB-X-HA"
    assert district.name_in_year(2019) == "Liên đoàn Lao động huyện Hòa An"
    moved = Unit.objects.get(code="CB-HA-KK")
    assert Unit.objects.get_parent(moved).code == "CB-X-HA"
    assert moved.events.filter(kind=UnitEvent.Kind.MOVED).exists()
    renamed = Unit.objects.get(code="CB-XD")
    assert renamed.name_in_year(2024).startswith("Công đoàn ngành Giao thông vận tải")
    assert renamed.name_in_year(2025).startswith("Công đoàn ngành Xây dựng")
    # A grassroots union directly under the province.
    assert Unit.objects.get_parent(Unit.objects.get(code="CB-CQ")).code == "CB"
    # Nobody keeps a role on a dissolved unit.
    assert (
        not Membership.objects.active()
        .filter(unit__dissolved_on__isnull=False)
        .exists()
    )
    # The tree is consistent for the tree library.
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_demo_accounts_cover_every_role_and_sign_in():
    build_demo()
    held = set(
        Membership.objects.active()
        .filter(user__username__in=[a.username for a in people.ACCOUNTS])
        .values_list("role", flat=True)
    )
    assert held == set(Role.values)
    for account in people.ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(people.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert EmulationBlock.objects.filter(year=2026).count() == 2
