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


# The header is looked for in the sheet's first rows: a form downloaded from the
# federation has a title block (a title, a date, merged cells) above it.
HEADER_SEARCH_ROWS = 20


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number as the user sees it, cells)
    problems: list[dict] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    # The row the header was found on; None when no header was found (the
    # problems say why and nothing else is read).
    header_row: int | None = 1
    above: int = 0  # rows holding something above the header (a title block)
    sheet: str = ""  # the sheet read ("" for a CSV file)
    sheets: list[str] = field(default_factory=list)  # the visible sheets
    hidden: list[str] = field(default_factory=list)  # hidden sheets, never read
    # Other visible sheets whose first rows hold this import's required columns.
    also: list[str] = field(default_factory=list)

    @property
    def header_found(self) -> bool:
        return self.header_row is not None


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


def _matching(cells, columns: list[Column]) -> set[str]:
    """The keys of the columns that the cells of a row name."""
    keys = set()
    for value in cells:
        if isinstance(value, str) and value.strip():
            column = next((c for c in columns if c.matches(value)), None)
            if column is not None:
                keys.add(column.key)
    return keys


def _holds_header(sheet, columns: list[Column]) -> bool:
    """Whether one of the sheet's first rows names every required column."""
    required = {c.key for c in columns if c.required}
    # Bounded by the sheet's own rows: asking for more would add empty cells.
    last = min(HEADER_SEARCH_ROWS, sheet.max_row)
    for values in sheet.iter_rows(max_row=last, values_only=True):
        if required <= _matching([_cell_value(v) for v in values], columns):
            return True
    return False


def _sheet_grid(sheet) -> tuple[list[tuple[int, list]], list[tuple[int, dict]]]:
    """Read a sheet's cells, with the problems found on the way, each with the
    last row it covers (problems above the header, in a title block, are left)."""
    pending = []
    for merged in sheet.merged_cells.ranges:
        pending.append(
            (
                merged.max_row,
                _problem(
                    merged.min_row,
                    str(merged.coord),
                    _("Merged cells %(range)s: unmerge them and fill in every cell.")
                    % {"range": merged.coord},
                ),
            )
        )
    grid = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f" or (
                isinstance(cell.value, str) and cell.value.startswith("=")
            ):
                pending.append(
                    (
                        cell.row,
                        _problem(
                            cell.row,
                            cell.coordinate,
                            _("Cell %(cell)s holds a formula; paste its value instead.")
                            % {"cell": cell.coordinate},
                        ),
                    )
                )
                cells.append("")
            else:
                cells.append(_cell_value(cell.value))
        grid.append((row[0].row if row else len(grid) + 1, cells))
    return grid, pending


def _read_xlsx(data: bytes, columns: list[Column], sheet_name: str | None) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise UnreadableFileError(
            _("The Excel file could not be opened. Save it again as .xlsx and retry.")
        ) from None
    try:
        # Only what the person sees is read: hidden and very hidden sheets never.
        visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
        hidden = [s.title for s in workbook.worksheets if s.sheet_state != "visible"]
        if not visible:
            raise UnreadableFileError(_("The workbook has no visible sheet."))
        if sheet_name is None:
            # The first sheet holding the import's header, else the first one.
            chosen = next((s for s in visible if _holds_header(s, columns)), visible[0])
        else:
            chosen = next((s for s in visible if s.title == sheet_name), None)
            if chosen is None:
                raise UnreadableFileError(
                    _('The workbook has no visible sheet named "%(sheet)s".')
                    % {"sheet": sheet_name}
                )
        also = [
            s.title for s in visible if s is not chosen and _holds_header(s, columns)
        ]
        grid, pending = _sheet_grid(chosen)
    finally:
        workbook.close()
    if len(visible) > 1:
        empty = _('The sheet "%(sheet)s" is empty.') % {"sheet": chosen.title}
    else:
        empty = _("The file is empty.")
    table = _table_below_header(grid, pending, columns, empty=empty, sheet=chosen.title)
    table.sheet = chosen.title
    table.sheets = [s.title for s in visible]
    table.hidden = hidden
    table.also = also
    return table


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


def _read_csv(data: bytes, columns: list[Column]) -> Table:
    text = nfc(_decode(data)).replace("\x00", "")
    # Guess the delimiter from the first line that holds anything and has one (the
    # header, or a title padded with delimiters above it).
    delimiters = (",", ";", "\t")
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    first_line = next(
        (line for line in lines if any(d in line for d in delimiters)),
        lines[0] if lines else "",
    )
    delimiter = max(delimiters, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    try:
        for number, row in enumerate(reader, start=1):
            grid.append((number, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise UnreadableFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None
    pending = []
    for number, cells in grid:
        for index, value in enumerate(cells):
            if value.startswith("="):
                pending.append(
                    (
                        number,
                        _problem(
                            number,
                            get_column_letter(index + 1),
                            _("Cell %(cell)s holds a formula; write its value instead.")
                            % {"cell": f"{get_column_letter(index + 1)}{number}"},
                        ),
                    )
                )
    return _table_below_header(grid, pending, columns, empty=_("The file is empty."))


def _no_header(grid, columns: list[Column], sheet: str) -> dict:
    searched = min(HEADER_SEARCH_ROWS, grid[-1][0])
    expected = ", ".join(c.label for c in columns)
    if sheet:
        message = _(
            "No header row was found in the first %(count)d rows of the sheet "
            '"%(sheet)s". The header row must name the columns: %(expected)s.'
        ) % {"count": searched, "sheet": sheet, "expected": expected}
    else:
        message = _(
            "No header row was found in the first %(count)d rows. The header row "
            "must name the columns: %(expected)s."
        ) % {"count": searched, "expected": expected}
    return _problem(None, "", message)


def _table_below_header(
    grid: list[tuple[int, list]],
    pending: list[tuple[int, dict]],
    columns: list[Column],
    *,
    empty: str,
    sheet: str = "",
) -> Table:
    rows = [(n, cells) for n, cells in grid if any(str(c).strip() for c in cells)]
    if not rows:
        return Table(
            header=[], rows=[], header_row=None, problems=[_problem(None, "", empty)]
        )
    # The header is the row among the first ones that names the most of the
    # expected columns (the first such row on a tie); the rows above it are a
    # title block.
    header_at, best = None, 0
    for position, (number, cells) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        score = len(_matching(cells, columns))
        if score > best:
            header_at, best = position, score
    if header_at is None:
        return Table(
            header=[],
            rows=[],
            header_row=None,
            problems=[_no_header(grid, columns, sheet)],
        )
    header_row, header = rows[header_at]
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
    # Formulas and merged cells in the title block above the header are not read.
    problems = [problem for last, problem in pending if last >= header_row]
    return Table(
        header=header,
        rows=rows[header_at + 1 :],
        problems=problems,
        blank_rows=blank,
        header_row=header_row,
        above=header_at,
    )


def _table_from_grid(grid: list[tuple[int, list]], problems: list[dict]) -> Table:
    """The first row that holds anything is the header (the ratings import)."""
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


def read_table(data: bytes, columns: list[Column], sheet: str | None = None) -> Table:
    """Read an .xlsx file's sheet, or a CSV file, into rows under its header.

    Of a workbook only visible sheets are read: the one named, or else the first
    one whose first rows hold the columns' header (else the first one). The
    header is the row among the first ``HEADER_SEARCH_ROWS`` that names the most
    of the columns."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx and retry.")
        )
    if data.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFileError(_("The Excel file is damaged."))
        return _read_xlsx(data, columns, sheet)
    return _read_csv(data, columns)


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
