"""The Gold Book pages for people signed in.

First a permission table over every URL name of the app: anonymous visitors go to
the login page, a method a URL does not take is refused, out of scope is 404 and
in scope but not allowed is 403; a URL added to goldbook/urls.py without a row
here fails. Then the pages through their forms: confirming a proposed entry,
refusing bad input beside the field, annotating, revoking, the book by year, the
roll-up with its filters and totals, a person's entries, and where staff are told
that recognitions wait to be written in.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from goldbook import services
from goldbook.models import Annotation, GoldBook, GoldBookEntry
from goldbook.urls import urlpatterns
from initiatives.models import CouncilItem, CouncilRole, Field
from initiatives.services import AuthorData
from tests.factories import UserFactory, grant
from tests.goldbook.conftest import EVIDENCE, SUMMARY, issue_decision
from tests.initiatives.factories import vietnamese
from tests.initiatives.helpers import assert_login_redirect
from units.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = TODAY.year
LAST_YEAR = THIS_YEAR - 1


def typed(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Reading pages ----------------------------------------------------------------


def main_html(response) -> str:
    content = response.content.decode()
    start = content.index("<main")
    return content[start : content.index("</main>", start)]


def text_of(markup: str) -> str:
    """The visible text of some HTML, tags removed, entities read, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def main_text(response) -> str:
    return text_of(main_html(response))


def hrefs(response) -> list[str]:
    return [
        html.unescape(h) for h in re.findall(r'href="([^"]*)"', main_html(response))
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def listed_titles(response) -> list[str]:
    """Titles of the entries in a book or roll-up table, in order."""
    return [entry.title for entry in response.context["page"].object_list]


def vi(message: str, **values) -> str:
    return vietnamese(lambda: gettext(message) % values if values else gettext(message))


# --- The permission table -----------------------------------------------------------

EVERYONE = (
    "anonymous",
    "outsider",
    "a1_member",
    "b_admin",
    "secretary",
    "author",
    "a_officer",
    "a_staff",
    "a_admin",
    "province_staff",
    "superuser",
)
SIGNED_IN = EVERYONE[1:]
# Those holding a role on CB-A or above: they see CB-A's book and its entries.
UNIT_VIEWERS = ("a_officer", "a_staff", "a_admin", "province_staff", "superuser")
# Emulation staff and administrators on CB-A or above: they keep CB-A's book.
KEEPERS = ("a_staff", "a_admin", "province_staff", "superuser")


def allow(actors, status: int) -> dict[str, int]:
    return dict.fromkeys(actors, status)


@dataclass(frozen=True)
class Route:
    """What the URL is about, and per method what each actor gets: actors not
    named get 404 (anonymous visitors the login page, unless the URL is public)."""

    target: str
    expect: dict[str, dict[str, int]]
    public: bool = False
    methods: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "methods", tuple(self.expect))


WRITE = {**allow(KEEPERS, 302), "a_officer": 403, "author": 403}
ROUTES = {
    "goldbook:list": Route("none", {"GET": allow(SIGNED_IN, 200)}),
    "goldbook:book": Route("unit", {"GET": allow(UNIT_VIEWERS, 200)}),
    "goldbook:rollup": Route("unit", {"GET": allow(UNIT_VIEWERS, 200)}),
    "goldbook:print": Route("unit", {"GET": allow(UNIT_VIEWERS, 200)}),
    "goldbook:export": Route("unit", {"GET": allow(UNIT_VIEWERS, 200)}),
    # The proposal is a council item: seen by the council and the unit's staff
    # only, so an officer of the unit does not see it (404); a council member sees
    # it but does not keep the book (403).
    "goldbook:confirm": Route(
        "item",
        {
            "GET": {**allow(KEEPERS, 200), "secretary": 403},
            "POST": {**allow(KEEPERS, 302), "secretary": 403},
        },
    ),
    "goldbook:entry": Route("entry", {"GET": allow((*UNIT_VIEWERS, "author"), 200)}),
    "goldbook:annotate": Route("entry", {"POST": WRITE}),
    "goldbook:revoke": Route("entry", {"POST": WRITE}),
    "goldbook:person": Route(
        "person",
        {"GET": {**allow((*UNIT_VIEWERS, "author"), 200), "a1_member": 403}},
    ),
    "goldbook:honour": Route("none", {"GET": allow(EVERYONE, 200)}, public=True),
    "goldbook:honour_feed": Route("none", {"GET": allow(EVERYONE, 200)}, public=True),
    "goldbook:honour_entry": Route("entry", {"GET": allow(EVERYONE, 200)}, public=True),
}


def url_names() -> set[str]:
    return {f"goldbook:{pattern.name}" for pattern in urlpatterns}


def expected(route: Route, method: str, actor: str) -> int | None:
    """The status the actor gets; None for the login page."""
    if actor == "anonymous" and not route.public:
        return None
    if method not in route.expect:
        return 405
    return route.expect[method].get(actor, 404)


