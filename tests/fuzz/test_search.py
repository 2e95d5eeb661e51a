"""Every list page with a search box or filters in its query string, under
generated query strings: any Unicode, NUL bytes, very long text, very many words,
SQL and LIKE metacharacters (% _ \\ '), broken cursors (base64 of odd JSON),
page numbers, years and ids of every shape, repeated and unknown keys.

Whatever is asked, the answer is never a server error (the test client raises
the view's exception, so a failure shows the traceback), and a search term is
never put in the page unescaped.

The bugs this search found are kept, each with its smallest example, in
test_regressions.py.
"""

import base64
import datetime
import json
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from awards import services as award_services
from awards.models import AwardForm
from core.text import fold
from initiatives.models import Field, Initiative, Status
from tests.fuzz.strategies import MARKUP, fuzz, rolled_back, texts, vietnamese
from tests.goldbook.conftest import Gold
from tests.initiatives.factories import make_request
from tests.initiatives.helpers import idea_for, registration_for
from units.pagination import encode_cursor

pytestmark = pytest.mark.django_db

IDEA_TITLE = "Ý tưởng 50% tiết_kiệm"
DRAFT_TITLE = "Sổ tay 100% điện_tử của O'Brien \\ mẫu"

YEAR = timezone.localdate().year

# --- What may be typed in the address bar ------------------------------------------

LIKE = ["%", "_", "\\", "'", "%%", "\\%", "a%b_c", "' OR '1'='1", '"', ";--", "[a-z]"]
NUMBERS = [
    "0",
    "-1",
    "1.0",
    " 1",
    "1e3",
    "abc",
    "",
    "99999999999999999999",
    "1" * 5000,
    "²",
    "①",
    "١٢",
    "２０２５",
    "2025\x00",
    "0x10",
]


def queries():
    """What people (and robots) type in a search box."""
    return st.one_of(
        texts(long=False),
        vietnamese(),
        st.sampled_from(LIKE + MARKUP),
        st.lists(st.sampled_from([*LIKE, "a", "đ", "Ể"]), max_size=8).map("".join),
        st.integers(1, 400).map(lambda n: " ".join(["từ"] * n)),
        st.sampled_from([1_000, 10_000]).map(lambda n: "Sáng kiến " * (n // 10)),
        st.text(st.characters(codec="utf-8"), max_size=20),
    )


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(["2024-01-01", "9999-12-31", "0001-01-01", "2024-13-45"]),
)
json_values = st.one_of(
    json_leaves,
    st.lists(json_leaves, max_size=3),
    st.dictionaries(st.text(max_size=3), json_leaves, max_size=2),
    st.lists(st.lists(json_leaves, max_size=2), max_size=2),
)


def cursors():
    """Cursors as the pages write them, with odd values, and plain garbage."""
    made = st.builds(
        encode_cursor,
        st.lists(json_values, max_size=3),
        st.sampled_from(["next", "prev", "up"]),
        st.integers(-5, 10**6),
    )
    odd = st.builds(
        lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()).decode(),
        json_values,
    )
    return st.one_of(made, odd, st.text(max_size=30), st.sampled_from(["", "=", "!!"]))


def dates():
    some_day = st.dates()
    return st.one_of(
        some_day.map(lambda d: d.isoformat()),
        some_day.map(lambda d: d.strftime("%d/%m/%Y")),
        st.sampled_from(["31/02/2024", "2024-13-01", "hôm nay", ""]),
    )


def flags():
    return st.sampled_from(["1", "on", "0", "true", "", "yes", "\x00"])


def choices(*valid):
    return st.one_of(st.sampled_from(list(valid)), st.text(max_size=10))


# --- The pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    user: str | None  # a member of the cast allowed to see it (None: anyone)
    params: tuple[str, ...]
    target: str | None = None  # what its URL is about, in the world below
    base: tuple = ()  # (name, value) the page needs


