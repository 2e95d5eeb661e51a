"""Excel exports that staff can open safely: every cell that holds text stays text,
so a value such as "=HYPERLINK(…)" or "+84…" is never run as a formula."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def text_cell(sheet, value):
    """Return a cell for the value; text is stored as text whatever it starts with."""
    cell = WriteOnlyCell(sheet)
    if value is None:
        return cell
    if isinstance(value, str):
        # Control characters (a vertical tab pasted from Word, NUL) cannot be
        # stored in a sheet: they are dropped. Strings starting with "=" would
        # otherwise be written as formulas.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def workbook_bytes(title: str, headers: list[str], rows, widths: list[int]) -> bytes:
    """Write one sheet with a bold header row and return the .xlsx file."""
    return workbook_sheets_bytes([(title, headers, rows, widths)])


def workbook_sheets_bytes(sheets) -> bytes:
    """Write several sheets, each given as (title, headers, rows, widths), with a
    bold header row, and return the .xlsx file."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows, widths in sheets:
        sheet = workbook.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        header_cells = []
        for header in headers:
            cell = text_cell(sheet, header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
