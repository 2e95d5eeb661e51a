"""Journey: ngành Giáo dục's emulation staff run this year's award round. She
opens the round, reads the checklist of a school's union, attests the criterion
only staff can judge, nominates it for a Giấy khen, records the standing
committee's selection, drafts and then issues the dossier, downloads the bundle
and sends it up. The province's emulation staff finds the dossier sent to them,
accepts it and records the award decision; the school's union now has the award
in its history.

Elements are found by id, name, role and URL; expected interface text comes from
the catalogue with translation.override.
"""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from awards.models import Award, AwardForm, Candidate, Dossier
from awards.services import candidate_add
from tests.awards.conftest import Movement
from tests.browser.test_journey_units import sign_in, sign_out


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def test_staff_run_a_round_and_the_level_above_awards_it(page: Page, live_server, cast):
    movement = Movement(cast)
    movement.full_year(cast.tree.a1, cast.councils.a1)
    award_round = movement.round(cast.tree.a, actor=cast.a_staff)
    candidate = candidate_add(
        award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
    )
    paper = AwardForm.objects.get(name="Giấy khen")
    today = timezone.localdate().strftime("%d/%m/%Y")

    # --- 1. The round and the school's checklist ---------------------------------
    sign_in(page, live_server, cast.a_staff, cast.password)
    page.goto(live_server.url + reverse("awards:index"))
    page.locator(f'main a[href="{award_round.get_absolute_url()}"]').click()
    expect(page.locator("h1")).to_have_text(award_round.title)
    page.locator(f'main a[href="{candidate.get_absolute_url()}"]').click()
    expect(page.locator("h1")).to_contain_text(cast.tree.a1.name)
    expect(page.locator("main")).to_contain_text(vi("waiting for attestation"))

    # --- 2. She attests compliance, then nominates --------------------------------
    attest = page.locator("main form").filter(
        has=page.locator('input[name="criterion"][value="compliance"]')
    )
    # A criterion waiting for staff has its attestation form open.
    expect(attest).to_be_visible()
    attest.locator('input[name="met"][value="1"]').check()
    attest.locator('textarea[name="note"]').fill("Nội bộ đoàn kết, chấp hành tốt.")
    attest.locator("button[type=submit]").click()
    nominate_url = reverse("awards:candidate_nominate", args=[candidate.pk])
    nominate = page.locator(f'main form[action="{nominate_url}"]')
    nominate.locator('select[name="award_form"]').select_option(str(paper.pk))
    nominate.locator('textarea[name="achievements"]').fill(
        "Tổ chức phong trào sôi nổi; 01 sáng kiến được ghi Sổ vàng."
    )
    nominate.locator("button[type=submit]").click()
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.NOMINATED

    # --- 3. The standing committee's selection ------------------------------------
    page.goto(live_server.url + reverse("awards:selection", args=[award_round.pk]))
    form = page.locator("main form")
    form.locator('input[name="held_on"]').fill(today)
    form.locator('input[name="chaired_by"]').fill("Đàm Minh Quân")
    form.locator('input[name="members_total"]').fill("9")
    form.locator('input[name="members_present"]').fill("8")
    form.locator(f'input[name="votes_{candidate.pk}"]').fill("8")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + award_round.get_absolute_url())

    # --- 4. The dossier: drafted, issued, downloaded, sent ------------------------
    prepare_url = reverse("awards:dossier_prepare", args=[award_round.pk])
    page.locator(f'main form[action="{prepare_url}"] button').click()
    dossier = Dossier.objects.get(round=award_round)
    expect(page).to_have_url(live_server.url + dossier.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#issue-dossier").click()
    expect(page.locator("#draft-notice")).to_have_count(0)
    with page.expect_download() as download:
        page.locator(
            f'main a[href="{reverse("awards:dossier_bundle", args=[dossier.pk])}"]'
        ).click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.once("dialog", lambda dialog: dialog.accept())
    send_url = reverse("awards:dossier_send", args=[dossier.pk])
    page.locator(f'main form[action="{send_url}"] button').click()
    expect(page.locator("main")).to_contain_text(vi("sent"))
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SENT
    sign_out(page, live_server)

    # --- 5. The province accepts it and records the award -------------------------
    sign_in(page, live_server, cast.province_staff, cast.password)
    page.goto(live_server.url + reverse("awards:dossiers"))
    page.locator(f'main .alert a[href="{dossier.get_absolute_url()}"]').click()
    page.locator(
        f'main form[action="{reverse("awards:dossier_accept", args=[dossier.pk])}"]'
        " button"
    ).click()
    decision = page.locator(
        f'main form[action="{reverse("awards:decision_create", args=[dossier.pk])}"]'
    )
    decision.locator('select[name="award_form"]').select_option(str(paper.pk))
    decision.locator('input[name="symbol"]').fill("125/QĐ-LĐLĐ")
    decision.locator('input[name="issued_on"]').fill(today)
    decision.locator(f'input[name="awardees"][value="{candidate.pk}"]').check()
    decision.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("125/QĐ-LĐLĐ")
    award = Award.objects.get()
    assert (award.unit, award.award_form) == (cast.tree.a1, paper)
