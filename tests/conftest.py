"""The fixed cast used across the suite: a small union tree and a person for every
role and position in it.

    TLD  national
    └─ CB  province ................ province_admin (unit admin), province_staff
       ├─ CB-BAN  department
       ├─ CB-A  upper .............. a_admin, a_staff, a_officer
       │   ├─ CB-A1  grassroots .... a1_member, a1_support
       │   └─ CB-A2  grassroots
       ├─ CB-B  upper .............. b_admin (admin of a sibling unit)
       │   └─ CB-B1  grassroots .... b1_member
       └─ CB-P1  grassroots (directly under the province)
    outsider: no role anywhere; superuser: a system administrator.
"""

from types import SimpleNamespace

import pytest

from audit.context import suspended
from tests.factories import PASSWORD, UserFactory, grant, make_unit
from units.models import Role, Unit


@pytest.fixture(scope="session")
def cast_snapshots(django_db_setup, django_db_blocker):
    """The tree, the councils and the people of the cast, each built once per
    test process through the services and kept as a snapshot (tests/snapshots.py)
    that the fixtures below copy into each test's database, for a few queries
    instead of hundreds. Built in a transaction that is rolled back."""
    from django.db import transaction

    from tests.snapshots import Snapshot

    with django_db_blocker.unblock(), transaction.atomic(), suspended():
        tree, built_tree = Snapshot.capture(_tree)
        councils, _ = Snapshot.capture(
            lambda: _councils(built_tree), context=built_tree
        )
        people, _ = Snapshot.capture(lambda: _people(built_tree))
        transaction.set_rollback(True)
    return SimpleNamespace(tree=tree, councils=councils, people=people)


def _from_snapshot(snapshot, build, context=None):
    """The snapshot's copy when the database is as it was when it was taken,
    else what ``build`` makes afresh."""
    with suspended():
        if snapshot.matches():
            return SimpleNamespace(**snapshot.restore(context))
        return build()


@pytest.fixture
def tree(db, cast_snapshots):
    # Test data is set up without audit entries, as the demo data would be
    # loaded; the tests of the audit log write their own.
    return _from_snapshot(cast_snapshots.tree, _tree)


def _tree():
    national = make_unit(
        None, Unit.Kind.NATIONAL, "TLD", "Tổng Liên đoàn Lao động Việt Nam"
    )
    province = make_unit(
        national,
        Unit.Kind.PROVINCE,
        "CB",
        "Liên đoàn Lao động tỉnh Cao Bằng",
        abbreviation="LĐLĐ",
        place_name="Cao Bằng",
    )
    department = make_unit(province, Unit.Kind.DEPARTMENT, "CB-BAN", "Ban Tổ chức")
    a = make_unit(province, Unit.Kind.UPPER, "CB-A", "Công đoàn ngành Giáo dục")
    a1 = make_unit(a, Unit.Kind.GRASSROOTS, "CB-A1", "Công đoàn Trường THPT Chuyên")
    a2 = make_unit(a, Unit.Kind.GRASSROOTS, "CB-A2", "Công đoàn Trường Tiểu học")
    b = make_unit(province, Unit.Kind.UPPER, "CB-B", "Công đoàn ngành Y tế")
    b1 = make_unit(b, Unit.Kind.GRASSROOTS, "CB-B1", "Công đoàn Bệnh viện Đa khoa")
    p1 = make_unit(
        province, Unit.Kind.GRASSROOTS, "CB-P1", "Công đoàn Cơ quan LĐLĐ tỉnh"
    )
    return SimpleNamespace(
        national=national,
        province=province,
        department=department,
        a=a,
        a1=a1,
        a2=a2,
        b=b,
        b1=b1,
        p1=p1,
    )


@pytest.fixture
def councils(tree, cast_snapshots):
    """An initiative council for this year at every unit that recognises
    initiatives (members are added by the tests that need them)."""
    return _from_snapshot(
        cast_snapshots.councils, lambda: _councils(tree), context=tree
    )


def _councils(tree):
    from django.utils import timezone

    from initiatives.services import councils as council_services

    year = timezone.localdate().year
    return SimpleNamespace(
        **{
            name: council_services.council_create(
                unit=getattr(tree, name), year=year, actor=None
            )
            for name in ("province", "a", "a1", "a2", "b", "b1", "p1")
        }
    )


@pytest.fixture
def cast(tree, councils, cast_snapshots):
    snapshot = cast_snapshots.people
    with suspended():
        if snapshot.matches():
            people = SimpleNamespace(**snapshot.restore())
            # The factory's usernames go on from where the builder leaves them.
            for _ in range(len(vars(people))):
                UserFactory._meta.next_sequence()
        else:
            people = _people(tree)
    return SimpleNamespace(
        tree=tree, councils=councils, password=PASSWORD, **vars(people)
    )


def _people(tree):
    def person(username, unit=None, role=None, home=None, **extra):
        user = UserFactory(username=username, **extra)
        if home is not None:
            grant(user, home, Role.MEMBER)
        if unit is not None and role is not None:
            grant(user, unit, role)
        return user

    return SimpleNamespace(
        superuser=person("superuser", is_superuser=True, is_staff=True),
        province_admin=person(
            "province_admin", tree.province, Role.UNIT_ADMIN, home=tree.p1
        ),
        province_staff=person(
            "province_staff", tree.province, Role.EMULATION_STAFF, home=tree.p1
        ),
        a_admin=person("a_admin", tree.a, Role.UNIT_ADMIN),
        a_staff=person("a_staff", tree.a, Role.EMULATION_STAFF),
        a_officer=person("a_officer", tree.a, Role.OFFICER),
        a1_member=person("a1_member", home=tree.a1),
        a1_support=person("a1_support", tree.a1, Role.SUPPORT_TEAM, home=tree.a1),
        b_admin=person("b_admin", tree.b, Role.UNIT_ADMIN),
        b1_member=person("b1_member", home=tree.b1),
        outsider=person("outsider"),
    )


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the given user (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="units.backends.UsernameOrEmailBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Each test counts afresh: cached counts are keyed by primary keys, which
    SQLite gives again after a test's rollback. (The rest of the cache, such as
    the charts keyed by their data, is kept.)"""
    from units import counts

    counts.forget_all()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` run in the PostgreSQL pass; on SQLite they are
    deselected (not skipped): `make test` runs them when DATABASE_URL is set.
    Tests marked `sqlite` (SQLite's own locking) run in the SQLite pass only."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(
            items=[item for item in items if item not in kept]
        )
        items[:] = kept


@pytest.fixture
def renderer_fetches(monkeypatch):
    """Every URL the PDF renderer asks its fetcher for, with any network
    connection refused. The print stylesheet is parsed afresh, so it and its
    fonts are among the URLs."""
    import socket
    import urllib.request

    from documents import rendering

    rendering.forget_print_stylesheet()
    urls = []
    original = rendering.StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    def no_network(*args, **kwargs):
        raise AssertionError("The renderer tried to open a connection.")

    monkeypatch.setattr(rendering.StaticFilesFetcher, "fetch", recording)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    return urls


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, seeded once for the tests of a module (seeding takes
    seconds): what `seed_demo` printed, and the mail it sent.

    The data is written in a transaction held open until the module ends; each
    test's own changes roll back to it, and the end of the module rolls it all
    back. Use it only in modules whose every test works on the demo data.
    """
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import TestCase, override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        mail.outbox = []
        out = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), mail=list(mail.outbox))
        transaction.set_rollback(True)
