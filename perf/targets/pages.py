"""The benchmark's targets: the pages and prints to measure, found in the data."""

import itertools
import math
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from perf.targets._common import _plain, _requests, _user

BENCH_USER = "thidua.tinh"  # province emulation staff: sees the whole province
DEEP_PAGE = 400  # the page the quality bar names; lower when there are fewer
BOOK_PRINT_ENTRIES = 1000
DOSSIER_NOMINEES = 50
RECENT = 2000  # rows looked at when picking a typical request or search word

# Budgets from docs/quality.md ("Performance"): p95 in ms, times the bare page.
LIST_BUDGET = {"p95_ms": 150, "ratio": 4, "queries": 12}
DETAIL_BUDGET = {"p95_ms": 100, "queries": 12}
DASHBOARD_BUDGET = {"p95_ms": 300, "queries": 12}


@dataclass
class Target:
    key: str
    name: str
    url: str | None = None
    user: str | None = None  # user name, None for a visitor
    kind: str = "page"  # page, pdf (a few samples) or print (fewer still)
    note: str = ""
    budget: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.url is not None

    def as_dict(self) -> dict:
        return asdict(self)


def _superuser():
    from units.models import User

    return User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()


def _visible(user, model_or_queryset):
    from units import access

    return access.visible(user, model_or_queryset)


# --- The request list ------------------------------------------------------------


def list_plain(user) -> Target:
    target = Target("list", "request list", user=user.username, budget=LIST_BUDGET)
    target.url = reverse("initiatives:list")
    target.note = f"{_plain(_requests(user)).count():,} requests visible"
    return target


def list_filtered(user) -> Target:
    target = Target(
        "list_filtered",
        "request list, filtered",
        user=user.username,
        budget=LIST_BUDGET,
    )
    top = (
        _plain(_requests(user))
        .order_by()
        .values("year", "status")
        .annotate(rows=Count("id"))
        .order_by("-rows", "-year", "status")
        .first()
    )
    if top is None:
        target.note = "no request visible to filter"
        return target
    query = {"year": top["year"], "status": top["status"]}
    target.url = f"{reverse('initiatives:list')}?{urlencode(query)}"
    target.note = f"year {top['year']}, status {top['status']}: {top['rows']:,} rows"
    return target


def search_phrase(titles) -> str:
    """The commonest pair of neighbouring words (folded, 3 letters or more) in
    the titles: what someone looking for similar initiatives would type."""
    from core.text import fold

    pairs = Counter()
    for title in titles:
        words = [w for w in fold(title).replace(",", " ").split() if w.isalpha()]
        pairs.update(f"{a} {b}" for a, b in itertools.pairwise(words) if len(a) >= 3)
    if not pairs:
        return ""
    return min(pairs.items(), key=lambda item: (-item[1], item[0]))[0]


def list_searched(user) -> Target:
    target = Target(
        "list_search", "request list, searched", user=user.username, budget=LIST_BUDGET
    )
    titles = _plain(_requests(user)).order_by("-id").values_list("title", flat=True)
    phrase = search_phrase(titles[:RECENT])
    if not phrase:
        target.note = "no request title to search for"
        return target
    from initiatives.selectors.requests import initiative_list_for_user

    hits = _plain(initiative_list_for_user(user, {"q": phrase})).count()
    target.url = f"{reverse('initiatives:list')}?{urlencode({'q': phrase})}"
    target.note = f"q={phrase!r} (accents dropped): {hits:,} rows"
    return target


def keyset_cursor(values: list, number: int) -> str:
    """A "next" cursor to page `number`, built as units.pagination builds it."""
    from units.pagination import encode_cursor

    return encode_cursor(values, "next", number)


def list_deep(user) -> Target:
    from initiatives.forms.requests import SORTS

    target = Target(
        "list_deep", "request list, deep page", user=user.username, budget=LIST_BUDGET
    )
    rows = _plain(_requests(user))
    total = rows.count()
    size = settings.PAGE_SIZE
    page = min(DEEP_PAGE, math.ceil(total / size))
    if page < 2:
        target.note = f"{total:,} requests visible: one page only, no deep page"
        return target
    ordering = SORTS["new"][1]
    columns = [name.lstrip("-") for name in ordering]
    # The last row of the page before: the cursor the list's "Next" link carries.
    before = rows.order_by(*ordering).values_list(*columns)[(page - 1) * size - 1]
    cursor = keyset_cursor(list(before), page)
    target.url = f"{reverse('initiatives:list')}?{urlencode({'cursor': cursor})}"
    target.note = f"page {page} of {math.ceil(total / size)}"
    return target


