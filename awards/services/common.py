"""What the awards services share: text cleaning, year and date checks, and an
uploaded file kept with its row."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from initiatives import uploads

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _clean(text: str | None) -> str:
    return nfc(text or "").strip()


def _check_year(year, errors: dict, name: str = "year") -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors[name] = _("Give a year between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }


def _check_day(day, year, errors: dict, name: str) -> None:
    """A record's date: not in the future, in its year or early in the next
    (annual reviews are often held in January)."""
    if day is None:
        errors[name] = _("Give the date.")
    elif day > timezone.localdate():
        errors[name] = _("The date cannot be in the future.")
    elif isinstance(year, int) and day.year not in (year, year + 1):
        errors[name] = _("The date must fall in %(year)d or early the year after.") % {
            "year": year
        }


def _attach(instance, upload, errors: dict) -> None:
    """Check an uploaded document and put it on the instance (not saved yet)."""
    if not upload:
        return
    try:
        data, kind = uploads.read_checked(upload)
    except ValidationError as error:
        errors["file"] = error.messages
        return
    instance.file_name = uploads.display_name(upload.name, kind)
    instance.file_sha256 = hashlib.sha256(data).hexdigest()
    instance._pending_file = (f"{uuid.uuid4().hex}{kind.extension}", data)


def _save_with_file(instance) -> None:
    """Save the row and its file together: no file is left without its row."""
    pending = getattr(instance, "_pending_file", None)
    if pending is None:
        instance.save()
        return
    name, data = pending
    instance.file.save(name, ContentFile(data), save=False)
    try:
        instance.save()
    except BaseException:
        instance.file.storage.delete(instance.file.name)
        raise
