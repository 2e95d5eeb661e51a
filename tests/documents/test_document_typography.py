"""Every kind of official document, printed with long Vietnamese names.

Each document is rendered to PDF and read back with pdftotext: every name must
come back whole (a word broken inside reads "Nguyễ n"), the issuer on one line,
the national title as the decree writes it, the signer's lines in order, and no
"Nơi nhận:" heading without recipients. A column of numbers reads "TT".
"""

import datetime
import re
from types import SimpleNamespace as NS  # noqa: N814 (short, read as "namespace")

import pytest

from awards import report as movement_report
from awards import report_outputs
from documents.header import DocumentHeader
from documents.rendering import render_pdf
from documents.signing import SignerBlock, council_signer, head_confirmation
from tests.documents.conftest import _poppler, pdf_text
from tests.leaders import record_chairs
from units import services as unit_services

PERSON = "Nguyễn Thị Phương Thảo"
OTHER = "Hoàng Văn Bình Minh"
UNIT = "Công đoàn Trường Trung học phổ thông Chuyên tỉnh Cao Bằng"
ISSUER = "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
DAY = datetime.date(2026, 3, 16)
TITLE = "Ứng dụng phần mềm quản lý đoàn viên trên điện thoại di động"

CHAIR = SignerBlock(("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), OTHER)
DEPUTY = SignerBlock(("TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), OTHER)


def header(symbol="05/TTr-LĐLĐ"):
    return DocumentHeader(
        parent_body="TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        issuer=ISSUER,
        symbol_line=f"Số: {symbol}",
        date_line="Cao Bằng, ngày 16 tháng 3 năm 2026",
        place="Cao Bằng",
        day=DAY,
        symbol=symbol,
    )


def author(name, share):
    return NS(
        full_name=name,
        date_of_birth=datetime.date(1985, 4, 2),
        workplace=UNIT,
        position="Giáo viên",
        qualification="Thạc sĩ",
        share=share,
    )


AUTHORS = [author(PERSON, 60), author(OTHER, 40)]
INITIATIVE = NS(
    title=TITLE,
    year=2026,
    kind="initiative",
    field_name="Công nghệ thông tin",
    investor="",
    state_funded=False,
    first_applied_on=DAY,
    essence="Mô tả bản chất. " * 30,
    confidential_info="",
    conditions="Điện thoại thông minh.",
    application_place=UNIT,
    application_people="",
    benefits_author="Tiết kiệm thời gian.",
    benefits_confirmation="Đúng như tác giả nêu.",
    period_start=DAY,
    period_end=DAY,
    unit=NS(name=UNIT),
)
COUNCIL = NS(name=f"Hội đồng sáng kiến {UNIT}")
SESSION = NS(
    number=2,
    held_on=DAY,
    place=UNIT,
    present_count=7,
    member_count=9,
    quorum_met=True,
    closed_at=datetime.datetime(2026, 3, 16, 10, 30),
)
AGENDA = NS(
    average_score=85, yes_count=7, no_count=0, votes_needed=6, note="Đạt yêu cầu."
)
ROW = {
    "agenda_item": AGENDA,
    "initiative": INITIATIVE,
    "authors": AUTHORS,
    "outcome_text": "Đạt — công nhận sáng kiến",
}
MEMBERS = [
    {"member": NS(user=NS(get_full_name=PERSON), position=""), "role_text": "Chủ tịch"},
    {"member": NS(user=NS(get_full_name=OTHER), position=UNIT), "role_text": "Ủy viên"},
]
SECRETARY = NS(user=NS(get_full_name=OTHER))
ROUND = NS(year=2026, title="Xét khen thưởng phong trào năm 2026")
SELECTION = NS(
    held_on=DAY, place=UNIT, chaired_by=OTHER, members_present=8, members_total=9
)


def council_base(**extra):
    return {
        "header": header("01/QĐ-HĐSK"),
        "council": COUNCIL,
        "session": SESSION,
        "rows": [ROW],
        "row": ROW,
        "signer": council_signer(OTHER, deputy=True),
        **extra,
    }


def award_base(**extra):
    return {
        "header": header(),
        "round": ROUND,
        "selection": SELECTION,
        "body_name": "Ban Thường vụ",
        "unit_name": UNIT,
        "addressee": "Ban Thường vụ Liên đoàn Lao động tỉnh Cao Bằng",
        "signer": DEPUTY,
        "excerpt_signer": CHAIR,
        "recipients": ["Liên đoàn Lao động tỉnh Cao Bằng;", "Lưu: VT."],
        **extra,
    }


CONFIRMATION = SignerBlock(
    ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
    OTHER,
    heading=("XÁC NHẬN CỦA", "THỦ TRƯỞNG ĐƠN VỊ"),
    note="(Ký tên, đóng dấu)",
)
SUMMARY = {
    "name": PERSON,
    "position": "Giáo viên",
    "form": "Giấy khen",
    "paragraphs": [f"{PERSON} có sáng kiến được công nhận."],
    "entries": [
        {
            "title": TITLE,
            "decision_symbol": "01/QĐ-HĐSK",
            "decision_day": DAY,
            "public_summary": "Tiết kiệm thời gian.",
        }
    ],
    "checks": [{"label": "Có sáng kiến được công nhận", "grounds": "Đạt"}],
}

DOCUMENTS = {
    "request": (
        "documents/initiative_request.html",
        {
            "header": header(),
            "initiative": INITIATIVE,
            "authors": AUTHORS,
            "recognising_name": UNIT,
            "level_text": "cơ sở",
            "show_confidential": False,
        },
        ["NGƯỜI ĐĂNG KÝ"],
    ),
    "receipt": (
        "documents/initiative_receipt.html",
        {
            "header": header("03/BN-HĐSK"),
            "initiative": INITIATIVE,
            "item": NS(accepted_on=DAY, due_on=DAY + datetime.timedelta(days=92)),
            "authors": AUTHORS,
            "attachment_count": 2,
            "submitted_on": DAY,
            "recognising_name": UNIT,
            "council_name": COUNCIL.name,
            "signer": DEPUTY,
            "recipients": ["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
        },
        list(DEPUTY.lines),
    ),
    "decision": (
        "documents/council_decision.html",
        council_base(
            scope_text="cấp cơ sở", recipients=["Như Điều 3;", "Lưu: Hội đồng."]
        ),
        ["TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    ),
    "certificate": (
        "documents/council_certificate.html",
        council_base(
            initiative=INITIATIVE,
            author=AUTHORS[0],
            decision=NS(symbol="01/QĐ-HĐSK", issued_on=DAY),
            scope_text="cấp cơ sở",
            recipients=[],
        ),
        ["TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    ),
    "minutes": (
        "documents/council_minutes.html",
        council_base(
            members=MEMBERS,
            quorum_needed=6,
            votes_needed=6,
            ballot=False,
            secretary=SECRETARY,
        ),
        ["THƯ KÝ", "TM. HỘI ĐỒNG", "KT. CHỦ TỊCH"],
    ),
    "excerpt": (
        "documents/council_excerpt.html",
        council_base(secretary=SECRETARY),
        ["THƯ KÝ", "TM. HỘI ĐỒNG", "KT. CHỦ TỊCH"],
    ),
    "refusal": (
        "documents/council_refusal.html",
        council_base(
            agenda_item=AGENDA,
            initiative=INITIATIVE,
            authors=AUTHORS,
            recipients=["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
        ),
        ["TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    ),
    "award submission": (
        "documents/award_submission.html",
        award_base(
            nominees=[
                {"name": PERSON, "unit": UNIT, "form": "Giấy khen", "headline": TITLE},
                {"name": UNIT, "unit": UNIT, "form": "Giấy khen", "headline": TITLE},
            ]
        ),
        list(DEPUTY.lines),
    ),
    "collective summary": (
        "documents/award_summary.html",
        award_base(**{**SUMMARY, "name": UNIT, "collective": True}),
        list(DEPUTY.lines),
    ),
    "individual summary": (
        "documents/award_summary.html",
        award_base(
            **SUMMARY,
            collective=False,
            signer=SignerBlock(("NGƯỜI BÁO CÁO",), PERSON),
            confirmation=CONFIRMATION,
            recipients=[],
        ),
        ["XÁC NHẬN CỦA", "THỦ TRƯỞNG ĐƠN VỊ", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"],
    ),
    "award excerpt": (
        "documents/award_excerpt.html",
        award_base(
            results=[
                {"name": PERSON, "form": "Giấy khen", "votes": 8, "selected": True},
                {"name": UNIT, "form": "Giấy khen", "votes": 8, "selected": True},
            ]
        ),
        list(CHAIR.lines),
    ),
}


def text_of(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def assert_whole(text: str, *names: str) -> None:
    for name in names:
        assert name in text, f"{name!r} is not printed whole"


def assert_no_empty_recipients(text: str) -> None:
    """After "Nơi nhận:" comes a recipient line ("- …"), never nothing."""
    for match in re.finditer(r"Nơi nhận:", text):
        assert text[match.end() :].lstrip().startswith("-"), text[match.end() :][:80]


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_document_prints_names_whole_and_the_signer_in_order(kind):
    template, context, signer_lines = DOCUMENTS[kind]
    pdf = render_pdf(template, context, draft=False)
    text = text_of(pdf)
    assert_whole(text, PERSON, ISSUER, NATION, "Độc lập - Tự do - Hạnh phúc")
    if kind != "collective summary":
        assert_whole(text, OTHER)
    # The signer's lines in their order, the name after them.
    position = 0
    for line in signer_lines:
        found = text.find(line, position)
        assert found >= 0, f"{line!r} missing or out of order in {kind}"
        position = found + len(line)
    assert_no_empty_recipients(text)
    if "Nơi nhận:" in text:
        assert context.get("recipients")
    else:
        assert not context.get("recipients")
    # The issuer on one line of its own in the layout.
    layout = pdf_text_layout(pdf)
    assert any(ISSUER in line for line in layout.splitlines()), layout[:400]


@pytest.mark.parametrize(
    "kind", [k for k in DOCUMENTS if k not in ("certificate", "excerpt", "refusal")]
)
def test_tables_number_their_rows_under_tt(kind):
    template, context, _lines = DOCUMENTS[kind]
    text = text_of(render_pdf(template, context, draft=False))
    assert re.search(r"(^| )TT ", text), kind
    assert "STT" not in text


def test_the_bundle_table_of_contents_prints_names_whole():
    rows = [
        {"title": f"Báo cáo tóm tắt: {PERSON}", "symbol": "07/BC-LĐLĐ", "page": 2},
        {"title": f"Báo cáo tóm tắt: {UNIT}", "symbol": "08/BC-LĐLĐ", "page": 4},
    ]
    pdf = render_pdf(
        "documents/award_bundle_toc.html",
        {"round": ROUND, "unit_name": UNIT, "rows": rows},
        draft=False,
    )
    text = text_of(pdf)
    assert_whole(text, PERSON, "TT Văn bản")
    assert "Nơi nhận:" not in text


def test_a_signer_name_never_wraps_and_missing_signers_show_a_placeholder():
    long_name = "Tôn Nữ Thị Phương Thảo Nguyên Hạnh"
    blocks = {
        "signer": SignerBlock(("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), long_name),
    }
    pdf = render_pdf(
        "documents/award_submission.html",
        award_base(nominees=[], **blocks),
        draft=False,
    )
    lines = pdf_text_layout(pdf).splitlines()
    assert any(long_name in line for line in lines)
    draft = render_pdf(
        "documents/award_submission.html",
        award_base(
            nominees=[],
            signer=SignerBlock(
                ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), "", missing="record a chair"
            ),
        ),
        draft=True,
    )
    assert "(chưa ghi nhận người ký)" in text_of(draft)


def test_the_signature_block_keeps_the_last_lines_with_it():
    """A text that ends near the bottom of page 1 moves its last lines to page 2
    with the signer's block rather than leaving the block alone there."""
    for count in range(14, 30):
        paragraphs = [f"Đoạn {n}: {PERSON} báo cáo nội dung." for n in range(count)]
        pdf = render_pdf(
            "documents/test_fixture_notice.html",
            {
                "header": header(),
                "summary": "Về việc thử",
                "paragraphs": paragraphs,
                "recipients": ["Lưu: VT."],
                "signer": CHAIR,
            },
            draft=False,
        )
        pages = pdf_text(pdf).split("\f")
        pages = [page for page in pages if page.strip()]
        if len(pages) < 2:
            continue
        last = " ".join(pages[-1].split())
        # The last page holds text of the body as well as the signer.
        assert re.search(r"Đoạn \d+:", last), last[:200]
        assert "TM. BAN THƯỜNG VỤ" in last


def pdf_text_layout(pdf: bytes) -> str:
    return _poppler("pdftotext", pdf, "-layout", "-enc", "UTF-8")


@pytest.mark.django_db
def test_the_movement_report_prints_the_unit_and_its_chair(tree):
    unit = unit_services.unit_rename(
        unit=tree.a,
        name=UNIT,
        short_name="CĐ THPT Chuyên",
        abbreviation="CĐCS",
        effective_on=datetime.date(2020, 1, 1),
        actor=None,
    )
    chairs = record_chairs(unit)
    report = movement_report.movement_report(unit, DAY.year)
    pdf = report_outputs.report_pdf(report)
    text = text_of(pdf)
    assert_whole(text, UNIT, NATION, chairs[unit.pk].get_full_name())
    # The issuer's name, in capitals, is too long for one line of its block: it
    # wraps between words, never inside one.
    tokens = set(text.split())
    assert all(word in tokens for word in UNIT.upper().split())
    assert "TM. BAN THƯỜNG VỤ CHỦ TỊCH" in text
    assert re.search(r"\bTT Đơn vị\b", text)


@pytest.mark.django_db
def test_a_person_s_summary_is_confirmed_by_the_chair_of_their_unit(tree):
    chairs = record_chairs(tree.a1)
    block = head_confirmation(tree.a1, DAY)
    assert block.name == chairs[tree.a1.pk].get_full_name()
    assert block.heading == ("XÁC NHẬN CỦA", "THỦ TRƯỞNG ĐƠN VỊ")
    assert block.lines[-1] == "CHỦ TỊCH"


def test_only_a_token_too_long_for_its_column_breaks_and_stays_on_the_page():
    token = "https://caobang.congdoan.vn/" + "tai-lieu-" * 12 + "x"
    template, context, _lines = DOCUMENTS["receipt"]
    authors = [author(PERSON, 60), author(OTHER, 40)]
    authors[1].workplace = token
    pdf = render_pdf(template, {**context, "authors": authors}, draft=False)
    text = text_of(pdf)
    assert_whole(text, PERSON, OTHER)
    boxes = _poppler("pdftotext", pdf, "-bbox", "-enc", "UTF-8")
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    # A4 is 595 pt wide; the right margin is 15 mm (42.5 pt).
    assert max(right_edges) <= 595 - 42.5 + 1


def test_page_numbers_from_page_two_at_the_top_centre_10_mm_from_the_edge():
    template, context, _lines = DOCUMENTS["request"]
    pdf = render_pdf(template, context, draft=False)
    boxes = _poppler("pdftotext", pdf, "-bbox", "-enc", "UTF-8")
    pages = boxes.split("<page ")[1:]
    assert len(pages) >= 2
    first_words = [
        (float(y), float(x0), float(x1), word)
        for x0, y, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
            r"([^<]*)</word>",
            pages[1],
        )
    ]
    top = min(first_words)
    assert top[3] == "2"
    assert top[0] >= 10 / 25.4 * 72  # at least 10 mm below the paper's edge
    # Centred over the text block (30 mm left, 15 mm right margins).
    centre = (30 + (210 - 15)) / 2 / 25.4 * 72
    assert abs((top[1] + top[2]) / 2 - centre) < 6
    first_page_tops = re.findall(r'yMin="([\d.]+)"', pages[0])
    assert min(float(y) for y in first_page_tops) >= 20 / 25.4 * 72 - 1
