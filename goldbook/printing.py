"""The Gold Book of a unit and year as PDF (official header, A4) and as Excel."""

from django.utils import timezone, translation

from documents.header import header_for
from documents.rendering import render_pdf
from goldbook.models import GoldBook
from initiatives.printing import SCOPE_TEXT
from units.spreadsheets import workbook_bytes


def book_pdf(book: GoldBook, entries, year: int | None) -> bytes:
    today = timezone.localdate()
    return render_pdf(
        "documents/goldbook_print.html",
        {
            "header": header_for(book.unit, day=today, symbol=None),
            "book": book,
            "year": year,
            "entries": [
                {"entry": entry, "scope_text": SCOPE_TEXT.get(entry.scope, "")}
                for entry in entries
            ],
            "revoked": sum(entry.is_revoked for entry in entries),
        },
    )


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
WIDTHS = [6, 12, 10, 50, 40, 36, 28, 22, 50, 22, 16]


def book_xlsx(book: GoldBook, entries) -> bytes:
    def rows():
        for entry in entries:
            yield [
                entry.number,
                entry.recorded_on.strftime("%d/%m/%Y"),
                entry.year,
                entry.title,
                "; ".join(
                    f"{a['name']} ({a['share'].replace('.', ',')}%)"
                    for a in entry.authors
                ),
                entry.unit_name,
                entry.field_name,
                SCOPE_TEXT.get(entry.scope, ""),
                entry.public_summary,
                entry.decision.symbol,
                "Đã thu hồi" if entry.is_revoked else "Có hiệu lực",
            ]

    with translation.override("vi"):
        return workbook_bytes("So vang sang kien", HEADERS, rows(), WIDTHS)
