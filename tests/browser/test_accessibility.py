"""Accessibility: axe-core finds no serious or critical WCAG 2.0/2.1 A and AA
violation on the key pages, and the request form can be filled in and saved with
the keyboard alone, the focus visible on the way.

The data each page needs is seeded through the services, as in the journeys.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from initiatives.models import Field, Initiative, Scope, Status
from tests.awards.conftest import Movement, select_round
from tests.browser.axe import assert_no_serious_violations
from tests.browser.test_journey_units import expect_language, sign_in
from tests.goldbook.conftest import Gold
from tests.initiatives import council_world
from tests.initiatives.helpers import make_request, registration_for
from units.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploaded and issued files in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- The pages and what each needs ---------------------------------------------


@dataclass(frozen=True)
class Visit:
    user: object | None  # signed in as; None for a visitor
    url: str
    shows: str = ""  # text the page's main part shows with the seeded data in it
    then: Callable[[Page], None] | None = None  # brings the page to the state checked


def officer_files_from_a1(cast):
    """The officer of ngành Giáo dục is also a member of the school union A1, so
    the request form offers A1 as the filing union (as in the request journey)."""
    Membership.objects.create(user=cast.a_officer, unit=cast.tree.a1, role=Role.MEMBER)
    return cast.a_officer


def requests_in_every_state(filer, cast) -> list[Initiative]:
    """Requests from CB-A1 to CB-A, one in each state a filer follows (each
    shows its status badge on the home page)."""
    return [
        make_request(
            filer,
            unit=cast.tree.a1,
            recognizing_unit=cast.tree.a,
            staff=cast.a_staff,
            status=status,
            title=f"Sáng kiến {number}: {Status(status).label}",
        )
        for number, status in enumerate(
            [
                Status.DRAFT,
                Status.SUBMITTED,
                Status.RETURNED,
                Status.ACCEPTED,
                Status.WITHDRAWN,
            ],
            start=1,
        )
    ]


def sign_in_page(cast) -> Visit:
    return Visit(None, reverse("login"))


def home_officer(cast) -> Visit:
    officer = officer_files_from_a1(cast)
    mine = requests_in_every_state(officer, cast)
    return Visit(officer, reverse("home"), mine[0].title)


def home_member(cast) -> Visit:
    member = cast.a1_member
    registration_for(member, cast.tree.a1)
    mine = requests_in_every_state(member, cast)
    return Visit(member, reverse("home"), mine[0].title)


def request_form(cast) -> Visit:
    return Visit(officer_files_from_a1(cast), reverse("initiatives:create"))


def refuse_the_form(page: Page) -> None:
    """Add an author row, then save the form without a title: it comes back with
    the errors marked."""
    page.locator("#initiative-form [data-add-author]").click()
    page.locator("#initiative-form button[type=submit]").click()
    expect(page.locator("#initiative-form .is-invalid").first).to_be_visible()
    expect(page.locator("#author-rows > tr")).to_have_count(4)


def request_form_refused(cast) -> Visit:
    return Visit(
        officer_files_from_a1(cast),
        reverse("initiatives:create"),
        then=refuse_the_form,
    )


def request_page(cast) -> Visit:
    # The main request of the council world: two authors, accepted and on the
    # agenda of the open session; seen by the author who filed it.
    world = council_world.build(cast)
    return Visit(
        world.people["creator"],
        reverse("initiatives:detail", args=[world.main.pk]),
        world.main.title,
    )


def session_page(cast) -> Visit:
    # The open session, its agenda item under ballot, seen by the chair.
    world = council_world.build(cast)
    return Visit(
        world.people["chair"],
        reverse("initiatives:session_detail", args=[world.open.pk]),
        world.main.title,
    )


def gold_book(cast) -> Visit:
    entry = Gold(cast).entry(cast.councils.a)
    return Visit(cast.a_staff, entry.book.get_absolute_url(), entry.title)


def honour_roll(cast) -> Visit:
    entry = Gold(cast).entry(cast.councils.a)
    return Visit(None, reverse("goldbook:honour"), entry.title)


def award_round(cast) -> Visit:
    """CB-A's round with CB-A1 and a1_member nominated and the standing
    committee's selection recorded (as the awards fixture `selected_round`)."""
    the_round, _candidates, _entry = select_round(Movement(cast), cast)
    return Visit(cast.a_staff, the_round.get_absolute_url(), cast.a1_member.full_name)


