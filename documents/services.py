"""Every write of official documents goes through these functions.

Numbers are taken under a row lock, so that each series (issuer × code × year)
is consecutive, unique and gap-free. An issued document is never changed or
deleted: there is deliberately no update service. A correction is a new
document that refers to the one it corrects.
"""

import datetime
import hashlib
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from documents.header import abbreviation_on, format_symbol, header_for
from documents.models import (
    FIRST_YEAR,
    LAST_YEAR,
    DocumentKind,
    IssuedDocument,
    NumberSeries,
    series_code_validator,
)
from documents.rendering import render_pdf
from documents.signing import require_signers
from units.models import Unit, User

TITLE_MAX_LENGTH = IssuedDocument._meta.get_field("title").max_length


def _clean_code(code: str) -> str:
    code = nfc(code or "").strip()
    if not code:
        raise ValidationError({"code": _("Give the code of the series.")})
    try:
        series_code_validator(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    return code


def _series_take_next(*, unit: Unit, code: str, year: int) -> NumberSeries:
    """Lock the series row (creating it if needed) and advance it by one."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "issued_on": _("The year must be between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    # get_or_create survives a race to create the row: the loser's insert fails
    # on the unique constraint inside a savepoint, and it reads the winner's row.
    series, _created = NumberSeries.objects.get_or_create(
        unit=unit, code=code, year=year
    )
    series = NumberSeries.objects.select_for_update().get(pk=series.pk)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series


def series_next_number(*, unit: Unit, code: str, year: int) -> int:
    """Take the next number of the unit's series for this code and year.

    Call it inside the transaction that uses the number: the series row stays
    locked until that transaction ends, and if it rolls back the number is given
    back. Numbers start at 1 each year. The lock (SELECT … FOR UPDATE on
    PostgreSQL; the database write lock on SQLite) makes concurrent callers
    wait, so numbers are consecutive, unique and gap-free.
    """
    code = _clean_code(code)
    with transaction.atomic():
        return _series_take_next(unit=unit, code=code, year=year).last_number


def document_issue(
    *,
    unit: Unit,
    code: str,
    kind: str,
    title: str,
    template_name: str,
    context: dict,
    issued_on: datetime.date,
    actor: User | None,
    subject: models.Model | None = None,
    refers_to: IssuedDocument | None = None,
    issuer: str | None = None,
    abbreviation: str | None = None,
) -> IssuedDocument:
    """Number, render and store a document, and record it as issued.

    Atomic: the number, the stored file and the record exist together or not at
    all. If rendering fails, nothing is stored and the number is not used. The
    template receives ``context`` with the numbered ``header``.

    A body of the unit that issues in its own name (a council, with its named
    series such as "QĐ-HĐSK") passes ``issuer`` (its name, printed under the
    unit's) and usually ``abbreviation=""`` so that the symbol is "01/QĐ-HĐSK".
    By default the symbol ends with the unit's abbreviation on that day.
    """
    code = _clean_code(code)
    title = nfc(title or "").strip()
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("Unknown kind of document.")
    if not title:
        errors["title"] = _("Give the title of the document.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("The title is too long.")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("A document cannot be issued with a future date.")
    if refers_to is not None and refers_to.pk is None:
        errors["refers_to"] = _("The corrected document has not been issued.")
    if subject is not None and subject.pk is None:
        errors["subject"] = _("The document must concern a saved object.")
    if errors:
        raise ValidationError(errors)
    # An issued document never changes: one without its signer's name is refused
    # here rather than stored with a placeholder.
    require_signers(context)

    stored_name = None
    try:
        with transaction.atomic():
            series = _series_take_next(unit=unit, code=code, year=issued_on.year)
            number = series.last_number
            if abbreviation is None:
                abbreviation = abbreviation_on(unit, issued_on)
            symbol = format_symbol(number, code, abbreviation)
            header = header_for(
                unit, day=issued_on, symbol=symbol, code=code, issuer=issuer
            )
            pdf = render_pdf(template_name, {**context, "header": header}, draft=False)
            document = IssuedDocument(
                series=series,
                number=number,
                kind=kind,
                title=title,
                symbol=symbol,
                issued_on=issued_on,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                issued_by=actor,
                refers_to=refers_to,
            )
            if subject is not None:
                document.content_type = ContentType.objects.get_for_model(subject)
                document.object_id = subject.pk
            # A generated name: nothing a user typed reaches the file system.
            document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
            stored_name = document.file.name
            document.save()
    except BaseException:
        if stored_name:
            IssuedDocument._meta.get_field("file").storage.delete(stored_name)
        raise
    return document


def document_bytes(document: IssuedDocument) -> bytes:
    """Return the stored PDF of an issued document."""
    with document.file.storage.open(document.file.name, "rb") as handle:
        return handle.read()


def document_verify(document: IssuedDocument) -> bool:
    """Return whether the stored file still has the recorded SHA-256 and size."""
    try:
        data = document_bytes(document)
    except OSError:
        return False
    return len(data) == document.size and (
        hashlib.sha256(data).hexdigest() == document.sha256
    )