# --- Single pages -----------------------------------------------------------------


def typical_request(user):
    """A request that went through a council, with the longest history among the
    most recent ones the user can see (its page shows the most)."""
    visible = _plain(_requests(user))
    recent = visible.order_by("-id").values("id")[:RECENT]
    pick = (
        visible.filter(id__in=recent)
        .annotate(steps=Count("events", distinct=True))
        .annotate(councils=Count("council_items", distinct=True))
        .order_by("-councils", "-steps", "-id")
        .first()
    )
    return pick


def request_page(user, request_obj) -> Target:
    target = Target("request", "request page", user=user.username, budget=DETAIL_BUDGET)
    if request_obj is None:
        target.note = "no request visible"
        return target
    target.url = reverse("initiatives:detail", args=[request_obj.pk])
    target.note = f"request {request_obj.pk}: {request_obj.steps} events"
    return target


def request_pdf(user, request_obj) -> Target:
    target = Target(
        "request_pdf",
        "request PDF",
        user=user.username,
        kind="pdf",
        budget={"p95_ms": 300},
    )
    if request_obj is None:
        target.note = "no request visible"
        return target
    target.url = reverse("initiatives:pdf", args=[request_obj.pk])
    target.note = f"request {request_obj.pk}"
    return target


def _first_seen(users, find):
    """Run `find(user)` for each user in turn; return (user, result) of the first
    that finds something, else (first user, None)."""
    for user in users:
        if user is None:
            continue
        found = find(user)
        if found is not None:
            return user, found
    return users[0], None


def _seen_by(user, bench_user) -> str:
    if user.pk == bench_user.pk:
        return ""
    return f" (seen as {user.username}: not visible to {bench_user.username})"


def session_page(bench_user, fallback) -> Target:
    from initiatives.models import Session

    def find(user):
        return (
            _visible(user, Session)
            .annotate(items=Count("agenda"))
            .order_by("-items", "-id")
            .first()
        )

    user, session = _first_seen([bench_user, fallback], find)
    target = Target(
        "session", "council session page", user=user.username, budget=DETAIL_BUDGET
    )
    if session is None:
        target.note = "no council session in the data"
        return target
    target.url = reverse("initiatives:session_detail", args=[session.pk])
    target.note = (
        f"session {session.pk}: {session.items} agenda items, {session.status}"
        + _seen_by(user, bench_user)
    )
    return target


def _books(user):
    from goldbook.models import GoldBook
    from units.models import Unit

    return GoldBook.objects.filter(unit__in=_visible(user, Unit))


def goldbook_page(user) -> Target:
    target = Target(
        "goldbook", "Gold Book page", user=user.username, budget=DETAIL_BUDGET
    )
    book = (
        _books(user)
        .annotate(rows=Count("entries"))
        .filter(rows__gt=0)
        .order_by("-rows", "id")
        .first()
    )
    if book is None:
        target.note = "no Gold Book with entries"
        return target
    target.url = reverse("goldbook:book", args=[book.unit_id])
    target.note = f"book of unit {book.unit_id}: {book.rows:,} entries"
    return target


def book_print_choice(counts: list[tuple[int, int | None, int]]):
    """From (unit id, year or None for the whole book, entries), the print
    nearest to BOOK_PRINT_ENTRIES from above, else the largest."""
    if not counts:
        return None
    big = [row for row in counts if row[2] >= BOOK_PRINT_ENTRIES]
    # On a tie, the whole book (no year) and the first unit.
    if big:
        return min(big, key=lambda row: (row[2], row[1] is not None, row[0]))
    return max(counts, key=lambda row: (row[2], row[1] is None, -row[0]))


def goldbook_print(user) -> Target:
    from goldbook.models import GoldBookEntry

    target = Target(
        "goldbook_print",
        f"Gold Book print, {BOOK_PRINT_ENTRIES:,} entries",
        user=user.username,
        kind="print",
        budget={"p95_ms": 10_000},
    )
    entries = GoldBookEntry.objects.filter(book__in=_books(user)).order_by()
    counts = [
        (row["book__unit_id"], row["year"], row["rows"])
        for row in entries.values("book__unit_id", "year").annotate(rows=Count("id"))
    ]
    counts += [
        (row["book__unit_id"], None, row["rows"])
        for row in entries.values("book__unit_id").annotate(rows=Count("id"))
    ]
    choice = book_print_choice(counts)
    if choice is None:
        target.note = "no Gold Book entries to print"
        return target
    unit_id, year, rows = choice
    target.url = reverse("goldbook:print", args=[unit_id])
    if year:
        target.url += f"?year={year}"
    target.name = f"Gold Book print, {rows:,} entries"
    target.note = f"unit {unit_id}, {year or 'all years'}: {rows:,} entries"
    if rows < BOOK_PRINT_ENTRIES:
        target.note += f" (the largest print in the data, not {BOOK_PRINT_ENTRIES:,})"
    return target


