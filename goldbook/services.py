"""Writing in the Gold Book: confirming a proposed entry, annotating, revoking.

Numbers are taken under a lock on the book's row, so they run 1, 2, 3… with no
gap and none given twice, however many staff confirm at once.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from goldbook.models import Annotation, GoldBook, GoldBookEntry
from initiatives.models import Attachment, CouncilItem
from units.models import Unit, User


def book_for(unit: Unit) -> GoldBook:
    """Every unit has a Gold Book; it is opened the first time it is needed."""
    book, _created = GoldBook.objects.get_or_create(unit=unit)
    return book


def _check_proposable(item: CouncilItem) -> None:
    if item.status != CouncilItem.Status.RECOGNISED:
        raise ValidationError(
            _("Only an initiative the council recognised is written in.")
        )
    if item.decision_id is None:
        raise ValidationError(
            _("The recognition decision has not been issued yet; issue it first.")
        )
    if GoldBookEntry.objects.filter(council_item=item).exists():
        raise ValidationError(_("This recognition is already in the Gold Book."))


@transaction.atomic
def entry_confirm(
    *,
    item: CouncilItem,
    actor: User,
    public_summary: str,
    application_evidence: str,
    evidence_file: Attachment | None = None,
    recorded_on: datetime.date | None = None,
) -> GoldBookEntry:
    """Write a recognised, applied initiative in its council unit's Gold Book."""
    item = (
        CouncilItem.objects.select_for_update(of=("self",))
        .select_related("council__unit", "initiative__unit", "initiative__field")
        .get(pk=item.pk)
    )
    _check_proposable(item)
    public_summary = nfc(public_summary).strip()
    application_evidence = nfc(application_evidence).strip()
    errors = {}
    if not public_summary:
        errors["public_summary"] = _(
            "Write what the initiative brought, for the public."
        )
    if not application_evidence:
        errors["application_evidence"] = _(
            "Record how its application in practice was confirmed."
        )
    if evidence_file is not None and evidence_file.initiative_id != item.initiative_id:
        errors["evidence_file"] = _("The file must belong to this request.")
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = _("The date cannot be in the future.")
    elif item.decided_on and recorded_on < item.decided_on:
        errors["recorded_on"] = _("The date cannot be before the recognition.")
    if errors:
        raise ValidationError(errors)
    book = book_for(item.council.unit)
    book = GoldBook.objects.select_for_update().get(pk=book.pk)
    book.last_number += 1
    book.save(update_fields=["last_number"])
    initiative = item.initiative
    entry = GoldBookEntry(
        book=book,
        number=book.last_number,
        recorded_on=recorded_on,
        year=(item.decided_on or recorded_on).year,
        initiative=initiative,
        council_item=item,
        decision_id=item.decision_id,
        title=initiative.title,
        authors=[
            {
                "name": author.full_name,
                "share": f"{author.share:.2f}",
                "workplace": author.workplace,
                "user_id": author.user_id,
            }
            for author in initiative.authors.all()
        ],
        unit_name=initiative.unit.name_on(recorded_on),
        field_name=initiative.field_name,
        scope=item.council.scope,
        public_summary=public_summary,
        application_evidence=application_evidence,
        evidence_file=evidence_file,
        recorded_by=actor,
    )
    entry.fill_derived()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Only a recognition written meanwhile is the user's concern; any other
        # broken constraint is a fault to surface as it is.
        if not GoldBookEntry.objects.filter(council_item=item).exists():
            raise
        raise ValidationError(
            _("This recognition is already in the Gold Book.")
        ) from None
    return entry


@transaction.atomic
def entry_annotate(
    *,
    entry: GoldBookEntry,
    actor: User,
    text: str,
    kind: str = Annotation.Kind.CORRECTION,
) -> Annotation:
    """Add a dated correction or note; the entry itself does not change."""
    text = nfc(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the correction or note.")})
    if kind not in (Annotation.Kind.CORRECTION, Annotation.Kind.NOTE):
        raise ValidationError({"kind": _("Choose a correction or a note.")})
    return Annotation.objects.create(
        entry=entry,
        kind=kind,
        text=text,
        written_on=timezone.localdate(),
        written_by=actor,
    )


@transaction.atomic
def entry_revoke(
    *,
    entry: GoldBookEntry,
    actor: User,
    reason: str,
    revoked_on: datetime.date | None = None,
) -> GoldBookEntry:
    """Mark an entry revoked when its recognition is annulled; it stays in the book."""
    current = GoldBookEntry.objects.select_for_update().get(pk=entry.pk)
    if current.is_revoked:
        raise ValidationError(_("This entry is already revoked."))
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason, e.g. the annulling decision.")}
        )
    revoked_on = revoked_on or timezone.localdate()
    if revoked_on > timezone.localdate() or revoked_on < current.recorded_on:
        raise ValidationError(
            {"revoked_on": _("Give a date between the entry and today.")}
        )
    current.status = GoldBookEntry.Status.REVOKED
    current.revoked_on = revoked_on
    current.revoked_reason = reason
    current.revoked_by = actor
    current.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_by"])
    Annotation.objects.create(
        entry=current,
        kind=Annotation.Kind.REVOCATION,
        text=reason,
        written_on=revoked_on,
        written_by=actor,
    )
    return current
