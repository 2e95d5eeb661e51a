"""Writes to emulation blocks and their member units."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from core.text import nfc
from units.models import EmulationBlock, EmulationBlockMember, Unit, User
from units.services._common import _require_active


@transaction.atomic
def block_create(
    *, organizer: Unit, year: int, name: str, note: str = "", actor: User | None
) -> EmulationBlock:
    """Create an emulation block organised by a unit for a year."""
    _require_active(organizer)
    name = nfc(name).strip()
    if EmulationBlock.objects.filter(
        organizer=organizer, year=year, name=name
    ).exists():
        raise ValidationError(
            {"name": _("This unit already has a block with this name in this year.")}
        )
    block = EmulationBlock(organizer=organizer, year=year, name=name, note=nfc(note))
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def block_update(
    *, block: EmulationBlock, name: str, note: str, actor: User | None
) -> EmulationBlock:
    block = EmulationBlock.objects.select_for_update().get(pk=block.pk)
    name = nfc(name).strip()
    clash = EmulationBlock.objects.filter(
        organizer=block.organizer, year=block.year, name=name
    ).exclude(pk=block.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("This unit already has a block with this name in this year.")}
        )
    block.name, block.note = name, nfc(note)
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def block_member_set(
    *, block: EmulationBlock, unit: Unit, role: str, actor: User | None
) -> EmulationBlockMember:
    """Put a unit in a block with a role, or change its role there."""
    block = EmulationBlock.objects.select_for_update().get(pk=block.pk)
    organizer = block.organizer
    if not unit.path.startswith(organizer.path) or unit.pk == organizer.pk:
        raise ValidationError(
            {
                "unit": _("Only units under %(unit)s can join its blocks.")
                % {"unit": organizer.name}
            }
        )
    _require_active(unit, "unit")
    elsewhere = (
        EmulationBlockMember.objects.filter(
            unit=unit, block__organizer=organizer, block__year=block.year
        )
        .exclude(block=block)
        .select_related("block")
        .first()
    )
    if elsewhere:
        raise ValidationError(
            {
                "unit": _("%(unit)s is already in %(block)s this year.")
                % {"unit": unit.name, "block": elsewhere.block.name}
            }
        )
    if role == EmulationBlockMember.Role.HEAD:
        head = block.members.filter(role=EmulationBlockMember.Role.HEAD).exclude(
            unit=unit
        )
        if head.exists():
            raise ValidationError(
                {"role": _("The block already has a head unit; change its role first.")}
            )
    member, _created = EmulationBlockMember.objects.update_or_create(
        block=block, unit=unit, defaults={"role": role}
    )
    return member


@transaction.atomic
def block_member_remove(*, member: EmulationBlockMember, actor: User | None) -> None:
    EmulationBlockMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
def block_copy(
    *, block: EmulationBlock, year: int, actor: User | None
) -> EmulationBlock:
    """Start next year's block from this one, with the member units still active."""
    if year == block.year:
        raise ValidationError({"year": _("Choose a different year.")})
    copy = block_create(
        organizer=block.organizer,
        year=year,
        name=block.name,
        note=block.note,
        actor=actor,
    )
    busy = set(
        EmulationBlockMember.objects.filter(
            block__organizer=block.organizer, block__year=year
        ).values_list("unit_id", flat=True)
    )
    today = timezone.localdate()
    members = block.members.select_related("unit").filter(
        Q(unit__dissolved_on__isnull=True) | Q(unit__dissolved_on__gt=today)
    )
    audit_log.record_created(
        EmulationBlockMember.objects.bulk_create(
            [
                EmulationBlockMember(block=copy, unit=m.unit, role=m.role)
                for m in members
                if m.unit_id not in busy
            ]
        )
    )
    return copy
