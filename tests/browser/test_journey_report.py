"""Journey: the province's emulation staff read the movement report. From the home
page she opens the report of the whole province, follows the number of requests
filed by ngành Y tế to the list behind it and finds the same number of requests
there, comes back and downloads the report as PDF.

Elements are found by id, role and URL; expected interface text comes from the
catalogue with translation.override.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from awards import report as movement
from initiatives.models import Status
from tests.awards.conftest import YEAR
from tests.awards.test_report import make_registration, make_request
from tests.browser.test_journey_units import sign_in
from tests.initiatives.helpers import pdf_text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def vi(message: str, context: str | None = None) -> str:
    with translation.override("vi"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


def test_staff_follow_a_number_of_the_report_to_its_list(page: Page, live_server, cast):
    tree, staff = cast.tree, cast.province_staff
    for status in (Status.SUBMITTED, Status.ACCEPTED, Status.RECOGNISED):
        make_request(tree.b1, YEAR, status, staff)
    make_request(tree.a1, YEAR, Status.RECOGNISED, staff)
    make_request(tree.b1, YEAR - 1, Status.SUBMITTED, staff)
    make_registration(tree.b1, YEAR, cast.b1_member)

    # --- 1. Home: the movement of the province, and the way to the report -------
    sign_in(page, live_server, staff, cast.password)
    movement_box = page.locator("section[aria-labelledby=movement]")
    expect(movement_box).to_contain_text(vi("Requests filed", "movement step"))
    report_link = movement_box.get_by_role("link", name=vi("Open the movement report"))
    report_link.click()
    expect(page.locator("h1")).to_have_text(vi("Movement report"))
    expect(page.locator("#report-unit")).to_have_value(str(tree.province.pk))

    # --- 2. The numbers: four requests filed this year, three of them by Y tế ----
    glance = page.locator("section[aria-labelledby=at-a-glance] table")
    filed_row = glance.locator("tbody tr").nth(1)
    expect(filed_row.locator("td").first).to_have_text("4")
    expect(
        page.locator("section[aria-labelledby=at-a-glance] svg.chart")
    ).to_be_visible()
    by_unit = page.locator("section[aria-labelledby=by-unit] table")
    health = by_unit.locator("tbody tr").filter(has_text=tree.b.name)
    filed_cell = health.locator("td").nth(1)
    expect(filed_cell).to_have_text("3")

    # --- 3. The number opens the list behind it, with the same total ------------
    filed_cell.get_by_role("link").click()
    expect(page).to_have_url(
        live_server.url
        + movement.step_url("filed", root=tree.province, unit=tree.b, year=YEAR)
    )
    expect(page.locator("h1")).to_have_text(vi("Recognition requests"))
    expect(page.locator("main table tbody tr")).to_have_count(3)
    expect(page.locator("#id_stage")).to_have_value("filed")
    expect(page.locator("#id_unit")).to_have_value(str(tree.b.pk))
    page.go_back()

    # --- 4. The report as an official document ----------------------------------
    with page.expect_download() as download:
        page.get_by_role("link", name=vi("Download the report (PDF)")).click()
    assert download.value.suggested_filename == f"bao-cao-phong-trao-CB-{YEAR}.pdf"
    with open(download.value.path(), "rb") as handle:
        text = pdf_text(handle.read())
    assert "BÁOCÁO" in text and "phongtràothiđua" in text
    assert tree.b.name.replace(" ", "") in text
    assert page.url.startswith(live_server.url + reverse("awards:report"))