def honour_roll() -> Target:
    from goldbook import selectors

    target = Target("honour", "honour roll (public)", budget=DETAIL_BUDGET)
    target.url = reverse("goldbook:honour")
    target.note = f"{selectors.public_entries({}).count():,} public entries"
    return target


def dashboard(user) -> Target:
    target = Target(
        "dashboard",
        "dashboard (home, province staff)",
        user=user.username,
        budget=DASHBOARD_BUDGET,
    )
    target.url = reverse("home")
    return target


def movement_report(user) -> Target:
    from awards.views.report import default_report_unit

    target = Target(
        "report", "movement report", user=user.username, budget=DASHBOARD_BUDGET
    )
    unit = default_report_unit(user)
    if unit is None:
        target.note = f"{user.username} may read no report"
        return target
    target.url = reverse("awards:report")
    target.note = f"{unit.code}, this year"
    return target


def dossier_bundle(bench_user, fallback) -> Target:
    from awards.models import Candidate, Dossier

    def find(user):
        return (
            _visible(user, Dossier)
            .filter(submission__isnull=False)
            .annotate(
                nominees=Count(
                    "round__candidates",
                    filter=Q(round__candidates__status=Candidate.Status.SELECTED),
                )
            )
            .order_by("-nominees", "-id")
            .first()
        )

    user, dossier = _first_seen([bench_user, fallback], find)
    target = Target(
        "dossier_bundle",
        f"award dossier bundle, {DOSSIER_NOMINEES} nominees",
        user=user.username,
        kind="print",
        budget={"p95_ms": 8_000},
    )
    if dossier is None:
        target.note = "no issued award dossier in the data"
        return target
    target.url = reverse("awards:dossier_bundle", args=[dossier.pk])
    target.note = f"dossier {dossier.pk}: {dossier.nominees} nominees"
    if dossier.nominees < DOSSIER_NOMINEES:
        target.note += f" (the largest in the data, not {DOSSIER_NOMINEES})"
    target.note += _seen_by(user, bench_user)
    return target


def bare_page() -> Target:
    return Target(
        "bare",
        "bare page (base template, no query)",
        url=reverse("about"),
        note="the yardstick",
    )


def discover(bench_username: str = BENCH_USER) -> list[Target]:
    """Every benchmark target, in the order of the report; the bare page first."""
    bench_user = _user(bench_username)
    targets = [bare_page()]
    if bench_user is None:
        return [
            *targets,
            Target(
                "missing_user",
                "signed-in pages",
                note=f"no active user {bench_username!r}: seed the demo data",
            ),
        ]
    fallback = _superuser()
    steps = [
        ("list", lambda: list_plain(bench_user)),
        ("list_filtered", lambda: list_filtered(bench_user)),
        ("list_search", lambda: list_searched(bench_user)),
        ("list_deep", lambda: list_deep(bench_user)),
        ("request", None),
        ("session", lambda: session_page(bench_user, fallback)),
        ("goldbook", lambda: goldbook_page(bench_user)),
        ("honour", honour_roll),
        ("dashboard", lambda: dashboard(bench_user)),
        ("report", lambda: movement_report(bench_user)),
        ("request_pdf", None),
        ("dossier_bundle", lambda: dossier_bundle(bench_user, fallback)),
        ("goldbook_print", lambda: goldbook_print(bench_user)),
    ]
    typical = None
    try:
        typical = typical_request(bench_user)
    except Exception as error:  # reported, not fatal
        typical = error
    for key, find in steps:
        if key in ("request", "request_pdf"):
            if isinstance(typical, Exception):
                targets.append(Target(key, key, note=f"lookup failed: {typical}"))
                continue
            make = request_page if key == "request" else request_pdf
            targets.append(make(bench_user, typical))
            continue
        try:
            targets.append(find())
        except Exception as error:  # one target's data, not the run
            targets.append(Target(key, key, note=f"lookup failed: {error!r}"))
    return targets