PAGES = [
    Page(
        "initiatives:list",
        "province_staff",
        (
            *("q", "year", "unit", "field", "status", "stage", "kind", "level"),
            *("mine", "direct", "sort", "cursor"),
        ),
    ),
    Page("initiatives:export", "province_staff", ("q", "year", "unit", "status")),
    Page(
        "initiatives:registration_list",
        "province_staff",
        ("q", "year", "unit", "direct", "state", "page"),
    ),
    Page("initiatives:idea_list", "a1_support", ("q", "status", "page")),
    Page("initiatives:council_list", "province_staff", ("year", "page")),
    Page("initiatives:my_reviews", "a1_member", ("page",)),
    Page("initiatives:create", "a1_member", ("registration",)),
    Page("initiatives:council_create", "a_admin", ("unit",)),
    Page("units:tree", "province_admin", ("root", "dissolved")),
    Page("units:detail", "province_admin", ("page", "dissolved"), "a"),
    Page("units:people", "province_admin", ("q", "all", "page"), "a"),
    Page("units:block_list", "province_admin", ("year", "page")),
    Page("goldbook:list", "province_staff", ("page",)),
    Page("goldbook:book", "province_staff", ("year", "page"), "a"),
    Page(
        "goldbook:rollup",
        "province_staff",
        ("q", "unit", "year", "field", "scope", "status", "direct", "page"),
        "province",
    ),
    Page("goldbook:honour", None, ("q", "unit", "year", "field", "scope", "cursor")),
    Page("goldbook:honour_feed", None, ("q", "page")),
    Page("awards:index", "province_staff", ("page",)),
    Page("awards:records", "province_staff", ("unit", "year", "kind")),
    Page("awards:record_create", "province_staff", ("unit", "year", "kind")),
    Page("awards:unit_ratings", "province_admin", ("year",), "a"),
    Page("awards:member_ratings", "province_admin", ("year", "page"), "a1"),
    Page("awards:ratings_import", "province_admin", ("year", "kind"), "a1"),
    Page("awards:dossiers", "province_staff", ("page",)),
    Page("awards:report", "province_staff", ("unit", "year")),
    Page(
        "awards:report_gaps",
        "province_staff",
        ("unit", "year", "gap", "page"),
        base=(("gap", "launch"),),
    ),
    Page(
        "awards:awarded",
        "province_staff",
        ("unit", "year", "subject", "direct", "page"),
    ),
    Page("awards:round", "province_staff", ("q",), "round"),
    Page("awards:round_create", "province_staff", ("unit",), base=(("unit", "@a"),)),
    Page(
        "audit:entry_list",
        "province_admin",
        (
            *("q", "unit", "direct", "action", "target_type", "target_id", "actor"),
            *("date_from", "date_to", "cursor"),
        ),
    ),
    Page("audit:entry_export", "province_admin", ("q", "date_from", "date_to")),
    Page("jobs:list", "province_staff", ("page",)),
]


def value_strategy(name: str, world):
    ids = [str(pk) for pk in world.ids]
    if name == "q":
        return queries()
    if name == "cursor":
        return cursors()
    if name in ("unit", "root", "registration", "actor", "target_id"):
        return st.one_of(st.sampled_from(ids), st.sampled_from(NUMBERS))
    if name in ("year", "page"):
        return st.one_of(
            st.integers(1990, 2100).map(str),
            st.integers(-10, 10**6).map(str),
            st.sampled_from([*NUMBERS, "last"]),
        )
    if name in ("date_from", "date_to"):
        return dates()
    if name in ("mine", "direct", "dissolved", "all"):
        return flags()
    return choices(
        *Status.values,
        *Initiative.Kind.values,
        "units",
        "members",
        "new",
        "title",
        "active",
        "withdrawn",
        "people",
        "other",
        "grassroots",
        "created",
        "initiatives.initiative",
        *world.field_ids,
    )


@st.composite
def queries_of(draw, page: Page, world) -> dict:
    """A query string for the page: some of its own keys (a key sometimes
    twice), and sometimes keys it does not know."""
    names = draw(st.sets(st.sampled_from(page.params)), label="params")
    params = {name: [value] for name, value in base_of(world, page).items()}
    for name in sorted(names):
        values = [draw(value_strategy(name, world), label=name)]
        if draw(st.integers(0, 9)) == 0:  # the same key twice
            values.append(draw(value_strategy(name, world), label=name))
        params[name] = values
    extra = draw(
        st.dictionaries(
            st.text(min_size=1, max_size=5), st.text(max_size=5), max_size=2
        )
    )
    for key, value in extra.items():
        params.setdefault(key, [value])
    return params


# --- The world and the test -----------------------------------------------------------


