"""A unit's Gold Book printed (PDF, A4, official header) and exported
(Excel), through the views, as the unit's emulation staff fetch them."""

import datetime
import html
import io
import multiprocessing
import re
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import assets, parallel, rendering
from goldbook import print_job, printing, services
from goldbook.models import GoldBook
from initiatives.models import CouncilItem
from initiatives.services import AuthorData
from tests.initiatives.helpers import xlsx_cells, xlsx_rows
from tests.initiatives.pdf_helpers import (
    _poppler,
    page_count,
    page_sizes,
    pdf_fonts,
    pdf_raw_text,
    squash,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
A4 = (595, 842)

PLAIN = "Ứng dụng quản lý đoàn viên trên điện thoại"
MARKUP = "<b>x</b><img src=http://evil/>"
FORMULA = '=HYPERLINK("http://evil/","Bấm vào đây")'
REVOKED = "Tủ sách pháp luật lưu động cho công nhân"
LAST_YEAR = "Hòm thư góp ý điện tử của công đoàn"
CORRECTION = "Đính chính: đơn vị áp dụng là Tổ Văn phòng, không phải Tổ Chuyên môn."
REASON = "Quyết định số 07/QĐ-HĐSK hủy bỏ công nhận do trùng sáng kiến năm trước."
MARKUP_SUMMARY = "Tiết kiệm <script>alert(1)</script> 30% & hơn"


def pdf_text(pdf: bytes) -> str:
    """The text in drawing order (a table cell by cell), without white space."""
    return squash(pdf_raw_text(pdf))


@pytest.fixture
def book(gold, cast):
    """The book of CB-A: entries of this year (one corrected, one revoked, user
    text with markup, a title that looks like a formula) and one of last year."""
    council = cast.councils.a
    filer = gold.kit.person("Nguyễn Thị Hồng Nhung", unit=cast.tree.a1)
    plain = gold.entry(
        council,
        filer=filer,
        title=PLAIN,
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("62.5")),
            AuthorData(full_name="Đặng Thị Ngọc Ánh", share=Decimal("37.5")),
        ],
    )
    services.entry_annotate(entry=plain, actor=cast.a_staff, text=CORRECTION)
    markup = gold.entry(council, title=MARKUP, summary=MARKUP_SUMMARY)
    formula = gold.entry(council, title=FORMULA, summary="=1+2")
    revoked = gold.entry(council, title=REVOKED)
    services.entry_revoke(entry=revoked, actor=cast.a_staff, reason=REASON)
    revoked.refresh_from_db()

    item = gold.recognised(council, title=LAST_YEAR)
    CouncilItem.objects.filter(pk=item.pk).update(
        decided_on=datetime.date(THIS_YEAR - 1, 12, 20)
    )
    item.refresh_from_db()
    last_year = services.entry_confirm(
        item=item,
        actor=cast.a_staff,
        public_summary="Tiếp nhận 120 ý kiến của đoàn viên trong năm.",
        application_evidence="Xác nhận của Ban Thường vụ.",
    )
    return SimpleNamespace(
        unit=cast.tree.a,
        plain=plain,
        markup=markup,
        formula=formula,
        revoked=revoked,
        last_year=last_year,
        staff=cast.a_staff,
    )


@pytest.fixture
def fetched(renderer_fetches):
    return renderer_fetches


@pytest.fixture
def rendered_html(monkeypatch):
    """The HTML the PDF is made from."""
    pages = []
    original = rendering.render_html

    def recording(*args, **kwargs):
        pages.append(original(*args, **kwargs))
        return pages[-1]

    monkeypatch.setattr(rendering, "render_html", recording)
    return pages


def get(client_for, user, name: str, unit, **query):
    response = client_for(user).get(reverse(f"goldbook:{name}", args=[unit.pk]), query)
    assert response.status_code == 200, response.status_code
    return response


# --- PDF -----------------------------------------------------------------------------


