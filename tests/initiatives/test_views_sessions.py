"""Council sessions through their pages: planning, attendance, opening, votes and
show of hands, the agenda, closing with its documents; the secrecy of score sheets
and votes on every page and document; and the session page's query count.

The URL matrix (login, 405, 404, 403) of these views is in test_views_councils.py.
"""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from documents.models import DocumentKind, IssuedDocument
from initiatives.models import (
    AgendaItem,
    Attendance,
    CouncilItem,
    Session,
    Status,
    Vote,
)
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from tests.initiatives import council_world as cw
from tests.initiatives.council_world import state, url
from tests.initiatives.factories import vietnamese
from tests.initiatives.helpers import PDF_FILE, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(cast):
    return cw.build(cast)


@pytest.fixture
def quick_pdfs(monkeypatch):
    """Documents issued from here on skip the slow rendering (their content is
    tested elsewhere)."""
    monkeypatch.setattr("documents.services.render_pdf", lambda *a, **k: PDF_FILE)


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def vi(message, *args, **params) -> str:
    """The message as a Vietnamese user reads it."""
    return vietnamese(lambda: gettext(message) % (params or args or {}))


# --- Planning, attendance, opening --------------------------------------------------


def test_plan_a_session(world, client_for):
    item = cw.item_of(cw.file_request(world, "Tủ thuốc lưu động"), world.council)
    client = client_for(world.people["secretary"])
    path = url(world, "initiatives:session_create")
    response = client.get(path)
    assert response.status_code == 200
    assert list(response.context["form"].fields["items"].queryset) == [item]
    data = {"held_on": today(), "place": "Phòng họp số 1", "items": [item.pk]}
    response = client.post(path, data)
    session = Session.objects.get(council=world.council, number=4)
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert (session.status, session.place) == ("planned", "Phòng họp số 1")
    assert list(session.agenda.values_list("item", flat=True)) == [item.pk]
    assert session.attendance.count() == 5


def test_a_session_without_a_place(world, client_for):
    item = cw.item_of(cw.file_request(world, "Tủ thuốc lưu động"), world.council)
    before = state()
    response = client_for(world.people["secretary"]).post(
        url(world, "initiatives:session_create"),
        {"held_on": "05/06/2025", "place": "   ", "items": [item.pk]},
    )
    assert response.status_code == 200
    assert escape(vi("This field is required.")) in cw.field_block(response, "place")
    assert 'value="05/06/2025"' in cw.field_block(response, "held_on")
    checked = rf'<input[^>]*value="{item.pk}"[^>]*checked'
    assert re.search(checked, cw.field_block(response, "items"))
    assert state() == before


def test_record_the_attendance(world, client_for):
    cw.vote_everyone(world, world.open)
    absent = world.seats["expert"]
    present = [s.pk for key, s in world.seats.items() if key != "expert"]
    response = client_for(world.people["secretary"]).post(
        url(world, "initiatives:session_attendance"), {"present": present}
    )
    assert response.status_code == 302
    rows = Attendance.objects.filter(session=world.open)
    assert set(rows.filter(present=True).values_list("member", flat=True)) == set(
        present
    )
    # Someone marked absent has no vote.
    assert not Vote.objects.filter(agenda_item__session=world.open, member=absent)
    assert Vote.objects.filter(agenda_item__session=world.open).count() == 3


def test_open_a_session(world, client_for):
    response = client_for(world.people["secretary"]).post(
        url(world, "initiatives:session_open")
    )
    assert response.status_code == 302
    world.session_planned.refresh_from_db()
    assert world.session_planned.status == "open"
    assert world.session_planned.opened_at is not None