@pytest.fixture
def world(gold, cast):
    """CB-A's book with one entry, a recognition waiting to be written in, and a
    person for every row of the table."""
    entry = gold.entry()
    waiting = gold.recognised()
    author = entry.initiative.authors.get().user
    secretary = gold.board(cast.councils.a)[1]
    assert secretary.role == CouncilRole.SECRETARY
    people = {
        "anonymous": None,
        "outsider": cast.outsider,
        "a1_member": cast.a1_member,
        "b_admin": cast.b_admin,
        "secretary": secretary.user,
        "author": author,
        "a_officer": cast.a_officer,
        "a_staff": cast.a_staff,
        "a_admin": cast.a_admin,
        "province_staff": cast.province_staff,
        "superuser": cast.superuser,
    }
    assert set(people) == set(EVERYONE)
    return SimpleNamespace(
        entry=entry, waiting=waiting, author=author, people=people, unit=cast.tree.a
    )


def url(world, name: str) -> str:
    target = ROUTES[name].target
    args = {
        "none": [],
        "unit": [world.unit.pk],
        "item": [world.waiting.pk],
        "entry": [world.entry.pk],
        "person": [world.author.pk],
    }[target]
    return reverse(name, args=args)


def payload(name: str) -> dict:
    return {
        "goldbook:confirm": {
            "public_summary": SUMMARY,
            "application_evidence": EVIDENCE,
            "evidence_file": "",
            "recorded_on": typed(TODAY),
        },
        "goldbook:annotate": {"kind": "correction", "text": "Đính chính tên đơn vị."},
        "goldbook:revoke": {
            "reason": "Quyết định huỷ bỏ số 09.",
            "revoked_on": typed(TODAY),
        },
    }.get(name, {})


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(
            GoldBookEntry.objects.order_by("pk").values_list(
                "pk", "book", "number", "status", "revoked_reason"
            )
        ),
        list(Annotation.objects.order_by("pk").values_list("pk", "kind", "text")),
        # Opening a book to show it is no change; numbering one is.
        list(
            GoldBook.objects.filter(last_number__gt=0)
            .order_by("pk")
            .values_list("unit", "last_number")
        ),
    )


def call(client, method: str, path: str, data: dict):
    if method == "GET":
        return client.get(path)
    return client.post(path, data)


def test_every_url_name_is_in_the_table():
    """A URL added to goldbook/urls.py fails here until it has a row."""
    # Every pattern is named, so none escapes the comparison.
    assert all(pattern.name for pattern in urlpatterns)
    assert len(url_names()) == len(urlpatterns)
    assert set(ROUTES) == url_names()
    private = {name for name, route in ROUTES.items() if not route.public}
    assert private == {
        f"goldbook:{name}"
        for name in (
            "list",
            "book",
            "rollup",
            "print",
            "export",
            "confirm",
            "entry",
            "annotate",
            "revoke",
            "person",
        )
    }


def test_permission_table(world, client_for, subtests):
    for actor in EVERYONE:
        client = client_for(world.people[actor])
        for name, route in ROUTES.items():
            path = url(world, name)
            for method in ("GET", "POST"):
                if (
                    route.public
                    and method not in route.methods
                    and actor != "anonymous"
                ):
                    continue  # a public page refuses a method alike for everyone
                want = expected(route, method, actor)
                with subtests.test(actor=actor, name=name, method=method):
                    with transaction.atomic():
                        before = state()
                        response = call(client, method, path, payload(name))
                        after = state()
                        transaction.set_rollback(True)
                    if want is None:
                        assert_login_redirect(response, path)
                    else:
                        assert response.status_code == want
                    if want == 302:
                        # Written: the entry's page is where it goes.
                        assert response.url.startswith("/goldbook/entries/")
                        assert after != before
                    else:
                        assert after == before


def test_outside_the_scope_nothing_of_cb_a_is_listed(world, client_for, cast):
    title = world.entry.title
    for user in (cast.outsider, cast.b_admin, cast.a1_member):
        response = client_for(user).get(reverse("goldbook:list"))
        assert response.status_code == 200
        content = response.content.decode()
        assert title not in content
        assert world.waiting.initiative.title not in content
        assert reverse("goldbook:book", args=[cast.tree.a.pk]) not in content
    # b_admin's own roll-up (CB-B and below) leaves CB-A out as well.
    response = client_for(cast.b_admin).get(
        reverse("goldbook:rollup", args=[cast.tree.b.pk])
    )
    assert response.status_code == 200
    assert title not in response.content.decode()


def test_province_staff_reach_cb_a_through_the_tree(world, client_for, cast):
    client = client_for(cast.province_staff)
    listed = client.get(reverse("goldbook:list"))
    assert reverse("goldbook:book", args=[cast.tree.a.pk]) in hrefs(listed)
    book = client.get(reverse("goldbook:book", args=[cast.tree.a.pk]))
    assert listed_titles(book) == [world.entry.title]
    rollup = client.get(reverse("goldbook:rollup", args=[cast.tree.province.pk]))
    assert listed_titles(rollup) == [world.entry.title]


