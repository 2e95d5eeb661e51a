"""Official PDFs: A4, the shipped font embedded, Vietnamese text intact, the header
blocks of Nghị định 30/2020 in place, the draft mark and page numbers."""

import datetime
import logging
import unicodedata

import pytest

from documents.header import header_for
from documents.rendering import STATIC_BASE_URL, render_html, render_pdf
from tests.documents.conftest import NOTICE, flat, pdf_fonts, pdf_info, pdf_text

TITLE = (
    "Sáng kiến đổi mới phương pháp tuyên truyền ở công đoàn cơ sở — Đặng Thị Ngọc Ánh"
)
LONG_BODY = [
    f"Đoạn {n}. Các công đoàn cơ sở tiếp tục đẩy mạnh phong trào thi đua "
    "“Đổi mới, sáng tạo, hiệu quả trong hoạt động của tổ chức Công đoàn”, "
    "đăng ký sáng kiến, áp dụng vào thực tiễn và nhân rộng các điển hình tiên tiến."
    for n in range(1, 61)
]


def test_the_pdf_is_a4_with_the_shipped_font_embedded(notice_context):
    pdf = render_pdf(NOTICE, notice_context())
    assert pdf.startswith(b"%PDF-")
    info = pdf_info(pdf)
    assert info["Pages"] == "1"
    width, _, height = info["Page size"].split()[:3]
    assert (round(float(width)), round(float(height))) == (595, 842)
    fonts = pdf_fonts(pdf)
    assert fonts
    assert {font["name"] for font in fonts} >= {"Tinos", "Tinos-Bold"}
    # Every font in the document is the shipped one, and embedded.
    assert all(font["name"].startswith("Tinos") for font in fonts)
    assert all(font["emb"] == "yes" for font in fonts)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_text_comes_back_intact_and_composed(notice_context, form):
    typed = unicodedata.normalize(form, TITLE)
    pdf = render_pdf(NOTICE, notice_context(paragraphs=[typed], summary=typed))
    text = pdf_text(pdf)
    assert unicodedata.is_normalized("NFC", text)
    assert flat(text).count(TITLE) == 2


def test_the_html_is_composed_before_rendering(notice_context):
    decomposed = unicodedata.normalize("NFD", TITLE)
    html = render_html(NOTICE, notice_context(paragraphs=[decomposed]))
    assert unicodedata.is_normalized("NFC", html)
    assert TITLE in html


def test_the_header_blocks_of_nghi_dinh_30_are_in_place(notice_context):
    text = flat(pdf_text(render_pdf(NOTICE, notice_context())))
    for expected in [
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG",
        "Số: 05/TB-LĐLĐ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cao Bằng, ngày 05 tháng 01 năm 2026",
        "THÔNG BÁO",
        "Về việc tổ chức hội nghị sơ kết phong trào",
        "Kính gửi: Các công đoàn cơ sở trực thuộc",
        "Nội dung thông báo.",
        "Nơi nhận: - Như kính gửi; - Lưu: VT.",
        "TM. BAN THƯỜNG VỤ CHỦ TỊCH",
        "Nguyễn Văn An",
    ]:
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_the_header_orders_parent_body_issuer_and_number(notice_context):
    text = flat(pdf_text(render_pdf(NOTICE, notice_context())))
    parent = text.index("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")
    issuer = text.index("LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG")
    assert parent < issuer < text.index("Số: 05/TB-LĐLĐ")


def test_a_draft_is_marked_on_every_page_and_has_no_number_yet(tree, notice_context):
    header = header_for(
        tree.province, day=datetime.date(2026, 1, 5), symbol=None, code="TB"
    )
    pdf = render_pdf(
        NOTICE, notice_context(header=header, paragraphs=LONG_BODY), draft=True
    )
    pages = int(pdf_info(pdf)["Pages"])
    assert pages >= 2
    for page in range(1, pages + 1):
        assert "DỰ THẢO" in pdf_text(pdf, page=page)
    assert "Số: /TB-LĐLĐ" in flat(pdf_text(pdf, page=1))


def test_page_numbers_start_on_page_two_at_the_top(notice_context):
    pdf = render_pdf(NOTICE, notice_context(paragraphs=LONG_BODY))
    pages = int(pdf_info(pdf)["Pages"])
    assert pages >= 3
    first_page_lines = pdf_text(pdf, page=1).split()
    assert "1" not in first_page_lines
    for page in range(2, pages + 1):
        lines = [line.strip() for line in pdf_text(pdf, page=page).splitlines()]
        # The number is the first thing on the page: it sits in the top margin.
        assert next(line for line in lines if line) == str(page)


def test_user_text_is_escaped_not_interpreted(notice_context):
    hostile = "<b>đậm</b> & <script>alert(1)</script>"
    html = render_html(NOTICE, notice_context(paragraphs=[hostile]))
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; &lt;script&gt;" in html
    text = flat(pdf_text(render_pdf(NOTICE, notice_context(paragraphs=[hostile]))))
    assert hostile in text


# Characters the print font (Tinos) has no glyph for.
NOT_IN_TINOS = "☎ ✓ ✗ ★ ① ☐ ☑"


def test_the_print_font_lacks_the_characters_of_the_fallback_test():
    from fontTools.ttLib import TTFont

    from documents import assets

    drawn = TTFont(assets.find_static("fonts/Tinos-Regular.ttf")).getBestCmap()
    fallback = TTFont(assets.find_static("fonts/DejaVuSansFallback.ttf"))
    for char in NOT_IN_TINOS.split():
        assert ord(char) not in drawn, char
        assert ord(char) in fallback.getBestCmap(), char


def test_a_character_the_print_font_lacks_prints_with_the_shipped_fallback(
    notice_context, renderer_fetches, caplog
):
    line = f"Liên hệ ☎ 024 3825 và đánh dấu {NOT_IN_TINOS}"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(NOTICE, notice_context(paragraphs=[line], summary=line))
    fonts = pdf_fonts(pdf)
    names = {font["name"] for font in fonts}
    # The shipped fallback (not a DejaVu Sans of the host, named "DejaVuSans")
    # is embedded, and the characters come back as themselves: no glyph was
    # left out as an empty box.
    assert "DejaVu-Sans-Fallback" in names
    assert all(font["emb"] == "yes" for font in fonts)
    assert all(name.startswith(("Tinos", "DejaVu-Sans-Fallback")) for name in names)
    assert flat(pdf_text(pdf)).count(line) == 2
    assert ".notdef" not in caplog.text
    # The renderer still asks only for the project's static files.
    assert renderer_fetches
    assert all(url.startswith(STATIC_BASE_URL) for url in renderer_fetches)
