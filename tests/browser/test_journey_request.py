"""Journey: an officer files a recognition request with two co-authors and an
attachment, is told the shares do not add up, fixes one share without retyping
anything, submits the request and downloads it as PDF. A co-author then sees the
submitted request read-only, and the admin of a sibling unit cannot reach it.

As in the units journey, elements are found by id, name, role and URL; expected
interface text is taken from the catalogues with translation.override.
"""

import datetime
import io
import re
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from PIL import Image
from playwright.sync_api import Page, expect

from initiatives import services
from initiatives.models import (
    Attachment,
    Field,
    Initiative,
    InitiativeEvent,
    Scope,
    Status,
)
from tests.browser.test_journey_units import (
    expect_language,
    expect_not_found,
    follow_nav,
    in_language,
    sign_in,
    sign_out,
)
from units.models import Membership, Role

TITLE = "Ứng dụng mã QR để đoàn viên tra cứu chế độ, chính sách công đoàn"
ESSENCE = (
    "Mỗi tổ công đoàn dán một mã QR dẫn tới trang hỏi đáp về chế độ, chính sách.\n"
    "Đoàn viên quét mã bằng điện thoại và đọc câu trả lời ngay, không phải chờ."
)
BENEFITS = "Giảm một nửa số câu hỏi gửi tới Ban Chấp hành; đoàn viên hài lòng hơn."
PLACE = "Công đoàn Trường THPT Chuyên, tỉnh Cao Bằng"
FIRST_APPLIED = "15/09/2024"
PERIOD_START = "01/09/2024"
PERIOD_END = "31/05/2025"
FIELD_NAME = "Tuyên truyền, giáo dục"

OFFICER_BIRTH = datetime.date(1982, 3, 2)
OFFICER_QUALIFICATION = "Cử nhân Luật"
MEMBER_WORKPLACE = "Trường THPT Chuyên Cao Bằng"
TYPED = {
    "full_name": "Lê Thị Thu Hà",
    "date_of_birth": "12/05/1986",
    "workplace": "Trường THPT Chuyên Cao Bằng",
    "position": "Tổ trưởng chuyên môn",
    "qualification": "Thạc sĩ Ngữ văn",
}
ATTACHMENT_NAME = "Biên bản áp dụng thử.pdf"