def test_an_unknown_object_is_not_found(world, client_for, cast):
    client = client_for(cast.superuser)
    for name in (
        "goldbook:book",
        "goldbook:rollup",
        "goldbook:print",
        "goldbook:export",
        "goldbook:confirm",
        "goldbook:entry",
        "goldbook:person",
    ):
        assert client.get(reverse(name, args=[987654])).status_code == 404, name
    for name in ("goldbook:annotate", "goldbook:revoke"):
        response = client.post(reverse(name, args=[987654]), payload(name))
        assert response.status_code == 404, name


def test_officer_and_author_see_the_entry_without_the_forms(world, client_for, cast):
    entry_url = world.entry.get_absolute_url()
    annotate = reverse("goldbook:annotate", args=[world.entry.pk])
    revoke = reverse("goldbook:revoke", args=[world.entry.pk])
    for user in (cast.a_officer, world.author):
        response = client_for(user).get(entry_url)
        assert response.status_code == 200
        assert world.entry.title in main_text(response)
        content = response.content.decode()
        assert annotate not in content
        assert revoke not in content
    response = client_for(cast.a_staff).get(entry_url)
    content = response.content.decode()
    assert f'action="{annotate}"' in content
    assert f'action="{revoke}"' in content
    # The officer sees CB-A's book, without the proposals to write in.
    book = client_for(cast.a_officer).get(
        reverse("goldbook:book", args=[world.unit.pk])
    )
    assert reverse("goldbook:confirm", args=[world.waiting.pk]) not in hrefs(book)
    book = client_for(cast.a_staff).get(reverse("goldbook:book", args=[world.unit.pk]))
    assert reverse("goldbook:confirm", args=[world.waiting.pk]) in hrefs(book)


# --- Confirming an entry ----------------------------------------------------------


def confirm_data(**overrides) -> dict:
    data = {
        "public_summary": "Giảm một nửa thời gian làm thủ tục trợ cấp cho đoàn viên.",
        "application_evidence": "Văn bản xác nhận áp dụng của Công đoàn Trường THPT.",
        "evidence_file": "",
        "recorded_on": typed(TODAY),
    }
    data.update(overrides)
    return data


def test_staff_confirm_a_proposed_entry(gold, client_for, cast):
    item = gold.recognised()
    initiative = item.initiative
    client = client_for(cast.a_staff)
    confirm_url = reverse("goldbook:confirm", args=[item.pk])

    page = client.get(confirm_url)
    assert page.status_code == 200
    text = main_text(page)
    assert vi("Write in the Gold Book") in text
    assert initiative.title in text
    assert item.decision.symbol in text
    # Proposed with the author's own words on the benefit, and today's date.
    form = page.context["form"]
    assert form["public_summary"].value() == initiative.benefits_author
    assert form["recorded_on"].value() == TODAY

    data = confirm_data()
    response = client.post(confirm_url, data)
    entry = GoldBookEntry.objects.get(council_item=item)
    assert response.status_code == 302
    assert response.url == entry.get_absolute_url()
    assert entry.number == 1
    assert entry.book.unit == cast.tree.a
    assert entry.public_summary == data["public_summary"]
    assert entry.application_evidence == data["application_evidence"]
    assert entry.recorded_on == TODAY
    assert entry.year == item.decided_on.year
    assert entry.decision == item.decision
    assert entry.recorded_by == cast.a_staff
    assert entry.title == initiative.title

    shown = client.get(response.url)
    assert messages_of(shown) == [
        vi("Entry no. %(number)d was written in the Gold Book.", number=1)
    ]
    text = main_text(shown)
    for expected_text in (
        entry.title,
        data["public_summary"],
        data["application_evidence"],
    ):
        assert expected_text in text
    assert item.decision.symbol in text
    for author in initiative.authors.all():
        assert author.full_name in text

    # The next one gets number 2, and the page says so before it is written.
    second = gold.recognised()
    second_url = reverse("goldbook:confirm", args=[second.pk])
    assert vi(
        "It becomes entry no. %(number)s of the Gold Book of %(name)s. Entries "
        "never change afterwards: corrections are added as dated annotations.",
        number=2,
        name=cast.tree.a.name,
    ) in main_text(client.get(second_url))
    response = client.post(second_url, confirm_data())
    assert response.status_code == 302
    assert GoldBookEntry.objects.get(council_item=second).number == 2


def test_confirm_refuses_bad_input_beside_the_field(gold, client_for, cast):
    item = gold.recognised()
    client = client_for(cast.a_staff)
    confirm_url = reverse("goldbook:confirm", args=[item.pk])
    before = state()
    required = vietnamese(lambda: gettext("This field is required."))
    future = vi("The date cannot be in the future.")
    cases = [
        (confirm_data(public_summary="   "), "public_summary", required),
        (confirm_data(application_evidence=""), "application_evidence", required),
        (
            confirm_data(recorded_on=typed(TODAY + datetime.timedelta(days=1))),
            "recorded_on",
            future,
        ),
        (
            confirm_data(recorded_on="31/02/2025"),
            "recorded_on",
            vi("Enter a date as dd/mm/yyyy."),
        ),
        (
            confirm_data(
                recorded_on=typed(item.decided_on - datetime.timedelta(days=1))
            ),
            "recorded_on",
            vi("The date cannot be before the recognition."),
        ),
    ]
    for data, name, message in cases:
        response = client.post(confirm_url, data)
        assert response.status_code == 200, (name, data)
        assert message in field_errors(response, name), (name, data)
        # The message is beside the field, in Vietnamese, and what was typed stays.
        assert html.escape(message) in response.content.decode()
        form = response.context["form"]
        for kept in ("public_summary", "application_evidence"):
            if data[kept].strip():
                assert data[kept] in text_of(main_html(response)), kept
        assert form.data["recorded_on"] == data["recorded_on"]
        assert state() == before


