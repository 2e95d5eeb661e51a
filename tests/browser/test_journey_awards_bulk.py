"""Journey at the size of a real year: ngành Giáo dục's emulation staff take an
open round with 20 eligible members to a complete, downloadable dossier, and
every click is counted (at most 40).

From the round page she suggests the candidates, shows the individuals only,
ticks them all, attests their compliance in one step, ticks all who meet every
criterion and nominates them for a Giấy khen in one step, records the standing
committee's votes for everyone in one form, prepares the dossier, reviews it,
issues it (every document numbered at once) and downloads the bundle.
"""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from awards.models import AwardForm, Candidate, Dossier
from tests.awards.conftest import Movement
from tests.browser.test_journey_units import sign_in

PEOPLE = 20
MAX_CLICKS = 40
SLOW = 240_000  # ms, for the steps that render every document


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Counter:
    """Clicks, choices in a list and answers to a confirmation, counted."""

    def __init__(self, page: Page):
        self.page = page
        self.clicks = 0

    def click(self, locator, **options) -> None:
        self.clicks += 1
        locator.click(**options)

    def choose(self, locator, value: str) -> None:
        self.clicks += 1
        locator.select_option(value)

    def confirm_next(self) -> None:
        self.clicks += 1
        self.page.once("dialog", lambda dialog: dialog.accept())


def test_twenty_nominees_to_a_dossier_in_at_most_40_clicks(
    page: Page, live_server, cast
):
    movement = Movement(cast)
    people = []
    for n in range(PEOPLE):
        person = movement.gold.kit.person(
            f"Nguyễn Thị Phương {n:02d}", unit=cast.tree.a1
        )
        movement.entry(cast.councils.a1, filer=person)
        movement.rate_member(person, cast.tree.a1)
        people.append(person)
    award_round = movement.round(cast.tree.a, actor=cast.a_staff)
    paper = AwardForm.objects.get(name="Giấy khen")
    today = timezone.localdate().strftime("%d/%m/%Y")
    sign_in(page, live_server, cast.a_staff, cast.password)
    page.goto(live_server.url + award_round.get_absolute_url())
    count = Counter(page)
    suggest_url = reverse("awards:round_suggest", args=[award_round.pk])
    prepare_url = reverse("awards:dossier_prepare", args=[award_round.pk])

    # --- Candidates: suggested, filtered, ticked, attested ------------------------
    count.click(page.locator(f'main form[action="{suggest_url}"] button'))
    assert award_round.candidates.filter(kind="individual").count() == PEOPLE
    count.choose(page.locator("#id_filter_kind"), "individual")
    count.click(page.locator("#filters button[type=submit]"))
    expect(page).to_have_url(re.compile(r"\?kind=individual"))
    count.click(page.locator(".candidate-table .select-all"))
    expect(page.locator('input[name="candidate"]:checked')).to_have_count(PEOPLE)
    count.choose(page.locator("#id_bulk_criterion"), "compliance")
    page.locator("#id_bulk_note").fill("Chấp hành tốt chủ trương, chính sách.")
    count.click(page.locator('#bulk button[value="attest"]'))
    expect(page.locator(".alert-success")).to_have_count(1)

    # --- All who meet every criterion, nominated in one step ----------------------
    count.click(page.locator("#tick-eligible"))
    expect(page.locator('input[name="candidate"]:checked')).to_have_count(PEOPLE)
    count.choose(page.locator("#id_bulk_award_form"), str(paper.pk))
    count.click(page.locator('#bulk button[value="nominate"]'))
    expect(page.locator(".alert-success")).to_have_count(1)
    assert (
        award_round.candidates.filter(status=Candidate.Status.NOMINATED).count()
        == PEOPLE
    )

    # --- The selection meeting: one form, one row per nominee ---------------------
    count.click(
        page.locator(
            f'main a[href="{reverse("awards:selection", args=[award_round.pk])}"]'
        ).first
    )
    form = page.locator("main form")
    form.locator('input[name="held_on"]').fill(today)
    form.locator('input[name="chaired_by"]').fill("Đàm Minh Quân")
    form.locator('input[name="members_total"]').fill("9")
    form.locator('input[name="members_present"]').fill("8")
    votes = form.locator('input[name^="votes_"]')
    expect(votes).to_have_count(PEOPLE)
    for index in range(PEOPLE):
        votes.nth(index).fill("8")
    count.click(form.locator("button[type=submit]"))
    expect(page).to_have_url(live_server.url + award_round.get_absolute_url())

    # --- The dossier: drafted, reviewed, issued at once, downloaded ----------------
    count.click(page.locator(f'main form[action="{prepare_url}"] button'))
    dossier = Dossier.objects.get(round=award_round)
    expect(page).to_have_url(live_server.url + dossier.get_absolute_url())
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{PEOPLE} cá nhân")
    count.confirm_next()
    # Forty-two documents are rendered and numbered here: allow the time.
    count.click(page.locator("#issue-dossier"), timeout=SLOW)
    expect(page.locator(".alert-success")).to_have_count(1)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PREPARED
    with page.expect_download(timeout=SLOW) as download:
        count.click(
            page.locator(
                f'main a[href="{reverse("awards:dossier_bundle", args=[dossier.pk])}"]'
            ),
            timeout=SLOW,
        )
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages[:2])
    assert "MỤC LỤC" in text
    # The Tờ trình, the excerpt, a summary and a decision per nominee.
    assert len(reader.pages) >= 2 + 2 * PEOPLE

    print(
        f"\nClicks from an open round to a downloaded dossier ({PEOPLE} nominees): "
        f"{count.clicks}"
    )
    assert count.clicks <= MAX_CLICKS