def test_the_year_s_book_prints_on_a4_with_the_official_header(client_for, book):
    response = get(client_for, book.staff, "print", book.unit, year=THIS_YEAR)
    assert response["Content-Type"] == "application/pdf"
    assert f"so-vang-sang-kien-CB-A-{THIS_YEAR}.pdf" in response["Content-Disposition"]
    pdf = response.content

    pages = page_count(pdf)
    assert page_sizes(pdf) == [A4] * pages
    text = pdf_text(pdf)
    for page in range(1, pages + 1):
        assert f"Trang{page}/{pages}" in text
    # The official header: the province above, the unit that keeps the book.
    assert squash("LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG") in text
    assert squash("CÔNG ĐOÀN NGÀNH GIÁO DỤC") in text
    assert squash("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in text
    assert squash("Cao Bằng, ngày") in text
    assert squash("SỔ VÀNG SÁNG KIẾN") in text
    assert squash(f"Năm {THIS_YEAR}") in text
    for entry in (book.plain, book.markup, book.formula, book.revoked):
        assert squash(entry.title) in text
    # Last year's entry belongs to last year's print.
    assert squash(LAST_YEAR) not in text
    assert squash("Nguyễn Thị Hồng Nhung (62,50%)") in text
    assert squash("Đặng Thị Ngọc Ánh (37,50%)") in text
    assert book.plain.decision.symbol in text
    assert squash("cấp trên trực tiếp cơ sở") in text
    # The correction and the revocation, with their dates.
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert squash(f"(Đính chính ngày {today}: {CORRECTION})") in text
    assert squash(f"(Đã thu hồi ngày {today}: {REASON})") in text
    assert squash("Tổng số: 4 sáng kiến (trong đó 1 đã thu hồi).") in text


def test_a_one_entry_year_prints_on_one_page(client_for, book):
    response = get(client_for, book.staff, "print", book.unit, year=THIS_YEAR - 1)
    pdf = response.content
    assert page_sizes(pdf) == [A4]
    text = pdf_text(pdf)
    assert "Trang1/1" in text
    assert squash(f"Năm {THIS_YEAR - 1}") in text
    assert squash(LAST_YEAR) in text
    assert squash(PLAIN) not in text
    assert squash("Tổng số: 1 sáng kiến.") in text


def test_the_revoked_title_is_struck_through(client_for, book, rendered_html):
    get(client_for, book.staff, "print", book.unit, year=THIS_YEAR)
    (html,) = rendered_html
    assert f'<span class="revoked">{REVOKED}</span>' in html
    assert f"<span>{PLAIN}</span>" in html
    assert ".revoked { text-decoration: line-through; }" in html


def test_the_whole_book_prints_every_year(client_for, book):
    response = get(client_for, book.staff, "print", book.unit)
    assert "so-vang-sang-kien-CB-A-tat-ca.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert squash("Toàn bộ các năm") in text
    assert squash(LAST_YEAR) in text
    assert squash(PLAIN) in text
    assert squash("Tổng số: 5 sáng kiến") in text


def test_user_markup_is_printed_as_text_and_nothing_is_fetched(
    client_for, book, fetched, rendered_html
):
    response = get(client_for, book.staff, "print", book.unit, year=THIS_YEAR)
    text = pdf_text(response.content)
    assert squash(MARKUP) in text
    assert squash(MARKUP_SUMMARY) in text
    (html,) = rendered_html
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=http://evil/&gt;" in html
    assert "<img src=http://evil" not in html
    assert "<script>" not in html
    # The renderer fetched its stylesheet and fonts, and nothing else.
    assert fetched
    assert all(url.startswith(f"{rendering.STATIC_SCHEME}:") for url in fetched)
    assert not [url for url in fetched if "evil" in url]


def test_an_empty_year_prints_an_empty_book(client_for, book):
    response = get(client_for, book.staff, "print", book.unit, year=THIS_YEAR - 5)
    text = pdf_text(response.content)
    assert squash("Chưa có sáng kiến nào được ghi vào sổ.") in text
    assert squash(PLAIN) not in text
    assert page_sizes(response.content) == [A4]


# --- Typography and margins ---------------------------------------------------------

MM = 72 / 25.4  # PDF points in a millimetre
LONG_NAMES = [
    "Nguyễn Thị Phương Thảo Nguyên",
    "Hoàng Trần Nguyễn Phương Uyên",
    "Lường Thị Ngọc Ánh Nguyệt",
    "Triệu Đức Nguyễn Thượng",
    "Nông Thị Thuỳ Phượng",
    "Đặng Hoàng Khuyến Nghĩa",
]
# One "word" wider than any column: only such a token may break inside.
TOKEN = "https://congdoan.caobang.vn/so-vang/" + "x" * 60


@pytest.fixture(params=[1, 2], ids=["serial", "in-parts"])
def processes(request, settings):
    """The print made in one process, or in two parts side by side (the threshold
    lowered so that this small book is printed in parts)."""
    settings.PRINT_PROCESSES = request.param
    settings.PRINT_PARALLEL_MIN_ROWS = 4
    return request.param


@pytest.fixture
def long_book(gold, cast):
    """Enough entries of three authors with long names each to fill pages."""
    for number in range(9):
        names = [LONG_NAMES[(number + k) % len(LONG_NAMES)] for k in range(3)]
        gold.entry(
            cast.councils.a,
            title=(
                "Cải tiến quy trình tiếp nhận, giải quyết kiến nghị của người lao "
                f"động tại Công đoàn Trường Trung học phổ thông Chuyên, lần {number}"
            ),
            summary=(
                TOKEN
                if number == 0
                else "Rút ngắn thời gian xử lý hồ sơ đoàn viên từ năm ngày xuống hai "
                "ngày; được nhân rộng tại các công đoàn cơ sở trong tỉnh."
            ),
            authors=[
                AuthorData(full_name=name, share=share)
                for name, share in zip(
                    names,
                    (Decimal("33.34"), Decimal("33.33"), Decimal("33.33")),
                    strict=True,
                )
            ],
        )
    return SimpleNamespace(unit=cast.tree.a, staff=cast.a_staff)


def flowing(pdf: bytes) -> str:
    """The text in drawing order with every line break read as a space: a name
    wrapped between its words reads whole, one broken inside a word does not."""
    return " ".join(pdf_raw_text(pdf).split())


_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>'
)