def test_confirm_refuses_a_file_of_another_request(gold, client_for, cast):
    from django.core.files.base import ContentFile

    from initiatives.models import Attachment
    from tests.initiatives.helpers import PDF_FILE

    item = gold.recognised()
    other = gold.recognised().initiative

    def attachment_of(initiative, name):
        attachment = Attachment(
            initiative=initiative,
            original_name=name,
            content_type="application/pdf",
            size=len(PDF_FILE),
            sha256="0" * 64,
            uploaded_by=cast.a_staff,
        )
        attachment.file.save("upload.pdf", ContentFile(PDF_FILE), save=False)
        attachment.save()
        return attachment

    foreign = attachment_of(other, "cua-don-khac.pdf")
    own = attachment_of(item.initiative, "xac-nhan-ap-dung.pdf")
    client = client_for(cast.a_staff)
    confirm_url = reverse("goldbook:confirm", args=[item.pk])
    page = client.get(confirm_url)
    assert own.original_name in page.content.decode()
    assert foreign.original_name not in page.content.decode()
    before = state()
    response = client.post(confirm_url, confirm_data(evidence_file=str(foreign.pk)))
    assert response.status_code == 200
    assert field_errors(response, "evidence_file")
    assert state() == before

    response = client.post(confirm_url, confirm_data(evidence_file=str(own.pk)))
    assert response.status_code == 302
    entry = GoldBookEntry.objects.get(council_item=item)
    assert entry.evidence_file == own
    shown = client.get(entry.get_absolute_url())
    assert reverse("initiatives:attachment_download", args=[own.pk]) in hrefs(shown)


def test_confirm_refuses_what_cannot_be_written(gold, client_for, cast):
    """No decision yet, or already written in: a clear message, nothing written."""
    client = client_for(cast.a_staff)
    undecided = gold.recognised(decision=False)
    before = state()
    response = client.post(
        reverse("goldbook:confirm", args=[undecided.pk]), confirm_data()
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        vi("The recognition decision has not been issued yet; issue it first.")
    ]
    assert state() == before

    entry = gold.entry()
    before = state()
    response = client.post(
        reverse("goldbook:confirm", args=[entry.council_item_id]), confirm_data()
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        vi("This recognition is already in the Gold Book.")
    ]
    assert state() == before


# --- Annotating and revoking ------------------------------------------------------


def test_staff_add_a_correction_and_a_note(world, client_for, cast):
    entry = world.entry
    client = client_for(cast.a_staff)
    annotate = reverse("goldbook:annotate", args=[entry.pk])
    correction = "Đính chính: tên đơn vị là Trường THPT Chuyên Cao Bằng."
    note = "Ghi chú nội bộ: đã gửi bản sao cho Ban Tuyên giáo."

    for kind, text in (("correction", correction), ("note", note)):
        response = client.post(annotate, {"kind": kind, "text": text}, follow=True)
        assert response.redirect_chain == [(entry.get_absolute_url(), 302)]
        assert messages_of(response) == [vi("The annotation was added.")]
    assert list(entry.annotations.values_list("kind", "text", "written_by")) == [
        (Annotation.Kind.CORRECTION, correction, cast.a_staff.pk),
        (Annotation.Kind.NOTE, note, cast.a_staff.pk),
    ]
    text = main_text(response)
    assert correction in text
    assert note in text
    assert typed(TODAY) in text
    # The entry itself did not change.
    stored = GoldBookEntry.objects.get(pk=entry.pk)
    assert (stored.title, stored.public_summary) == (entry.title, entry.public_summary)
    # The book shows that the entry carries annotations.
    book = client.get(reverse("goldbook:book", args=[world.unit.pk]))
    assert vietnamese(
        lambda: (
            ngettext("%(counter)s annotation", "%(counter)s annotations", 2)
            % {"counter": 2}
        )
    ) in main_text(book)


def test_an_empty_or_unknown_annotation_is_refused(world, client_for, cast):
    client = client_for(cast.a_staff)
    annotate = reverse("goldbook:annotate", args=[world.entry.pk])
    before = state()
    for data in (
        {"kind": "correction", "text": "  \n "},
        {"kind": "revocation", "text": "Thu hồi mà không qua biểu mẫu."},
        {"text": "Không chọn loại."},
    ):
        response = client.post(annotate, data, follow=True)
        assert response.redirect_chain == [(world.entry.get_absolute_url(), 302)]
        assert messages_of(response) == [vi("Write the correction or note.")], data
        assert state() == before


def test_staff_revoke_an_entry_with_its_reason(world, client_for, cast):
    entry = world.entry
    client = client_for(cast.a_staff)
    revoke = reverse("goldbook:revoke", args=[entry.pk])
    reason = "Quyết định số 12/QĐ-HĐSK huỷ bỏ việc công nhận do trùng lặp."

    response = client.post(revoke, {"reason": reason, "revoked_on": typed(TODAY)})
    assert response.status_code == 302
    assert response.url == entry.get_absolute_url()
    stored = GoldBookEntry.objects.get(pk=entry.pk)
    assert stored.is_revoked
    assert (stored.revoked_on, stored.revoked_reason, stored.revoked_by) == (
        TODAY,
        reason,
        cast.a_staff,
    )
    assert stored.annotations.get().kind == Annotation.Kind.REVOCATION

    shown = client.get(response.url)
    assert messages_of(shown) == [
        vi("The entry is marked revoked; it stays in the book.")
    ]
    text = main_text(shown)
    assert vi("Revoked on %(day)s.", day=typed(TODAY)) in text
    assert reason in text
    # No second revocation is offered, and none is taken.
    assert f'action="{revoke}"' not in shown.content.decode()
    assert (
        client.post(
            revoke, {"reason": "Lần hai.", "revoked_on": typed(TODAY)}
        ).status_code
        == 403
    )
    # It stays in the book, marked revoked.
    book = client.get(reverse("goldbook:book", args=[world.unit.pk]))
    assert listed_titles(book) == [entry.title]
    assert vietnamese(lambda: str(GoldBookEntry.Status.REVOKED.label)) in main_text(
        book
    )


def test_a_revoked_entry_shows_its_reason_in_the_book(world, client_for, cast):
    reason = "Hội đồng cấp trên kết luận sáng kiến trùng với sáng kiến năm 2019."
    services.entry_revoke(entry=world.entry, actor=cast.a_staff, reason=reason)
    for user in (cast.a_staff, cast.a_officer):
        client = client_for(user)
        entry_page = client.get(world.entry.get_absolute_url())
        assert reason in main_text(entry_page)
        book = client.get(reverse("goldbook:book", args=[world.unit.pk]))
        assert reason in main_text(book), "the book page does not say why"


def test_a_bad_revocation_is_refused(world, client_for, cast):
    entry = world.entry
    client = client_for(cast.a_staff)
    revoke = reverse("goldbook:revoke", args=[entry.pk])
    before = state()
    cases = [
        (
            {"reason": "   ", "revoked_on": typed(TODAY)},
            vietnamese(lambda: gettext("This field is required.")),
        ),
        (
            {"reason": "Huỷ.", "revoked_on": typed(TODAY + datetime.timedelta(days=2))},
            vi("The date cannot be in the future."),
        ),
        (
            {
                "reason": "Huỷ.",
                "revoked_on": typed(entry.recorded_on - datetime.timedelta(days=1)),
            },
            vi("Give a date between the entry and today."),
        ),
        (
            {"reason": "Huỷ.", "revoked_on": "hôm qua"},
            vi("Enter a date as dd/mm/yyyy."),
        ),
    ]
    for data, message in cases:
        response = client.post(revoke, data, follow=True)
        assert response.redirect_chain == [(entry.get_absolute_url(), 302)]
        assert message in messages_of(response), data
        assert state() == before
        assert not GoldBookEntry.objects.get(pk=entry.pk).is_revoked


# --- The book by year, the roll-up and its totals ---------------------------------


def written(gold, council, *, title, field=None, field_other="", decided_on=None, **kw):
    """An entry of the council's unit, recognised on `decided_on` (today)."""
    extra = {"field": field, "field_other": field_other} if field or field_other else {}
    item = gold.recognised(council, decision=False, title=title, **extra, **kw)
    if decided_on is not None:
        CouncilItem.objects.filter(pk=item.pk).update(decided_on=decided_on)
        item.refresh_from_db()
    issue_decision(item)
    return services.entry_confirm(
        item=item,
        actor=gold.keeper(item.council),
        public_summary=f"Lợi ích của {title}.",
        application_evidence=EVIDENCE,
        recorded_on=decided_on,
    )


@pytest.fixture
def books(gold, cast):
    """Entries across CB-A, its schools, a sibling and the province:

    fund   CB-A   this year  field one   upper-level   "Quỹ tương trợ …"
    school CB-A1  this year  field two   grassroots
    old    CB-A   last year  field two   upper-level
    gone   CB-A2  this year  field one   grassroots    revoked
    health CB-B   this year  field one   upper-level   (a sibling branch)
    prov   CB     this year  field two   province      (above CB-A)
    """
    councils = cast.councils
    one, two = Field.objects.order_by("position")[:2]
    last_year_day = datetime.date(LAST_YEAR, 11, 20)
    entries = SimpleNamespace(
        fund=written(
            gold, councils.a, title="Quỹ tương trợ đoàn viên khó khăn", field=one
        ),
        school=written(gold, councils.a1, title="Thư viện số của trường", field=two),
        old=written(
            gold,
            councils.a,
            title="Sổ tay công đoàn năm trước",
            field=two,
            decided_on=last_year_day,
        ),
        gone=written(gold, councils.a2, title="Phần mềm chấm công bị huỷ", field=one),
        health=written(gold, councils.b, title="Quy trình khám sức khoẻ", field=one),
        prov=written(
            gold, councils.province, title="Cổng thông tin LĐLĐ tỉnh", field=two
        ),
    )
    services.entry_revoke(entry=entries.gone, actor=cast.a_staff, reason="Huỷ bỏ.")
    entries.fields = (one.name, two.name)
    return entries


def test_the_book_by_year_shows_only_that_year(books, client_for, cast):
    client = client_for(cast.a_officer)
    book_url = reverse("goldbook:book", args=[cast.tree.a.pk])
    everything = client.get(book_url)
    assert sorted(listed_titles(everything)) == sorted(
        [books.fund.title, books.old.title]
    )
    assert everything.context["years"] == [THIS_YEAR, LAST_YEAR]
    for year, title, other in (
        (LAST_YEAR, books.old.title, books.fund.title),
        (THIS_YEAR, books.fund.title, books.old.title),
    ):
        response = client.get(book_url, {"year": year})
        assert listed_titles(response) == [title]
        assert other not in main_text(response)
        # Print and Excel keep the year.
        assert (
            f"{reverse('goldbook:print', args=[cast.tree.a.pk])}?year={year}"
            in hrefs(response)
        )
        assert (
            f"{reverse('goldbook:export', args=[cast.tree.a.pk])}?year={year}"
            in hrefs(response)
        )
    # A year out of range or not a number shows every year.
    for junk in ("abc", "1900", "-1"):
        assert len(listed_titles(client.get(book_url, {"year": junk}))) == 2


def test_the_rollup_filters(books, client_for, cast, subtests):
    client = client_for(cast.a_staff)
    rollup = reverse("goldbook:rollup", args=[cast.tree.a.pk])
    one, two = books.fields
    every = {books.fund.title, books.school.title, books.old.title, books.gone.title}
    cases = {
        "nothing": ({}, every),
        "unit": ({"unit": cast.tree.a1.pk}, {books.school.title}),
        "unit with units below": ({"unit": cast.tree.a.pk}, every),
        "year": ({"year": LAST_YEAR}, {books.old.title}),
        "field": ({"field": two}, {books.school.title, books.old.title}),
        "scope": ({"scope": "grassroots"}, {books.school.title, books.gone.title}),
        "search without accents": ({"q": "quy tuong tro"}, {books.fund.title}),
        "search with accents": ({"q": "QUỸ tương"}, {books.fund.title}),
        "search two words": ({"q": "so tay cong doan"}, {books.old.title}),
        "search nothing found": ({"q": "khám sức khoẻ"}, set()),
        "combined": (
            {"field": one, "year": THIS_YEAR},
            {books.fund.title, books.gone.title},
        ),
        "unit outside the subtree is ignored": ({"unit": cast.tree.b.pk}, every),
    }
    for label, (query, titles) in cases.items():
        with subtests.test(label):
            response = client.get(rollup, query)
            assert response.status_code == 200
            assert set(listed_titles(response)) == titles
            text = main_text(response)
            for title in every - titles:
                assert title not in text
            # Sibling and province entries never show in CB-A's roll-up.
            assert books.health.title not in text
            assert books.prov.title not in text
    # The province's roll-up has them all.
    response = client_for(cast.province_staff).get(
        reverse("goldbook:rollup", args=[cast.tree.province.pk])
    )
    assert set(listed_titles(response)) == every | {
        books.health.title,
        books.prov.title,
    }


def totals_shown(response) -> dict[str, dict[str, int]]:
    """The three lists of totals beside the roll-up, as label -> count; each list
    is checked to run from the largest count down (ties in any order)."""
    markup = main_html(response)
    found = {}
    for heading in ("By unit", "By year", "By field"):
        label = re.escape(html.escape(vi(heading)))
        match = re.search(rf"<h3[^>]*>{label}</h3>\s*<ul[^>]*>(.*?)</ul>", markup, re.S)
        assert match, heading
        lines = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", match[1], re.S)]
        rows = [line.rsplit(": ", 1) for line in lines]
        counts = [int(count) for _label, count in rows]
        if heading == "By year":
            years = [int(year) for year, _count in rows]
            assert years == sorted(years, reverse=True), lines
        else:
            assert counts == sorted(counts, reverse=True), lines
        found[heading] = {name: int(count) for name, count in rows}
        assert len(found[heading]) == len(rows), lines
    return found