PAGES = [
    sign_in_page,
    home_officer,
    home_member,
    request_form,
    request_form_refused,
    request_page,
    session_page,
    gold_book,
    honour_roll,
    award_round,
]


@pytest.mark.parametrize("seed", PAGES, ids=[seed.__name__ for seed in PAGES])
def test_no_serious_accessibility_violations(page: Page, live_server, cast, seed):
    visit = seed(cast)
    if visit.user is not None:
        sign_in(page, live_server, visit.user, cast.password)
    response = page.goto(visit.url)
    assert response is not None
    assert response.status == 200, f"{visit.url} answered {response.status}"
    expect_language(page, "vi")
    expect(page.locator("main")).to_contain_text(visit.shows)
    if visit.then is not None:
        visit.then(page)
    assert_no_serious_violations(page, seed.__name__.replace("_", " "))


# --- The request form by keyboard alone ----------------------------------------

TITLE = "Sổ tay điện tử tra cứu chế độ cho đoàn viên"
ESSENCE_LINES = ["Mỗi tổ công đoàn có một sổ tay điện tử.", "Đoàn viên tra cứu ngay."]
FIELD_NAME = "Tuyên truyền, giáo dục"
CO_AUTHOR = {
    "full_name": "Lê Thị Thu Hà",
    "date_of_birth": "12/05/1986",
    "workplace": "Trường THPT Chuyên Cao Bằng",
    "position": "Tổ trưởng chuyên môn",
    "qualification": "Thạc sĩ Ngữ văn",
    "share": "40",
}
MAX_TABS = 150

