"""Checks shared by the services of the tree, people and blocks."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import ALLOWED_PARENT_KINDS, Unit, UnitKind


def check_parent_kind(kind: str, parent: Unit | None, field: str = "parent") -> None:
    """Refuse a unit of this kind directly under that parent."""
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        if parent is None:
            message = _("A %(kind)s must be placed under another unit.") % {
                "kind": UnitKind(kind).label
            }
        else:
            message = _("A %(kind)s cannot be placed under a %(parent_kind)s.") % {
                "kind": UnitKind(kind).label,
                "parent_kind": UnitKind(parent_kind).label,
            }
        raise ValidationError({field: message})


def check_effective_date(
    day: datetime.date, *, not_before: datetime.date | None = None, field: str
) -> None:
    """Refuse a date in the future or before an earlier event of the same unit."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before and day < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before %(day)s.")
                % {"day": not_before.strftime("%d/%m/%Y")}
            }
        )


def _locked(unit: Unit) -> Unit:
    """Return a fresh copy of the unit, locked for the rest of the transaction."""
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _require_active(unit: Unit, field: str = "__all__") -> None:
    if unit.is_dissolved():
        raise ValidationError(
            {field: _("%(unit)s has been dissolved.") % {"unit": unit.name}}
        )
