"""What of the union tree and its people the audit log follows, and how."""

from audit.log import record, track, untracked
from audit.models import Action
from units.models import (
    EmulationBlock,
    EmulationBlockMember,
    ImportBatch,
    Leadership,
    Membership,
    SigningRule,
    Unit,
    UnitEvent,
    UnitName,
    User,
)


def person_unit(person):
    """A person belongs to the units of their roles: the first one, in tree order."""
    return (
        Membership.objects.filter(user_id=person.pk, ended_on__isnull=True)
        .order_by("unit__path")
        .values_list("unit_id", flat=True)
        .first()
    )


def _membership_action(membership, created, changes):
    if created:
        return Action.ROLE_GRANTED
    if "ended_on" in changes and membership.ended_on is not None:
        return Action.ROLE_ENDED
    return None


def _import_action(batch, created, changes):
    if "status" in changes and batch.status == "applied":
        return Action.IMPORTED
    return None


def unit_moved(sender, unit, old_parent=None, **kwargs):
    """A move rewrites the tree in bulk: the moved unit gets one entry."""
    new_parent = type(unit).objects.get_parent(unit)
    record(
        Action.CHANGED,
        unit,
        unit_id=unit.pk,
        changes={
            "parent": [
                old_parent.name if old_parent else None,
                new_parent.name if new_parent else None,
            ]
        },
    )


track(User, unit=person_unit, secret=frozenset({"password"}))
track(Unit, unit="self")
track(UnitName, unit="unit")
track(Membership, unit="unit", action=_membership_action)
track(EmulationBlock, unit="organizer")
track(EmulationBlockMember, unit="block__organizer")
# Who leads a unit and who signs its documents decide what every issued
# document prints: each change is kept.
track(Leadership, unit="unit")
track(SigningRule, unit="unit")
# The rows of an import are its data, not a change: the result is kept.
track(
    ImportBatch,
    unit="unit",
    action=_import_action,
    skip=frozenset({"rows", "errors", "notices"}),
)

# Histories of their own: they are written with the change they describe.
untracked(UnitEvent, "a unit's own history, written with the change")