DANGER = re.compile(r"(^|\s)text-danger(\s|$)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep the uploaded files in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Helpers ------------------------------------------------------------------


def author(page: Page, row: int, name: str):
    """The input `name` of the author row `row` (its index in the formset)."""
    return page.locator(f"#id_authors-{row}-{name}")


def save_form(page: Page) -> None:
    page.locator("#initiative-form button[type=submit]").click()


def share_total_message(total: str) -> str:
    # The total is written the Vietnamese way (90,00); the wording comes from
    # the catalogue.
    with translation.override("vi"):
        return translation.gettext(
            "The shares add up to %(total)s%%; they must add up to exactly 100%%."
        ) % {"total": number_format(Decimal(total), decimal_pos=2)}


def status_label(status: str) -> str:
    return in_language("vi", Status(status).label)


def action_label(action: str) -> str:
    return in_language("vi", InitiativeEvent.Action(action).label)


def size_shown(size: int) -> str:
    with translation.override("vi"):
        return str(filesizeformat(size))


def text_of(element) -> str:
    """Inner text with every run of whitespace (non-breaking too) made one space."""
    return " ".join(element.inner_text().split())


def pdf_text(path: Path) -> str:
    """The PDF's text in the order it is drawn (-raw: cell by cell in tables, so a
    name wrapped inside its cell stays whole), with whitespace runs as one space."""
    out = subprocess.run(  # noqa: S603  (fixed tool, a file the test saved)
        ["/usr/bin/pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return " ".join(unicodedata.normalize("NFC", out).split())


def make_pdf(folder: Path, name: str) -> Path:
    """A small real PDF (one page with an image), made with Pillow."""
    path = folder / name
    Image.new("RGB", (120, 80), (200, 30, 30)).save(path, "PDF", resolution=72)
    return path


def expect_form_values(page: Page, values: dict[str, str]) -> None:
    for selector, value in values.items():
        expect(page.locator(selector)).to_have_value(value)


def officer_files_from_a1(cast):
    """The officer of ngành Giáo dục is also a member of the school union A1."""
    officer = cast.a_officer
    Membership.objects.create(user=officer, unit=cast.tree.a1, role=Role.MEMBER)
    officer.date_of_birth = OFFICER_BIRTH
    officer.qualification = OFFICER_QUALIFICATION
    officer.save()
    # Live-server tests empty the tables between tests, seeded rows included.
    field, _created = Field.objects.get_or_create(
        name=FIELD_NAME, defaults={"position": 2}
    )
    return officer, field


# --- The journey --------------------------------------------------------------


def test_officer_files_fixes_the_shares_submits_and_downloads(
    page: Page, live_server, cast, tmp_path, media_root
):
    tree = cast.tree
    officer, field = officer_files_from_a1(cast)
    member = cast.a1_member
    year = str(timezone.localdate().year)

    # --- Signs in and opens a new request from the list --------------------------
    sign_in(page, live_server, officer, cast.password)
    list_url = reverse("initiatives:list")
    follow_nav(page, list_url)
    expect(page).to_have_url(live_server.url + list_url)
    expect_language(page, "vi")
    create_url = reverse("initiatives:create")
    page.locator(f'main a[href="{create_url}"]').click()
    expect(page).to_have_url(live_server.url + create_url)
    expect_language(page, "vi")

    # The filing union defaults to the officer's own union.
    expect(page.locator("#id_unit")).to_have_value(str(tree.a1.pk))
    expect(page.locator("#id_year")).to_have_value(year)

    # --- Where it is filed, and the initiative -----------------------------------
    page.locator("#id_unit").select_option(str(tree.a1.pk))
    page.locator("#id_recognizing_unit").select_option(str(tree.a.pk))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_field").select_option(str(field.pk))
    page.locator("#id_level").select_option(Scope.UPPER)
    page.locator("#id_essence").fill(ESSENCE)
    expect(page.locator("#id_first_applied_on")).to_have_attribute(
        "placeholder", "dd/mm/yyyy"
    )
    page.locator("#id_first_applied_on").press_sequentially(FIRST_APPLIED)
    page.locator("#id_period_start").press_sequentially(PERIOD_START)
    page.locator("#id_period_end").press_sequentially(PERIOD_END)
    page.locator("#id_application_place").fill(PLACE)
    page.locator("#id_benefits_author").fill(BENEFITS)

    # --- The authors: the officer is already in the first row --------------------
    rows = page.locator("#author-rows > tr")
    total = page.locator("#share-total")
    expect(rows).to_have_count(3)  # the filer and two empty rows
    expect(author(page, 0, "person")).to_have_value(officer.username)
    expect(author(page, 0, "full_name")).to_have_value(officer.full_name)
    expect(author(page, 0, "date_of_birth")).to_have_value("02/03/1982")
    expect(author(page, 0, "qualification")).to_have_value(OFFICER_QUALIFICATION)
    expect(author(page, 0, "share")).to_have_value("100")
    expect(total).to_have_text("100,00")
    expect(total).not_to_have_class(DANGER)

    author(page, 0, "share").fill("50")
    expect(total).to_have_text("50,00")
    expect(total).to_have_class(DANGER)

    # A registered co-author, by user name.
    author(page, 1, "person").fill(member.username)
    author(page, 1, "workplace").fill(MEMBER_WORKPLACE)
    author(page, 1, "share").fill("30")
    expect(total).to_have_text("80,00")

    # "Add an author": the script clones the empty row and counts it.
    page.locator("#initiative-form [data-add-author]").click()
    expect(rows).to_have_count(4)
    expect(page.locator("input[name='authors-TOTAL_FORMS']")).to_have_value("4")
    expect(author(page, 3, "person")).to_be_focused()
    for name, value in TYPED.items():
        author(page, 3, name).fill(value)
    author(page, 3, "share").fill("10")
    expect(total).to_have_text("90,00")
    expect(total).to_have_class(DANGER)

    # --- Saving is refused: the shares make 90 ----------------------------------
    save_form(page)
    errors = page.locator("#authors-errors")
    expect(errors).to_be_visible()
    expect(errors).to_have_text(share_total_message("90.00"))
    expect(page).to_have_url(live_server.url + create_url)
    expect_language(page, "vi")
    # Only the total is wrong: no field is marked.
    expect(page.locator("#initiative-form .is-invalid")).to_have_count(0)
    assert not Initiative.objects.exists()

    # Everything typed is still in the form.
    expect_form_values(
        page,
        {
            "#id_unit": str(tree.a1.pk),
            "#id_recognizing_unit": str(tree.a.pk),
            "#id_year": year,
            "#id_title": TITLE,
            "#id_field": str(field.pk),
            "#id_level": Scope.UPPER,
            "#id_essence": ESSENCE,
            "#id_first_applied_on": FIRST_APPLIED,
            "#id_period_start": PERIOD_START,
            "#id_period_end": PERIOD_END,
            "#id_application_place": PLACE,
            "#id_benefits_author": BENEFITS,
            "input[name='authors-TOTAL_FORMS']": "4",
        },
    )
    expect(rows).to_have_count(4)
    expected_rows = {
        0: {
            "person": officer.username,
            "full_name": officer.full_name,
            "date_of_birth": "02/03/1982",
            "workplace": "",
            "position": "",
            "qualification": OFFICER_QUALIFICATION,
            "share": "50",
        },
        1: {
            "person": member.username,
            "full_name": "",
            "date_of_birth": "",
            "workplace": MEMBER_WORKPLACE,
            "position": "",
            "qualification": "",
            "share": "30",
        },
        2: dict.fromkeys(
            (
                "person",
                "full_name",
                "date_of_birth",
                "workplace",
                "position",
                "qualification",
                "share",
            ),
            "",
        ),
        3: {"person": "", **TYPED, "share": "10"},
    }
    for row, values in expected_rows.items():
        for name, value in values.items():
            expect(author(page, row, name)).to_have_value(value)
    # The script adds up the shares again when the page comes back.
    expect(total).to_have_text("90,00")
    expect(total).to_have_class(DANGER)

    # --- Changes only the last share and saves -----------------------------------
    author(page, 3, "share").fill("20")
    expect(total).to_have_text("100,00")
    expect(total).not_to_have_class(DANGER)
    save_form(page)
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/$"))

    initiative = Initiative.objects.get()
    detail_url = reverse("initiatives:detail", args=[initiative.pk])
    expect(page).to_have_url(live_server.url + detail_url)
    expect_language(page, "vi")
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page.locator("main .badge.status-draft")).to_have_text(
        status_label(Status.DRAFT)
    )
    expect(page.locator("#missing-fields")).to_have_count(0)
    author_rows = page.locator("main table").first.locator("tbody tr")
    expect(author_rows).to_have_count(3)
    for index, (name, share) in enumerate(
        [
            (officer.full_name, "50,00"),
            (member.full_name, "30,00"),
            (TYPED["full_name"], "20,00"),
        ]
    ):
        # The share stands beside the name (in view on a phone too).
        cells = author_rows.nth(index).locator("td")
        expect(cells.nth(1)).to_have_text(name)
        expect(cells.nth(2)).to_have_text(share)
    expect(author_rows.nth(2).locator("td").nth(3)).to_have_text(TYPED["date_of_birth"])

    # --- Attaches a PDF -----------------------------------------------------------
    evidence = make_pdf(tmp_path, ATTACHMENT_NAME)
    size = evidence.stat().st_size
    upload_url = reverse("initiatives:attachment_upload", args=[initiative.pk])
    upload = page.locator(f'main form[action="{upload_url}"]')
    expect(upload.locator("#id_purpose")).to_have_value(Attachment.Purpose.EVIDENCE)
    upload.locator("#id_file").set_input_files(evidence)
    upload.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + detail_url)
    expect(page.locator(".messages .alert-success")).to_contain_text(ATTACHMENT_NAME)

    attachment = Attachment.objects.get()
    files = page.locator("main ul.list-group > li")
    expect(files).to_have_count(1)
    link = files.get_by_role("link", name=ATTACHMENT_NAME, exact=True)
    expect(link).to_have_attribute("href", attachment.get_absolute_url())
    assert " ".join(size_shown(size).split()) in text_of(files.first)

    # --- Submits the request ------------------------------------------------------
    submit_url = reverse("initiatives:submit", args=[initiative.pk])
    page.locator(f'main form[action="{submit_url}"] button[type=submit]').click()
    expect(page).to_have_url(live_server.url + detail_url)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page.locator("main .badge.status-submitted")).to_have_text(
        status_label(Status.SUBMITTED)
    )
    steps = page.locator("ol.timeline > li")
    expect(steps).to_have_count(3)
    for index, action in enumerate(
        [
            InitiativeEvent.Action.CREATED,
            InitiativeEvent.Action.ATTACHED,
            InitiativeEvent.Action.SUBMITTED,
        ]
    ):
        step = steps.nth(index)
        expect(step.locator("strong")).to_have_text(capfirst(action_label(action)))
        expect(step).to_contain_text(officer.full_name)
    expect(steps.nth(1)).to_contain_text(ATTACHMENT_NAME)
    # Submitted: no more editing, no more files.
    edit_url = reverse("initiatives:edit", args=[initiative.pk])
    expect(page.locator(f'main a[href="{edit_url}"]')).to_have_count(0)
    expect(page.locator(f'main form[action="{upload_url}"]')).to_have_count(0)
    expect(page.locator(f'main form[action="{submit_url}"]')).to_have_count(0)

    # --- Downloads the request as PDF ---------------------------------------------
    pdf_url = reverse("initiatives:pdf", args=[initiative.pk])
    with page.expect_download() as download_info:
        page.locator(f'main a[href="{pdf_url}"]').click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / "request.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = pdf_text(saved)
    typed_row = " ".join(TYPED[name] for name in ("workplace", "position"))
    for expected in (
        f"Tên sáng kiến: {TITLE}",
        f"Hội đồng sáng kiến {tree.a.name}",
        # The authors' table, row by row: number, name, ..., share.
        f"1 {officer.full_name} 02/03/1982 {OFFICER_QUALIFICATION} 50,00",
        f"2 {member.full_name} {MEMBER_WORKPLACE} 30,00",
        f"3 {TYPED['full_name']} {TYPED['date_of_birth']} {typed_row} "
        f"{TYPED['qualification']} 20,00",
    ):
        assert expected in text, f"{expected!r} is not in the PDF"
    assert "DỰ THẢO" not in text  # submitted, no longer a draft

    # --- What the journey left in the database -----------------------------------
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.submitted_at is not None
    assert initiative.title == TITLE
    assert initiative.unit == tree.a1
    assert initiative.recognizing_unit == tree.a
    assert initiative.created_by == officer
    assert initiative.year == int(year)
    assert initiative.field == field
    assert initiative.level == Scope.UPPER
    assert initiative.essence.replace("\r\n", "\n") == ESSENCE
    assert initiative.benefits_author == BENEFITS
    assert initiative.first_applied_on == datetime.date(2024, 9, 15)
    assert initiative.period_start == datetime.date(2024, 9, 1)
    assert initiative.period_end == datetime.date(2025, 5, 31)

    authors = list(initiative.authors.all())
    assert [a.share for a in authors] == [Decimal(50), Decimal(30), Decimal(20)]
    assert [a.order for a in authors] == [0, 1, 2]
    assert [a.user for a in authors] == [officer, member, None]
    assert authors[0].full_name == officer.full_name
    assert authors[0].date_of_birth == OFFICER_BIRTH
    assert authors[0].qualification == OFFICER_QUALIFICATION
    assert authors[1].full_name == member.full_name
    assert authors[1].workplace == MEMBER_WORKPLACE
    typed = authors[2]
    assert typed.full_name == TYPED["full_name"]
    assert typed.date_of_birth == datetime.date(1986, 5, 12)
    assert typed.workplace == TYPED["workplace"]
    assert typed.position == TYPED["position"]
    assert typed.qualification == TYPED["qualification"]

    assert attachment.initiative == initiative
    assert attachment.original_name == ATTACHMENT_NAME
    assert attachment.content_type == "application/pdf"
    assert attachment.size == size
    assert attachment.uploaded_by == officer
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media_root)
    assert stored.read_bytes() == evidence.read_bytes()

    events = list(initiative.events.all())
    assert [e.action for e in events] == [
        InitiativeEvent.Action.CREATED,
        InitiativeEvent.Action.ATTACHED,
        InitiativeEvent.Action.SUBMITTED,
    ]
    assert {e.actor for e in events} == {officer}
    assert events[-1].from_status == Status.DRAFT
    assert events[-1].to_status == Status.SUBMITTED


