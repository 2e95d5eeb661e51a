"""Query-count guards: every Gold Book page and print costs the same number of
queries whether the books hold a few entries or three times as many, with their
authors, annotations and revocations (no query per row), and stays within the
quality bar of 12 queries per page.
"""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldbook import services
from initiatives.services import AuthorData
from tests.factories import UserFactory, grant
from units.models import Role

pytestmark = pytest.mark.django_db

# The quality bar (docs/quality.md): queries per page.
MAX_QUERIES = 12
FEW = 2
MORE = 3 * FEW


@pytest.fixture
def shelf(gold, cast):
    """Adds entries in CB-A's and CB-A1's books, all by one author with a
    co-author who changes each time; some corrected, noted or revoked."""
    author = UserFactory(username="tac_gia_chung", full_name="Hoàng Thị Chung")
    grant(author, cast.tree.a1, Role.MEMBER)
    written = []

    def add(count: int) -> None:
        for _ in range(count):
            number = len(written) + 1
            coauthor = UserFactory(username=f"dong_tac_gia_{number}")
            grant(coauthor, cast.tree.a1, Role.MEMBER)
            council = (cast.councils.a, cast.councils.a1)[number % 2]
            entry = gold.entry(
                council,
                filer=author,
                title=f"Sáng kiến số {number} của tổ công đoàn",
                summary=f"Lợi ích của sáng kiến số {number}.",
                authors=[
                    AuthorData(
                        user=author, full_name=author.full_name, share=Decimal(70)
                    ),
                    AuthorData(
                        user=coauthor, full_name=coauthor.full_name, share=Decimal(30)
                    ),
                ],
            )
            services.entry_annotate(
                entry=entry, actor=cast.a_staff, text=f"Đính chính {number}."
            )
            if number % 2:
                services.entry_annotate(
                    entry=entry, actor=cast.a_staff, text="Ghi chú.", kind="note"
                )
            if number % 3 == 0:
                services.entry_revoke(
                    entry=entry, actor=cast.a_staff, reason="Huỷ công nhận."
                )
            # A recognition waiting to be written in, for the list of proposals.
            gold.recognised(council)
            written.append(entry)

    return SimpleNamespace(author=author, add=add, written=written)


def pages(cast, shelf) -> dict[str, tuple[object, str]]:
    """Each page to measure: who opens it, and its address."""
    a = cast.tree.a.pk
    return {
        "book list": (cast.a_staff, reverse("goldbook:list")),
        "book": (cast.a_staff, reverse("goldbook:book", args=[a])),
        "book of a year": (
            cast.a_officer,
            reverse("goldbook:book", args=[a]) + f"?year={timezone.localdate().year}",
        ),
        "roll-up": (cast.a_staff, reverse("goldbook:rollup", args=[a])),
        "roll-up searched": (
            cast.province_staff,
            reverse("goldbook:rollup", args=[cast.tree.province.pk]) + "?q=sang+kien",
        ),
        "person": (cast.a_staff, reverse("goldbook:person", args=[shelf.author.pk])),
        "own entries": (
            shelf.author,
            reverse("goldbook:person", args=[shelf.author.pk]),
        ),
        "honour roll": (None, reverse("goldbook:honour")),
        "honour roll searched": (None, reverse("goldbook:honour") + "?q=to+cong+doan"),
        "feed": (None, reverse("goldbook:honour_feed")),
        "home, anonymous": (None, reverse("home")),
        "print": (cast.a_staff, reverse("goldbook:print", args=[a])),
        "export": (cast.a_staff, reverse("goldbook:export", args=[a])),
    }


@dataclass
class Measure:
    status: int
    count: int
    sql: list[str]


def count_queries(client_for, user, path: str) -> Measure:
    client = client_for(user)
    # A page that fails is reported by its own check, not by the whole fixture.
    client.raise_request_exception = False
    client.get(path)  # warm up: the book is opened, caches filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return Measure(
        response.status_code,
        len(queries),
        [query["sql"] for query in queries.captured_queries],
    )


def short(sql: list[str]) -> str:
    return "\n".join(query[:160] for query in sql)


@pytest.fixture
def measured(shelf, cast, client_for):
    """Queries per page with FEW entries, then with MORE."""
    shelf.add(FEW)
    few = {
        name: count_queries(client_for, user, path)
        for name, (user, path) in pages(cast, shelf).items()
    }
    shelf.add(MORE - FEW)
    assert len(shelf.written) == MORE
    more = {
        name: count_queries(client_for, user, path)
        for name, (user, path) in pages(cast, shelf).items()
    }
    return few, more


def test_pages_cost_the_same_for_few_and_many_entries(measured, subtests):
    few, more = measured
    for name in few:
        with subtests.test(page=name):
            before, after = few[name], more[name]
            assert (before.status, after.status) == (200, 200)
            assert after.count == before.count, (
                f"{name}: {before.count} queries with {FEW} entries, "
                f"{after.count} with {MORE}:\n"
                + short([query for query in after.sql if query not in before.sql])
            )


def test_pages_stay_within_the_quality_bar(measured, subtests):
    _few, more = measured
    for name, measure in more.items():
        with subtests.test(page=name):
            assert measure.status == 200
            assert measure.count <= MAX_QUERIES, (
                f"{name}: {measure.count} queries\n{short(measure.sql)}"
            )


def test_the_entry_page_does_not_grow_with_annotations(gold, cast, client_for):
    entry = gold.entry()
    path = entry.get_absolute_url()
    public = entry.get_public_url()

    def annotate(count: int) -> None:
        for number in range(count):
            services.entry_annotate(
                entry=entry,
                actor=cast.a_staff,
                text=f"Đính chính lần {number}.",
                kind=("correction", "note")[number % 2],
            )

    annotate(FEW)
    few = count_queries(client_for, cast.a_staff, path)
    few_public = count_queries(client_for, None, public)
    annotate(MORE - FEW)
    more = count_queries(client_for, cast.a_staff, path)
    more_public = count_queries(client_for, None, public)
    for measure in (few, few_public, more, more_public):
        assert measure.status == 200
        assert measure.count <= MAX_QUERIES
    assert more.count == few.count
    assert more_public.count == few_public.count
