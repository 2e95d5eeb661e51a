"""The Gold Book of a unit and year as PDF (official header, A4) and as Excel."""

from django.conf import settings
from django.utils import timezone, translation

from documents import parallel, time_limit
from documents.header import header_for
from documents.rendering import check_print_fonts, render_html, render_pdf
from goldbook.models import GoldBook
from initiatives.printing import SCOPE_TEXT
from units.spreadsheets import workbook_bytes

TEMPLATE = "documents/goldbook_print.html"
PART_TEMPLATE = "documents/goldbook_print_part.html"
PAGE_STYLE = "documents/goldbook_print_style.html"


def book_pdf(book: GoldBook, entries, year: int | None, facts=None) -> bytes:
    """The print of these entries of the book. From PRINT_PARALLEL_MIN_ROWS rows it
    is laid out in PRINT_PROCESSES parts side by side (documents.parallel), with the
    same text in the same order; `facts` then receives the parts' timings."""
    entries = list(entries)
    rows = [
        {"entry": entry, "scope_text": SCOPE_TEXT.get(entry.scope, "")}
        for entry in entries
    ]
    context = {
        "header": header_for(book.unit, day=timezone.localdate(), symbol=None),
        "book": book,
        "year": year,
        "total": len(rows),
        "revoked": sum(entry.is_revoked for entry in entries),
    }
    processes = settings.PRINT_PROCESSES
    if processes < 2 or len(rows) < settings.PRINT_PARALLEL_MIN_ROWS:
        return render_pdf(TEMPLATE, {**context, "entries": rows})
    check_print_fonts()

    def make_parts(count: int):
        runs = parallel.split_evenly(rows, count, weight=_row_weight)
        for index, run in enumerate(runs):
            yield render_html(
                TEMPLATE if index == 0 else PART_TEMPLATE,
                {
                    **context,
                    "entries": run,
                    "numbers_apart": True,
                    "part": {"first": index == 0, "last": index == len(runs) - 1},
                },
            )

    def page_numbers(first: int, count: int, total: int) -> str:
        return render_html(
            "documents/page_number_overlay.html",
            {
                "page_style": PAGE_STYLE,
                "pages": range(count),
                "numbers": {"first": first, "total": total},
            },
        )

    return parallel.render_pdf_in_parts(
        make_parts,
        page_numbers,
        processes=processes,
        timeout=min(settings.PRINT_PART_TIMEOUT, time_limit.seconds()),
        facts=facts,
    )


# About the characters of a line of an entry in the print (10.5 pt, A4 portrait).
LINE_CHARACTERS = 95


def _row_weight(row) -> int:
    """About the lines an entry takes in the print: one for each line it begins
    (title, authors, field, benefits, each note) and one for every line's worth
    of its text."""
    entry = row["entry"]
    notes = entry.annotations.all()
    characters = (
        len(entry.title)
        + sum(len(author["name"]) + 12 for author in entry.authors)
        + len(entry.unit_name)
        + len(entry.field_name)
        + len(entry.public_summary)
        + sum(len(note.text) + 30 for note in notes)
        + 120
    )
    return 4 + len(notes) + characters // LINE_CHARACTERS


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
