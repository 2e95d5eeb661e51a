"""The README's guided tour, step by step, on the demo data of `make run`.

The demo is seeded inside the live server's database exactly as `make run` seeds
it, and each step uses the accounts, links and buttons the README names (the
Vietnamese interface text is read from the catalogue, so a changed translation
shows here and in the README alike). The tour has two parts, as in the README:
from filing a request to its recognition by the school's council, and the award
round up to the dossier accepted by the level above (kept in one function, so it
can follow the award round page as it changes).
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from awards.models import AwardRound, Dossier
from initiatives.models import Initiative, Session, Status
from sampledata.demo.people import DEMO_PASSWORD
from tests.browser.test_journey_units import follow_nav, sign_in, sign_out
from units.models import User

TITLE = "Lịch trực tư vấn pháp luật của công đoàn vào giờ ra chơi"
ESSENCE = "Mỗi ngày một cán bộ công đoàn trực 15 phút để giải đáp thắc mắc."
BENEFITS = "Đoàn viên được giải đáp ngay tại trường, không phải chờ đến cuộc họp."
SCHOOL = "Công đoàn Trường THPT Chuyên Cao Bằng"
PROVINCE = "Liên đoàn Lao động tỉnh Cao Bằng"
ROUND = "Xét khen thưởng phong trào “Đổi mới, sáng tạo, hiệu quả” năm {year}"
# The README's example of an edit to the drafted Tờ trình.
DRAFTED, EDITED = "có thành tích xuất sắc", "có thành tích xuất sắc, tiêu biểu"
# Part 2's clicks, choices in a list and confirmations, as the README counts them.
PART_2_CLICKS = 16
SLOW = 120_000  # ms, for the steps that render the dossier's documents


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(live_server):
    """The data `make run` seeds, in the live server's database."""
    call_command("seed_demo", stdout=StringIO())


def vi(message: str, **values) -> str:
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text


