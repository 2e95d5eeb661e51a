"""Helpers for the import tests: spreadsheets and CSV files built in memory.

Messages are compared with the text the application shows in Vietnamese: the
English message id passed through ``gettext`` under ``override("vi")``, with its
values filled in. The comparison holds whether or not the catalogue is compiled.
"""

import csv
import io
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext, override
from openpyxl import Workbook

from units.imports import batches, columns
from units.models import ImportBatch, Membership, Unit, UnitEvent, UnitName, User

UNIT_LABELS = [c.label for c in columns.UNIT_COLUMNS]
PEOPLE_LABELS = [c.label for c in columns.PEOPLE_COLUMNS]
# The columns most unit tests need, in the template's words.
UNIT_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Ngày thành lập",
]
CODE, NAME, KIND, PARENT, FOUNDED = UNIT_HEADER
USERNAME, EMAIL, PHONE, BIRTH = "Tên đăng nhập", "Email", "Điện thoại", "Ngày sinh"
ROLE, FULL_TIME, UNIT_CODE = "Vai trò", "Chuyên trách", "Mã đơn vị"

# The tone marks Windows-1258 writes as separate combining characters.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def vi(message: str, **params) -> str:
    """Return the message as shown in Vietnamese, with its values filled in."""
    with override("vi"):
        text = gettext(message)
        if not params:
            return text
        return text % {
            key: str(value) if isinstance(value, Promise) else value
            for key, value in params.items()
        }


def problem(row, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def unit_row(code, name, kind="Công đoàn cơ sở", parent="CB-A", founded=""):
    return [code, name, kind, parent, founded]


def person_row(
    unit_code,
    full_name,
    username="",
    email="",
    phone="",
    birth="",
    qualification="",
    role="",
    position="",
    full_time="",
):
    return [
        unit_code,
        full_name,
        username,
        email,
        phone,
        birth,
        qualification,
        role,
        position,
        full_time,
    ]


def xlsx_bytes(rows, *, merge=(), hook=None) -> bytes:
    """Write the rows on the first sheet (an empty list is a blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    for cells in merge:
        sheet.merge_cells(cells)
    if hook is not None:
        hook(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: a letter with a tone the code page lacks as one
    byte is written as its base letter followed by a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize(
                "NFC", "".join(c for c in parts if c not in _TONES)
            )
            out += (base + tones).encode("cp1258")
    return bytes(out)


def csv_bytes(rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = csv_text(rows, delimiter)
    if encoding == "cp1258":
        return encode_cp1258(text)
    return text.encode(encoding)


def upload(data: bytes, name: str = "tep.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def check(unit, kind, data: bytes, actor, name: str = "tep.xlsx") -> ImportBatch:
    return batches.check_upload(
        unit=unit, kind=kind, upload=upload(data, name), actor=actor
    )


def check_units(unit, rows, actor, *, header=UNIT_HEADER, fmt="xlsx", **options):
    data = (
        xlsx_bytes([header, *rows], **options)
        if fmt == "xlsx"
        else csv_bytes([header, *rows], **options)
    )
    return check(unit, ImportBatch.Kind.UNITS, data, actor, name=f"don-vi.{fmt}")


def check_people(unit, rows, actor, *, header=PEOPLE_LABELS, fmt="xlsx", **options):
    data = (
        xlsx_bytes([header, *rows], **options)
        if fmt == "xlsx"
        else csv_bytes([header, *rows], **options)
    )
    return check(unit, ImportBatch.Kind.PEOPLE, data, actor, name=f"nguoi.{fmt}")


def counts() -> dict[str, int]:
    """Count every kind of row an import can write."""
    return {
        "units": Unit.objects.count(),
        "names": UnitName.objects.count(),
        "events": UnitEvent.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }
