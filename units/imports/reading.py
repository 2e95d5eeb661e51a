"""Read an uploaded .xlsx or CSV file into a table of cells."""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.text import nfc
from units.imports._common import _problem
from units.imports.columns import Column


class UnreadableFileError(Exception):
    """The file cannot be read at all; the message says why."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number as the user sees it, cells)
    problems: list[dict] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return nfc(str(value)).replace("\x00", "").strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise UnreadableFileError(
            _("The Excel file could not be opened. Save it again as .xlsx and retry.")
        ) from None
    sheet = workbook.worksheets[0]
    problems = []
    for merged in sheet.merged_cells.ranges:
        problems.append(
            _problem(
                merged.min_row,
                str(merged.coord),
                _("Merged cells %(range)s: unmerge them and fill in every cell.")
                % {"range": merged.coord},
            )
        )
    grid = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f" or (
                isinstance(cell.value, str) and cell.value.startswith("=")
            ):
                problems.append(
                    _problem(
                        cell.row,
                        cell.coordinate,
                        _("Cell %(cell)s holds a formula; paste its value instead.")
                        % {"cell": cell.coordinate},
                    )
                )
                cells.append("")
            else:
                cells.append(_cell_value(cell.value))
        grid.append((row[0].row if row else len(grid) + 1, cells))
    workbook.close()
    return _table_from_grid(grid, problems)


def _utf16_order(data: bytes) -> str | None:
    """Recognise UTF-16 without a byte-order mark: a NUL byte beside every Latin
    letter, on one side (which says the byte order). A stray NUL in a UTF-8 file
    is not enough."""
    half = len(data) // 2
    if half < 2:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if odd >= half * 0.3 and odd > even:
        return "utf-16-le"
    if even >= half * 0.3 and even > odd:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        candidates = [(data[len(codecs.BOM_UTF8) :], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [(data, "utf-16")]
    elif _utf16_order(data):
        candidates = [(data, _utf16_order(data))]
    else:
        candidates = [(data, "utf-8"), (data, "cp1258")]
    # A byte-order mark followed by other bytes (or cut short) is a damaged file,
    # not a crash.
    for content, encoding in candidates:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        _("The CSV file's encoding is not recognised. Save it as CSV UTF-8 and retry.")
    )


def _read_csv(data: bytes) -> Table:
    text = nfc(_decode(data)).replace("\x00", "")
    # Guess the delimiter from the first line that holds anything (the header).
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    try:
        for number, row in enumerate(reader, start=1):
            grid.append((number, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise UnreadableFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None
    problems = []
    for number, cells in grid:
        for index, value in enumerate(cells):
            if value.startswith("="):
                problems.append(
                    _problem(
                        number,
                        get_column_letter(index + 1),
                        _("Cell %(cell)s holds a formula; write its value instead.")
                        % {"cell": f"{get_column_letter(index + 1)}{number}"},
                    )
                )
    return _table_from_grid(grid, problems)


def _table_from_grid(grid: list[tuple[int, list]], problems: list[dict]) -> Table:
    rows = [(n, cells) for n, cells in grid if any(str(c).strip() for c in cells)]
    if not rows:
        raise UnreadableFileError(_("The file is empty."))
    header_row, header = rows[0]
    last_row = rows[-1][0]
    # Only blank rows between data rows are worth a notice: the empty, formatted
    # rows after the last one (the template formats 500 rows) are not skipped data.
    blank = [
        n
        for n, cells in grid
        if header_row < n < last_row and not any(str(c).strip() for c in cells)
    ]
    # Trailing empty header cells come from formatting, not data.
    header = [str(h) for h in header]
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=rows[1:], problems=problems, blank_rows=blank)


def read_table(data: bytes) -> Table:
    """Read the first sheet of an .xlsx file, or a CSV file, into rows of cells."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx and retry.")
        )
    if data.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFileError(_("The Excel file is damaged."))
        return _read_xlsx(data)
    return _read_csv(data)


def map_columns(
    header: list[str], columns: list[Column]
) -> tuple[dict[str, int], list[dict]]:
    """Match the header row against the expected columns."""
    found: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        column = next((c for c in columns if c.matches(title)), None)
        if column is None:
            problems.append(
                _problem(
                    None,
                    title,
                    _(
                        'Unknown column "%(title)s". Use the template\'s columns: '
                        "%(expected)s."
                    )
                    % {"title": title, "expected": ", ".join(c.label for c in columns)},
                )
            )
        elif column.key in found:
            problems.append(
                _problem(
                    None,
                    title,
                    _('Column "%(title)s" appears twice.') % {"title": title},
                )
            )
        else:
            found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            problems.append(
                _problem(
                    None,
                    column.label,
                    _('Required column "%(title)s" is missing.')
                    % {"title": column.label},
                )
            )
    return found, problems