def test_the_rollup_totals_count_entries_in_force(books, client_for, cast):
    one, two = books.fields
    client = client_for(cast.a_staff)
    rollup = reverse("goldbook:rollup", args=[cast.tree.a.pk])
    response = client.get(rollup)
    # The revoked entry of CB-A2 is listed but not counted.
    assert len(listed_titles(response)) == 4
    assert response.context["totals"]["total"] == 3
    assert totals_shown(response) == {
        "By unit": {cast.tree.a.name: 2, cast.tree.a1.name: 1},
        "By year": {str(THIS_YEAR): 2, str(LAST_YEAR): 1},
        "By field": {two: 2, one: 1},
    }
    assert vi("Totals (%(total)s in force)", total=3) in main_text(response)

    # The totals follow the filters.
    response = client.get(rollup, {"year": THIS_YEAR})
    assert response.context["totals"]["total"] == 2
    assert totals_shown(response) == {
        "By unit": {cast.tree.a.name: 1, cast.tree.a1.name: 1},
        "By year": {str(THIS_YEAR): 2},
        "By field": {one: 1, two: 1},
    }
    response = client.get(rollup, {"q": "quy tuong tro"})
    assert totals_shown(response) == {
        "By unit": {cast.tree.a.name: 1},
        "By year": {str(THIS_YEAR): 1},
        "By field": {one: 1},
    }

    # The province counts every branch.
    response = client_for(cast.province_staff).get(
        reverse("goldbook:rollup", args=[cast.tree.province.pk])
    )
    assert response.context["totals"]["total"] == 5
    assert totals_shown(response)["By unit"] == {
        cast.tree.a.name: 2,
        cast.tree.a1.name: 1,
        cast.tree.b.name: 1,
        cast.tree.province.name: 1,
    }


# --- A person's entries -----------------------------------------------------------


def test_the_person_page_lists_authors_and_coauthors_entries(gold, client_for, cast):
    author = UserFactory(username="tac_gia", full_name="Hà Thị Tác Giả")
    coauthor = UserFactory(username="dong_tac_gia", full_name="Lò Văn Đồng")
    grant(author, cast.tree.a1, Role.MEMBER)
    # One union membership only: at CB-B1 the author is on the support team.
    grant(author, cast.tree.b1, Role.SUPPORT_TEAM)
    grant(coauthor, cast.tree.a1, Role.MEMBER)
    together = gold.entry(
        cast.councils.a,
        filer=author,
        title="Sáng kiến chung của hai tác giả",
        authors=[
            AuthorData(user=author, full_name=author.full_name, share=Decimal(60)),
            AuthorData(user=coauthor, full_name=coauthor.full_name, share=Decimal(40)),
        ],
    )
    at_b = gold.entry(cast.councils.b, filer=author, title="Sáng kiến ở ngành Y tế")
    someone_else = gold.entry(cast.councils.a, title="Sáng kiến của người khác")

    def seen(viewer, person) -> set[str]:
        response = client_for(viewer).get(reverse("goldbook:person", args=[person.pk]))
        assert response.status_code == 200
        titles = {entry.title for entry in response.context["entries"]}
        text = main_text(response)
        for title in titles:
            assert title in text
        assert someone_else.title not in text
        return titles

    everything = {together.title, at_b.title}
    assert seen(author, author) == everything
    assert seen(cast.province_staff, author) == everything
    assert seen(cast.superuser, author) == everything
    # Each branch's staff see the entries of their own branch only.
    assert seen(cast.a_staff, author) == {together.title}
    assert seen(cast.a_officer, author) == {together.title}
    assert seen(cast.b_admin, author) == {at_b.title}
    # The co-author's page lists the shared entry; the co-author sees it too.
    assert seen(cast.a_staff, coauthor) == {together.title}
    # …but not the author's other entry, at CB-B.
    assert seen(coauthor, coauthor) == {together.title}
    # The page names the person.
    response = client_for(cast.a_staff).get(
        reverse("goldbook:person", args=[author.pk])
    )
    assert author.full_name in main_text(response)
    # Someone who may see the person but not their record is refused.
    member_view = client_for(cast.a1_member).get(
        reverse("goldbook:person", args=[author.pk])
    )
    assert member_view.status_code == 403


def test_a_person_without_entries(client_for, cast):
    response = client_for(cast.a_staff).get(
        reverse("goldbook:person", args=[cast.a1_member.pk])
    )
    assert response.status_code == 200
    assert list(response.context["entries"]) == []
    assert vi("No entries.") in main_text(response)


# --- Where staff learn that recognitions wait ---------------------------------------


def waiting_alert(count: int) -> str:
    return vietnamese(
        lambda: (
            ngettext(
                "%(counter)s recognised initiative waits to be written in a Gold Book "
                "you keep.",
                "%(counter)s recognised initiatives wait to be written in the Gold "
                "Books you keep.",
                count,
            )
            % {"counter": count}
        )
    )


@pytest.fixture
def waiting(gold, cast):
    """Two recognitions of CB-A waiting, one without its decision yet, one
    already written in."""
    return SimpleNamespace(
        first=gold.recognised(),
        second=gold.recognised(),
        undecided=gold.recognised(decision=False),
        done=gold.entry().council_item,
    )


def test_the_home_page_tells_staff_what_waits(waiting, client_for, cast):
    for user, count in (
        (cast.a_staff, 2),
        (cast.a_admin, 2),
        (cast.province_staff, 2),
        (cast.b_admin, 0),
        (cast.a_officer, 0),
        (cast.outsider, 0),
    ):
        response = client_for(user).get(reverse("home"))
        assert response.status_code == 200
        text = main_text(response)
        if count:
            assert waiting_alert(count) in text, user.username
            assert reverse("goldbook:list") in hrefs(response)
        else:
            assert waiting_alert(2) not in text, user.username
            assert response.context["goldbook_waiting"] == 0