def test_the_session_page(world, client_for):
    member = client_for(world.people["member"]).get(url(world, cw.SESSION))
    assert member.status_code == 200
    [row] = member.context["rows"]
    assert (row["can_vote"], row["recused"], row["hands_form"]) == (True, False, None)
    assert member.context["attendance_form"] is None
    assert (member.context["can_run"], member.context["can_close"]) == (False, False)
    recused = client_for(world.people["recused"]).get(url(world, cw.SESSION))
    [row] = recused.context["rows"]
    assert (row["can_vote"], row["recused"]) == (False, True)
    chair = client_for(world.people["chair"]).get(url(world, cw.SESSION))
    assert chair.context["can_close"] is True
    secretary = client_for(world.people["secretary"]).get(url(world, cw.SESSION))
    assert secretary.context["attendance_form"] is not None


# --- Votes and show of hands ---------------------------------------------------------


VOTE_FORM = re.compile(r'<form[^>]*action="[^"]*/vote/".*?</form>', re.S)


def vote_form(response) -> str:
    found = VOTE_FORM.search(content(response))
    assert found, "no vote form"
    return found[0]


def content(response) -> str:
    return response.content.decode()


def test_vote_and_change_the_vote(world, client_for):
    client = client_for(world.people["member"])
    path = url(world, "initiatives:agenda_vote")
    response = client.post(path, {"choice": "no"})
    assert response.status_code == 302
    assert response.url == world.open.get_absolute_url()
    page = client.get(response.url)
    form = vote_form(page)
    assert escape(vi("Change my vote")) in form
    assert re.search(r'<input[^>]*value="no"[^>]*checked', form)
    client.post(path, {"choice": "yes"})
    votes = Vote.objects.filter(agenda_item=world.agenda_open)
    assert list(votes.values_list("choice", flat=True)) == ["yes"]
    assert re.search(r'value="yes"[^>]*checked', vote_form(client.get(response.url)))
    # A vote that is neither is refused, and the vote stays.
    response = client.post(path, {"choice": "maybe"})
    assert cw.flashed(response) == [vi("Choose in favour or against.")]
    assert list(votes.values_list("choice", flat=True)) == ["yes"]


def test_no_vote_after_closing(world, client_for):
    cw.vote_everyone(world, world.open)
    session_services.session_close(session=world.open, actor=world.people["chair"])
    before = state()
    response = client_for(world.people["member"]).post(
        url(world, "initiatives:agenda_vote"), {"choice": "no"}
    )
    assert response.status_code == 302
    message = vi("Voting is possible only while the session is open.")
    assert cw.flashed(response) == [message]
    assert state() == before


def test_a_recused_member_has_no_vote(world, client_for):
    before = state()
    response = client_for(world.people["recused"]).post(
        url(world, "initiatives:agenda_vote"), {"choice": "yes"}
    )
    assert cw.flashed(response) == [vi("You take no part in this item.")]
    assert state() == before


@pytest.fixture
def hands(world):
    council_services.council_update(
        council=world.council, actor=world.people["a_admin"], voting_mode="hands"
    )
    return world


def test_record_the_show_of_hands(hands, client_for):
    client = client_for(hands.people["secretary"])
    page = client.get(url(hands, cw.SESSION))
    assert page.context["rows"][0]["hands_form"] is not None
    response = client.post(
        url(hands, "initiatives:agenda_hands"), {"hands_yes": 3, "hands_no": 1}
    )
    assert response.status_code == 302
    hands.agenda_open.refresh_from_db()
    assert (hands.agenda_open.hands_yes, hands.agenda_open.hands_no) == (3, 1)


@pytest.mark.parametrize(("yes", "no"), [(4, 1), (5, 0), (0, 5)])
def test_more_hands_than_members_present_taking_part(hands, client_for, yes, no):
    # Five present, one of them recused: four may raise a hand.
    before = state()
    response = client_for(hands.people["secretary"]).post(
        url(hands, "initiatives:agenda_hands"), {"hands_yes": yes, "hands_no": no}
    )
    assert response.status_code == 302
    message = (
        "The votes cannot exceed the %(count)d members present who take part in "
        "this item."
    )
    assert cw.flashed(response) == [vi(message, count=4)]
    assert state() == before