def words(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) in points of every word on a page."""
    out = _poppler("pdftotext", pdf, "-bbox", "-f", str(page), "-l", str(page))
    return [
        (html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
        for m in _BOX.finditer(out)
    ]


def test_every_author_s_name_prints_whole(client_for, long_book, processes):
    pdf = get(client_for, long_book.staff, "print", long_book.unit).content
    assert page_count(pdf) >= 2
    text = flowing(pdf)
    for name in LONG_NAMES:
        assert name in text, f"{name!r} is broken inside a word"
    for share in ("33,34%", "33,33%"):
        assert f"({share})" in text
    assert "Công đoàn Trường Trung học phổ thông Chuyên" in text
    # The token too long for its column is still all there, broken to fit.
    assert squash(TOKEN) in squash(pdf_raw_text(pdf))


def test_each_entry_begins_with_its_number_and_stays_on_one_page(
    client_for, long_book, processes
):
    pdf = get(client_for, long_book.staff, "print", long_book.unit).content
    text = flowing(pdf)
    for number in range(9):
        assert f"{number + 1}. Cải tiến quy trình" in text
        assert f"lần {number} Tác giả:" in text
    pages = page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        page_text = flowing_page(pdf, page)
        # An entry is not cut by a page break: as many begin as end on a page.
        assert page_text.count("Tác giả:") == page_text.count("Lợi ích:"), page
    # The signature never stands alone on the last page: the total is with it.
    last = [w[0] for w in words(pdf, pages)]
    assert "NGƯỜI" in last
    assert "Tổng" in last
    assert "Lợi" in last


def flowing_page(pdf: bytes, page: int) -> str:
    return " ".join(w[0] for w in words(pdf, page))


def test_the_text_keeps_the_official_margins_and_page_numbers_keep_off_the_edge(
    client_for, long_book, processes
):
    # In parts, the numbers stamped on the joined parts run on across them.
    pdf = get(client_for, long_book.staff, "print", long_book.unit).content
    pages = page_count(pdf)
    assert pages >= 2
    width, height = A4
    for page in range(1, pages + 1):
        placed = words(pdf, page)
        number = [w for w in placed if w[0] == f"{page}/{pages}"]
        assert len(number) == 1, (page, [w[0] for w in placed][-5:])
        _text, _left, top, _right, bottom = number[0]
        # "Trang x/y" in the bottom margin, at least 10 mm from the edge.
        assert height - bottom >= 10 * MM
        assert top >= height - 20 * MM
        body = [w for w in placed if w[0] not in ("Trang", f"{page}/{pages}")]
        assert body
        assert min(w[1] for w in body) >= 30 * MM - 0.5, page
        assert max(w[3] for w in body) <= width - 15 * MM + 0.5, page
        assert min(w[2] for w in body) >= 20 * MM - 0.5, page
        assert max(w[4] for w in body) <= height - 20 * MM + 0.5, page


# --- In parts (documents.parallel) --------------------------------------------------


def book_lines(pdf: bytes) -> list[str]:
    """The lines of text in drawing order without the page numbers: what stays
    when the pages break elsewhere."""
    lines = [" ".join(line.split()) for line in pdf_raw_text(pdf).splitlines()]
    return [line for line in lines if line and not re.fullmatch(r"Trang \d+/\d+", line)]


def book_text(pdf: bytes) -> str:
    return squash(" ".join(book_lines(pdf)))


def print_with(client_for, settings, long_book, processes: int) -> bytes:
    settings.PRINT_PROCESSES = processes
    settings.PRINT_PARALLEL_MIN_ROWS = 4
    return get(client_for, long_book.staff, "print", long_book.unit).content


def test_the_print_in_parts_has_the_serial_print_s_text_in_the_same_order(
    client_for, settings, long_book
):
    serial = print_with(client_for, settings, long_book, 1)
    in_parts = print_with(client_for, settings, long_book, 2)
    # An entry is never cut by a page break, so the lines are the same, in the
    # same order, wherever the parts begin.
    assert book_lines(in_parts) == book_lines(serial)
    order = [n for n in range(9) for line in book_lines(in_parts) if f"lần {n}" in line]
    assert order == list(range(9))
    assert squash("Tổng số: 9 sáng kiến.") in book_text(in_parts)
    assert book_text(in_parts).count(squash("Tổng số")) == 1
    assert book_text(in_parts).count(squash("SỔ VÀNG SÁNG KIẾN")) == 1
    assert set(page_sizes(in_parts)) == {A4}
    assert all(font["emb"] == "yes" for font in pdf_fonts(in_parts))
    # Each part embeds its own subset of the font; the file stays about as small.
    assert len(in_parts) < 2 * len(serial)


@pytest.mark.parametrize(("processes", "threshold"), [(2, 10), (1, 4)])
def test_a_short_book_or_one_process_prints_serially(
    client_for, settings, long_book, monkeypatch, processes, threshold
):
    settings.PRINT_PROCESSES = processes
    settings.PRINT_PARALLEL_MIN_ROWS = threshold

    def refuse(*args, **kwargs):
        raise AssertionError("printed in parts")

    monkeypatch.setattr(parallel, "render_pdf_in_parts", refuse)
    pdf = get(client_for, long_book.staff, "print", long_book.unit).content
    assert squash("Tổng số: 9 sáng kiến.") in book_text(pdf)


def test_markup_in_a_title_is_text_in_the_parts_and_nothing_is_fetched(
    gold, cast, settings
):
    settings.PRINT_PROCESSES = 2
    settings.PRINT_PARALLEL_MIN_ROWS = 2
    hostile = '<img src="file:///etc/passwd">'
    for number in range(3):
        gold.entry(cast.councils.a, title=f"{hostile} Sáng kiến {number}")
    book = GoldBook.objects.get(unit=cast.tree.a)
    facts = {}
    pdf = printing.book_pdf(
        book, print_job.entries_to_print(book, None), None, facts=facts
    )
    assert len(facts["parts"]) == 2
    assert book_text(pdf).count(squash(hostile)) == 3
    assert "root:" not in pdf_raw_text(pdf)
    assert [part["refused"] for part in facts["parts"]] == [[], []]
    assert not any(part["django_loaded"] for part in facts["parts"])


def test_a_failing_part_fails_the_print(client_for, settings, long_book, monkeypatch):
    settings.PRINT_PROCESSES = 2
    settings.PRINT_PARALLEL_MIN_ROWS = 4
    # Without its stylesheet a child fails before laying anything out.
    monkeypatch.setattr(assets, "static_file_map", lambda allowed: {})
    with pytest.raises(parallel.PartsPrintError, match="not in the map"):
        get(client_for, long_book.staff, "print", long_book.unit)
    assert multiprocessing.active_children() == []


def test_the_print_in_parts_does_not_query_more_for_more_entries(
    client_for, settings, long_book, gold, cast
):
    settings.PRINT_PROCESSES = 2
    settings.PRINT_PARALLEL_MIN_ROWS = 4
    client = client_for(long_book.staff)
    url = reverse("goldbook:print", args=[long_book.unit.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for number in range(4):
        gold.entry(cast.councils.a, title=f"Sáng kiến thêm {number}")
    assert queries() == before


# --- Excel ---------------------------------------------------------------------------

HEADERS = [
    "Số",
    "Ngày ghi",
    "Năm công nhận",
    "Tên sáng kiến",
    "Tác giả (tỷ lệ đóng góp)",
    "Đơn vị",
    "Lĩnh vực",
    "Phạm vi ảnh hưởng",
    "Lợi ích",
    "Quyết định công nhận",
    "Tình trạng",
]


def test_the_export_lists_the_year_s_entries_with_comma_shares(client_for, book):
    response = get(client_for, book.staff, "export", book.unit, year=THIS_YEAR)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"so-vang-sang-kien-CB-A-{THIS_YEAR}.xlsx"
    assert name in response["Content-Disposition"]
    header, *rows = xlsx_rows(response.content)

    assert header == HEADERS
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert [row[3] for row in rows] == [PLAIN, MARKUP, FORMULA, REVOKED]
    first = dict(zip(HEADERS, rows[0], strict=True))
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert first["Ngày ghi"] == today
    assert first["Năm công nhận"] == THIS_YEAR
    assert first["Tác giả (tỷ lệ đóng góp)"] == (
        "Nguyễn Thị Hồng Nhung (62,50%); Đặng Thị Ngọc Ánh (37,50%)"
    )
    assert first["Đơn vị"] == "Công đoàn Trường THPT Chuyên"
    assert first["Lĩnh vực"] == book.plain.field_name
    assert first["Phạm vi ảnh hưởng"] == "cấp trên trực tiếp cơ sở"
    assert first["Lợi ích"] == book.plain.public_summary
    assert first["Quyết định công nhận"] == book.plain.decision.symbol
    assert [row[-1] for row in rows] == ["Có hiệu lực"] * 3 + ["Đã thu hồi"]
    assert rows[1][8] == MARKUP_SUMMARY


def test_the_whole_export_has_every_year(client_for, book):
    response = get(client_for, book.staff, "export", book.unit)
    _header, *rows = xlsx_rows(response.content)
    assert [row[3] for row in rows] == [PLAIN, MARKUP, FORMULA, REVOKED, LAST_YEAR]
    assert rows[-1][2] == THIS_YEAR - 1


def test_a_cell_beginning_with_equals_is_text_not_a_formula(client_for, book):
    response = get(client_for, book.staff, "export", book.unit, year=THIS_YEAR)
    _header, *cells = xlsx_cells(response.content)
    formula_row = cells[2]
    title, summary = formula_row[3], formula_row[8]
    assert title.value == FORMULA
    assert summary.value == "=1+2"
    assert title.data_type == "s"
    assert summary.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode()
            assert "<f>" not in xml
            assert "<f " not in xml
