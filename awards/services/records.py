"""Writes for the movement's records: launch, propagation, reviews, inspections
and emulation pacts."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import log as audit_log
from awards.models import MovementRecord, Pact, PactSignatory
from awards.services.common import (
    _attach,
    _check_day,
    _check_year,
    _clean,
    _save_with_file,
)
from units.models import EmulationBlock, Unit, User


@transaction.atomic
def record_create(
    *,
    unit: Unit,
    actor: User,
    kind: str,
    year: int,
    held_on: datetime.date | None,
    title: str,
    summary: str = "",
    inspected_unit: Unit | None = None,
    upload=None,
) -> MovementRecord:
    """Record a launch, propagation, review or inspection of the unit."""
    title, summary = _clean(title), _clean(summary)
    errors: dict = {}
    if kind not in MovementRecord.Kind.values:
        errors["kind"] = _("Choose what is recorded.")
    _check_year(year, errors)
    _check_day(held_on, year, errors, "held_on")
    if not title:
        errors["title"] = _("Give a title, e.g. the name of the plan or conference.")
    if kind == MovementRecord.Kind.INSPECTION:
        if inspected_unit is None:
            errors["inspected_unit"] = _("Choose the union that was inspected.")
        elif not (
            inspected_unit.path.startswith(unit.path) and inspected_unit.pk != unit.pk
        ):
            errors["inspected_unit"] = _(
                "Only a union below this unit can be inspected."
            )
        if not summary:
            errors["summary"] = _("Write the findings of the inspection.")
    else:
        inspected_unit = None
    if not unit.is_active:
        errors[NON_FIELD_ERRORS] = _("This unit has been dissolved.")
    record = MovementRecord(
        unit=unit,
        year=year,
        kind=kind,
        held_on=held_on,
        title=title,
        summary=summary,
        inspected_unit=inspected_unit,
        recorded_by=actor,
    )
    _attach(record, upload, errors)
    if errors:
        raise ValidationError(errors)
    _save_with_file(record)
    return record


@dataclass
class SignatoryData:
    unit: Unit
    signer_name: str
    signer_position: str = ""


@transaction.atomic
def pact_create(
    *,
    organizer: Unit,
    actor: User,
    year: int,
    signed_on: datetime.date | None,
    title: str,
    signatories: list[SignatoryData],
    content: str = "",
    block: EmulationBlock | None = None,
    upload=None,
) -> Pact:
    """Record an emulation pact and the units that signed it."""
    title, content = _clean(title), _clean(content)
    errors: dict = {}
    _check_year(year, errors)
    _check_day(signed_on, year, errors, "signed_on")
    if not title:
        errors["title"] = _("Give the title of the pact.")
    if block is not None and (block.organizer_id != organizer.pk or block.year != year):
        errors["block"] = _("Choose a block this unit organises in that year.")
    if not signatories:
        errors["signatories"] = _("List at least one signing unit.")
    members = set(block.members.values_list("unit_id", flat=True)) if block else None
    seen = set()
    for row in signatories:
        name = _clean(row.signer_name)
        if not name:
            errors["signatories"] = _("Give the name of who signed for each unit.")
        elif row.unit.pk in seen:
            errors["signatories"] = _("%(unit)s is listed twice.") % {
                "unit": row.unit.name
            }
        elif members is not None and row.unit.pk not in members:
            errors["signatories"] = _("%(unit)s is not in the block.") % {
                "unit": row.unit.name
            }
        elif members is None and not row.unit.path.startswith(organizer.path):
            errors["signatories"] = _(
                "%(unit)s is neither this unit nor a unit below it."
            ) % {"unit": row.unit.name}
        seen.add(row.unit.pk)
    pact = Pact(
        organizer=organizer,
        block=block,
        year=year,
        signed_on=signed_on,
        title=title,
        content=content,
        recorded_by=actor,
    )
    _attach(pact, upload, errors)
    if errors:
        raise ValidationError(errors)
    _save_with_file(pact)
    audit_log.record_created(
        PactSignatory.objects.bulk_create(
            PactSignatory(
                pact=pact,
                unit=row.unit,
                signer_name=_clean(row.signer_name),
                signer_position=_clean(row.signer_position),
            )
            for row in signatories
        )
    )
    return pact