def test_a_conclusion_and_taking_a_request_off_the_agenda(world, client_for):
    client = client_for(world.people["secretary"])
    response = client.post(
        url(world, "initiatives:agenda_note"), {"note": "Cần bổ sung số liệu."}
    )
    assert response.status_code == 302
    world.agenda_open.refresh_from_db()
    assert world.agenda_open.note == "Cần bổ sung số liệu."
    response = client.post(url(world, "initiatives:agenda_remove"))
    assert response.status_code == 302
    assert response.url == world.session_planned.get_absolute_url()
    assert not AgendaItem.objects.filter(pk=world.agenda_planned.pk).exists()
    world.item_planned.refresh_from_db()
    assert world.item_planned.status == CouncilItem.Status.ACCEPTED


# --- Closing and documents -----------------------------------------------------------


def test_close_a_session(world, client_for):
    cw.vote_everyone(world, world.open)
    response = client_for(world.people["chair"]).post(
        url(world, "initiatives:session_close")
    )
    assert response.status_code == 302
    world.open.refresh_from_db()
    assert (world.open.status, world.open.closed_by) == (
        "closed",
        world.people["chair"],
    )
    world.main.refresh_from_db()
    assert world.main.status == Status.RECOGNISED
    kinds = sorted(
        IssuedDocument.objects.filter(series__code__endswith="-HĐSK").values_list(
            "kind", flat=True
        )
    )
    # The minutes, the excerpt, the decision, a certificate per author (two).
    expected = [
        DocumentKind.CERTIFICATE,
        DocumentKind.CERTIFICATE,
        DocumentKind.DECISION,
        DocumentKind.MINUTES,
        DocumentKind.MINUTES_EXCERPT,
    ]
    assert kinds == sorted(expected)
    assert world.open.minutes is not None
    # One click, one message: the closing and the five documents it issued.
    assert cw.flashed(response) == [
        vietnamese(
            lambda: (
                ngettext(
                    "The session is closed, its results are final and %(count)d "
                    "document was issued.",
                    "The session is closed, its results are final and %(count)d "
                    "documents were issued.",
                    5,
                )
                % {"count": 5}
            )
        )
    ]


def test_issue_the_missing_documents(world, client_for, quick_pdfs):
    client = client_for(world.people["secretary"])
    path = url(world, "initiatives:session_documents")
    response = client.post(path)
    assert response.status_code == 302
    assert cw.flashed(response)[-1] == vietnamese(
        lambda: gettext("%(count)d documents were issued.") % {"count": 4}
    )
    world.closed.refresh_from_db()
    world.item_decided.refresh_from_db()
    assert world.closed.minutes is not None
    assert world.item_decided.decision is not None
    before = IssuedDocument.objects.count()
    client.post(path)
    assert IssuedDocument.objects.count() == before


# --- Secrecy of scores and votes -----------------------------------------------------

# Unusual points, per member and item, so that any of them on a page is a leak.
POINTS = {
    ("chair", "main"): ["23.75", "21.25", "17.75", "13.75"],
    ("secretary", "main"): ["19.75", "22.75", "20.75", "14.25"],
    ("member", "main"): ["21.75", "19.25", "29.25", "10.25"],
    ("expert", "main"): ["26.25", "24.25", "26.75", "12.25"],
    ("chair", "second"): ["18.75", "17.25", "25.75", "11.25"],
    ("secretary", "second"): ["15.25", "20.25", "27.75", "12.75"],
    ("member", "second"): ["15.75", "16.75", "28.25", "14.75"],
    ("expert", "second"): ["16.25", "22.25", "29.75", "11.75"],
    ("recused", "second"): ["25.25", "18.25", "27.25", "10.75"],
}
POINTS_TAKERS = {who for who, _item in POINTS}
SECOND_VOTES = {"chair": "yes", "secretary": "no", "member": "no"}
STAFF = ["a_staff", "a_admin"]
VIEWERS = [*cw.TAKING_PART, "recused", *STAFF]
RUNNERS = {"secretary", *STAFF}