# --- A co-author and an outsider ------------------------------------------------


def submitted_request(cast, officer, field) -> Initiative:
    """A request filed by the officer with a1_member as co-author, submitted."""
    member = cast.a1_member
    initiative = services.initiative_create(
        actor=officer,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[
            services.AuthorData(
                full_name=officer.full_name, share=Decimal(50), user=officer
            ),
            services.AuthorData(
                full_name=member.full_name, share=Decimal(30), user=member
            ),
            services.AuthorData(
                full_name=TYPED["full_name"],
                share=Decimal(20),
                workplace=TYPED["workplace"],
            ),
        ],
        year=timezone.localdate().year,
        title=TITLE,
        field=field,
        level=Scope.UPPER,
        essence=ESSENCE,
        benefits_author=BENEFITS,
        first_applied_on=datetime.date(2024, 9, 15),
    )
    services.attachment_add(
        initiative=initiative,
        actor=officer,
        upload=SimpleUploadedFile(
            ATTACHMENT_NAME, _pdf_bytes(), content_type="application/pdf"
        ),
    )
    return services.initiative_submit(initiative=initiative, actor=officer)


def _pdf_bytes() -> bytes:
    # Uploads are checked by their content: it must be a real PDF.
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (30, 30, 200)).save(buffer, "PDF")
    return buffer.getvalue()


