"""Journey: ngành Giáo dục's council has recognised an initiative and its decision
is issued. The unit's emulation staff signs in, is told on the home page that a
recognition waits, opens the Gold Books, follows the waiting proposal, writes the
public summary and the evidence of application, and confirms: entry no. 1. Then
a visitor who is not signed in, in a browser of their own, finds it on the public
honour roll and opens its page, which shows the summary and nothing internal.

As in the other journeys, elements are found by id, name, role and URL; expected
interface text is taken from the catalogues with translation.override.
"""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from goldbook.models import GoldBookEntry
from tests.browser.test_journey_council import SAME_AS_CONFTEST, screenshot
from tests.browser.test_journey_request import text_of
from tests.browser.test_journey_units import expect_language, sign_in, sign_out
from tests.goldbook.conftest import Gold

TITLE = "Ứng dụng sổ tay điện tử quản lý đoàn viên tại các trường học"
CONFIDENTIAL = "Mật khẩu máy chủ: GB-BIMAT-7781"
SUMMARY = (
    "Rút ngắn thời gian cập nhật hồ sơ đoàn viên từ 5 ngày xuống 1 ngày; "
    "12 công đoàn trường học đã áp dụng."
)
EVIDENCE = "Báo cáo áp dụng của Công đoàn Trường THPT Chuyên ngày 20/10, số 45/BC."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep the issued documents in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def vi(message: str, **values) -> str:
    """A message as the Vietnamese catalogue has it, with its values filled in."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text


def waiting_alert(count: int) -> str:
    with translation.override("vi"):
        return translation.ngettext(
            "%(counter)s recognised initiative waits to be written in a Gold Book "
            "you keep.",
            "%(counter)s recognised initiatives wait to be written in the Gold "
            "Books you keep.",
            count,
        ) % {"counter": count}


def test_staff_write_a_recognition_in_the_gold_book_and_the_public_sees_it(
    page: Page, browser, live_server, cast
):
    item = Gold(cast).recognised(
        cast.councils.a, title=TITLE, confidential_info=CONFIDENTIAL
    )
    initiative = item.initiative
    author_name = initiative.authors.get().full_name
    list_url = reverse("goldbook:list")
    confirm_url = reverse("goldbook:confirm", args=[item.pk])
    today = timezone.localdate().strftime("%d/%m/%Y")

    # --- 1. The emulation staff is told a recognition waits ----------------------
    sign_in(page, live_server, cast.a_staff, cast.password)
    # The home page's list of what to do next links the waiting entries.
    task = page.locator(f'main section[aria-labelledby=todo] a[href="{list_url}"]')
    expect(task).to_contain_text(waiting_alert(1))
    task.click()
    expect(page).to_have_url(live_server.url + list_url)
    expect_language(page, "vi")

    # --- 2. The Gold Books list the proposal; she follows it ---------------------
    expect(page.locator("main")).to_contain_text(waiting_alert(1))
    proposal = page.locator(f'main a[href="{confirm_url}"]')
    expect(proposal).to_have_text(TITLE)
    proposal.click()
    expect(page).to_have_url(live_server.url + confirm_url)
    expect(page.locator("main h1")).to_have_text(vi("Write in the Gold Book"))
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text(item.decision.symbol)
    expect(page.locator("main")).to_contain_text(
        vi(
            "It becomes entry no. %(number)s of the Gold Book of %(name)s. Entries "
            "never change afterwards: corrections are added as dated annotations.",
            number=1,
            name=cast.tree.a.name,
        )
    )
    # The benefit is proposed from the request, the date is today.
    summary_box = page.locator("#id_public_summary")
    expect(summary_box).to_have_value(initiative.benefits_author)
    expect(page.locator("#id_recorded_on")).to_have_value(today)
    for name in ("public_summary", "application_evidence", "recorded_on"):
        expect(page.locator(f"label[for=id_{name}]")).to_be_visible()

    # --- 3. She writes the summary and the evidence and confirms -----------------
    summary_box.fill(SUMMARY)
    page.locator("#id_application_evidence").fill(EVIDENCE)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_have_text(
        vi("Entry no. %(number)d was written in the Gold Book.", number=1)
    )
    entry = GoldBookEntry.objects.get(council_item=item)
    expect(page).to_have_url(live_server.url + entry.get_absolute_url())
    expect(page.locator("main h1")).to_have_text(TITLE)
    main = page.locator("main")
    for shown in (SUMMARY, EVIDENCE, author_name, item.decision.symbol, today):
        expect(main).to_contain_text(shown)
    public_url = entry.get_public_url()
    expect(page.locator(f'main a[href="{public_url}"]')).to_have_count(1)
    assert entry.number == 1
    assert (entry.public_summary, entry.application_evidence) == (SUMMARY, EVIDENCE)
    assert entry.recorded_by == cast.a_staff

    # The book lists it; nothing waits any more.
    page.locator(f'main nav a[href="{entry.book.get_absolute_url()}"]').click()
    expect(page).to_have_url(live_server.url + entry.book.get_absolute_url())
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text("1")
    expect(row.get_by_role("link", name=TITLE, exact=True)).to_have_attribute(
        "href", entry.get_absolute_url()
    )
    page.goto(list_url)
    expect(page.locator(f'main a[href="{confirm_url}"]')).to_have_count(0)
    sign_out(page, live_server)

    # --- 4. A visitor finds it on the public honour roll -------------------------
    context = browser.new_context(base_url=live_server.url, **SAME_AS_CONFTEST)
    context.set_default_timeout(10_000)
    visitor = context.new_page()
    try:
        visitor.goto(reverse("goldbook:honour"))
        expect_language(visitor, "vi")
        expect(visitor.locator("main h1")).to_have_text(
            vi("Honour roll of initiatives")
        )
        card = visitor.locator("main article").filter(has_text=TITLE)
        expect(card).to_have_count(1)
        expect(card).to_contain_text(SUMMARY)
        expect(card).to_contain_text(author_name)
        expect(card).to_contain_text(entry.unit_name)
        card.get_by_role("link", name=TITLE, exact=True).click()
        expect(visitor).to_have_url(live_server.url + public_url)
        expect(visitor.locator("main h1")).to_have_text(TITLE)
        article = visitor.locator("main article")
        expect(article).to_contain_text(SUMMARY)
        expect(article).to_contain_text(author_name)
        expect(visitor.locator('meta[property="og:title"]')).to_have_attribute(
            "content", TITLE
        )
        expect(visitor.locator('meta[property="og:url"]')).to_have_attribute(
            "content", live_server.url + public_url
        )
        # Nothing internal: not the evidence, not the confidential information,
        # and no way into the application's own pages.
        body = text_of(visitor.locator("body"))
        assert EVIDENCE not in body
        assert CONFIDENTIAL not in body
        assert CONFIDENTIAL not in visitor.content()
        expect(visitor.locator('main a[href^="/goldbook/"]')).to_have_count(0)
    except BaseException:
        screenshot(visitor, "goldbook_journey_visitor")
        raise
    finally:
        context.close()


def test_staff_open_the_folded_revoke_form_and_revoke_an_entry(
    page: Page, live_server, cast
):
    """The revoke form is folded on the entry page: it opens on a click on its
    summary (no script needed), asks for confirmation, and revokes."""
    entry = Gold(cast).entry(title=TITLE)
    reason = "Quyết định số 12/QĐ-HĐSK huỷ bỏ việc công nhận do trùng lặp."
    sign_in(page, live_server, cast.a_staff, cast.password)
    try:
        page.goto(entry.get_absolute_url())
        folded = page.locator("main details.revoke-entry")
        reason_box = folded.locator("textarea[name=reason], input[name=reason]")
        expect(folded).to_have_count(1)
        expect(reason_box).to_be_hidden()
        # The annotation form beside it stays open.
        expect(page.locator("main #id_text")).to_be_visible()

        folded.locator("summary").click()
        expect(reason_box).to_be_visible()
        reason_box.fill(reason)
        page.once("dialog", lambda dialog: dialog.accept())
        folded.locator("button[type=submit]").click()
        expect(page.locator(".messages .alert-success")).to_have_text(
            vi("The entry is marked revoked; it stays in the book.")
        )
        expect(page.locator("main")).to_contain_text(reason)
        expect(page.locator("main details.revoke-entry")).to_have_count(0)
        entry.refresh_from_db()
        assert entry.is_revoked
        assert entry.revoked_reason == reason
    except BaseException:
        screenshot(page, "goldbook_revoke_folded")
        raise