def marker(who, item) -> str:
    return f"NX-{who}-{item}-7c2e"


def sheet_strings(who, item) -> list[tuple[str, ...]]:
    """What shows a member's sheet: its comment, points and total, each number
    as either language writes it (17.25 or 17,25)."""
    values = POINTS[who, item]
    total = str(sum(Decimal(v) for v in values))
    numbers = [(v, v.replace(".", ",")) for v in [*values, total]]
    return [(marker(who, item),), *numbers]


def shows(text: str, forms: tuple[str, ...]) -> bool:
    return any(form in text for form in forms)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def ballot(world):
    """Item `main` (the recused member is its co-author) and item `second` on the
    open session: everyone taking part scored both; the votes are in."""
    second = cw.file_request(world, "Bảng tin điện tử ở cổng trường")
    world.item_second = cw.item_of(second, world.council)
    world.second = second
    session_services.agenda_add(
        session=world.open, items=[world.item_second], actor=None
    )
    items = {"main": world.item_main, "second": world.item_second}
    for (who, name), values in POINTS.items():
        points = [Decimal(v) for v in values]
        cw.score(world, items[name], who, points, f"Nhận xét {marker(who, name)}")
    for name, item in items.items():
        takers = {who for who, item_name in POINTS if item_name == name}
        council_services.reviewers_assign(
            item=item,
            members=[world.seats[who] for who in sorted(takers)],
            actor=world.people["secretary"],
        )
    for who in cw.TAKING_PART:
        cw.vote(world, world.open, world.item_main, who, "yes")
    for who in [*cw.TAKING_PART, "recused"]:
        cw.vote(world, world.open, world.item_second, who, SECOND_VOTES.get(who, "no"))
    return world


def pages(world, who) -> dict[str, str]:
    paths = {
        "council": url(world, cw.DETAIL),
        "item main": reverse(cw.ITEM, args=[world.item_main.pk]),
        "item second": reverse(cw.ITEM, args=[world.item_second.pk]),
        "session": url(world, cw.SESSION, "open"),
        "my reviews": reverse("initiatives:my_reviews"),
        "request": world.main.get_absolute_url(),
        "request pdf": reverse("initiatives:pdf", args=[world.main.pk]),
    }
    if who in RUNNERS:
        paths["intake register"] = url(world, "initiatives:council_register")
    return paths


def read(response) -> str:
    """The text of a page, PDF or workbook, white space removed; the viewer's own
    vote form is left out (it shows their own choice, and only to them)."""
    assert response.status_code == 200
    kind = response["Content-Type"]
    if kind == "application/pdf":
        return pdf_text(response.content)
    if "spreadsheet" in kind:
        cells = [str(c) for row in xlsx_rows(response.content) for c in row if c]
        return flat(" ".join(cells))
    page = VOTE_FORM.sub("", content(response))
    return flat(html.unescape(page))


def choice_labels() -> list[str]:
    return [flat(vietnamese(label)) for label in Vote.Choice.labels]


def tallies(yes, no) -> list[str]:
    return [
        flat(vi("%(yes)s in favour, %(no)s against.", yes=yes, no=no)),
        flat(
            vi(
                "%(yes)s in favour, %(no)s against (needed %(needed)s).",
                yes=yes,
                no=no,
                needed=4,
            )
        ),
    ]


def cast_so_far(count) -> str:
    def message():
        singular, plural = (
            "%(counter)s vote cast so far.",
            "%(counter)s votes cast so far.",
        )
        return ngettext(singular, plural, count) % {"counter": count}

    return flat(vietnamese(message))


