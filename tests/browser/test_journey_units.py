"""Journey: a unit admin signs in, opens the tree, adds a grassroots union and a
person, grants a role; an admin of a sibling unit signs in and can reach none of it.

Elements are found by role, id, name and URL (or by names and codes, which read
the same in every language), so the journey holds while the translations change.
Expected interface text is taken from the catalogues with translation.override.
"""

import datetime
import re

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from units.models import Membership, Role, Unit, User

NEW_UNIT_NAME = "Công đoàn Trường Mầm non Hoa Sen"
NEW_UNIT_CODE = "CB-A3"
ESTABLISHED_TYPED = "15/03/2010"
ESTABLISHED = datetime.date(2010, 3, 15)
PERSON_NAME = "Nguyễn Thị Hồng Nhung"
PERSON_EMAIL = "hong.nhung@example.vn"


def in_language(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def not_found_heading(language: str = "vi") -> str:
    return in_language(language, translation.gettext_lazy("Page not found"))


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def sign_in(page: Page, live_server, user, password: str) -> None:
    page.goto(reverse("login"))
    expect_language(page, "vi")
    form = page.locator("main form")
    form.locator("#id_username").fill(user.username)
    form.locator("#id_password").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    # The user menu in the navigation bar carries the person's name.
    expect(page.locator("nav #user-menu")).to_have_text(user.full_name)


def follow_nav(page: Page, href: str) -> None:
    """Follow a link of the navigation bar, opening its menu first if it sits in
    one (Bootstrap JS)."""
    link = page.locator(f'nav a[href="{href}"]').first
    if not link.is_visible():
        menu = page.locator("nav li.dropdown").filter(
            has=page.locator(f'a.dropdown-item[href="{href}"]')
        )
        menu.locator(".dropdown-toggle").click()
        expect(link).to_be_visible()
    link.click()


def sign_out(page: Page, live_server) -> None:
    """Open the user dropdown in the navigation bar and post its sign-out form."""
    page.locator("nav #user-menu").click()
    button = page.locator(f'nav form[action="{reverse("logout")}"] button')
    expect(button).to_be_visible()
    button.click()
    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.locator("nav #user-menu")).to_have_count(0)


def choose_action(page: Page, href: str) -> None:
    """Open the Actions dropdown of a unit page (Bootstrap JS) and follow an item."""
    toggle = page.locator("main .dropdown > button.dropdown-toggle")
    item = page.locator(f'main .dropdown-menu a.dropdown-item[href="{href}"]')
    expect(item).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(item).to_be_visible()
    item.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def expect_not_found(page: Page, url: str, *, hidden: tuple[str, ...] = ()) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 404, f"{url} answered {response.status}, not 404"
    expect_language(page, "vi")
    expect(page.locator("main h1")).to_have_text(not_found_heading("vi"))
    body = page.locator("body").inner_text()
    for text in hidden:
        assert text not in body, f"{url} shows {text!r} on its 404 page"