def test_co_author_reads_the_submitted_request_and_a_sibling_admin_cannot(
    page: Page, live_server, cast
):
    officer, field = officer_files_from_a1(cast)
    initiative = submitted_request(cast, officer, field)
    attachment = initiative.attachments.get()
    detail_url = reverse("initiatives:detail", args=[initiative.pk])
    edit_url = reverse("initiatives:edit", args=[initiative.pk])
    upload_url = reverse("initiatives:attachment_upload", args=[initiative.pk])
    submit_url = reverse("initiatives:submit", args=[initiative.pk])
    pdf_url = reverse("initiatives:pdf", args=[initiative.pk])
    attachment_url = attachment.get_absolute_url()

    # --- The co-author finds it in the list and opens it --------------------------
    sign_in(page, live_server, cast.a1_member, cast.password)
    list_url = reverse("initiatives:list")
    follow_nav(page, list_url)
    expect(page).to_have_url(live_server.url + list_url)
    page.locator("main table").get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(live_server.url + detail_url)
    expect_language(page, "vi")
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .badge.status-submitted")).to_have_text(
        status_label(Status.SUBMITTED)
    )
    # Read-only: no edit link, no upload form, no submit, no remove buttons.
    expect(page.locator(f'a[href="{edit_url}"]')).to_have_count(0)
    expect(page.locator(f'form[action="{upload_url}"]')).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.locator(f'form[action="{submit_url}"]')).to_have_count(0)
    remove_url = reverse("initiatives:attachment_delete", args=[attachment.pk])
    expect(page.locator(f'form[action="{remove_url}"]')).to_have_count(0)
    # It can still be read: the file and the PDF are there.
    file_link = page.locator("main ul.list-group").get_by_role(
        "link", name=ATTACHMENT_NAME, exact=True
    )
    expect(file_link).to_have_attribute("href", attachment_url)
    with page.expect_download() as download_info:
        file_link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == ATTACHMENT_NAME
    with attachment.file.open("rb") as stored:
        assert Path(download.path()).read_bytes() == stored.read()
    expect(page.locator(f'main a[href="{pdf_url}"]')).to_be_visible()
    # The edit page itself is refused to a co-author once the request is submitted.
    response = page.goto(edit_url)
    assert response is not None
    assert response.status == 403
    page.goto(detail_url)
    sign_out(page, live_server)

    # --- The admin of ngành Y tế gets "not found" for all of it -------------------
    sign_in(page, live_server, cast.b_admin, cast.password)
    secret = (TITLE, cast.a1_member.full_name, TYPED["full_name"], ATTACHMENT_NAME)
    for url in (detail_url, edit_url, pdf_url, attachment_url):
        expect_not_found(page, url, hidden=secret)
    response = page.goto(list_url)
    assert response is not None
    assert response.status == 200
    expect(page.locator(f'main a[href="{detail_url}"]')).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(TITLE)

    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.events.count() == 3