def test_before_closing_nobody_sees_another_members_scores_or_votes(
    ballot, client_for, subtests
):
    for who in VIEWERS:
        client = client_for(ballot.people[who])
        others = [key for key in POINTS if key[0] != who]
        for page, path in pages(ballot, who).items():
            with subtests.test(who=who, page=page):
                text = read(client.get(path))
                for key in others:
                    for leak in sheet_strings(*key):
                        assert not shows(text, leak), (key, leak)
                for leak in [*choice_labels(), *tallies(4, 0), *tallies(1, 4)]:
                    assert leak not in text, leak
        if who not in RUNNERS:
            register = client.get(url(ballot, "initiatives:council_register"))
            assert register.status_code == 403
        with subtests.test(who=who, page="own"):
            item_page = client.get(pages(ballot, who)["item main"])
            mine = (who, "main") in POINTS
            assert (marker(who, "main") in content(item_page)) is mine
            session = client.get(url(ballot, cw.SESSION, "open"))
            assert all(cast_so_far(n) in read(session) for n in (4, 5))
            rows = session.context["rows"]
            assert [row["my_vote"] for row in rows] == [
                "yes" if mine else None,
                SECOND_VOTES.get(who, "no") if who in POINTS_TAKERS else None,
            ]


def test_after_closing_sheets_show_to_those_taking_part_and_staff(
    ballot, client_for, subtests
):
    response = client_for(ballot.people["chair"]).post(
        url(ballot, "initiatives:session_close")
    )
    assert response.status_code == 302
    ballot.item_main.refresh_from_db()
    ballot.item_second.refresh_from_db()
    assert ballot.item_main.status == "recognised"
    assert ballot.item_second.status == "not_recognised"
    documents = list(IssuedDocument.objects.filter(series__code__endswith="-HĐSK"))
    assert {d.kind for d in documents} == {
        DocumentKind.MINUTES,
        DocumentKind.MINUTES_EXCERPT,
        DocumentKind.DECISION,
        DocumentKind.CERTIFICATE,
        DocumentKind.NOTICE,
    }
    main_sheets = [key for key in POINTS if key[1] == "main"]
    second_sheets = [key for key in POINTS if key[1] == "second"]
    for who in VIEWERS:
        client = client_for(ballot.people[who])
        paths = pages(ballot, who)
        paths.update(
            {d.symbol: reverse("documents:download", args=[d.pk]) for d in documents}
        )
        for page, path in paths.items():
            with subtests.test(who=who, page=page):
                text = read(client.get(path))
                shown = {
                    "item main": [] if who == "recused" else main_sheets,
                    "item second": second_sheets,
                }.get(page, [])
                for key in POINTS:
                    for forms in sheet_strings(*key):
                        assert shows(text, forms) is (key in shown), (key, forms)
                for label in choice_labels():
                    assert label not in text
        with subtests.test(who=who, page="session tallies"):
            text = read(client.get(url(ballot, cw.SESSION, "open")))
            assert tallies(1, 4)[1] in text
            assert tallies(4, 0)[1] in text


def test_sheets_stay_secret_while_a_deferred_item_can_still_be_scored(
    world, client_for
):
    """A session without quorum defers the item: it is not decided, and its
    sheets can still change, so nobody may see the others' sheets yet."""
    cw.score(world, world.item_main, "member", cw.FULL_MARKS, "NX-member-a91f")
    cw.score(world, world.item_main, "expert", cw.FULL_MARKS, "NX-expert-a91f")
    session_services.attendance_set(
        session=world.open, present={world.seats["member"].pk}, actor=None
    )
    session_services.session_close(session=world.open, actor=world.people["chair"])
    world.item_main.refresh_from_db()
    assert world.item_main.status == CouncilItem.Status.DEFERRED
    client = client_for(world.people["member"])
    page = client.get(url(world, cw.ITEM, "item_main"))
    assert page.context["can_score"] is True
    assert "NX-member-a91f" in content(page)
    assert "NX-expert-a91f" not in content(page)


