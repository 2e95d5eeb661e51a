"""Journey: the secretary of ngành Giáo dục's council accepts a request, asks the
five members to score it and plans a session; each member scores and votes in
their own browser (one changes their vote), seeing only how many have voted; the
chair closes the session, which decides the item and issues the minutes, the
excerpt, the decision and the certificate; the author sees the result and
downloads the certificate.

As in the other journeys, elements are found by id, name, role and URL; expected
interface text is taken from the catalogues with translation.override.
"""

import datetime
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from documents.models import DocumentKind, IssuedDocument
from initiatives import services
from initiatives.models import (
    AgendaItem,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Field,
    Initiative,
    InitiativeEvent,
    Outcome,
    ReviewAssignment,
    Scope,
    ScoreSheet,
    Session,
    Status,
    Vote,
)
from initiatives.services import councils as council_services
from initiatives.services.sessions import REASON_TEXT
from tests.browser.test_journey_request import pdf_text, text_of
from tests.browser.test_journey_units import (
    expect_language,
    follow_nav,
    in_language,
    sign_in,
    sign_out,
)
from tests.factories import UserFactory

TITLE = "Sổ tay điện tử hướng dẫn thủ tục hưởng chế độ thai sản cho nữ đoàn viên"
ESSENCE = (
    "Tập hợp các thủ tục hưởng chế độ thai sản thành một sổ tay điện tử có mục lục,\n"
    "mẫu đơn điền sẵn và số điện thoại của cán bộ phụ trách."
)
BENEFITS = "Nữ đoàn viên tự làm hồ sơ đúng ngay lần đầu, không phải đi lại nhiều lần."
FIELD_NAME = "Chăm lo đời sống đoàn viên"
PLACE = "Hội trường Công đoàn ngành Giáo dục, số 2 đường Hoàng Đình Giong"
COUNCIL_CODE = "HĐSK"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAME_AS_CONFTEST = {
    "locale": "en-US",
    "extra_http_headers": {"Accept-Language": "en-US,en;q=0.9"},
    "viewport": {"width": 1280, "height": 900},
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep the issued documents in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- The council and the request ------------------------------------------------


@dataclass
class Seat:
    """A council member, the scores they type (in criterion order, with decimal
    commas) and their vote; `first_vote` is a vote they change afterwards."""

    key: str
    user: object
    member: CouncilMember
    typed: tuple[str, str, str, str]
    vote: str
    first_vote: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((Decimal(v.replace(",", ".")) for v in self.typed), Decimal(0))


def seat_the_council(cast) -> list[Seat]:
    """Five members on ngành Giáo dục's council: a chair, the unit's emulation
    officer as secretary, and three members."""
    council = cast.councils.a
    people = [
        ("chair", "hd_chu_tich", "Phạm Quang Huy", CouncilRole.CHAIR),
        ("secretary", None, None, CouncilRole.SECRETARY),
        ("member_1", "hd_uy_vien_1", "Trịnh Thị Mai Anh", CouncilRole.MEMBER),
        ("member_2", "hd_uy_vien_2", "Vũ Đức Thắng", CouncilRole.MEMBER),
        ("member_3", "hd_uy_vien_3", "Nông Thị Lan", CouncilRole.MEMBER),
    ]
    # Criteria of a new council: 30, 25, 30 and 15 points.
    sheets = {
        "chair": ("27,5", "22", "26,5", "13"),
        "secretary": ("25", "20,5", "27", "12,5"),
        "member_1": ("22,5", "21", "24", "12"),
        "member_2": ("28", "23,5", "28,5", "14"),
        "member_3": ("20", "18", "22,5", "10,5"),
    }
    votes = {
        "chair": (Vote.Choice.YES, None),
        "secretary": (Vote.Choice.YES, None),
        # Votes against first, then changes to in favour.
        "member_1": (Vote.Choice.YES, Vote.Choice.NO),
        "member_2": (Vote.Choice.YES, None),
        "member_3": (Vote.Choice.NO, None),
    }
    seats = []
    for key, username, full_name, role in people:
        user = (
            cast.a_staff
            if key == "secretary"
            else UserFactory(username=username, full_name=full_name)
        )
        member = council_services.council_member_add(
            council=council, user=user, role=role, actor=cast.a_admin
        )
        vote, first_vote = votes[key]
        seats.append(Seat(key, user, member, sheets[key], vote, first_vote))
    return seats


def submitted_request(cast) -> Initiative:
    """A complete request filed from the school union A1 to ngành Giáo dục."""
    author = cast.a1_member
    field, _created = Field.objects.get_or_create(
        name=FIELD_NAME, defaults={"position": 3}
    )
    initiative = services.initiative_create(
        actor=author,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[
            services.AuthorData(
                full_name=author.full_name, share=Decimal(100), user=author
            )
        ],
        year=timezone.localdate().year,
        title=TITLE,
        field=field,
        level=Scope.UPPER,
        essence=ESSENCE,
        benefits_author=BENEFITS,
        first_applied_on=datetime.date(2024, 10, 1),
    )
    return services.initiative_submit(initiative=initiative, actor=author)


# --- Helpers --------------------------------------------------------------------


def vi(message: str, **values) -> str:
    """A message as the Vietnamese catalogue has it, with its values filled in."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text


def votes_cast(count: int) -> str:
    with translation.override("vi"):
        return translation.ngettext(
            "%(counter)s vote cast so far.", "%(counter)s votes cast so far.", count
        ) % {"counter": count}


def decimal_shown(value: Decimal) -> str:
    """A decimal as the Vietnamese pages write it (83,70)."""
    with translation.override("vi"):
        return number_format(value)


def download_url(document: IssuedDocument) -> str:
    return reverse("documents:download", args=[document.pk])


def issued(kind: str, **filters) -> IssuedDocument:
    return IssuedDocument.objects.select_related("series").get(kind=kind, **filters)


def issued_text(page: Page, document: IssuedDocument, folder: Path) -> str:
    """Download an issued document in this browser and read its text."""
    response = page.request.get(download_url(document))
    assert response.status == 200, f"{document.symbol} answered {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    path = folder / f"{document.pk}.pdf"
    path.write_bytes(response.body())
    return pdf_text(path)


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of another browser's page when its step fails (the conftest
    only photographs the test's own `page`)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # the page may be gone; the failure matters more
        print(f"Could not save a screenshot to {path}: {error}")
    else:
        print(f"Screenshot of the failed step: {path}")


@contextmanager
def browser_of(browser, live_server, user, password: str, name: str):
    """A browser context of its own for `user`, signed in."""
    context = browser.new_context(base_url=live_server.url, **SAME_AS_CONFTEST)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, user, password)
        yield page
    except BaseException:
        screenshot(page, name)
        raise
    finally:
        context.close()


def open_council(page: Page, live_server, council) -> None:
    """Go to the council's page through "Councils" in the navigation bar."""
    list_url = reverse("initiatives:council_list")
    follow_nav(page, list_url)
    expect(page).to_have_url(live_server.url + list_url)
    expect_language(page, "vi")
    council_url = council.get_absolute_url()
    page.locator(f'main table a[href="{council_url}"]').click()
    expect(page).to_have_url(live_server.url + council_url)
    expect(page.locator("main h1")).to_have_text(council.name)


def expect_request_status(page: Page, status: Status) -> None:
    """The status badge under the request's title."""
    badge = page.locator("main h1 + p > .badge")
    expect(badge).to_have_text(in_language("vi", status.label))
    expect(badge).to_have_class(re.compile(rf"(^|\s)status-{status.value}(\s|$)"))


def success(page: Page):
    return page.locator(".messages .alert-success")


def cast_vote(page: Page, ballot, card, choice: str, count: int) -> None:
    """Tick a choice on the ballot and send it; the page comes back with the
    member's own choice ticked and `count` votes cast."""
    url = page.url
    ballot.locator(f'input[name=choice][value="{choice}"]').check()
    with page.expect_navigation(url=url):
        ballot.locator("button[type=submit]").click()
    expect(success(page)).to_have_text(
        vi(
            "Your vote on “%(title)s” was recorded; you can change it "
            "until the session closes.",
            title=TITLE,
        )
    )
    expect(ballot.locator("input[name=choice]:checked")).to_have_value(choice)
    expect(ballot.locator("button[type=submit]")).to_have_text(vi("Change my vote"))
    expect(card).to_contain_text(votes_cast(count))


# --- The journey --------------------------------------------------------------


def test_council_decides_a_request_and_the_author_downloads_the_certificate(
    page: Page, browser, live_server, cast, request, tmp_path
):
    council = cast.councils.a
    seats = seat_the_council(cast)
    by_key = {seat.key: seat for seat in seats}
    secretary, chair = by_key["secretary"].user, by_key["chair"].user
    author = cast.a1_member
    initiative = submitted_request(cast)
    criteria = list(council.criteria.order_by("order"))
    assert [c.max_points for c in criteria] == [30, 25, 30, 15]
    today = timezone.localdate()
    request_url = initiative.get_absolute_url()

    # --- 1. The secretary finds the request waiting and accepts it ----------------
    sign_in(page, live_server, secretary, cast.password)
    open_council(page, live_server, council)
    waiting = page.locator(f'main .list-group a[href="{request_url}"]')
    expect(waiting).to_have_count(1)
    expect(waiting.locator("strong")).to_have_text(TITLE)
    expect(waiting).to_contain_text(author.full_name)
    expect(waiting).to_contain_text(cast.tree.a1.name)
    waiting.click()
    expect(page).to_have_url(live_server.url + request_url)
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect_request_status(page, Status.SUBMITTED)
    accept_url = reverse("initiatives:accept", args=[initiative.pk])
    page.locator(f'main form[action="{accept_url}"] button[type=submit]').click()
    expect(page).to_have_url(live_server.url + request_url)
    expect(success(page)).to_have_text(vi("The request was accepted for review."))
    expect_request_status(page, Status.ACCEPTED)
    expect(page.locator(f'main form[action="{accept_url}"]')).to_have_count(0)

    item = CouncilItem.objects.get(council=council, initiative=initiative)
    receipt = issued(DocumentKind.RECEIPT)
    assert receipt.series.code == council_services.RECEIPT_SERIES
    assert receipt.series.unit == cast.tree.a
    receipt_link = page.locator(f'main a[href="{download_url(receipt)}"]')
    expect(receipt_link).to_have_count(1)
    expect(receipt_link).to_contain_text(receipt.symbol)
    expect(page.locator("ol.timeline > li").last).to_contain_text(receipt.symbol)

    # --- 2. Asks the five members to score, plans a session and opens it ---------
    item_url = item.get_absolute_url()
    page.locator(f'main a[href="{item_url}"]').click()
    expect(page).to_have_url(live_server.url + item_url)
    expect(page.locator("main .badge.status-accepted")).to_have_text(
        in_language("vi", CouncilItem.Status.ACCEPTED.label)
    )
    assign = page.locator(
        f'main form[action="{reverse("initiatives:item_assign", args=[item.pk])}"]'
    )
    boxes = assign.locator("input[type=checkbox][name=members]")
    expect(boxes).to_have_count(5)
    for seat in seats:
        assign.locator(f'input[name=members][value="{seat.member.pk}"]').check()
    score_by = today + datetime.timedelta(days=10)
    assign.locator("#id_due_on").press_sequentially(score_by.strftime("%d/%m/%Y"))
    assign.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + item_url)
    expect(success(page)).to_have_text(vi("The reviewers were asked to score."))
    expect(page.locator("main .badge.status-under_review")).to_have_text(
        in_language("vi", CouncilItem.Status.UNDER_REVIEW.label)
    )
    expect(page.locator("main")).to_contain_text(
        vi("Scoring: %(done)s of %(total)s done", done=0, total=5)
    )

    page.goto(council.get_absolute_url())
    session_create_url = reverse("initiatives:session_create", args=[council.pk])
    page.locator(f'main a[href="{session_create_url}"]').click()
    expect(page).to_have_url(live_server.url + session_create_url)
    held_on = page.locator("#id_held_on")
    expect(held_on).to_have_attribute("placeholder", "dd/mm/yyyy")
    held_on.fill("")
    held_on.press_sequentially(today.strftime("%d/%m/%Y"))
    page.locator("#id_place").fill(PLACE)
    agenda_boxes = page.locator("main form input[type=checkbox][name=items]")
    expect(agenda_boxes).to_have_count(1)
    page.locator(f'main form input[name=items][value="{item.pk}"]').check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))

    session = Session.objects.get(council=council)
    session_url = session.get_absolute_url()
    expect(page).to_have_url(live_server.url + session_url)
    expect(success(page)).to_have_text(
        vi("Session no. %(number)d was planned.", number=1)
    )
    expect(page.locator("main h1")).to_have_text(
        vi(
            "Session no. %(number)s, %(day)s",
            number=1,
            day=today.strftime("%d/%m/%Y"),
        )
    )
    expect(page.locator("main")).to_contain_text(PLACE)

    attendance_url = reverse("initiatives:session_attendance", args=[session.pk])
    attendance = page.locator(f'main form[action="{attendance_url}"]')
    expect(attendance.locator("input[name=present]")).to_have_count(5)
    expect(attendance.locator("input[name=present]:checked")).to_have_count(0)
    for seat in seats:
        attendance.locator(f'input[name=present][value="{seat.member.pk}"]').check()
    attendance.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + session_url)
    expect(success(page)).to_have_text(vi("The attendance was recorded."))
    expect(attendance.locator("input[name=present]:checked")).to_have_count(5)
    quorum = page.locator("main .alert.small")
    expect(quorum).to_have_class(re.compile(r"(^|\s)alert-success(\s|$)"))
    expect(quorum).to_have_text(
        vi(
            "%(present)s of %(members)s members present (quorum %(quorum)s). An "
            "initiative passes with at least %(needed)s votes in favour.",
            present=5,
            members=5,
            quorum=4,
            needed=4,
        )
    )

    open_url = reverse("initiatives:session_open", args=[session.pk])
    page.locator(f'main form[action="{open_url}"] button[type=submit]').click()
    expect(page).to_have_url(live_server.url + session_url)
    expect(success(page)).to_have_text(vi("The session is open: members can vote."))
    expect(page.locator(f'main form[action="{open_url}"]')).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        in_language("vi", Session.Status.OPEN.label)
    )
    agenda_item = AgendaItem.objects.get(session=session, item=item)
    vote_url = reverse("initiatives:agenda_vote", args=[agenda_item.pk])
    sign_out(page, live_server)

    # --- 3. Each member scores and votes in a browser of their own ----------------
    yes_label = in_language("vi", Vote.Choice.YES.label)
    no_label = in_language("vi", Vote.Choice.NO.label)
    names = {seat.key: seat.user.full_name for seat in seats}
    for number, seat in enumerate(seats):
        with browser_of(
            browser,
            live_server,
            seat.user,
            cast.password,
            f"{request.node.name}-{seat.key}",
        ) as member_page:
            # My reviews lists the request, with the date to score by.
            open_list = reverse("initiatives:council_list")
            follow_nav(member_page, open_list)
            reviews_url = reverse("initiatives:my_reviews")
            member_page.locator(f'main a[href="{reviews_url}"]').click()
            expect(member_page).to_have_url(live_server.url + reviews_url)
            review = member_page.locator(f'main .list-group a[href="{item_url}"]')
            expect(review).to_have_count(1)
            expect(review.locator("strong")).to_have_text(TITLE)
            expect(review).to_contain_text(score_by.strftime("%d/%m/%Y"))
            review.click()
            expect(member_page).to_have_url(live_server.url + item_url)

            # The score sheet: one box per criterion, decimals with a comma.
            score_url = reverse("initiatives:item_score", args=[item.pk])
            sheet = member_page.locator(f'main form[action="{score_url}"]')
            expect(sheet.locator("input[name^=criterion_]")).to_have_count(4)
            for criterion, typed in zip(criteria, seat.typed, strict=True):
                box = sheet.locator(f"#id_criterion_{criterion.pk}")
                expect(box).to_have_value("")
                box.fill(typed)
            sheet.locator("textarea[name=comments]").fill(
                f"Nhận xét của {seat.user.full_name}."
            )
            sheet.locator("button[type=submit][name=submit]").click()
            expect(member_page).to_have_url(live_server.url + item_url)
            expect(success(member_page)).to_have_text(
                vi("Your score sheet was submitted.")
            )
            # What was typed is kept: each box holds the same number.
            for criterion, typed in zip(criteria, seat.typed, strict=True):
                value = sheet.locator(f"#id_criterion_{criterion.pk}").input_value()
                assert Decimal(value.replace(",", ".")) == Decimal(
                    typed.replace(",", ".")
                ), f"{seat.key}: {criterion.name} shows {value!r}, typed {typed!r}"
            # Nobody sees another member's sheet before the session closes.
            main_text = text_of(member_page.locator("main"))
            if seat.key == "secretary":
                # Who has scored, not what: the secretary follows the progress.
                expect(member_page.locator("main")).to_contain_text(
                    vi("Scoring: %(done)s of %(total)s done", done=number + 1, total=5)
                )
            else:
                for key, name in names.items():
                    if key != seat.key:
                        assert name not in main_text, f"{seat.key} sees {name}"

            # The session page: how many have voted, never how.
            member_page.locator(f'main a[href="{session_url}"]').click()
            expect(member_page).to_have_url(live_server.url + session_url)
            ballot_form = f'form[action="{vote_url}"]'
            card = member_page.locator("main .card").filter(
                has=member_page.locator(ballot_form)
            )
            ballot = card.locator(ballot_form)
            expect(card).to_contain_text(votes_cast(number))
            expect(ballot.locator("input[name=choice]")).to_have_count(2)
            expect(ballot.locator("input[name=choice]:checked")).to_have_count(0)
            # No result either until the session closes.
            expect(card.locator(".badge")).to_have_count(0)

            if seat.first_vote:
                cast_vote(member_page, ballot, card, seat.first_vote, number + 1)
                assert (
                    Vote.objects.get(agenda_item=agenda_item, member=seat.member).choice
                    == seat.first_vote
                )
            # One vote each, however often it changes.
            cast_vote(member_page, ballot, card, seat.vote, number + 1)
            # The choices' labels appear once each: on this member's own ballot.
            main_text = text_of(member_page.locator("main"))
            assert main_text.count(yes_label) == 1, main_text
            assert main_text.count(no_label) == 1, main_text
            expect(member_page.locator('main a[href*="/documents/"]')).to_have_count(0)

    assert Vote.objects.filter(agenda_item=agenda_item).count() == 5

    # --- 4. The chair closes the session; the documents are issued ---------------
    sign_in(page, live_server, chair, cast.password)
    open_council(page, live_server, council)
    row = page.locator("main table tbody tr").filter(
        has=page.locator(f'a[href="{item_url}"]')
    )
    expect(row.locator("td").nth(1)).to_have_text(
        in_language("vi", CouncilItem.Status.UNDER_REVIEW.label)
    )
    expect(row.locator("td").nth(2)).to_have_text("5 / 5")  # sheets in / asked
    page.locator(f'main a[href="{session_url}"]').click()
    expect(page).to_have_url(live_server.url + session_url)
    close_url = reverse("initiatives:session_close", args=[session.pk])
    questions = []

    def confirm(dialog) -> None:
        questions.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", confirm)
    page.locator(f'main form[action="{close_url}"] button[type=submit]').click()
    expect(page).to_have_url(live_server.url + session_url)
    expect(page.locator(f'main form[action="{close_url}"]')).to_have_count(0)
    page.remove_listener("dialog", confirm)
    assert questions == [
        (
            "confirm",
            vi(
                "Close the session? The results become final and the documents "
                "are issued."
            ),
        )
    ]
    messages = page.locator(".messages .alert-success")
    # One message for the one click. Minutes, excerpt, decision and one
    # certificate for the one author.
    expect(messages).to_have_count(1)
    with translation.override("vi"):
        closed_and_issued = translation.ngettext(
            "The session is closed, its results are final and %(count)d "
            "document was issued.",
            "The session is closed, its results are final and %(count)d "
            "documents were issued.",
            4,
        ) % {"count": 4}
    expect(messages).to_have_text(closed_and_issued)
    expect(page.locator("main")).to_contain_text(
        in_language("vi", Session.Status.CLOSED.label)
    )

    minutes = issued(DocumentKind.MINUTES)
    excerpt = issued(DocumentKind.MINUTES_EXCERPT)
    decision = issued(DocumentKind.DECISION)
    certificate = issued(DocumentKind.CERTIFICATE)
    average = (sum((seat.total for seat in seats), Decimal(0)) / 5).quantize(
        Decimal("0.01")
    )
    assert average == Decimal("83.70")

    card = page.locator("main .card").filter(has=page.locator(f'a[href="{item_url}"]'))
    expect(card.locator(".badge.status-recognised")).to_have_text(
        in_language("vi", Outcome.RECOGNISED.label)
    )
    expect(card).to_contain_text(
        vi(
            "%(yes)s in favour, %(no)s against (needed %(needed)s).",
            yes=4,
            no=1,
            needed=4,
        )
    )
    expect(card).to_contain_text(
        vi("Average score %(score)s.", score=decimal_shown(average))
    )
    expect(card.locator(f'form[action="{vote_url}"]')).to_have_count(0)
    minutes_link = page.locator(f'main a[href="{download_url(minutes)}"]')
    minutes_kind = capfirst(in_language("vi", DocumentKind.MINUTES.label))
    expect(minutes_link).to_have_text(f"{minutes_kind} {minutes.symbol}")
    excerpt_link = card.locator(f'a[href="{download_url(excerpt)}"]')
    expect(excerpt_link).to_have_text(f"{vi('Minutes excerpt')} {excerpt.symbol}")

    # The item page lists the decision with the other documents.
    card.locator(f'a[href="{item_url}"]').click()
    expect(page).to_have_url(live_server.url + item_url)
    decided = page.locator("main .alert-success")
    expect(decided).to_contain_text(
        capfirst(in_language("vi", CouncilItem.Status.RECOGNISED.label))
    )
    expect(decided).to_contain_text(
        vi("%(yes)s in favour, %(no)s against.", yes=4, no=1)
    )
    for document in (decision, excerpt, certificate):
        link = page.locator(f'main a[href="{download_url(document)}"]')
        expect(link).to_have_count(1)
        expect(link).to_contain_text(document.symbol)

    # What the minutes, the excerpt and the decision say.
    minutes_text = issued_text(page, minutes, tmp_path)
    for expected in (
        "BIÊN BẢN",
        PLACE,
        "Hội đồng có 5 thành viên; có mặt 5 thành viên",
        TITLE,
        *names.values(),
    ):
        assert expected in minutes_text, f"{expected!r} is not in the minutes"
    excerpt_text = issued_text(page, excerpt, tmp_path)
    for expected in (
        "TRÍCH BIÊN BẢN",
        TITLE,
        f"Tác giả: {author.full_name} (100,00%)",
        "Kết quả biểu quyết: 4 thành viên đồng ý, 1 thành viên không đồng ý; "
        "cần ít nhất 4/5 thành viên đồng ý.",
    ):
        assert expected in excerpt_text, f"{expected!r} is not in the excerpt"
    decision_text = issued_text(page, decision, tmp_path)
    for expected in ("QUYẾT ĐỊNH", "Công nhận 1 sáng kiến", TITLE, author.full_name):
        assert expected in decision_text, f"{expected!r} is not in the decision"
    sign_out(page, live_server)

    # --- 5. The author sees the result and downloads the certificate -------------
    sign_in(page, live_server, author, cast.password)
    list_url = reverse("initiatives:list")
    follow_nav(page, list_url)
    expect(page).to_have_url(live_server.url + list_url)
    page.locator("main table").get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(live_server.url + request_url)
    expect_language(page, "vi")
    expect_request_status(page, Status.RECOGNISED)
    result = page.locator("main .list-group > li").filter(has_text=council.name)
    expect(result).to_have_count(1)
    expect(result.locator(".badge.status-recognised")).to_have_text(
        in_language("vi", CouncilItem.Status.RECOGNISED.label)
    )
    expect(result).to_contain_text(
        vi("%(yes)s in favour, %(no)s against.", yes=4, no=1)
    )
    expect(result).to_contain_text(REASON_TEXT["passed"].format(yes=4, members=5))
    for document in (receipt, excerpt, decision, certificate):
        expect(page.locator(f'main a[href="{download_url(document)}"]')).to_have_count(
            1
        )
    # Every link the author is offered opens for her: no "not found" behind any.
    hrefs = page.locator("main a[href^='/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    dead_links: dict[str, int] = {}
    for href in dict.fromkeys(hrefs):
        response = page.request.get(href, max_redirects=0)
        if response.status != 200:
            # Checked at the end, so that the rest of the journey is verified.
            dead_links[href] = response.status
    certificate_link = page.locator(f'main a[href="{download_url(certificate)}"]')
    expect(certificate_link).to_contain_text(certificate.symbol)
    expect(certificate_link).to_contain_text(
        capfirst(in_language("vi", DocumentKind.CERTIFICATE.label))
    )
    with page.expect_download() as download_info:
        certificate_link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == certificate.symbol.replace("/", "-") + ".pdf"
    saved = tmp_path / "giay-chung-nhan.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = pdf_text(saved)
    for expected in ("GIẤY CHỨNG NHẬN SÁNG KIẾN", author.full_name, TITLE):
        assert expected in text, f"{expected!r} is not in the certificate"
    assert decision.symbol in text

    # --- 6. What the journey left in the database --------------------------------
    item.refresh_from_db()
    assert item.status == CouncilItem.Status.RECOGNISED
    assert (item.yes_count, item.no_count) == (4, 1)
    assert item.decided_on == today
    assert item.average_score == Decimal("83.70")
    assert item.decision == decision
    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED
    assert [e.action for e in initiative.events.all()] == [
        InitiativeEvent.Action.CREATED,
        InitiativeEvent.Action.SUBMITTED,
        InitiativeEvent.Action.ACCEPTED,
        InitiativeEvent.Action.UNDER_REVIEW,
        InitiativeEvent.Action.RECOGNISED,
    ]

    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED
    assert session.closed_by == chair
    assert (session.member_count, session.present_count) == (5, 5)
    assert session.quorum_met is True
    assert session.held_on == today
    assert session.place == PLACE
    assert session.minutes == minutes
    agenda_item.refresh_from_db()
    assert agenda_item.outcome == Outcome.RECOGNISED
    assert (agenda_item.yes_count, agenda_item.no_count) == (4, 1)
    assert agenda_item.eligible_count == 5
    assert agenda_item.votes_needed == 4
    assert agenda_item.excerpt == excerpt

    votes = {
        v.member_id: v.choice for v in Vote.objects.filter(agenda_item=agenda_item)
    }
    assert votes == {seat.member.pk: seat.vote for seat in seats}

    assignments = ReviewAssignment.objects.filter(item=item)
    assert {a.member_id for a in assignments} == {seat.member.pk for seat in seats}
    assert {a.due_on for a in assignments} == {score_by}
    sheets = {s.member_id: s for s in ScoreSheet.objects.filter(item=item)}
    assert set(sheets) == {seat.member.pk for seat in seats}
    for seat in seats:
        sheet = sheets[seat.member.pk]
        assert sheet.submitted_at is not None
        assert sheet.total == seat.total
        points = {s.criterion_id: s.points for s in sheet.scores.all()}
        assert points == {
            c.pk: Decimal(typed.replace(",", "."))
            for c, typed in zip(criteria, seat.typed, strict=True)
        }

    year = today.year
    council_documents = IssuedDocument.objects.filter(series__unit=cast.tree.a)
    assert sorted(
        (d.kind, d.series.code, d.series.year, d.symbol) for d in council_documents
    ) == sorted(
        [
            (DocumentKind.RECEIPT, "GBN", year, receipt.symbol),
            (DocumentKind.MINUTES, f"BB-{COUNCIL_CODE}", year, f"01/BB-{COUNCIL_CODE}"),
            (
                DocumentKind.MINUTES_EXCERPT,
                f"TrBB-{COUNCIL_CODE}",
                year,
                f"01/TrBB-{COUNCIL_CODE}",
            ),
            (
                DocumentKind.DECISION,
                f"QĐ-{COUNCIL_CODE}",
                year,
                f"01/QĐ-{COUNCIL_CODE}",
            ),
            (
                DocumentKind.CERTIFICATE,
                f"GCN-{COUNCIL_CODE}",
                year,
                f"01/GCN-{COUNCIL_CODE}",
            ),
        ]
    )
    assert IssuedDocument.objects.count() == 5
    for document in (excerpt, certificate):
        assert document.subject == initiative
    assert decision.subject == session
    assert minutes.subject == session

    # The author's request page names the council with a link to its item page,
    # which only the council and the unit's staff may open (see the report).
    assert not dead_links, (
        f"links on the author's request page that do not open for her: {dead_links}"
    )