def test_unit_admin_builds_a_branch_that_a_sibling_admin_cannot_reach(
    page: Page, live_server, cast
):
    tree = cast.tree

    # --- The unit admin of Công đoàn ngành Giáo dục signs in ----------------------
    response = page.goto(reverse("login"))
    assert response is not None
    # Chromium asks for English, yet the application answers in Vietnamese.
    assert response.request.header_value("accept-language").startswith("en")
    assert response.headers["content-language"] == "vi"
    expect_language(page, "vi")
    sign_in(page, live_server, cast.a_admin, cast.password)
    expect_language(page, "vi")

    # --- Opens the tree and clicks through to the unit ---------------------------
    follow_nav(page, reverse("units:tree"))
    expect(page).to_have_url(live_server.url + reverse("units:tree"))
    expect_language(page, "vi")
    page.locator(".tree").get_by_role("link", name=tree.a.name, exact=True).click()
    expect(page).to_have_url(
        live_server.url + reverse("units:detail", args=[tree.a.pk])
    )
    expect(page.locator("main h1")).to_have_text(tree.a.name)

    # --- Adds a grassroots union through the Actions menu ------------------------
    choose_action(page, reverse("units:add_child", args=[tree.a.pk]))
    expect(page.locator("label[for=id_kind]")).to_be_visible()
    page.locator("#id_kind").select_option("grassroots")
    page.locator("#id_name").fill(NEW_UNIT_NAME)
    page.locator("#id_code").fill(NEW_UNIT_CODE)
    expect(page.locator("#id_established_on")).to_have_attribute(
        "placeholder", "dd/mm/yyyy"
    )
    page.locator("#id_established_on").press_sequentially(ESTABLISHED_TYPED)
    submit(page)
    expect(page).to_have_url(re.compile(r"/units/\d+/$"))

    unit = Unit.objects.get(code=NEW_UNIT_CODE)
    unit_url = reverse("units:detail", args=[unit.pk])
    expect(page).to_have_url(live_server.url + unit_url)
    expect_language(page, "vi")
    expect(page.locator("main h1")).to_have_text(NEW_UNIT_NAME)
    expect(page.locator("main code").first).to_have_text(NEW_UNIT_CODE)
    expect(page.locator(".messages .alert-success")).to_contain_text(NEW_UNIT_NAME)
    expect(page.locator("main dl")).to_contain_text(ESTABLISHED_TYPED)

    # --- Adds a person to it -------------------------------------------------------
    person_add_url = reverse("units:person_add", args=[unit.pk])
    choose_action(page, person_add_url)
    page.locator("#id_full_name").fill(PERSON_NAME)
    page.locator("#id_email").fill(PERSON_EMAIL)
    expect(page.locator("#id_role")).to_have_value(Role.MEMBER)
    submit(page)
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))

    person = User.objects.get(email=PERSON_EMAIL)
    person_url = reverse("units:person_detail", args=[person.pk])
    expect(page).to_have_url(live_server.url + person_url)
    expect(page.locator("main h1")).to_have_text(PERSON_NAME)
    expect(page.locator("main p code")).to_have_text(person.username)
    expect(page.locator(".messages .alert-success")).to_contain_text(person.username)

    # --- Grants that person a second role in the new unit, by user name ----------
    page.goto(unit_url)
    choose_action(page, reverse("units:role_grant", args=[unit.pk]))
    page.locator("#id_person").fill(person.username)
    page.locator("#id_role").select_option(Role.SUPPORT_TEAM)
    submit(page)
    people_url = reverse("units:people", args=[unit.pk])
    expect(page).to_have_url(live_server.url + people_url)
    expect(page.locator(".messages .alert-success")).to_contain_text(PERSON_NAME)

    # The people list links to the person; their page lists both roles.
    page.locator("main table").get_by_role("link", name=PERSON_NAME).click()
    expect(page).to_have_url(live_server.url + person_url)
    rows = page.locator("main table tbody tr").filter(has_text=NEW_UNIT_NAME)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=in_language("vi", Role.MEMBER.label))).to_have_count(1)
    expect(
        rows.filter(has_text=in_language("vi", Role.SUPPORT_TEAM.label))
    ).to_have_count(1)

    sign_out(page, live_server)

    # --- The admin of the sibling unit (ngành Y tế) signs in ---------------------
    sign_in(page, live_server, cast.b_admin, cast.password)

    # Their own unit opens: the 404s below are about scope, not a broken session.
    response = page.goto(reverse("units:detail", args=[tree.b.pk]))
    assert response is not None
    assert response.status == 200
    expect(page.locator("main h1")).to_have_text(tree.b.name)

    secret = (NEW_UNIT_NAME, NEW_UNIT_CODE, PERSON_NAME, person.username)
    for url in (
        unit_url,
        person_url,
        people_url,
        person_add_url,
        reverse("units:role_grant", args=[unit.pk]),
        reverse("units:tree") + f"?root={unit.pk}",
    ):
        expect_not_found(page, url, hidden=secret)

    # Their tree shows their own branch and nothing of the new unit.
    response = page.goto(reverse("units:tree"))
    assert response is not None
    assert response.status == 200
    tree_box = page.locator(".tree")
    expect(tree_box.get_by_role("link", name=tree.b.name, exact=True)).to_be_visible()
    expect(tree_box.locator(f'a[href="{unit_url}"]')).to_have_count(0)
    expect(tree_box).not_to_contain_text(NEW_UNIT_NAME)
    expect(tree_box).not_to_contain_text(tree.a.name)

    # --- What the journey left in the database -----------------------------------
    unit.refresh_from_db()
    assert Unit.objects.get_parent(unit) == tree.a
    assert unit.code == NEW_UNIT_CODE
    assert unit.kind == Unit.Kind.GRASSROOTS
    assert unit.name == NEW_UNIT_NAME
    assert unit.established_on == ESTABLISHED
    assert unit.is_active

    person.refresh_from_db()
    assert person.full_name == PERSON_NAME
    roles = Membership.objects.active().filter(user=person)
    assert sorted(roles.values_list("unit_id", "role")) == sorted(
        [(unit.pk, Role.MEMBER), (unit.pk, Role.SUPPORT_TEAM)]
    )
    granted = roles.get(role=Role.SUPPORT_TEAM)
    assert granted.granted_by == cast.a_admin
    # The sibling admin's visits changed nothing.
    assert not Membership.objects.filter(unit=unit, user=cast.b_admin).exists()
    assert Unit.objects.filter(path__startswith=unit.path).count() == 1


def test_footer_switcher_changes_the_language(page: Page, live_server, cast):
    response = page.goto(reverse("login"))
    assert response is not None
    assert response.request.header_value("accept-language").startswith("en")
    expect_language(page, "vi")
    english = page.locator('footer form button[name="language"][value="en"]')
    expect(english).to_have_attribute("lang", "en")
    expect(english).not_to_have_attribute("aria-current", "true")

    english.click()
    # The switcher comes back to the same page, now in English.
    expect(page).to_have_url(live_server.url + reverse("login"))
    expect_language(page, "en")
    expect(english).to_have_attribute("aria-current", "true")

    # The choice lasts across pages, the sign-in and the error pages.
    form = page.locator("main form")
    form.locator("#id_username").fill(cast.a_admin.username)
    form.locator("#id_password").fill(cast.password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    expect_language(page, "en")
    response = page.goto(reverse("units:detail", args=[cast.tree.b.pk]))
    assert response is not None
    assert response.status == 404
    expect_language(page, "en")
    expect(page.locator("main h1")).to_have_text(not_found_heading("en"))

    # And back to Vietnamese.
    page.goto(reverse("units:tree"))
    page.locator('footer form button[name="language"][value="vi"]').click()
    expect(page).to_have_url(live_server.url + reverse("units:tree"))
    expect_language(page, "vi")
