"""The empty import templates staff download and fill in."""

import codecs
import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from units.imports.columns import COLUMNS


def template_file(kind: str, fmt: str) -> tuple[bytes, str]:
    """Return an empty import template with its column titles and a guide."""
    columns = COLUMNS[kind]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow([c.label for c in columns])
        return codecs.BOM_UTF8 + buffer.getvalue().encode(
            "utf-8"
        ), "text/csv; charset=utf-8"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Du lieu"
    sheet.append([c.label for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            16, len(column.label) + 4
        )
        # Keep every cell as text so leading zeros in phone numbers and codes stay.
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    guide = workbook.create_sheet("Huong dan")
    guide.append([_("Column"), _("Required"), _("What to write")])
    for column in columns:
        guide.append(
            [column.label, _("yes") if column.required else "", str(column.help)]
        )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