@pytest.fixture
def world(cast):
    """A little of everything the lists show: a Gold Book entry (with its request,
    council, session and decision), a draft request and an idea with LIKE
    metacharacters in their titles, a registration and an award round."""
    gold = Gold(cast)
    entry = gold.entry()
    idea = idea_for(cast.a1_member, cast.tree.a1, title=IDEA_TITLE)
    draft = make_request(cast.a1_member, cast.tree.a1, title=DRAFT_TITLE)
    registration = registration_for(cast.a1_member, cast.tree.a1)
    award_round = award_services.round_create(
        unit=cast.tree.a,
        actor=cast.province_admin,
        year=YEAR,
        title="Xét khen thưởng phong trào",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        offers=[award_services.OfferData(AwardForm.objects.get(name="Giấy khen"))],
    )
    tree = cast.tree
    ids = {tree.a.pk, tree.a1.pk, tree.b.pk, tree.province.pk, cast.a1_member.pk}
    ids |= {idea.pk, draft.pk, registration.pk, entry.pk}
    world = SimpleNamespace(
        cast=cast, round=award_round, entry=entry, idea=idea, draft=draft
    )
    world.ids = sorted(ids)
    world.field_ids = [str(pk) for pk in Field.objects.values_list("pk", flat=True)]
    return world


def url_of(world, page: Page) -> str:
    if page.target is None:
        return reverse(page.name)
    if page.target == "round":
        return reverse(page.name, args=[world.round.pk])
    return reverse(page.name, args=[getattr(world.cast.tree, page.target).pk])


def base_of(world, page: Page) -> dict:
    """The query the page needs ("@a": the id of the unit CB-A)."""
    return {
        name: str(getattr(world.cast.tree, value[1:]).pk)
        if value.startswith("@")
        else value
        for name, value in page.base
    }


def test_every_page_answers_its_user(world, client_for):
    """The pages are fuzzed as someone who may see them: each answers 200."""
    for page in PAGES:
        user = getattr(world.cast, page.user) if page.user else None
        response = client_for(user).get(url_of(world, page), base_of(world, page))
        assert response.status_code == 200, (page.name, response.status_code)


def test_no_query_string_makes_a_server_error(world, client_for):
    """Each page in turn, with its own generated query strings (more for the
    pages with a search box)."""
    for page in PAGES:
        fuzz_page(world, client_for, page)


def fuzz_page(world, client_for, page: Page) -> None:
    user = getattr(world.cast, page.user) if page.user else None
    client = client_for(user)
    url = url_of(world, page)

    @fuzz(max_examples=20 if "q" in page.params else 8)
    @given(params=queries_of(page, world))
    def answers(params):
        with rolled_back():
            response = client.get(url, params)
        assert response.status_code < 500, (page.name, params)
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            for marker in MARKUP[:2]:
                if any(marker in v for values in params.values() for v in values):
                    assert marker not in html, f"{page.name}: {marker} unescaped"

    answers()


# --- LIKE metacharacters match only themselves ------------------------------------

PIECES = [
    *("50%", "%", "_", "tiết_kiệm", "tiet_kiem", "5_", "\\", "Ý", "TƯỞNG", "kiem"),
    *("x%", "%%", "'", "nội", "o'brien", "100%", "điện_tử", "dien tu", "_\\", "0%"),
]


@fuzz(max_examples=40)
@given(
    query=st.one_of(
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join),
        st.text(alphabet="%_\\' aiđ5", min_size=1, max_size=6),
    )
)
def test_like_metacharacters_match_only_themselves(world, client_for, query):
    """A search finds a row when every word of it is in the row's text, "%", "_"
    and "\\" taken literally: "5_" does not find "50%"."""
    terms = fold(query).split()
    cases = [
        (
            "initiatives:idea_list",
            world.cast.a1_support,
            world.idea,
            f"{world.idea.title} {world.idea.description}",
        ),
        (
            "initiatives:list",
            world.cast.a1_member,
            world.draft,
            " ".join(
                [
                    world.draft.title,
                    *world.draft.authors.values_list("full_name", flat=True),
                    world.draft.essence,
                ]
            ),
        ),
    ]
    for name, user, row, text in cases:
        response = client_for(user).get(reverse(name), {"q": query})
        found = row.pk in [obj.pk for obj in response.context["page"].object_list]
        expected = all(term in fold(text) for term in terms)
        event(f"{name}: {'found' if expected else 'not found'}")
        assert found == expected, (name, query, terms)
