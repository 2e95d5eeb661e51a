"""The list of requests: filters, accent-insensitive search, sorting, keyset
pages, the Excel export, and what each of them costs in queries."""

import base64
import json
import unicodedata
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from core.text import fold
from initiatives.models import Field, Initiative, Status
from initiatives.selectors import requests as selectors
from tests.initiatives.helpers import (
    THIS_YEAR,
    attach,
    author,
    href_to,
    make_request,
    move_to,
    person,
    xlsx_cells,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

LIST = reverse("initiatives:list")
EXPORT = reverse("initiatives:export")
SECRET = "BÍ-MẬT-LIST-51c"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def catalogue(cast):
    """Five requests that differ in every filter; each keeps a secret."""
    tree = cast.tree
    creator = person("tac_gia", tree.a1, full_name="Trần Văn Tác")
    a2_creator = person("nguoi_a2", tree.a2, full_name="Đặng Thu Hà")
    b_creator = person("nguoi_b", tree.b1, full_name="Phạm Thị Bình")
    p_creator = person("nguoi_p", tree.p1, full_name="Vũ Minh Khoa")
    education = Field.objects.create(name="Giáo dục đào tạo")
    health = Field.objects.create(name="Y tế")
    common = {"field_other": "", "confidential_info": SECRET}
    teaching = make_request(
        creator,
        unit=tree.a1,
        title="Sáng kiến Đổi mới phương pháp dạy học",
        essence="Học theo dự án nhóm.",
        field=education,
        **common,
    )
    library = make_request(
        a2_creator,
        unit=tree.a2,
        recognizing_unit=tree.a,
        authors=[author(a2_creator, "50"), author(creator, "50")],
        title="Số hoá thư viện trường",
        essence="Quét sách cũ.",
        year=THIS_YEAR - 1,
        field=education,
        kind=Initiative.Kind.RESEARCH,
        level=Initiative.Scope.UPPER,
        status=Status.SUBMITTED,
        **common,
    )
    records = make_request(
        b_creator,
        unit=tree.b1,
        recognizing_unit=tree.province,
        authors=[author(b_creator, "50"), author(creator, "50")],
        title="Quản lý hồ sơ bệnh án điện tử",
        essence="Máy chủ riêng.",
        field=health,
        level=Initiative.Scope.PROVINCE,
        status=Status.SUBMITTED,
        **common,
    )
    power = make_request(
        p_creator,
        unit=tree.p1,
        recognizing_unit=tree.province,
        authors=[
            author(p_creator, "40"),
            author(name="Hoàng Đức Thắng", share="30"),
            author(cast.superuser, "30", name="Quản Trị Hệ Thống"),
        ],
        title="Tiết kiệm điện năng cơ quan",
        essence="Tắt máy lạnh giờ nghỉ.",
        year=THIS_YEAR - 2,
        field_other="Hành chính",
        confidential_info=SECRET,
        status=Status.RETURNED,
        staff=cast.province_staff,
    )
    kitchen = make_request(
        b_creator,
        unit=tree.b1,
        recognizing_unit=tree.b,
        title="Cải tiến bếp ăn",
        essence="Giảm thời gian chờ.",
        field=health,
        level=Initiative.Scope.NATIONAL,
        status=Status.ACCEPTED,
        staff=cast.b_admin,
        **common,
    )
    return SimpleNamespace(
        cast=cast,
        creator=creator,
        education=education,
        health=health,
        teaching=teaching,
        library=library,
        records=records,
        power=power,
        kitchen=kitchen,
    )


def names(catalogue, response) -> set[str]:
    """Return the names (catalogue attributes) of the requests on the page."""
    by_pk = {
        getattr(catalogue, n).pk: n
        for n in ("teaching", "library", "records", "power", "kitchen")
    }
    return {by_pk[i.pk] for i in response.context["page"].object_list}


def filters(catalogue) -> list[tuple[str, dict, set[str]]]:
    tree = catalogue.cast.tree
    everything = {"teaching", "library", "records", "power", "kitchen"}
    return [
        ("nothing", {}, everything),
        ("this year", {"year": THIS_YEAR}, {"teaching", "records", "kitchen"}),
        ("last year", {"year": THIS_YEAR - 1}, {"library"}),
        ("upper unit", {"unit": tree.a.pk}, {"teaching", "library"}),
        ("grassroots", {"unit": tree.a1.pk}, {"teaching"}),
        ("sibling", {"unit": tree.b.pk}, {"records", "kitchen"}),
        ("province", {"unit": tree.province.pk}, everything),
        ("field", {"field": catalogue.education.pk}, {"teaching", "library"}),
        ("draft", {"status": Status.DRAFT}, {"teaching"}),
        ("submitted", {"status": Status.SUBMITTED}, {"library", "records"}),
        ("returned", {"status": Status.RETURNED}, {"power"}),
        ("accepted", {"status": Status.ACCEPTED}, {"kitchen"}),
        ("research", {"kind": Initiative.Kind.RESEARCH}, {"library"}),
        ("level", {"level": Initiative.Scope.PROVINCE}, {"records"}),
        (
            "grassroots level",
            {"level": Initiative.Scope.GRASSROOTS},
            {"teaching", "power"},
        ),
        ("mine", {"mine": "on"}, {"power"}),
        (
            "combined",
            {"unit": tree.b.pk, "field": catalogue.health.pk},
            {"records", "kitchen"},
        ),
        ("combined 2", {"unit": tree.a.pk, "year": THIS_YEAR}, {"teaching"}),
    ]


def test_filters(catalogue, client_for):
    # The superuser sees every request and is a co-author of one ("mine").
    client = client_for(catalogue.cast.superuser)
    for label, query, expected in filters(catalogue):
        response = client.get(LIST, query)
        assert response.status_code == 200
        assert names(catalogue, response) == expected, label
        assert response.context["total"] == len(expected), label


@pytest.mark.parametrize(
    "bad",
    [{"year": 1990}, {"unit": 987654}, {"q": "x" * 201}, {"level": "moon"}],
    ids=["old year", "unknown unit", "long search", "unknown level"],
)
def test_a_bad_value_in_one_filter_keeps_the_others(catalogue, client_for, bad):
    """A stale bookmark (a year no longer offered, a unit out of reach) must not
    turn "submitted requests" into "every request", on the page or in Excel."""
    client = client_for(catalogue.cast.superuser)
    query = {"status": Status.SUBMITTED, **bad}
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert names(catalogue, response) <= {"library", "records"}
    exported = {row[2] for row in xlsx_rows(client.get(EXPORT, query).content)[1:]}
    assert exported <= {catalogue.library.title, catalogue.records.title}


def test_only_mine_counts_registered_co_authorship(catalogue, client_for):
    client = client_for(catalogue.creator)
    mine = names(catalogue, client.get(LIST, {"mine": "on"}))
    assert mine == {"teaching", "library", "records"}
    staff = client_for(catalogue.cast.province_staff)
    assert names(catalogue, staff.get(LIST)) == {
        "library",
        "records",
        "power",
        "kitchen",
    }
    assert names(catalogue, staff.get(LIST, {"mine": "on"})) == set()


SEARCHES = [
    ("sang kien", {"teaching"}),
    ("SANG KIEN", {"teaching"}),
    (unicodedata.normalize("NFD", "Đổi mới phương pháp"), {"teaching"}),
    ("doi moi", {"teaching"}),
    ("Đoi", {"teaching"}),
    ("dien", {"records", "power"}),
    ("benh an dien", {"records"}),
    ("dien nang", {"power"}),
    ("dien chu", {"records"}),
    ("hoang duc thang", {"power"}),
    ("Hoàng Đức", {"power"}),
    ("tran van tac", {"teaching", "library", "records"}),
    ("binh bep", {"kitchen"}),
    ("theo du an", {"teaching"}),
    ("quet sach", {"library"}),
    ("sach dien", set()),
    ("bi-mat-list", set()),
    ("51c", set()),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_accent_insensitive_search(catalogue, client_for, query, expected):
    client = client_for(catalogue.cast.superuser)
    response = client.get(LIST, {"q": query})
    assert names(catalogue, response) == expected
    export = xlsx_rows(client.get(EXPORT, {"q": query}).content)
    titles = {getattr(catalogue, n).title for n in expected}
    assert {row[2] for row in export[1:]} == titles


def test_text_typed_decomposed_is_stored_composed_and_found(cast, client_for):
    creator = person("tac_gia", cast.tree.a1)
    decomposed = unicodedata.normalize("NFD", "Ứng dụng đèn LED tiết kiệm")
    stored = make_request(creator, unit=cast.tree.a1, title=decomposed)
    assert stored.title == unicodedata.normalize("NFC", decomposed) != decomposed
    client = client_for(creator)
    for query in ("ung dung den led", "Ứng dụng", decomposed, "ĐÈN LED"):
        page = client.get(LIST, {"q": query}).context["page"]
        assert page.object_list == [stored], query


SORTS = {
    "new": ["kitchen", "power", "records", "library", "teaching"],
    "old": ["teaching", "library", "records", "power", "kitchen"],
    "title": ["kitchen", "records", "teaching", "library", "power"],
}


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_sorting(catalogue, client_for, sort):
    response = client_for(catalogue.cast.superuser).get(LIST, {"sort": sort})
    pks = [i.pk for i in response.context["page"].object_list]
    assert pks == [getattr(catalogue, n).pk for n in SORTS[sort]]


def test_lists_and_exports_never_show_the_secret(catalogue, client_for):
    for who in ("superuser", "province_admin", "b_admin", "a_staff"):
        client = client_for(getattr(catalogue.cast, who))
        assert SECRET not in client.get(LIST).content.decode()
        cells = [str(v) for row in xlsx_rows(client.get(EXPORT).content) for v in row]
        assert not [v for v in cells if SECRET in v], who


@pytest.mark.parametrize(
    "label", ["nothing", "this year", "upper unit", "sibling", "submitted", "mine"]
)
@pytest.mark.parametrize("sort", sorted(SORTS))
def test_the_export_has_the_rows_of_the_filtered_list(
    catalogue, client_for, label, sort
):
    query = {**{f[0]: f[1] for f in filters(catalogue)}[label], "sort": sort}
    client = client_for(catalogue.cast.superuser)
    listed = [i.title for i in client.get(LIST, query).context["page"].object_list]
    rows = xlsx_rows(client.get(EXPORT, query).content)
    assert rows[0][:3] == ["STT", "Năm", "Tên sáng kiến"]
    assert [row[2] for row in rows[1:]] == listed
    assert [row[0] for row in rows[1:]] == list(range(1, len(listed) + 1))


FORMULAS = [
    '=HYPERLINK("http://example.com","Bấm")',
    "+84 912 345 678",
    "-1+2",
    "@SUM(A1:A9)",
]


def test_export_keeps_formula_like_text_as_text(cast, client_for):
    creator = person("tac_gia", cast.tree.a1)
    for index, text in enumerate(FORMULAS):
        make_request(
            creator,
            unit=cast.tree.a1,
            title=text,
            authors=[author(name=text, share="50"), author(creator, "50")],
            field_other=FORMULAS[index - 1],
        )
    content = client_for(creator).get(EXPORT).content
    cells = [cell for row in xlsx_cells(content)[1:] for cell in row]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} >= set(FORMULAS)
    assert len(risky) == 3 * len(FORMULAS)  # title, field and authors of each row
    assert {c.data_type for c in risky} == {"s"}
    assert not [c for c in cells if c.data_type == "f"]


# --- Keyset pages ------------------------------------------------------------------


@pytest.fixture
def many(cast):
    """Eleven requests whose titles repeat, so that sorting by title has ties."""
    creator = person("tac_gia", cast.tree.a1)
    return [
        make_request(creator, unit=cast.tree.a1, title=f"Đề tài {index % 4}")
        for index in range(11)
    ]


def expected_order(rows, sort):
    if sort == "title":
        return [r.pk for r in sorted(rows, key=lambda r: (r.title, r.pk))]
    return sorted((r.pk for r in rows), reverse=sort == "new")


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_keyset_pages_forward_and_back(cast, many, client_for, settings, sort):
    settings.PAGE_SIZE = 3
    client = client_for(cast.superuser)
    response = client.get(LIST, {"sort": sort, "year": THIS_YEAR})
    forward = []
    while True:
        page = response.context["page"]
        assert page.number_hint == len(forward) + 1
        assert 0 < len(page.object_list) <= 3
        forward.append([i.pk for i in page.object_list])
        if not page.has_next:
            break
        href = href_to(response, page.next_cursor)
        assert f"sort={sort}" in href and f"year={THIS_YEAR}" in href
        response = client.get(LIST + href)
    assert [pk for rows in forward for pk in rows] == expected_order(many, sort)
    assert [len(rows) for rows in forward] == [3, 3, 3, 2]
    backward = [forward[-1]]
    while response.context["page"].has_previous:
        response = client.get(
            LIST + href_to(response, response.context["page"].previous_cursor)
        )
        backward.append([i.pk for i in response.context["page"].object_list])
    assert backward == forward[::-1]
    assert response.context["page"].number_hint == 1


def cursor(data) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


GARBAGE = {
    "not base64": "%%%-garbage-%%%",
    "not json": base64.urlsafe_b64encode(b"\xff\xfe not json").decode(),
    "a list": cursor([1, 2, 3]),
    "unknown direction": cursor({"v": [5], "d": "sideways", "n": 2}),
    "too many values": cursor({"v": [5, 6, 7], "d": "next", "n": 2}),
}
# Well-formed cursors whose last key (the id) was tampered with.
BAD_IDS = {"text id": "abc", "null id": None, "list id": [1], "object id": {"a": 1}}


def tampered(name: str, sort: str) -> str:
    if name in GARBAGE:
        return GARBAGE[name]
    keys = ["Đề tài 1"] if sort == "title" else []
    return cursor({"v": [*keys, BAD_IDS[name]], "d": "next", "n": 2})


@pytest.mark.parametrize("sort", ["new", "title"])
@pytest.mark.parametrize("name", [*GARBAGE, *BAD_IDS])
def test_a_tampered_cursor_gives_the_first_page(
    cast, many, client_for, settings, name, sort
):
    settings.PAGE_SIZE = 3
    client = client_for(cast.superuser)
    first = client.get(LIST, {"sort": sort}).context["page"].object_list
    response = client.get(LIST, {"sort": sort, "cursor": tampered(name, sort)})
    assert response.status_code == 200
    assert response.context["page"].object_list == first
    assert response.context["page"].number_hint == 1


# --- What pages cost ----------------------------------------------------------------

# Queries per page, whatever the number of rows, authors and files (as measured:
# the quality bar allows 12).
# The detail page also lists the councils that have the request.
BOUNDS = {"list": 9, "detail": 10, "pdf": 10, "export": 5}


def file_requests(cast, creator, count: int, *, rich: bool) -> list[Initiative]:
    """File `count` submitted requests; rich ones have 3 authors and 2 files."""
    made = []
    for index in range(count):
        authors = [author(creator, "100")]
        if rich:
            authors = [
                author(creator, "40"),
                author(name=f"Nguyễn Văn Phụ {index}", share="30"),
                author(name=f"Đỗ Thị Hai {index}", share="30"),
            ]
        initiative = make_request(
            creator,
            unit=cast.tree.a1,
            recognizing_unit=cast.tree.a,
            authors=authors,
            title=f"Sáng kiến số {index} {'đủ' if rich else 'gọn'}",
            confidential_info=SECRET,
        )
        if rich:
            attach(initiative, creator, "mot.pdf")
            attach(initiative, creator, "hai.pdf")
        made.append(move_to(initiative, Status.SUBMITTED, actor=creator))
    return made


def pages_of(initiative: Initiative) -> dict[str, str]:
    return {
        "list": LIST,
        "detail": initiative.get_absolute_url(),
        "pdf": reverse("initiatives:pdf", args=[initiative.pk]),
        "export": EXPORT,
    }


def measure(client, assert_max, pages: dict[str, str]) -> dict[str, int]:
    """Return the queries of each page, opened a second time (a warm worker)."""
    counts = {}
    for name, path in pages.items():
        client.get(path)
        with assert_max(BOUNDS[name]) as captured:
            assert client.get(path).status_code == 200
        counts[name] = len(captured)
    return counts


def test_queries_do_not_grow_with_rows_authors_or_files(
    cast, client_for, django_assert_max_num_queries
):
    creator = person("tac_gia", cast.tree.a1)
    client = client_for(cast.province_admin)
    plain = file_requests(cast, creator, 3, rich=False)
    small = measure(client, django_assert_max_num_queries, pages_of(plain[0]))
    rich = file_requests(cast, creator, 27, rich=True)
    listed = client.get(LIST).context
    assert listed["total"] == 30
    assert len(rich[0].authors.all()) == 3 and rich[0].attachments.count() == 2
    big = measure(client, django_assert_max_num_queries, pages_of(rich[-1]))
    print(f"queries with 3 plain requests: {small}; with 30 (27 rich): {big}")
    assert big == small


def test_a_deep_page_costs_what_the_first_costs(
    cast, client_for, settings, django_assert_max_num_queries
):
    settings.PAGE_SIZE = 3
    creator = person("tac_gia", cast.tree.a1)
    file_requests(cast, creator, 30, rich=False)
    client = client_for(cast.province_admin)
    with django_assert_max_num_queries(BOUNDS["list"]) as first:
        response = client.get(LIST)
    for _page in range(6):
        response = client.get(LIST, {"cursor": response.context["page"].next_cursor})
    assert response.context["page"].number_hint == 7
    with django_assert_max_num_queries(BOUNDS["list"]) as eighth:
        response = client.get(LIST, {"cursor": response.context["page"].next_cursor})
    assert response.context["page"].number_hint == 8
    assert len(response.context["page"].object_list) == 3
    print(f"list queries: page 1 {len(first)}, page 8 {len(eighth)}")
    assert len(eighth) == len(first)


# --- The search index ----------------------------------------------------------------


def test_search_uses_the_trigram_index(cast):
    """On PostgreSQL the folded search column has a trigram index that serves the
    search filter; on SQLite the scan gives the same answers."""
    creator = person("tac_gia", cast.tree.a1)
    rows = []
    for index in range(3000):
        title = f"Sáng kiến số {index}" + (
            " về máy xúc Zyxwv" if index % 500 == 7 else ""
        )
        rows.append(
            Initiative(
                year=THIS_YEAR,
                unit=cast.tree.a1,
                recognizing_unit=cast.tree.a1,
                title=title,
                created_by=creator,
                search_text=fold(title),
            )
        )
    Initiative.objects.bulk_create(rows, batch_size=500)
    searched = selectors.initiative_list_for_user(
        cast.superuser, {"q": "may xuc zyxwv"}
    )
    expected = set(
        Initiative.objects.filter(title__endswith="Zyxwv").values_list("pk", flat=True)
    )
    assert len(expected) == 6
    assert set(searched.values_list("pk", flat=True)) == expected
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'initiative_search_trgm'"
        )
        (definition,) = cursor.fetchone()
        # Move the new rows from the index's pending list into the index itself
        # (as VACUUM would), and give the planner fresh statistics.
        cursor.execute("SELECT gin_clean_pending_list('initiative_search_trgm')")
        cursor.execute("ANALYZE initiatives_initiative")
        # A few thousand rows are cheap to scan; forbid the scan (for this
        # transaction only) to see that the index can serve the filter at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "gin_trgm_ops" in definition and "search_text" in definition
    plan = Initiative.objects.filter(search_text__contains="zyxwv").explain()
    assert "initiative_search_trgm" in plan, plan
    assert "initiative_search_trgm" in searched.explain()