def test_a_member_seated_after_planning_can_be_marked_present_and_vote(
    world, client_for
):
    late = cw.person("uy_vien_moi", full_name="Ma Văn Mới")
    seat = cw.seat(world.council, late, "member", world.people["a_admin"])
    everyone = list(world.council.members.values_list("pk", flat=True))
    client_for(world.people["secretary"]).post(
        url(world, "initiatives:session_attendance"), {"present": everyone}
    )
    page = client_for(late).get(url(world, cw.SESSION))
    assert page.context["present_count"] == 6
    assert page.context["rows"][0]["can_vote"] is True
    client_for(late).post(url(world, "initiatives:agenda_vote"), {"choice": "yes"})
    assert Vote.objects.filter(agenda_item=world.agenda_open, member=seat).exists()


ISSUE_BUTTON = "Issue missing documents"


def test_the_closed_session_links_every_document_it_issued(
    world, client_for, quick_pdfs
):
    client = client_for(world.people["secretary"])
    # Closed without its documents: the button offers them and nothing is listed.
    before = client.get(world.closed.get_absolute_url())
    assert before.context["can_issue"] is True
    assert before.context["documents"] == []
    assert vi(ISSUE_BUTTON) in content(before)
    issued = session_services.session_documents_issue(
        session=world.closed, actor=world.people["secretary"]
    )
    # The minutes, the excerpt, the decision and a certificate per author.
    assert sorted(d.kind for d in issued) == sorted(
        [
            DocumentKind.MINUTES,
            DocumentKind.MINUTES_EXCERPT,
            DocumentKind.DECISION,
            DocumentKind.CERTIFICATE,
        ]
    )
    after = client.get(world.closed.get_absolute_url())
    page = content(after)
    assert {d.pk for d in after.context["documents"]} == {d.pk for d in issued}
    for document in issued:
        link = reverse("documents:download", args=[document.pk])
        assert f'href="{link}"' in page
        assert escape(document.symbol) in page
    # Nothing is missing any more: no button, for the chair either.
    assert after.context["can_issue"] is False
    assert vi(ISSUE_BUTTON) not in page
    chair = client_for(world.people["chair"]).get(world.closed.get_absolute_url())
    assert vi(ISSUE_BUTTON) not in content(chair)


def test_a_refusal_notice_is_listed_and_its_absence_offers_the_button(
    world, client_for, quick_pdfs
):
    cw.vote_everyone(world, world.open, choice=Vote.Choice.NO)
    session_services.session_close(session=world.open, actor=world.people["chair"])
    session_services.session_documents_issue(session=world.open, actor=None)
    client = client_for(world.people["secretary"])
    response = client.get(world.open.get_absolute_url())
    kinds = {d.kind for d in response.context["documents"]}
    assert DocumentKind.NOTICE in kinds
    assert response.context["can_issue"] is False
    # A notice lost on the way (e.g. a failure half-way) is missing again.
    IssuedDocument.objects.filter(
        kind=DocumentKind.NOTICE, object_id=world.main.pk
    ).update(object_id=None, content_type=None)
    response = client.get(world.open.get_absolute_url())
    assert response.context["can_issue"] is True


# --- Query count ----------------------------------------------------------------

# The bar is 12 queries a page; with one request on the agenda the session page
# needs 13 (closed) to 14 (open, for the secretary). It must not grow.
SESSION_PAGE = 14


def test_the_session_page_does_not_grow_with_members_items_sheets_and_votes(
    world, client_for, django_assert_max_num_queries, quick_pdfs, subtests
):
    cw.score_everyone(world, [world.item_main])
    cw.vote_everyone(world, world.open)
    session_services.session_documents_issue(session=world.closed, actor=None)
    sessions = {"open": world.open, "closed": world.closed}
    for size in ("5 members, 3 items", "11 members, 20 items"):
        if size.startswith("11"):
            big = cw.grow(world)
            sessions = {"open": big.open, "closed": big.closed}
            assert big.open.agenda.count() + big.closed.agenda.count() == 17
        for status, session in sessions.items():
            for who in ("secretary", "chair", "member", "a_staff"):
                with subtests.test(size=size, session=status, who=who):
                    client = client_for(world.people[who])
                    with django_assert_max_num_queries(SESSION_PAGE):
                        response = client.get(session.get_absolute_url())
                    assert response.status_code == 200
