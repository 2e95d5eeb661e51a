"""The request form as PDF (GET /initiatives/<id>/pdf/): the seed's Mẫu "Đơn yêu
cầu công nhận sáng kiến" on A4 with the shipped font, Vietnamese text intact, the
draft mark, the confidential part only for those allowed, user text printed as
text and nothing fetched beyond the static files."""

import datetime
import io
import itertools
import unicodedata
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from documents.header import vietnamese_date
from documents.rendering import (
    STATIC_BASE_URL,
)
from initiatives import services
from initiatives.models import Initiative
from initiatives.services import AuthorData
from tests.factories import UserFactory
from tests.initiatives.pdf_helpers import (
    flat,
    page_count,
    page_sizes,
    pdf_fonts,
    pdf_raw_text,
    pdf_text,
    squash,
    word_boxes,
)

TITLE = "Số hoá sổ đoàn viên và quản lý hồ sơ sáng kiến ở công đoàn cơ sở"
ESSENCE = (
    "Bước một: rà soát danh sách đoàn viên, chuẩn hoá họ tên có dấu.\n"
    "Bước hai: nhập vào phần mềm, đối chiếu với sổ đoàn viên giấy."
)
CONFIDENTIAL = "Mật khẩu quản trị và cấu trúc cơ sở dữ liệu của phần mềm"
PLACEHOLDER = (
    "(Có thông tin cần bảo mật; nội dung chỉ Hội đồng sáng kiến và tác giả được xem.)"
)
AUTHORS = [
    ("Đặng Thị Ngọc Ánh", "33.33", "Chủ tịch Công đoàn"),
    ("Nguyễn Văn Đức", "33.33", "Giáo viên"),
    ("Hoàng Thị Lưu Ly", "33.34", "Kế toán"),
]
HOSTILE = [
    '<img src="http://127.0.0.1:9/x.png">',
    '<link rel=stylesheet href="file:///etc/passwd">',
    "<style>@import url(http://127.0.0.1:9/a.css);</style>",
    "file:///etc/passwd",
]
STATIC_FILES = {
    "css/print.css",
    "fonts/Tinos-Regular.ttf",
    "fonts/Tinos-Bold.ttf",
    "fonts/Tinos-Italic.ttf",
    "fonts/Tinos-BoldItalic.ttf",
    "fonts/DejaVuSansFallback.ttf",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_request(cast):
    """Build a complete request filed by a1_member from CB-A1 to CB-A."""

    def build(*, authors=AUTHORS, submitted=False, **fields):
        people = [
            AuthorData(
                full_name=name,
                share=Decimal(share),
                user=cast.a1_member if index == 0 else None,
                date_of_birth=datetime.date(1980 + index, 3, 9),
                workplace="Trường THPT Chuyên Cao Bằng",
                position=position,
                qualification="Cử nhân",
            )
            for index, (name, share, position) in enumerate(authors)
        ]
        data = {
            "year": 2026,
            "title": TITLE,
            "field_other": "Công tác tổ chức",
            "first_applied_on": datetime.date(2026, 3, 2),
            "essence": ESSENCE,
            "confidential_info": CONFIDENTIAL,
            "conditions": "Máy tính nối mạng và cán bộ được tập huấn.",
            "application_place": "Trường THPT Chuyên Cao Bằng",
            "benefits_author": "Tiết kiệm khoảng 200 giờ công mỗi năm.",
            "benefits_confirmation": "Ban chấp hành công đoàn xác nhận.",
            "level": Initiative.Scope.PROVINCE,
            "period_start": datetime.date(2026, 1, 5),
            "period_end": datetime.date(2026, 6, 30),
            **fields,
        }
        initiative = services.initiative_create(
            actor=cast.a1_member,
            unit=cast.tree.a1,
            recognizing_unit=cast.tree.a,
            authors=people,
            **data,
        )
        if submitted:
            services.initiative_submit(initiative=initiative, actor=cast.a1_member)
            initiative.refresh_from_db()
        return initiative

    return build


@pytest.fixture
def get_pdf(client_for):
    def fetch(initiative, user):
        response = client_for(user).get(
            reverse("initiatives:pdf", args=[initiative.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF-")
        return response.content

    return fetch


@pytest.fixture
def fetched(renderer_fetches):
    return renderer_fetches


def body_text(pdf: bytes) -> str:
    """Return the text of all pages without the page numbers at their top."""
    pages = []
    for page in range(1, page_count(pdf) + 1):
        lines = [line for line in pdf_text(pdf, page=page).splitlines() if line.strip()]
        if page > 1 and lines and lines[0].strip() == str(page):
            lines = lines[1:]
        pages.append("\n".join(lines))
    return "\n".join(pages)


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing after {text[position - 80 : position]!r}"
        position = found + len(item)


# --- The page and the font ---------------------------------------------------


def test_the_request_is_a4_portrait_with_the_shipped_font_embedded(
    cast, make_request, get_pdf
):
    pdf = get_pdf(make_request(submitted=True), cast.a1_member)
    assert page_sizes(pdf)
    assert set(page_sizes(pdf)) == {(595, 842)}
    fonts = pdf_fonts(pdf)
    assert {font["name"] for font in fonts} >= {"Tinos", "Tinos-Bold"}
    assert all(font["name"].startswith("Tinos") for font in fonts)
    assert all(font["emb"] == "yes" for font in fonts)


def test_every_part_of_the_seed_form_is_there_in_order(cast, make_request, get_pdf):
    initiative = make_request(submitted=True)
    text = flat(pdf_text(get_pdf(initiative, cast.a1_member)))
    filed_on = timezone.localdate(initiative.submitted_at)
    assert_in_order(
        text,
        [
            # The issuer is one line beside the national title's first line.
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "CÔNG ĐOÀN TRƯỜNG THPT CHUYÊN",
            "Độc lập - Tự do - Hạnh phúc",
            f"Cao Bằng, {vietnamese_date(filed_on)}",
            "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
            "NĂM 2026",
            "Kính gửi: Hội đồng sáng kiến Công đoàn ngành Giáo dục",
            "Tên cơ sở được yêu cầu công nhận sáng kiến: Công đoàn ngành Giáo dục",
            "Tác giả sáng kiến",
            "tỷ lệ đóng góp",
            f"Tên sáng kiến: {TITLE}",
            "Lĩnh vực áp dụng sáng kiến: Công tác tổ chức",
            "áp dụng lần đầu hoặc áp dụng thử: 02/03/2026",
            "Mô tả bản chất của sáng kiến:",
            flat(ESSENCE),
            "Những thông tin cần được bảo mật (nếu có):",
            CONFIDENTIAL,
            "Các điều kiện cần thiết để áp dụng sáng kiến:",
            "Máy tính nối mạng và cán bộ được tập huấn.",
            "Nơi tham gia tổ chức áp dụng sáng kiến lần đầu (nếu có): "
            "Trường THPT Chuyên Cao Bằng",
            "Đánh giá lợi ích thu được",
            "Tiết kiệm khoảng 200 giờ công mỗi năm.",
            "Ban chấp hành công đoàn xác nhận.",
            "Đăng ký sáng kiến cấp",
            "Thời gian thực hiện: từ 05/01/2026 đến 30/06/2026",
            "Kết quả đánh giá của Hội đồng sáng kiến",
            "XÁC NHẬN CỦA",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "NGƯỜI ĐĂNG KÝ",
        ],
    )
    assert text.count("CÔNG ĐOÀN TRƯỜNG THPT CHUYÊN") == 1


def test_the_author_table_lists_every_author_with_their_share(
    cast, make_request, get_pdf
):
    pdf = get_pdf(make_request(submitted=True), cast.a1_member)
    text = flat(pdf_raw_text(pdf))
    table = text[text.index("Tác giả sáng kiến") : text.index("Tên sáng kiến:")]
    for header in ["Họ và tên", "Ngày tháng năm sinh", "Nơi công tác", "Tỷ lệ (%)"]:
        assert header in table
    # Row by row: number, name, date of birth, position, share.
    rows = []
    for index, (name, share, position) in enumerate(AUTHORS):
        birth = f"09/03/{1980 + index}"
        rows += [f"{index + 1} {name} {birth}", position, share.replace(".", ",")]
    assert_in_order(table, rows)


def test_the_author_table_is_not_stretched_like_justified_text(
    cast, make_request, get_pdf
):
    """Cells of the table read left to right with ordinary spaces: a name that
    wraps in its narrow column is not spread over the cell."""
    pdf = get_pdf(make_request(submitted=True), cast.a1_member)
    words = word_boxes(pdf, page=1)
    # The names appear in the table (and, centred, under the signature).
    pairs = {("Đặng", "Thị"), ("Nguyễn", "Văn"), ("Hoàng", "Thị")}
    checked = 0
    for first, second in itertools.pairwise(words):
        if (first.text, second.text) in pairs and first.y_min == second.y_min:
            checked += 1
            gap = second.x_min - first.x_max
            assert gap < 6, f"{first.text} … {second.text}: {gap:.1f} pt apart"
    assert checked


def test_the_level_registered_for_is_printed_in_vietnamese(cast, make_request, get_pdf):
    text = flat(pdf_text(get_pdf(make_request(submitted=True), cast.a1_member)))
    level = text[text.index("Đăng ký sáng kiến cấp") : text.index("Thời gian thực")]
    assert "tỉnh" in level
    assert "province" not in level.lower()


# --- Vietnamese text ---------------------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_text_comes_back_intact_and_composed(
    form, cast, make_request, get_pdf
):
    typed = [(unicodedata.normalize(form, n), s, p) for n, s, p in AUTHORS]
    initiative = make_request(
        submitted=True,
        authors=typed,
        title=unicodedata.normalize(form, TITLE),
        essence=unicodedata.normalize(form, ESSENCE),
    )
    text = pdf_text(get_pdf(initiative, cast.a1_member))
    assert unicodedata.is_normalized("NFC", text)
    words = squash(text)
    assert squash(TITLE) in words
    assert squash(ESSENCE) in words
    for name, _share, _position in AUTHORS:
        assert squash(name) in words


def test_decomposed_text_already_stored_is_printed_composed(
    cast, make_request, get_pdf
):
    initiative = make_request(submitted=True)
    Initiative.objects.filter(pk=initiative.pk).update(
        title=unicodedata.normalize("NFD", TITLE),
        essence=unicodedata.normalize("NFD", ESSENCE),
    )
    initiative.authors.filter(order=0).update(
        full_name=unicodedata.normalize("NFD", AUTHORS[0][0])
    )
    text = pdf_text(get_pdf(initiative, cast.a1_member))
    assert unicodedata.is_normalized("NFC", text)
    words = squash(text)
    assert squash(TITLE) in words
    assert squash(ESSENCE) in words
    assert squash(AUTHORS[0][0]) in words


# --- Draft mark and pages ----------------------------------------------------

LONG_ESSENCE = "\n".join(
    f"Đoạn {n:03d}. Công đoàn cơ sở rà soát, cập nhật thông tin đoàn viên, đối chiếu "
    "hồ sơ giấy với dữ liệu điện tử và báo cáo kết quả lên công đoàn cấp trên."
    for n in range(1, 200)
)[:20_000]


def test_a_draft_is_marked_on_every_page(cast, make_request, get_pdf):
    pdf = get_pdf(make_request(essence=LONG_ESSENCE), cast.a1_member)
    pages = page_count(pdf)
    assert pages >= 3
    for page in range(1, pages + 1):
        assert "DỰ THẢO" in pdf_text(pdf, page=page), page


def test_a_submitted_request_is_not_marked_draft(cast, make_request, get_pdf):
    pdf = get_pdf(make_request(essence=LONG_ESSENCE, submitted=True), cast.a1_member)
    assert page_count(pdf) >= 3
    assert "DỰ THẢO" not in pdf_text(pdf)
    assert "THẢO" not in squash(pdf_text(pdf))


def test_a_long_essence_runs_over_numbered_pages(cast, make_request, get_pdf):
    assert len(LONG_ESSENCE) == 20_000
    pdf = get_pdf(make_request(essence=LONG_ESSENCE, submitted=True), cast.a1_member)
    pages = page_count(pdf)
    assert pages >= 3
    assert set(page_sizes(pdf)) == {(595, 842)}
    first = [line.strip() for line in pdf_text(pdf, page=1).splitlines()]
    assert not next(line for line in first if line).isdigit()
    for page in range(2, pages + 1):
        lines = [line.strip() for line in pdf_text(pdf, page=page).splitlines()]
        assert next(line for line in lines if line) == str(page)
    # Nothing of the essence is lost across the page breaks.
    assert squash(LONG_ESSENCE) in squash(body_text(pdf))
    text = flat(pdf_text(pdf, page=pages))
    assert "NGƯỜI ĐĂNG KÝ" in text


# --- The confidential part ---------------------------------------------------


@pytest.mark.parametrize(
    "who", ["a1_member", "a_staff", "a_admin", "province_staff", "superuser"]
)
def test_authors_and_the_recognising_staff_see_the_confidential_part(
    who, cast, make_request, get_pdf
):
    pdf = get_pdf(make_request(submitted=True), getattr(cast, who))
    text = flat(pdf_text(pdf))
    assert CONFIDENTIAL in text
    assert PLACEHOLDER not in text


def test_a_registered_co_author_sees_the_confidential_part(cast, make_request, get_pdf):
    co_author = UserFactory(username="dong_tac_gia")
    initiative = make_request(submitted=True)
    initiative.authors.filter(order=1).update(user=co_author)
    text = flat(pdf_text(get_pdf(initiative, co_author)))
    assert CONFIDENTIAL in text


@pytest.mark.parametrize("who", ["a_officer", "a1_support"])
def test_other_viewers_get_the_placeholder_instead(who, cast, make_request, get_pdf):
    pdf = get_pdf(make_request(submitted=True), getattr(cast, who))
    text = flat(pdf_text(pdf))
    assert PLACEHOLDER in text
    assert squash(CONFIDENTIAL) not in squash(text)
    assert "bảo mật" not in text.split(PLACEHOLDER, 1)[1][:40]
    # Everything else is still printed.
    assert TITLE in text
    assert flat(ESSENCE) in text


def test_only_those_who_see_the_request_get_its_pdf(cast, make_request, client_for):
    initiative = make_request()
    url = reverse("initiatives:pdf", args=[initiative.pk])
    for user in [cast.outsider, cast.b_admin, cast.a_staff, cast.a_officer]:
        assert client_for(user).get(url).status_code == 404, user.username
    assert client_for(None).get(url).status_code == 302


# --- User text is text -------------------------------------------------------


def test_hostile_text_is_printed_literally_and_nothing_is_fetched(
    cast, make_request, get_pdf, fetched
):
    authors = [
        (HOSTILE[1], "50", "Chức vụ " + HOSTILE[0]),
        ("Trần " + HOSTILE[3], "50", "Kế toán"),
    ]
    initiative = make_request(
        submitted=True,
        authors=authors,
        title=f"Sáng kiến {HOSTILE[0]} {HOSTILE[2]}",
        essence="\n".join(HOSTILE),
        confidential_info=" ".join(reversed(HOSTILE)),
        conditions=HOSTILE[2],
        application_place=HOSTILE[1],
    )
    fetched.clear()
    pdf = get_pdf(initiative, cast.a1_member)
    text = pdf_raw_text(pdf)
    words = squash(text)
    for value in [
        initiative.title,
        initiative.essence,
        initiative.confidential_info,
        *[name for name, _share, _position in authors],
    ]:
        assert squash(value) in words, value
    assert "root:" not in text
    assert fetched
    assert all(url.startswith(STATIC_BASE_URL) for url in fetched), fetched
    assert {url.removeprefix(STATIC_BASE_URL) for url in fetched} <= STATIC_FILES
    assert "css/print.css" in {url.removeprefix(STATIC_BASE_URL) for url in fetched}


# --- Queries -----------------------------------------------------------------


def png_upload(index: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (index, 0, 0)).save(buffer, "PNG")
    return SimpleUploadedFile(f"anh-{index}.png", buffer.getvalue())


def _queries_for_pdf(client, initiative) -> int:
    url = reverse("initiatives:pdf", args=[initiative.pk])
    client.get(url)  # warm: content types, templates
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pdf_view_does_not_query_per_author_or_attachment(
    cast, make_request, client_for
):
    small = make_request(authors=[("Đặng Thị Ngọc Ánh", "100", "Chủ tịch")])
    many = [(f"Tác giả số {n}", "12.5", "Giáo viên") for n in range(8)]
    large = make_request(authors=many)
    for index in range(6):
        services.attachment_add(
            initiative=large, actor=cast.a1_member, upload=png_upload(index)
        )
    client = client_for(cast.a1_member)
    few = _queries_for_pdf(client, small)
    lots = _queries_for_pdf(client, large)
    assert lots == few
    assert few <= 12