# What the focused element is, and whether a focus indicator is drawn around it.
FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) { return null; }
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none";
    return {
        key: element.getAttribute("name") || element.id
            || (element.hasAttribute("data-add-author") ? "add-author" : "")
            || element.tagName.toLowerCase() + ":" + element.textContent.trim(),
        tag: element.tagName.toLowerCase(),
        type: element.getAttribute("type") || "",
        inForm: element.form ? element.form.id === "initiative-form" : false,
        addAuthor: element.hasAttribute("data-add-author"),
        visible: outline || shadow,
        style: `outline: ${style.outlineStyle} ${style.outlineWidth}; `
            + `box-shadow: ${style.boxShadow}`,
    };
}"""
# Every control of the form a person can reach (hidden inputs and the rows'
# template excluded), by the same key as above.
CONTROLS = """() => [...document.querySelectorAll(
    "#initiative-form input, #initiative-form select, "
    + "#initiative-form textarea, #initiative-form button")]
    .filter(e => e.type !== "hidden" && !e.disabled && e.getClientRects().length)
    .map(e => e.getAttribute("name") || e.id
        || (e.hasAttribute("data-add-author") ? "add-author" : "")
        || e.tagName.toLowerCase() + ":" + e.textContent.trim())"""


def choose(page: Page, value: str) -> None:
    """Select an option of the focused <select> with the arrow keys."""
    options = page.evaluate(
        "() => [...document.activeElement.options].map(o => o.value)"
    )
    current = page.evaluate("() => document.activeElement.selectedIndex")
    target = options.index(value)
    key = "ArrowDown" if target > current else "ArrowUp"
    for _ in range(abs(target - current)):
        page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.value") == value


def type_text(page: Page, text: str) -> None:
    """Type into the focused box, replacing what it held; lines are separated by
    Enter (textareas only: Enter in an input would submit the form)."""
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    for number, line in enumerate(text.split("\n")):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def test_request_form_works_by_keyboard_alone(page: Page, live_server, cast):
    tree = cast.tree
    officer = officer_files_from_a1(cast)
    field, _created = Field.objects.get_or_create(
        name=FIELD_NAME, defaults={"position": 2}
    )
    # No transitions: the focus styles are read as they end up, at once.
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, live_server, officer, cast.password)
    create_url = reverse("initiatives:create")
    page.goto(create_url)
    expect(page.locator("#author-rows > tr")).to_have_count(3)
    rows_before = 3

    # What to do at each control, by name; every other control is only passed.
    # The added author row's fields are known once the row exists.
    typed = {
        "title": TITLE,
        "essence": "\n".join(ESSENCE_LINES),
        "confidential_info": "Không có.",
        "conditions": "Điện thoại thông minh có kết nối mạng.",
        "first_applied_on": "15/09/2024",
        "period_start": "01/09/2024",
        "period_end": "31/05/2025",
        "application_place": "Công đoàn Trường THPT Chuyên",
        "application_people": "Ban Chấp hành công đoàn trường.",
        "benefits_author": "Giảm một nửa số câu hỏi gửi tới Ban Chấp hành.",
        "benefits_confirmation": "Ban Chấp hành xác nhận hiệu quả.",
        "investor": "Công đoàn Trường THPT Chuyên",
        "authors-0-share": "60",
    }
    chosen = {
        "unit": str(tree.a1.pk),
        "recognizing_unit": str(tree.a.pk),
        "level": Scope.UPPER,
        "field": str(field.pk),
    }
    checked = {"state_funded"}

    visited: list[str] = []
    not_shown: list[str] = []
    added = False
    submitted = False
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, f"the focus left the page after {visited}"
        visited.append(focused["key"])
        # The skip link, the navigation, the breadcrumb and every control on
        # the way must show where the focus is.
        if not focused["visible"]:
            not_shown.append(f"{focused['key']} ({focused['style']})")
        if not focused["inForm"]:
            continue
        key = focused["key"]
        if focused["addAuthor"] and not added:
            page.keyboard.press("Enter")
            added = True
            # The new row is there and its first box has the focus.
            expect(page.locator("#author-rows > tr")).to_have_count(rows_before + 1)
            now = page.evaluate(FOCUSED)
            assert now["key"] == f"authors-{rows_before}-person", now
            visited.append(now["key"])
            for name, value in CO_AUTHOR.items():
                typed[f"authors-{rows_before}-{name}"] = value
        elif focused["tag"] == "button" and focused["type"] == "submit":
            controls = page.evaluate(CONTROLS)
            page.keyboard.press("Enter")
            submitted = True
            break
        elif key in typed:
            type_text(page, typed[key])
        elif key in chosen:
            choose(page, chosen[key])
        elif key in checked:
            page.keyboard.press("Space")
            assert page.evaluate("() => document.activeElement.checked")
    assert submitted, f"Tab never reached the submit button; it went {visited}"
    assert added, "Tab never reached the add-an-author button"
    assert not not_shown, f"no visible focus on: {not_shown}"

    expect(page).to_have_url(re.compile(r"/initiatives/\d+/$"))
    initiative = Initiative.objects.get()
    expect(page).to_have_url(
        live_server.url + reverse("initiatives:detail", args=[initiative.pk])
    )
    expect(page.locator("main h1")).to_have_text(TITLE)

    # Every control of the form (the added row's too) was reached with Tab.
    unreached = [control for control in controls if control not in visited]
    assert not unreached, f"Tab never reached {unreached}"

    # The request holds what was typed.
    assert initiative.unit == tree.a1
    assert initiative.recognizing_unit == tree.a
    assert initiative.level == Scope.UPPER
    assert initiative.field == field
    assert initiative.title == TITLE
    assert initiative.essence.splitlines() == ESSENCE_LINES
    assert initiative.first_applied_on.strftime("%d/%m/%Y") == "15/09/2024"
    assert initiative.period_start.strftime("%d/%m/%Y") == "01/09/2024"
    assert initiative.period_end.strftime("%d/%m/%Y") == "31/05/2025"
    for name in (
        "confidential_info",
        "conditions",
        "application_place",
        "application_people",
        "benefits_author",
        "benefits_confirmation",
        "investor",
    ):
        assert getattr(initiative, name) == typed[name], name
    assert initiative.state_funded is True
    authors = list(initiative.authors.all())
    assert [(a.full_name, a.share) for a in authors] == [
        (officer.full_name, Decimal(60)),
        (CO_AUTHOR["full_name"], Decimal(CO_AUTHOR["share"])),
    ]
    co_author = authors[1]
    assert co_author.user is None
    assert co_author.date_of_birth.strftime("%d/%m/%Y") == CO_AUTHOR["date_of_birth"]
    for name in ("workplace", "position", "qualification"):
        assert getattr(co_author, name) == CO_AUTHOR[name], name
