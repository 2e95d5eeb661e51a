"""The dossier's way up: sent to the unit above, returned with comments or
accepted, then the award decisions recorded."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from awards.dossier.drafting import selected
from awards.lifecycle import dossier as lifecycle
from awards.models import Award, AwardDecision, AwardForm, Candidate, Dossier
from core.text import nfc
from initiatives import uploads
from units.models import User


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def dossier_send(*, dossier: Dossier, actor: User) -> Dossier:
    return lifecycle.move(dossier, Dossier.Status.SENT, actor=actor)


def dossier_return(*, dossier: Dossier, actor: User, comments: str) -> Dossier:
    comments = nfc(comments or "").strip()
    return lifecycle.move(
        dossier, Dossier.Status.RETURNED, actor=actor, comments=comments
    )


def dossier_accept(*, dossier: Dossier, actor: User) -> Dossier:
    return lifecycle.move(dossier, Dossier.Status.ACCEPTED, actor=actor)


@transaction.atomic
def decision_record(
    *,
    dossier: Dossier,
    actor: User,
    award_form: AwardForm,
    symbol: str,
    issued_on,
    awardees: list[Candidate],
    upload=None,
) -> AwardDecision:
    """Record the award decision of the unit above for nominees of an accepted
    dossier; each awardee gets the award in their history."""
    current = _locked(dossier)
    symbol = nfc(symbol or "").strip()
    errors: dict = {}
    if current.status not in lifecycle.ACCEPTED:
        errors[NON_FIELD_ERRORS] = _("Accept the dossier first.")
    if not symbol:
        errors["symbol"] = _('Give the number and symbol, e.g. "125/QĐ-LĐLĐ".')
    if issued_on is None:
        errors["issued_on"] = _("Give the date of the decision.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("The date cannot be in the future.")
    if not awardees:
        errors["awardees"] = _("Choose who is awarded.")
    nominees = {c.pk for c in selected(current.round)}
    if any(c.pk not in nominees for c in awardees):
        errors["awardees"] = _("Only nominees of this dossier can be awarded.")
    elif Award.objects.filter(candidate__in=awardees).exists():
        errors["awardees"] = _("Someone chosen already has an award for this dossier.")
    decision = AwardDecision(
        dossier=current,
        award_form=award_form,
        symbol=symbol,
        issued_on=issued_on,
        recorded_by=actor,
    )
    data = None
    if upload:
        try:
            data, kind = uploads.read_checked(upload)
        except ValidationError as error:
            errors["file"] = error.messages
        else:
            if kind is not uploads.PDF:
                errors["file"] = _("Upload the signed decision as a PDF.")
            decision.file_name = uploads.display_name(upload.name, kind)
    if errors:
        raise ValidationError(errors)
    if data is not None:
        decision.file.save("quyet-dinh.pdf", ContentFile(data), save=False)
    try:
        decision.save()
    except BaseException:
        if decision.file:
            decision.file.storage.delete(decision.file.name)
        raise
    awards = Award.objects.bulk_create(
        Award(
            decision=decision,
            candidate=c,
            unit=c.unit,
            person=c.person,
            award_form=award_form,
            year=current.round.year,
        )
        for c in awardees
    )
    audit_log.record_created(awards)
    return decision