def test_the_book_list_lists_what_waits_with_confirm_links(waiting, client_for, cast):
    response = client_for(cast.a_staff).get(reverse("goldbook:list"))
    text = main_text(response)
    assert waiting_alert(2) in text
    links = hrefs(response)
    for item in (waiting.first, waiting.second):
        assert reverse("goldbook:confirm", args=[item.pk]) in links
        assert item.initiative.title in text
        assert item.decision.symbol in text
    for item in (waiting.undecided, waiting.done):
        assert reverse("goldbook:confirm", args=[item.pk]) not in links
    assert reverse("goldbook:book", args=[cast.tree.a.pk]) in links
    # Following a link opens the form.
    page = client_for(cast.a_staff).get(
        reverse("goldbook:confirm", args=[waiting.first.pk])
    )
    assert page.status_code == 200
    # Nobody else is told of CB-A's proposals.
    for user in (cast.a_officer, cast.b_admin):
        response = client_for(user).get(reverse("goldbook:list"))
        assert waiting.first.initiative.title not in main_text(response)


def test_the_item_page_offers_writing_in_then_links_the_entry(gold, client_for, cast):
    item = gold.recognised()
    item_url = reverse("initiatives:item_detail", args=[item.pk])
    confirm_url = reverse("goldbook:confirm", args=[item.pk])
    client = client_for(cast.a_staff)
    response = client.get(item_url)
    assert response.status_code == 200
    assert confirm_url in hrefs(response)
    assert vi("Write in the Gold Book") in main_text(response)

    response = client.post(confirm_url, confirm_data())
    entry = GoldBookEntry.objects.get(council_item=item)
    response = client.get(item_url)
    assert confirm_url not in hrefs(response)
    assert entry.get_absolute_url() in hrefs(response)
    assert vi("Gold Book entry no. %(number)s", number=entry.number) in main_text(
        response
    )

    # No decision yet: nothing to write in.
    undecided = gold.recognised(decision=False)
    response = client.get(reverse("initiatives:item_detail", args=[undecided.pk]))
    assert reverse("goldbook:confirm", args=[undecided.pk]) not in hrefs(response)


def test_whoever_is_offered_writing_in_may_write(gold, client_for, cast):
    """The item page offers "Write in the Gold Book" only to those the confirm
    page lets in: each link shown opens."""
    item = gold.recognised()
    board = gold.board(cast.councils.a)
    item_url = reverse("initiatives:item_detail", args=[item.pk])
    confirm_url = reverse("goldbook:confirm", args=[item.pk])
    offered = {}
    for user in (cast.a_staff, cast.a_admin, *(member.user for member in board)):
        client = client_for(user)
        if confirm_url in hrefs(client.get(item_url)):
            offered[user.username] = client.get(confirm_url).status_code
    assert offered.get(cast.a_staff.username) == 200
    assert all(status == 200 for status in offered.values()), offered


def test_the_revoke_form_stays_folded_until_asked_for(world, client_for, cast):
    """Revoking is rare and final: the entry page shows a closed <details> whose
    summary names the action; the form inside opens without any script (the
    page's CSP allows no inline script or style)."""
    revoke = reverse("goldbook:revoke", args=[world.entry.pk])
    annotate = reverse("goldbook:annotate", args=[world.entry.pk])
    content = client_for(cast.a_staff).get(world.entry.get_absolute_url())
    page = content.content.decode()
    folded = re.search(
        r"<details([^>]*)>\s*<summary[^>]*>(.*?)</summary>(.*?)</details>", page, re.S
    )
    assert folded, "the revoke form is not inside <details>"
    attributes, summary, inside = folded.groups()
    assert " open" not in attributes
    assert html.unescape(summary).strip() == vi("Revoke (the recognition was annulled)")
    assert f'action="{revoke}"' in inside
    assert 'name="reason"' in inside
    assert f'action="{revoke}"' not in page.replace(inside, "")
    # The annotation form stays open beside it.
    assert f'action="{annotate}"' in page.replace(folded.group(0), "")
    # Nothing inline for the folding: no script, no style attribute.
    assert "<script>" not in folded.group(0) and " style=" not in folded.group(0)
    assert " onclick=" not in page


def test_reading_a_book_never_written_in_opens_none(gold, client_for, cast):
    """A unit's book is opened when its first entry is written: its pages, print,
    export and the confirm form can be read before that, and reading writes no
    book."""
    GoldBook.objects.filter(unit=cast.tree.a).delete()
    item = gold.recognised()
    GoldBook.objects.filter(unit=cast.tree.a).delete()
    client = client_for(cast.a_staff)
    unit = cast.tree.a.pk
    for url in (
        reverse("goldbook:book", args=[unit]),
        reverse("goldbook:rollup", args=[unit]),
        reverse("goldbook:print", args=[unit]),
        reverse("goldbook:export", args=[unit]),
        reverse("goldbook:confirm", args=[item.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert not GoldBook.objects.filter(unit=cast.tree.a).exists()
    # Writing the first entry opens it.
    response = client.post(reverse("goldbook:confirm", args=[item.pk]), confirm_data())
    assert response.status_code == 302
    assert GoldBook.objects.get(unit=cast.tree.a).last_number == 1
