"""Every write to registrations, ideas and recognition requests.

A request's state changes go through `initiatives.lifecycle.request.move`, which
locks the row, checks the step, saves, records the step in the request's history
and tells the authors by mail after the transaction commits.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit import log as audit_log
from core.text import nfc
from initiatives import uploads
from initiatives.lifecycle import request as lifecycle
from initiatives.lifecycle.request import record_event
from initiatives.models import (
    Attachment,
    Author,
    Initiative,
    InitiativeEvent,
    Registration,
    Status,
)
from initiatives.services import councils
from units import access
from units.models import Unit, User

HUNDRED = Decimal("100.00")


@dataclass
class AuthorData:
    """One author as typed in the form; `user` is set for a registered person."""

    full_name: str
    share: Decimal
    user: User | None = None
    date_of_birth: datetime.date | None = None
    workplace: str = ""
    position: str = ""
    qualification: str = ""


def check_authors(authors: list[AuthorData]) -> None:
    """Refuse a list of authors without anyone, with a person twice, or with shares
    that do not add up to exactly 100."""
    if not authors:
        raise ValidationError(_("Name at least one author."), code="no_authors")
    seen_users, seen_names = set(), set()
    for author in authors:
        if author.user is not None:
            if author.user.pk in seen_users:
                raise ValidationError(
                    _("%(name)s is listed twice.") % {"name": author.user},
                    code="duplicate_author",
                )
            seen_users.add(author.user.pk)
        key = (" ".join(nfc(author.full_name).casefold().split()), author.date_of_birth)
        if key in seen_names:
            raise ValidationError(
                _("%(name)s is listed twice.") % {"name": author.full_name},
                code="duplicate_author",
            )
        seen_names.add(key)
        if not (Decimal("0") < author.share <= HUNDRED):
            raise ValidationError(
                _("Each share must be more than 0 and at most 100."), code="share_range"
            )
    total = sum((author.share for author in authors), Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            _("The shares add up to %(total)s%%; they must add up to exactly 100%%.")
            % {"total": number_format(total, decimal_pos=2)},
            code="share_total",
        )


def _save_authors(initiative: Initiative, authors: list[AuthorData]) -> None:
    initiative.authors.all().delete()
    saved = Author.objects.bulk_create(
        [
            Author(
                initiative=initiative,
                user=author.user,
                full_name=nfc(author.full_name).strip(),
                date_of_birth=author.date_of_birth,
                workplace=nfc(author.workplace).strip(),
                position=nfc(author.position).strip(),
                qualification=nfc(author.qualification).strip(),
                share=author.share,
                order=index,
            )
            for index, author in enumerate(authors)
        ]
    )
    audit_log.record_created(saved)


def _check_units(
    actor: User, unit: Unit, recognizing_unit: Unit, current_unit_id: int | None = None
) -> None:
    """Check where a request is filed and who is asked to recognise it.

    A new request is filed from a union the filer belongs to; an existing one may
    stay where it is, whoever of its authors saves it.
    """
    if unit.pk != current_unit_id and not access.holds(actor, unit, access.ALL_ROLES):
        raise ValidationError(
            {"unit": _("You can only file from a union you belong to.")}
        )
    if not unit.is_active:
        raise ValidationError({"unit": _("This union has been dissolved.")})
    if not unit.path.startswith(recognizing_unit.path):
        raise ValidationError(
            {
                "recognizing_unit": _(
                    "Choose your own union or a unit above it to recognise the "
                    "initiative."
                )
            }
        )
    if not recognizing_unit.is_active:
        raise ValidationError({"recognizing_unit": _("This unit has been dissolved.")})


REQUEST_FIELDS = (
    "year",
    "title",
    "kind",
    "field",
    "field_other",
    "investor",
    "state_funded",
    "first_applied_on",
    "essence",
    "confidential_info",
    "conditions",
    "application_place",
    "application_people",
    "benefits_author",
    "benefits_confirmation",
    "level",
    "period_start",
    "period_end",
)


def _check_fields(data: dict) -> None:
    today = timezone.localdate()
    if data.get("first_applied_on") and data["first_applied_on"] > today:
        raise ValidationError(
            {"first_applied_on": _("The date cannot be in the future.")}
        )
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        raise ValidationError(
            {"period_end": _("The end of the period cannot be before its start.")}
        )
    if data.get("field") and data.get("field_other"):
        raise ValidationError(
            {
                "field_other": _(
                    "Choose a field from the list or write another, not both."
                )
            }
        )


@transaction.atomic
def initiative_create(
    *,
    actor: User,
    unit: Unit,
    recognizing_unit: Unit,
    authors: list[AuthorData],
    registration: Registration | None = None,
    **data,
) -> Initiative:
    """Start a draft request with its authors."""
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"initiative_create cannot set {sorted(unknown)}")
    _check_units(actor, unit, recognizing_unit)
    _check_fields(data)
    check_authors(authors)
    initiative = Initiative(
        unit=unit, recognizing_unit=recognizing_unit, created_by=actor, **data
    )
    initiative.fill_derived(author_names=[a.full_name for a in authors])
    initiative.full_clean(exclude=["search_text"])
    initiative.save()
    _save_authors(initiative, authors)
    if registration is not None:
        registration_link(registration=registration, initiative=initiative, actor=actor)
    record_event(
        initiative, InitiativeEvent.Action.CREATED, actor, to_status=Status.DRAFT
    )
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    actor: User,
    version: int,
    unit: Unit,
    recognizing_unit: Unit,
    authors: list[AuthorData],
    **data,
) -> Initiative:
    """Save the authors' changes to a draft or returned request.

    `version` is the one the editor opened; if someone saved in between, the save
    is refused and nothing is overwritten.
    """
    current = lifecycle.lock(initiative)
    if current.version != version:
        raise ValidationError(
            _(
                "Someone else saved this request after you opened it. Your changes are "
                "still in the form below: open the request in a new tab to see theirs, "
                "then save again."
            ),
            code="stale",
        )
    if not current.is_editable:
        raise ValidationError(
            _("This request can no longer be edited: it is %(status)s.")
            % {"status": current.get_status_display()},
            code="not_editable",
        )
    _check_units(actor, unit, recognizing_unit, current_unit_id=current.unit_id)
    _check_fields(data)
    check_authors(authors)
    for name, value in data.items():
        setattr(current, name, value)
    current.unit, current.recognizing_unit = unit, recognizing_unit
    current.version += 1
    current.fill_derived(author_names=[a.full_name for a in authors])
    current.full_clean(exclude=["search_text"])
    current.save()
    _save_authors(current, authors)
    record_event(
        current, InitiativeEvent.Action.EDITED, actor, from_status=current.status
    )
    return current


def missing_for_submission(initiative: Initiative) -> list[str]:
    """Return the labels of what must be filled in before submitting."""
    required = [
        ("essence", initiative.essence.strip()),
        ("benefits_author", initiative.benefits_author.strip()),
        ("level", initiative.level),
        ("first_applied_on", initiative.first_applied_on or initiative.period_start),
    ]
    missing = [
        str(Initiative._meta.get_field(name).verbose_name)
        for name, value in required
        if not value
    ]
    if not (initiative.field_id or initiative.field_other.strip()):
        missing.append(str(Initiative._meta.get_field("field").verbose_name))
    return missing


def completeness(initiative: Initiative) -> list[tuple[str, bool]]:
    """The intake checklist: what a complete request has, each item met or not."""
    attachments = list(initiative.attachments.all())
    confirmed = bool(initiative.benefits_confirmation.strip()) or any(
        a.purpose == "confirmation" for a in attachments
    )
    checks = [
        (
            _("Every field the form requires is filled in"),
            not missing_for_submission(initiative),
        ),
        (
            _("The authors' shares add up to 100%"),
            sum((a.share for a in initiative.authors.all()), Decimal("0")) == HUNDRED,
        ),
        (_("The applying body confirmed the benefits (text or file)"), confirmed),
        (_("Evidence files are attached"), bool(attachments)),
    ]
    return [(str(label), ok) for label, ok in checks]


@transaction.atomic
def initiative_submit(
    *, initiative: Initiative, actor: User, note: str = ""
) -> Initiative:
    """Send a complete draft (or a revised request) to the recognising body."""

    def check_complete(current: Initiative) -> None:
        missing = missing_for_submission(current)
        if missing:
            raise ValidationError(
                _("Fill in before submitting: %(fields)s.")
                % {"fields": ", ".join(missing)},
                code="incomplete",
            )
        check_authors(
            [
                AuthorData(
                    full_name=a.full_name,
                    share=a.share,
                    user=a.user,
                    date_of_birth=a.date_of_birth,
                )
                for a in current.authors.all()
            ]
        )

    return lifecycle.move(
        initiative,
        Status.SUBMITTED,
        actor=actor,
        action=InitiativeEvent.Action.SUBMITTED,
        note=nfc(note),
        changes={"submitted_at": timezone.now()},
        prepare=check_complete,
    )


@transaction.atomic
def initiative_return(
    *, initiative: Initiative, actor: User, reason: str
) -> Initiative:
    """Send a request back to its authors for revision, with the reasons."""
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the authors must change.")})
    return lifecycle.move(
        initiative,
        Status.RETURNED,
        actor=actor,
        action=InitiativeEvent.Action.RETURNED,
        note=reason,
        mail_context={"reason": reason},
    )


@transaction.atomic
def initiative_accept(
    *, initiative: Initiative, actor: User, accepted_on: datetime.date | None = None
) -> Initiative:
    """Accept a submitted request for review; the three-month clock starts."""

    def into_council(current: Initiative) -> str:
        item = councils.intake_accept(
            initiative=current, actor=actor, accepted_on=current.accepted_on
        )
        receipt = councils.issue_receipt(item, actor)
        return _("%(council)s; receipt no. %(symbol)s") % {
            "council": item.council.name,
            "symbol": receipt.symbol,
        }

    return lifecycle.move(
        initiative,
        Status.ACCEPTED,
        actor=actor,
        action=InitiativeEvent.Action.ACCEPTED,
        changes={"accepted_on": accepted_on or timezone.localdate()},
        on_saved=into_council,
    )


@transaction.atomic
def initiative_withdraw(
    *, initiative: Initiative, actor: User, reason: str = ""
) -> Initiative:
    """Withdraw a request; it stays, with its history, as withdrawn."""
    return lifecycle.move(
        initiative,
        Status.WITHDRAWN,
        actor=actor,
        action=InitiativeEvent.Action.WITHDRAWN,
        note=nfc(reason).strip(),
    )


# --- Attachments ---------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *,
    initiative: Initiative,
    actor: User,
    upload,
    purpose: str = Attachment.Purpose.EVIDENCE,
) -> Attachment:
    """Store an evidence file recognised by its content, under a random name."""
    current = lifecycle.lock(initiative)
    if not current.is_editable:
        raise ValidationError(
            _("Files can only be added while the request is editable.")
        )
    data, kind = uploads.read_checked(upload)
    original = uploads.display_name(upload.name, kind)
    attachment = Attachment(
        initiative=current,
        purpose=purpose,
        original_name=original,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    storage = Attachment._meta.get_field("file").storage
    attachment.file.save(f"upload{kind.extension}", ContentFile(data), save=False)
    try:
        attachment.save()
        record_event(current, InitiativeEvent.Action.ATTACHED, actor, original)
    except BaseException:
        # The row was not written: leave no file behind.
        storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    current = lifecycle.lock(attachment.initiative)
    if not current.is_editable:
        raise ValidationError(
            _("Files can only be removed while the request is editable.")
        )
    name, stored = attachment.original_name, attachment.file.name
    attachment.delete()
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
    record_event(current, InitiativeEvent.Action.DETACHED, actor, name)


# --- Registrations ---------------------------------------------------------------


REGISTRATION_FIELDS = (
    "year",
    "title",
    "kind",
    "field",
    "field_other",
    "expected_completion",
    "team",
    "note",
)


@transaction.atomic
def registration_create(*, actor: User, unit: Unit, **data) -> Registration:
    """Register what the person (or team) will work on this year."""
    if not access.holds(actor, unit, access.ALL_ROLES):
        raise ValidationError(
            {"unit": _("You can only register with a union you belong to.")}
        )
    if not unit.is_active:
        raise ValidationError({"unit": _("This union has been dissolved.")})
    if data.get("field") and data.get("field_other"):
        raise ValidationError(
            {
                "field_other": _(
                    "Choose a field from the list or write another, not both."
                )
            }
        )
    registration = Registration(unit=unit, registrant=actor, **data)
    registration.full_clean(exclude=["search_text"])
    registration.save()
    return registration


@transaction.atomic
def registration_update(
    *, registration: Registration, actor: User, **data
) -> Registration:
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.initiative_id or current.withdrawn_at:
        raise ValidationError(_("This registration can no longer be changed."))
    if data.get("field") and data.get("field_other"):
        raise ValidationError(
            {
                "field_other": _(
                    "Choose a field from the list or write another, not both."
                )
            }
        )
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(exclude=["search_text"])
    current.save()
    return current


@transaction.atomic
def registration_withdraw(*, registration: Registration, actor: User) -> Registration:
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.initiative_id or current.withdrawn_at:
        raise ValidationError(_("This registration can no longer be changed."))
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at", "updated_at"])
    return current


@transaction.atomic
def registration_link(
    *, registration: Registration, initiative: Initiative, actor: User
) -> Registration:
    """Record which request a registration became."""
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.registrant_id != actor.pk:
        raise ValidationError(_("Only the person who registered can link it."))
    if current.initiative_id and current.initiative_id != initiative.pk:
        raise ValidationError(
            _("This registration is already linked to another request.")
        )
    current.initiative = initiative
    current.save(update_fields=["initiative", "updated_at"])
    return current
