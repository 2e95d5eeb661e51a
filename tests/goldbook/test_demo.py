"""The Gold Book part of the demo data: idempotent, and its entries where people
look for them (the unit's book, the province's roll-up, the author's page, the
public honour roll), with the revoked entry kept off the honour roll.

The demo is seeded once for the module (tests/conftest.py, demo_once).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from goldbook.models import Annotation, GoldBook, GoldBookEntry
from sampledata.demo.goldbook import CORRECTION, REVOCATION
from units.models import Unit, User

pytestmark = pytest.mark.django_db

ZALO = "Đổi mới phương pháp tuyên truyền pháp luật lao động qua nhóm Zalo tổ công đoàn"


@pytest.fixture
def demo(demo_once):
    """What seeding the demo printed."""
    return demo_once.output


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(
        User.objects.get(username=username),
        backend="units.backends.UsernameOrEmailBackend",
    )
    return client


def goldbook_state() -> dict:
    return {
        "books": list(
            GoldBook.objects.order_by("unit__code").values_list(
                "unit__code", "last_number"
            )
        ),
        "entries": list(
            GoldBookEntry.objects.order_by("book__unit__code", "number").values_list(
                "book__unit__code",
                "number",
                "title",
                "status",
                "recorded_on",
                "revoked_on",
                "council_item",
            )
        ),
        "annotations": list(
            Annotation.objects.order_by("id").values_list("entry", "kind", "text")
        ),
    }


def created_said(output: str) -> int:
    line = re.search(r"Demo data, goldbook: (\d+) gold book entries created\.", output)
    assert line is not None, output
    return int(line.group(1))


def test_seeding_twice_changes_nothing_in_the_gold_books(demo):
    first = goldbook_state()
    assert created_said(demo) == len(first["entries"])
    assert len(first["entries"]) >= 5
    # Every book numbers its entries 1, 2, 3… up to its last number.
    for code, last in first["books"]:
        numbers = [n for c, n, *_rest in first["entries"] if c == code]
        assert numbers == list(range(1, last + 1)), code
    statuses = [status for *_head, status, _on, _off, _item in first["entries"]]
    assert statuses.count(GoldBookEntry.Status.REVOKED) == 1
    kinds = [kind for _entry, kind, _text in first["annotations"]]
    assert sorted(kinds) == [Annotation.Kind.CORRECTION, Annotation.Kind.REVOCATION]

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert created_said(out.getvalue()) == 0
    assert goldbook_state() == first


def test_the_zalo_entry_is_found_wherever_people_look(demo):
    entry = GoldBookEntry.objects.select_related("book__unit").get(title=ZALO)
    assert entry.book.unit.code == "CB-GD"
    assert entry.status == GoldBookEntry.Status.ACTIVE
    assert [(a["name"], a["share"]) for a in entry.authors] == [
        ("Nguyễn Thị Mai", "70.00"),
        ("Đặng Thị Ngọc Ánh", "30.00"),
    ]

    # The education union's own book, as its emulation staff see it.
    education = Unit.objects.get(code="CB-GD")
    response = signed_in("thidua.giaoduc").get(
        reverse("goldbook:book", args=[education.pk])
    )
    assert response.status_code == 200
    assert entry in response.context["page"].object_list

    # The province's roll-up of every book below it.
    province = Unit.objects.get(code="CB")
    response = signed_in("thidua.tinh").get(
        reverse("goldbook:rollup", args=[province.pk])
    )
    assert response.status_code == 200
    rolled_up = list(response.context["page"].object_list)
    assert entry in rolled_up
    assert {e.book.unit.code for e in rolled_up} >= {"CB", "CB-GD", "CB-YT"}
    assert ZALO in response.content.decode()

    # The author's own page of entries.
    author = User.objects.get(username="canbo.thptchuyen")
    response = signed_in("canbo.thptchuyen").get(
        reverse("goldbook:person", args=[author.pk])
    )
    assert response.status_code == 200
    assert entry in list(response.context["entries"])
    assert ZALO in response.content.decode()

    # The public honour roll, for anyone.
    response = Client().get(reverse("goldbook:honour"))
    assert response.status_code == 200
    assert entry.pk in [e.pk for e in response.context["page"].object_list]
    assert ZALO in response.content.decode()
    response = Client().get(reverse("goldbook:honour"), {"q": "tuyen truyen zalo"})
    assert [e.pk for e in response.context["page"].object_list] == [entry.pk]


def test_the_revoked_entry_is_off_the_honour_roll_and_a_correction_is_shown(demo):
    revoked = GoldBookEntry.objects.get(status=GoldBookEntry.Status.REVOKED)
    assert revoked.revoked_reason == REVOCATION
    anonymous = Client()

    response = anonymous.get(reverse("goldbook:honour"))
    listed = [e.pk for e in response.context["page"].object_list]
    assert response.context["total"] == len(listed)
    assert revoked.pk not in listed
    assert listed
    content = response.content.decode()
    assert revoked.title not in content
    assert REVOCATION not in content
    assert anonymous.get(revoked.get_public_url()).status_code == 404
    response = anonymous.get(reverse("goldbook:honour"), {"q": revoked.title})
    assert list(response.context["page"].object_list) == []

    corrected = GoldBookEntry.objects.get(annotations__kind=Annotation.Kind.CORRECTION)
    assert corrected.pk in listed
    response = anonymous.get(corrected.get_public_url())
    assert response.status_code == 200
    assert list(response.context["corrections"].values_list("text", flat=True)) == [
        CORRECTION
    ]
    page = response.content.decode()
    assert corrected.title in page
    # “ and ” are not escaped by Django's HTML escaping.
    assert CORRECTION in page
    assert REVOCATION not in page
