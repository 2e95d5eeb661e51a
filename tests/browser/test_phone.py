"""On a phone: at 390 × 844 every page a member, an officer or a council member
uses fits the screen (no sideways scrolling of the page; a wide table may
scroll inside its own box), the navigation bar included, and on the request
form each author is a card with the share beside the name and the running
total of the shares in view.

The data is seeded through the services, as in the other journeys: the council
world of tests/initiatives/council_world.py, a Gold Book entry, and CB-A's
award round with a1_member selected.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from initiatives.models import Status
from tests.awards.conftest import Movement, select_round
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journey_units import expect_language
from tests.initiatives import council_world
from tests.initiatives.helpers import author, idea_for, make_request, registration_for
from units.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 390, 844
# A long address without a space: it used to push the profile page sideways.
LONG_EMAIL = "tac.gia.sang.kien.truong.thpt.chuyen@congdoan-caobang.example.vn"
CO_AUTHORS = [
    ("Nguyễn Thị Phương Thảo", "Trường THPT Chuyên Cao Bằng", "30"),
    ("Hoàng Văn Trường Giang", "Công đoàn ngành Giáo dục tỉnh Cao Bằng", "20"),
    ("Lương Thị Thu Hà", "Trường Tiểu học Hòa Chung", "10"),
]

WIDTH_OF_PAGE = "() => document.documentElement.scrollWidth"
# What sticks out past the right edge of the screen (for the failure message):
# elements, and text that overflows the box it is in.
STICKING_OUT = """() => {
    const edge = document.documentElement.clientWidth + 0.5;
    const out = [];
    const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + [...e.classList].map(c => "." + c).join("");
    for (const e of document.body.querySelectorAll("*")) {
        const box = e.getBoundingClientRect();
        const parent = e.parentElement.getBoundingClientRect();
        if (box.width && box.right > edge && parent.right <= edge) {
            out.push(`${name(e)} reaches ${Math.round(box.right)} px`);
        }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) { continue; }
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        const parent = node.parentElement.getBoundingClientRect();
        if (box.right > edge && parent.right <= edge) {
            out.push(`text "${node.textContent.trim().slice(0, 40)}" in `
                + `${name(node.parentElement)} reaches ${Math.round(box.right)} px`);
        }
    }
    return out.slice(0, 10);
}"""
IN_VIEW = """element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight
        && box.left >= 0 && box.right <= window.innerWidth;
}"""

IN_VIEW_ACROSS = """element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
}"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploaded and issued files in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page: 390 × 844 CSS pixels, touch, the mobile viewport."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, live_server, user, password: str) -> None:
    page.context.clear_cookies()  # whoever was signed in before
    page.goto(reverse("login"))
    form = page.locator("main form")
    form.locator("#id_username").fill(user.username)
    form.locator("#id_password").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("home"))


def assert_fits(page: Page, what: str) -> None:
    width = page.evaluate(WIDTH_OF_PAGE)
    if width > WIDTH:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"phone-{what.replace(' ', '_').replace('/', '_')}.png"
        page.screenshot(path=str(shot), full_page=True)
        found = page.evaluate(STICKING_OUT)
        pytest.fail(
            f"{what} ({page.url}) is {width} px wide on a {WIDTH} px screen: "
            f"{'; '.join(found) or 'nothing found'} (screenshot {shot})",
            pytrace=False,
        )


def visit(page: Page, url: str, what: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{what}: {url} answered {response and response.status}"
    )
    expect_language(page, "vi")
    assert_fits(page, what)


