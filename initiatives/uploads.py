"""Recognise uploaded files by their content, not their name."""

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import nfc
from core.upload_checks import check_no_code


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    "Word",
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    "Excel",
)


def detect(data: bytes) -> FileType | None:
    """Return the type of a PDF, PNG, JPEG, DOCX or XLSX file, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def display_name(name: str | None, kind: FileType) -> str:
    """Return the file name to show: its last part only, cleaned, at most 255
    characters with its extension kept. It is never used to store the file."""
    name = nfc(name or "").replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: 254 - len(extension)]}.{extension}"
        else:
            name = name[:255]
    return name or f"tep{kind.extension}"


def read_checked(upload) -> tuple[bytes, FileType]:
    """Read an upload within the size limit and recognise it; refuse anything else,
    and any file that carries code (core.upload_checks)."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_MB},
            code="too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    # Code is refused first, whatever the file is: the reason is then the code.
    check_no_code(data)
    kind = detect(data)
    if kind is None:
        raise ValidationError(
            _(
                "Only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG files are "
                "accepted, recognised by their content; this file is none of them."
            ),
            code="type",
        )
    return data, kind
