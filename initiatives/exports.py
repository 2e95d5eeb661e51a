"""The filtered list of requests as an Excel workbook — never the confidential
part (initiatives.confidential)."""

from django.utils import timezone, translation

from units.spreadsheets import workbook_bytes

HEADERS = [
    "STT",
    "Năm",
    "Tên sáng kiến",
    "Loại",
    "Lĩnh vực áp dụng",
    "Tác giả (tỷ lệ đóng góp)",
    "Đơn vị",
    "Cơ sở được yêu cầu công nhận",
    "Cấp đăng ký",
    "Trạng thái",
    "Ngày nộp",
]
WIDTHS = [6, 7, 60, 14, 30, 50, 40, 40, 18, 20, 12]


def _rows(initiatives):
    for number, initiative in enumerate(initiatives.iterator(chunk_size=2000), start=1):
        authors = "; ".join(
            f"{author.full_name} ({author.share:.2f}%)"
            for author in initiative.authors.all()
        )
        submitted = (
            timezone.localtime(initiative.submitted_at).strftime("%d/%m/%Y")
            if initiative.submitted_at
            else ""
        )
        yield [
            number,
            initiative.year,
            initiative.title,
            initiative.get_kind_display(),
            initiative.field_name,
            authors,
            initiative.unit.name,
            initiative.recognizing_unit.name,
            initiative.get_level_display(),
            initiative.get_status_display(),
            submitted,
        ]


def initiatives_xlsx(initiatives) -> bytes:
    # Exports are working documents of the union, written in Vietnamese.
    with translation.override("vi"):
        return workbook_bytes("Sang kien", HEADERS, _rows(initiatives), WIDTHS)