def check_navbar(page: Page, who: str) -> None:
    """Open the collapsed menu and each of its drop-downs in turn: still no
    sideways scrolling."""
    page.goto(reverse("home"))
    toggler = page.locator("nav .navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.locator("#main-nav")).to_be_visible()
    assert_fits(page, f"the open menu of {who}")
    menus = page.locator("#main-nav .dropdown-toggle")
    assert menus.count() >= 3
    for index in range(menus.count()):
        menus.nth(index).click()
        expect(page.locator("#main-nav .dropdown-menu.show")).to_have_count(1)
        assert_fits(page, f"menu {index + 1} of {who}")


def the_world(cast):
    """Everything the three roles look at, made through the services."""
    world = council_world.build(cast)
    creator = world.people["creator"]
    creator.email = LONG_EMAIL
    creator.save(update_fields=["email"])
    world.draft = make_request(
        creator,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        title="Sổ tay điện tử tra cứu chế độ chính sách cho đoàn viên công đoàn",
        authors=[author(creator, "40")]
        + [
            author(name=name, share=share, workplace=workplace)
            for name, workplace, share in CO_AUTHORS
        ],
    )
    world.registration = registration_for(creator, cast.tree.a1)
    world.idea = idea_for(creator, cast.tree.a1)
    world.round, _candidates, world.entry = select_round(Movement(cast), cast)
    # The officer of ngành Giáo dục also belongs to the school union A1.
    Membership.objects.create(user=cast.a_officer, unit=cast.tree.a1, role=Role.MEMBER)
    world.submitted = make_request(
        cast.a_officer,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        title="Bảng tin công đoàn điện tử tại phòng hội đồng giáo viên",
        status=Status.SUBMITTED,
    )
    world.officer_draft = make_request(
        cast.a_officer,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        title="Câu lạc bộ pháp luật cho đoàn viên trẻ",
        authors=[author(cast.a_officer, "60"), author(cast.a1_member, "40")],
    )
    return world


def test_a_member_pages_fit_a_phone(phone: Page, live_server, cast):
    world = the_world(cast)
    creator = world.people["creator"]
    sign_in(phone, live_server, creator, cast.password)
    pages = {
        "home": reverse("home"),
        "request list": reverse("initiatives:list"),
        "new request": reverse("initiatives:create"),
        "edit a request with four authors": reverse(
            "initiatives:edit", args=[world.draft.pk]
        ),
        "request page": world.main.get_absolute_url(),
        "draft page": world.draft.get_absolute_url(),
        "registrations": reverse("initiatives:registration_list"),
        "registration": reverse(
            "initiatives:registration_detail", args=[world.registration.pk]
        ),
        "new registration": reverse("initiatives:registration_create"),
        "ideas": reverse("initiatives:idea_list"),
        "idea": reverse("initiatives:idea_detail", args=[world.idea.pk]),
        "new idea": reverse("initiatives:idea_create"),
        "Gold Books": reverse("goldbook:list"),
        "honour roll": reverse("goldbook:honour"),
        "honour entry": reverse("goldbook:honour_entry", args=[world.entry.pk]),
        "profile": reverse("units:person_detail", args=[creator.pk]),
        "awards page": reverse("awards:person_awards", args=[creator.pk]),
        "Gold Book entries": reverse("goldbook:person", args=[creator.pk]),
    }
    for what, url in pages.items():
        visit(phone, url, what)
    check_navbar(phone, "a member")

    # On the request page each author's share is on screen beside the name,
    # not at the far end of a table scrolled sideways.
    phone.goto(world.draft.get_absolute_url())
    shares = phone.locator(
        "main table", has=phone.locator("th", has_text="Tỷ lệ đóng góp (%)")
    )
    for index, name in enumerate(name for name, _place, _share in CO_AUTHORS):
        row = shares.locator("tbody tr").nth(index + 1)
        expect(row.locator("td").nth(1)).to_have_text(name)
        share = row.locator("td").nth(2)
        expect(share).to_have_text(f"{CO_AUTHORS[index][2]},00")
        assert share.evaluate(IN_VIEW_ACROSS), f"the share of {name}"

    # a1_member was selected in CB-A's award round: their awards page, their
    # Gold Book entry and their union's book.
    member = cast.a1_member
    sign_in(phone, live_server, member, cast.password)
    for what, url in {
        "home of a nominee": reverse("home"),
        "awards page of a nominee": reverse("awards:person_awards", args=[member.pk]),
        "Gold Book entries of a nominee": reverse("goldbook:person", args=[member.pk]),
        "Gold Book of the union": reverse("goldbook:book", args=[cast.tree.a1.pk]),
        "Gold Book entry": world.entry.get_absolute_url(),
        "profile of a nominee": reverse("units:person_detail", args=[member.pk]),
    }.items():
        visit(phone, url, what)


def test_an_officer_pages_fit_a_phone(phone: Page, live_server, cast):
    world = the_world(cast)
    officer = cast.a_officer
    sign_in(phone, live_server, officer, cast.password)
    pages = {
        "home": reverse("home"),
        "request list": reverse("initiatives:list"),
        "request list, searched": reverse("initiatives:list") + "?q=so+tay",
        "new request": reverse("initiatives:create"),
        "edit a request": reverse("initiatives:edit", args=[world.officer_draft.pk]),
        "submitted request": world.submitted.get_absolute_url(),
        "request of the union": world.main.get_absolute_url(),
        "registrations": reverse("initiatives:registration_list"),
        "ideas": reverse("initiatives:idea_list"),
        "councils": reverse("initiatives:council_list"),
        "Gold Books": reverse("goldbook:list"),
        "Gold Book of ngành Giáo dục": reverse("goldbook:book", args=[cast.tree.a.pk]),
        "Gold Book with the units below": reverse(
            "goldbook:rollup", args=[cast.tree.a.pk]
        ),
        "honour roll": reverse("goldbook:honour"),
        "profile": reverse("units:person_detail", args=[officer.pk]),
        "awards page": reverse("awards:person_awards", args=[officer.pk]),
    }
    for what, url in pages.items():
        visit(phone, url, what)
    check_navbar(phone, "an officer")


def test_council_pages_fit_a_phone(phone: Page, live_server, cast):
    world = the_world(cast)
    council = world.council
    seats = {
        "a member": world.people["member"],
        "the secretary": world.people["secretary"],
        "the chair": world.people["chair"],
    }
    for who, user in seats.items():
        sign_in(phone, live_server, user, cast.password)
        pages = {
            "home": reverse("home"),
            "council list": reverse("initiatives:council_list"),
            "council page": council.get_absolute_url(),
            "item page with the score sheet": world.item_main.get_absolute_url(),
            "item decided": world.item_decided.get_absolute_url(),
            "item proposed from below": world.item_proposed.get_absolute_url(),
            "my reviews": reverse("initiatives:my_reviews"),
            "open session, voting": world.open.get_absolute_url(),
            "closed session": world.closed.get_absolute_url(),
            "planned session": world.session_planned.get_absolute_url(),
            "request on the agenda": world.main.get_absolute_url(),
            "Gold Books": reverse("goldbook:list"),
            "honour roll": reverse("goldbook:honour"),
            "profile": reverse("units:person_detail", args=[user.pk]),
        }
        for what, url in pages.items():
            visit(phone, url, f"{what} for {who}")
        check_navbar(phone, f"{who} of the council")

    # The member's score sheet and ballot are on screen and usable.
    sign_in(phone, live_server, seats["a member"], cast.password)
    phone.goto(world.item_main.get_absolute_url())
    score = phone.locator("main form[action$='/score/'] input[type=text]").first
    score.scroll_into_view_if_needed()
    assert score.evaluate(IN_VIEW)
    phone.goto(world.open.get_absolute_url())
    ballot = phone.locator("main form[action$='/vote/'] button[type=submit]").first
    ballot.scroll_into_view_if_needed()
    assert ballot.evaluate(IN_VIEW)


# --- The request form: authors as cards ---------------------------------------


def share_total(page: Page) -> str:
    return page.locator("#share-total").inner_text()


def test_authors_are_cards_with_the_total_in_view(phone: Page, live_server, cast):
    world = the_world(cast)
    creator = world.people["creator"]
    sign_in(phone, live_server, creator, cast.password)
    visit(phone, reverse("initiatives:edit", args=[world.draft.pk]), "edit form")

    rows = phone.locator("#author-rows > tr")
    expect(rows).to_have_count(6)  # four authors and two empty rows
    total = phone.locator("#share-total")
    expect(total).to_have_text("100,00")
    # The column headers are gone; every box carries its own visible label.
    expect(phone.locator(".authors-table thead")).to_be_hidden()
    expect(phone.get_by_label("Tỷ lệ đóng góp (%)").first).to_be_visible()

    for index in range(4):
        card = rows.nth(index)
        assert card.evaluate("e => getComputedStyle(e).display") == "grid"
        name = card.locator("input[name$='-full_name']")
        share = card.locator("input[name$='-share']")
        name_box, share_box = name.bounding_box(), share.bounding_box()
        # The share beside the name, on screen, not a screen's width away.
        assert abs(name_box["y"] - share_box["y"]) < 2, (name_box, share_box)
        assert share_box["x"] >= name_box["x"] + name_box["width"]
        assert share_box["x"] + share_box["width"] <= WIDTH
        # Wherever the card is, the total is on screen while its share is typed.
        share.focus()
        share.scroll_into_view_if_needed()
        assert share.evaluate(IN_VIEW), f"the share of author {index + 1}"
        assert total.evaluate(IN_VIEW), f"the total, at author {index + 1}"
    expect(rows.nth(1).locator("input[name$='-full_name']")).to_have_value(
        CO_AUTHORS[0][0]
    )

    # The keyboard goes from the name to the share beside it.
    rows.nth(1).locator("input[name$='-full_name']").focus()
    phone.keyboard.press("Tab")
    expect(rows.nth(1).locator("input[name$='-share']")).to_be_focused()

    # Typing a share updates the total; a wrong total says so in words too.
    rows.nth(1).locator("input[name$='-share']").fill("25")
    expect(total).to_have_text("95,00")
    expect(phone.locator("#share-hint")).to_be_visible()
    assert total.evaluate(IN_VIEW)

    # Removing an author takes their share out of the total.
    rows.nth(3).locator("input[name$='-DELETE']").check()
    expect(total).to_have_text("85,00")

    # Adding an author adds a card, with the focus in its first box.
    phone.locator("#initiative-form [data-add-author]").click()
    expect(rows).to_have_count(7)
    added = rows.nth(6)
    expect(added.locator("input[name$='-person']")).to_be_focused()
    assert added.evaluate("e => getComputedStyle(e).display") == "grid"
    added.locator("input[name$='-full_name']").fill("Lục Thị Ngân")
    added.locator("input[name$='-share']").fill("15")
    expect(total).to_have_text("100,00")
    expect(phone.locator("#share-hint")).to_be_hidden()
    assert_fits(phone, "the form with an added author")
    assert_no_serious_violations(phone, "the request form on a phone")

    # A co-author without a share: the message stands under that share box, in
    # the card, and nothing is written.
    rows.nth(2).locator("input[name$='-share']").fill("")
    phone.locator("#initiative-form button[type=submit]").click()
    expect(phone.locator("#initiative-form .is-invalid")).to_have_count(1)
    card = phone.locator("#author-rows > tr").nth(2)
    message = card.locator(".author-share .invalid-feedback")
    expect(message).to_have_text("Nhập tỷ lệ đóng góp của tác giả này.")
    message.scroll_into_view_if_needed()
    assert message.evaluate(IN_VIEW)
    assert_fits(phone, "the form refused")
    assert [a.share for a in world.draft.authors.all()] == [
        Decimal("40"),
        Decimal("30"),
        Decimal("20"),
        Decimal("10"),
    ]