def vi_count(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("vi"):
        text = translation.ngettext(singular, plural, count)
    return text % {"counter": count, "count": count, **values}


def council_name(today) -> str:
    return f"Hội đồng sáng kiến {SCHOOL} năm {today.year}"


def as_user(page: Page, live_server, username: str) -> None:
    sign_in(page, live_server, User.objects.get(username=username), DEMO_PASSWORD)


def link(page: Page, text: str) -> Locator:
    return page.get_by_role("link", name=text, exact=True).first


def button(page: Page, text: str) -> Locator:
    return page.get_by_role("button", name=text, exact=True).first


def click_link(page: Page, text: str) -> None:
    link(page, text).click()


def click_button(page: Page, text: str) -> None:
    button(page, text).click()


class Counter:
    """Clicks, choices in a list and answers to a confirmation, counted; typing
    and signing in or out are not."""

    def __init__(self, page: Page):
        self.page = page
        self.clicks = 0

    def click(self, locator: Locator, **options) -> None:
        self.clicks += 1
        locator.click(**options)

    def choose(self, locator: Locator, label: str) -> None:
        self.clicks += 1
        locator.select_option(label=label)

    def confirm_next(self) -> None:
        self.clicks += 1
        self.page.once("dialog", lambda dialog: dialog.accept())


def tour_request_to_recognition(page: Page, live_server) -> Initiative:
    """Part 1 of the README's tour: a member files, the secretary takes it in and
    runs the session, the chair closes it, the emulation staff write it in the
    Gold Book."""
    today = timezone.localdate()

    # 1. doanvien.thptchuyen files a request from the home page.
    as_user(page, live_server, "doanvien.thptchuyen")
    click_link(page, vi("File a recognition request"))
    page.locator("#id_recognizing_unit").select_option(label=SCHOOL)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_field").select_option(index=1)
    page.locator("#id_level").select_option("grassroots")
    page.locator("#id_essence").fill(ESSENCE)
    page.locator("#id_first_applied_on").fill(
        (today - datetime.timedelta(days=60)).strftime("%d/%m/%Y")
    )
    page.locator("#id_benefits_author").fill(BENEFITS)
    click_button(page, vi("Save the draft"))
    initiative = Initiative.objects.get(title=TITLE)
    expect(page).to_have_url(live_server.url + initiative.get_absolute_url())
    click_button(page, vi("Submit"))
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    sign_out(page, live_server)

    # 2. The council's secretary, hotro.thptchuyen, takes it in from the home page.
    as_user(page, live_server, "hotro.thptchuyen")
    take_in = vi(
        "Take in “%(title)s”, filed on %(day)s.",
        title=TITLE,
        day=today.strftime("%d/%m/%Y"),
    )
    click_link(page, take_in)
    expect(page).to_have_url(live_server.url + initiative.get_absolute_url())
    click_button(page, vi("Accept for review"))
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED

    # 3. She plans a session with it: Hội đồng sáng kiến → the school's council.
    follow_nav(page, reverse("initiatives:council_list"))
    click_link(page, council_name(today))
    click_link(page, vi("Plan a session"))
    page.locator("#id_held_on").fill(today.strftime("%d/%m/%Y"))
    page.locator("#id_place").fill("Phòng họp Trường THPT Chuyên Cao Bằng")
    page.get_by_label(TITLE).check()
    click_button(page, vi("Save"))
    # Everyone is there: tick every member, save, open the voting.
    for box in page.locator("input[name=present]").all():
        box.check()
    click_button(page, vi("Save the attendance"))
    click_button(page, vi("Open for voting"))
    # The council votes by show of hands: she records the count.
    item = page.locator("main .card").filter(has_text=TITLE)
    item.locator("input[name=hands_yes]").fill("5")
    item.locator("input[name=hands_no]").fill("0")
    item.get_by_role("button", name=vi("Record the count")).click()
    # The demo's school council already has session no. 1: this is no. 2.
    session = Session.objects.get(agenda__item__initiative=initiative)
    assert session.number == 2
    sign_out(page, live_server)

    # 4. The chair, canbo.thptchuyen, closes the session from the council's page.
    as_user(page, live_server, "canbo.thptchuyen")
    follow_nav(page, reverse("initiatives:council_list"))
    click_link(page, council_name(today))
    click_link(
        page,
        vi(
            "Session no. %(number)s, %(day)s",
            number=2,
            day=today.strftime("%d/%m/%Y"),
        ),
    )
    page.once("dialog", lambda dialog: dialog.accept())
    click_button(page, vi("Close the session"))
    expect(page.locator("#session-documents")).to_have_text(vi("Documents issued"))
    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED
    sign_out(page, live_server)

    # 5. thidua.giaoduc writes it in the school's Gold Book.
    as_user(page, live_server, "thidua.giaoduc")
    click_link(
        page,
        vi_count(
            "%(counter)s recognised initiative waits to be written in a Gold Book "
            "you keep.",
            "%(counter)s recognised initiatives wait to be written in the Gold "
            "Books you keep.",
            1,
        ),
    )
    click_link(page, TITLE)
    page.locator("#id_application_evidence").fill(
        "Biên bản kiểm tra của Ban Chấp hành ngày 05/12 xác nhận đã áp dụng."
    )
    click_button(page, vi("Write the entry"))
    expect(page.locator("main h1")).to_have_text(TITLE)
    sign_out(page, live_server)
    return initiative


def tour_award_dossier(page: Page, live_server) -> Dossier:
    """Part 2 of the README's tour, on the round page's bulk actions: the
    education union's emulation staff tick everyone who meets every criterion,
    nominate them in one step, record the selection in one table, review the
    drafted Tờ trình, issue the dossier, download it and send it up; the
    province accepts it. Every click is counted, as the README says."""
    today = timezone.localdate()
    round_title = ROUND.format(year=today.year)
    award_round = AwardRound.objects.get(title=round_title)
    count = Counter(page)

    # 6. thidua.giaoduc opens the round from the home page.
    as_user(page, live_server, "thidua.giaoduc")
    count.click(
        link(
            page,
            vi(
                "Award round “%(title)s”: nominations close on %(day)s.",
                title=round_title,
                day=(today + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
            ),
        )
    )
    expect(page).to_have_url(live_server.url + award_round.get_absolute_url())

    # 7. Tick everyone who meets every criterion: the school's union (its
    # council decided a request in part 1) and its chair; nominate them both.
    count.click(link(page, vi("Tick all who meet every criterion")))
    ticked = page.locator('input[name="candidate"]:checked')
    expect(ticked).to_have_count(2)
    assert sorted(ticked.evaluate_all("boxes => boxes.map(b => Number(b.value))")) == [
        award_round.candidates.get(kind="collective", unit__name=SCHOOL).pk,
        award_round.candidates.get(person__username="canbo.thptchuyen").pk,
    ]
    count.choose(page.get_by_label(vi("Nominate for"), exact=True), label="Giấy khen")
    count.click(button(page, vi("Nominate the ticked")))
    expect(page.locator(".alert-success")).to_have_text(
        vi_count(
            "%(count)d candidate was nominated for %(award)s.",
            "%(count)d candidates were nominated for %(award)s.",
            2,
            award="Giấy khen",
        )
    )

    # 8. The standing committee's meeting: one table, a row per nominee.
    count.click(link(page, vi("Record the selection")))
    form = page.locator("main form")
    expect(form.locator('input[name="held_on"]')).to_have_value(
        today.strftime("%d/%m/%Y")
    )
    form.get_by_label(vi("Chaired by")).fill("Đàm Minh Quân")
    form.get_by_label(vi("Members of the body")).fill("9")
    form.get_by_label(vi("Members present")).fill("9")
    votes = form.locator('input[name^="votes_"]')
    expect(votes).to_have_count(2)
    for index in range(2):
        votes.nth(index).fill("9")
    count.click(button(page, vi("Record the selection")))
    expect(page).to_have_url(live_server.url + award_round.get_absolute_url())

    # 9. Prepare the dossier: a draft, nothing numbered; the Tờ trình is edited.
    count.click(button(page, vi("Prepare the dossier")))
    dossier = Dossier.objects.get(round=award_round)
    expect(page).to_have_url(live_server.url + dossier.get_absolute_url())
    expect(page.locator("#draft-notice")).to_be_visible()
    text = page.get_by_label(vi("Text of the Tờ trình"))
    drafted = text.input_value()
    assert DRAFTED in drafted and EDITED not in drafted
    text.fill(drafted.replace(DRAFTED, EDITED))
    count.click(button(page, vi("Save the text of the Tờ trình")))
    expect(page.locator(".alert-success")).to_have_text(
        vi("The text of the Tờ trình was saved.")
    )
    dossier.refresh_from_db()
    assert dossier.submission_id is None
    assert EDITED in dossier.submission_text

    # 10. Issue it: the Tờ trình, the excerpt and both summaries get numbers.
    count.confirm_next()
    count.click(page.locator("#issue-dossier"), timeout=SLOW)
    expect(page.locator(".alert-success")).to_have_count(1)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PREPARED
    expect(page.locator("main")).to_contain_text(dossier.submission.symbol)
    expect(page.locator("main")).to_contain_text(EDITED)

    # 11. Download the whole dossier, then send it up.
    with page.expect_download(timeout=SLOW) as download:
        count.click(link(page, vi("Whole dossier (one PDF with contents)")))
    reader = PdfReader(download.value.path())
    text = "".join(p.extract_text() for p in reader.pages)
    assert "MỤC LỤC" in text and "Nguyễn Thị Mai" in text
    assert EDITED in " ".join(text.split())
    count.confirm_next()
    count.click(button(page, vi("Send to %(name)s", name=PROVINCE)))
    expect(page.locator(".alert-success")).to_have_count(1)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SENT
    sign_out(page, live_server)

    # 12. thidua.tinh accepts it from the home page.
    as_user(page, live_server, "thidua.tinh")
    count.click(
        link(
            page,
            vi_count(
                "%(counter)s award dossier was sent to you for a decision.",
                "%(counter)s award dossiers were sent to you for a decision.",
                1,
            ),
        )
    )
    count.click(link(page, round_title))
    expect(page).to_have_url(live_server.url + dossier.get_absolute_url())
    count.click(button(page, vi("Accept")))
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.ACCEPTED
    # The number the README gives for this part.
    assert count.clicks == PART_2_CLICKS
    return dossier


def test_the_readme_tour_works_on_the_demo_data(page: Page, live_server, demo):
    tour_request_to_recognition(page, live_server)
    tour_award_dossier(page, live_server)
