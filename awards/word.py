"""Word (.docx) versions of a dossier's Tờ trình and summary reports, for staff
to edit before signing. Same content as the issued PDFs, in a plain layout:
the header table, the title, the body and the signer.

Before the dossier is issued the files carry the draft texts and a blank
number; once issued, the number and date of the issued document. The files go
one way: an edited file is not read back (the texts are edited on the dossier
page, which is what the issued PDF prints)."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from awards import dossier as dossiers
from awards.models import Dossier
from documents.header import header_for

FONT = "Times New Roman"


def _new() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    return document


def _line(cell_or_doc, text: str, *, bold=False, italic=False, center=True):
    paragraph = cell_or_doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _header(
    document, unit, title: str, summary: str, *, issued=None, code: str = ""
) -> None:
    """The header blocks; an issued document's number and date, or a blank
    number for a draft."""
    if issued is not None:
        head = header_for(unit, day=issued.issued_on, symbol=issued.symbol)
    else:
        head = header_for(unit, day=timezone.localdate(), symbol=None, code=code)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    if head.parent_body:
        _line(left, head.parent_body)
    _line(left, head.issuer, bold=True)
    _line(left, head.symbol_line)
    _line(right, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _line(right, head.date_line, italic=True)
    _line(document, title, bold=True)
    _line(document, summary, bold=True)


def _grid(document, heads: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def _signer(document, signer) -> None:
    """The signer's block of documents.signing.SignerBlock, as the PDF prints it."""
    lines = [(line, True) for line in signer.lines]
    name = signer.name or signer.placeholder
    for text, bold in (*lines, ("", False), ("", False), (name, True)):
        paragraph = _line(document, text, bold=bold, center=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def submission(dossier: Dossier) -> bytes:
    award_round = dossier.round
    nominees = dossiers.selected(award_round)
    issued = dossier.submission if not dossier.is_returned else None
    day = issued.issued_on if issued else timezone.localdate()
    base = dossiers.document_context(award_round, dossier.addressee, nominees, day)
    document = _new()
    _header(
        document,
        award_round.unit,
        "TỜ TRÌNH",
        "Về việc đề nghị xét chọn, biểu dương, khen thưởng trong phong trào thi đua "
        f"“Đổi mới, sáng tạo, hiệu quả trong hoạt động của tổ chức Công đoàn” năm "
        f"{award_round.year}",
        issued=issued,
        code="TTr",
    )
    _line(document, f"Kính gửi: {base['addressee']}")
    text = dossier.submission_text or dossiers.draft_submission(
        award_round, dossier.addressee, nominees, day
    )
    for paragraph in text.splitlines():
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    _grid(
        document,
        ["TT", "Tập thể, cá nhân", "Đơn vị", "Hình thức đề nghị", "Thành tích"],
        [
            [
                str(index),
                c.display_name,
                c.unit.name,
                c.award_form.name if c.award_form else "",
                dossiers.headline(c),
            ]
            for index, c in enumerate(nominees, start=1)
        ],
    )
    document.add_paragraph(f"Kính trình {base['addressee']} xem xét, quyết định./.")
    _signer(document, base["signer"])
    return _bytes(document)


def summary(dossier: Dossier, candidate) -> bytes:
    award_round = dossier.round
    issued = dossiers.latest_summary(candidate) if not dossier.is_returned else None
    day = issued.issued_on if issued else timezone.localdate()
    base = dossiers.document_context(award_round, dossier.addressee, [candidate], day)
    context = dossiers.summary_context(candidate, base, award_round.year)
    document = _new()
    _header(
        document,
        award_round.unit,
        "BÁO CÁO TÓM TẮT",
        (
            f"Thành tích của {context['name']} năm {award_round.year}"
            if context["collective"]
            else f"Nội dung đề xuất, sáng kiến của {context['name']} năm "
            f"{award_round.year}"
        ),
        issued=issued,
        code="BC",
    )
    document.add_paragraph(f"Đơn vị: {context['unit_name']}.")
    document.add_paragraph(f"Hình thức đề nghị: {context['form']}.")
    for paragraph in context["paragraphs"]:
        document.add_paragraph(paragraph)
    if context["entries"]:
        _grid(
            document,
            ["TT", "Tên sáng kiến", "Quyết định công nhận", "Hiệu quả"],
            [
                [str(i), e["title"], e["decision_symbol"], e["public_summary"]]
                for i, e in enumerate(context["entries"], start=1)
            ],
        )
    _signer(document, base["signer"])
    return _bytes(document)


def documents(dossier: Dossier) -> list[tuple[str, bytes]]:
    """The Word files of a dossier, named for the ZIP."""
    files = [("word/01-to-trinh.docx", submission(dossier))]
    for index, candidate in enumerate(dossiers.selected(dossier.round), start=2):
        files.append(
            (
                f"word/{index:02d}-bao-cao-tom-tat-{candidate.pk}.docx",
                summary(dossier, candidate),
            )
        )
    return files
