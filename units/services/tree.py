"""Writes to the union tree: creating, editing, renaming, moving, merging and
dissolving units, each recorded in the unit's history."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Substr, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from treebeard.exceptions import PathOverflow

from audit import log as audit_log
from core.text import nfc
from units.access import forget_grants
from units.models import Membership, Role, Unit, UnitEvent, UnitName, User
from units.services._common import (
    _locked,
    _require_active,
    check_effective_date,
    check_parent_kind,
)
from units.signals import subtree_moved


def _open_name(unit: Unit, valid_from: datetime.date | None) -> UnitName:
    """Start the period of the unit's current name."""
    return UnitName.objects.create(
        unit=unit,
        name=unit.name,
        short_name=unit.short_name,
        abbreviation=unit.abbreviation,
        valid_from=valid_from,
    )


def _close_name(unit: Unit, last_day: datetime.date) -> None:
    """End the period of the unit's current name on the given day."""
    unit.names.filter(valid_until__isnull=True).update(valid_until=last_day)


def _record(unit: Unit, kind: str, day: datetime.date, actor, note="", **data):
    return UnitEvent.objects.create(
        unit=unit, kind=kind, effective_on=day, actor=actor, note=note, data=data
    )


@transaction.atomic
def unit_create(
    *,
    parent: Unit | None,
    kind: str,
    code: str,
    name: str,
    short_name: str = "",
    abbreviation: str = "",
    place_name: str = "",
    established_on: datetime.date | None = None,
    actor: User | None,
) -> Unit:
    """Create a unit under the parent (or as a root) and open its name history."""
    code = code.strip()
    check_parent_kind(kind, parent)
    if parent is not None:
        parent = _locked(parent)
        _require_active(parent, "parent")
    if established_on:
        check_effective_date(established_on, field="established_on")
    if Unit.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another unit already uses this code.")})
    unit = Unit(
        code=code,
        kind=kind,
        name=name,
        short_name=short_name,
        abbreviation=abbreviation,
        place_name=place_name or (parent.place_name if parent else ""),
        established_on=established_on,
    )
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        unit = Unit.objects.add_root(instance=unit)
    else:
        unit = Unit.objects.add_child(parent, instance=unit)
    _open_name(unit, established_on)
    _record(
        unit,
        UnitEvent.Kind.CREATED,
        established_on or timezone.localdate(),
        actor,
        parent=parent.name if parent else "",
    )
    return unit


# Rows per query when many units are read or written at once.
_CHUNK = 500


def _chunked(values: Sequence, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _last_steps(parents: Iterable[Unit]) -> dict[str, int]:
    """Return the last step used under each saved parent, keyed by its path
    (parents without children are left out)."""
    by_depth: dict[int, list[str]] = defaultdict(list)
    for parent in parents:
        by_depth[parent.depth].append(parent.path)
    steps: dict[str, int] = {}
    for depth, paths in by_depth.items():
        cut = depth * Unit.steplen
        for chunk in _chunked(sorted(set(paths)), 200):
            under = Q()
            for path in chunk:
                under |= Q(path__startswith=path)
            rows = (
                Unit.objects.filter(under, depth=depth + 1)
                .annotate(parent_path=Substr("path", 1, cut))
                .values("parent_path")
                .annotate(last=Max("path"))
                .values_list("parent_path", "last")
                .order_by()
            )
            for parent_path, last in rows:
                steps[parent_path] = Unit._str2int(last[-Unit.steplen :])
    return steps


def add_children_bulk(pairs: Sequence[tuple[Unit, Unit]]) -> list[Unit]:
    """Insert each child last under its parent, as treebeard's add_child does,
    in a few queries whatever the number of children.

    A parent is a saved unit (its row fresh, ideally locked by the caller) or a
    child placed earlier in `pairs`. Tree paths are computed here; the parents'
    child counts are brought up to date, in the database and in memory. No
    history is written: see units_create_many.
    """
    if not pairs:
        return []
    saved = {parent.pk: parent for parent, _child in pairs if parent.pk is not None}
    next_step = _last_steps(saved.values())
    added: dict[int, int] = defaultdict(int)
    max_step = len(Unit.alphabet) ** Unit.steplen - 1
    max_length = Unit._meta.get_field("path").max_length
    children = []
    for parent, child in pairs:
        if not parent.path:
            raise ValueError(f"{parent.code} is neither saved nor placed before.")
        step = next_step.get(parent.path, 0) + 1
        if step > max_step:
            raise PathOverflow(f"Path Overflow under '{parent.path}'")
        next_step[parent.path] = step
        child.depth = parent.depth + 1
        child.path = Unit._get_path(parent.path, child.depth, step)
        if len(child.path) > max_length:
            raise PathOverflow(f"Path too long under '{parent.path}'")
        child.numchild = 0
        if parent.pk is None:
            parent.numchild += 1
        else:
            added[parent.pk] += 1
        child.fill_derived()
        children.append(child)
    Unit.objects.bulk_create(children, batch_size=1000)
    by_count: dict[int, list[int]] = defaultdict(list)
    for pk, count in added.items():
        by_count[count].append(pk)
        saved[pk].numchild += count
    for count, pks in by_count.items():
        for chunk in _chunked(pks):
            Unit.objects.filter(pk__in=chunk).update(numchild=F("numchild") + count)
    return children


def _locked_many(units: Iterable[Unit]) -> dict[int, Unit]:
    """Fresh copies of the units, locked for the rest of the transaction."""
    pks = sorted({unit.pk for unit in units})
    fresh = {}
    for chunk in _chunked(pks):
        for unit in Unit.objects.select_for_update().filter(pk__in=chunk):
            fresh[unit.pk] = unit
    return fresh


def _codes_taken(codes: Iterable[str]) -> set[str]:
    """The codes (upper-cased) that some unit already uses."""
    wanted = sorted({code.upper() for code in codes if code})
    taken = set()
    keyed = Unit.objects.annotate(key=Upper("code"))
    for chunk in _chunked(wanted):
        taken |= set(keyed.filter(key__in=chunk).values_list("key", flat=True))
    return taken


@transaction.atomic
def units_create_many(
    *, parents: dict[str, Unit], records: Sequence[dict], actor: User | None
) -> list[Unit]:
    """Create many units as unit_create would one by one, in a bounded number
    of queries: the same checks, tree paths, name histories, events and audit
    entries, all written or none.

    `parents` holds the existing parents keyed by their upper-cased code; each
    record (code, kind, name, short_name, abbreviation, place_name,
    established_on as a date or None, parent_code) names one of them or a unit
    earlier in `records` as its parent.
    """
    locked = _locked_many(parents.values())
    by_code: dict[str, Unit] = {
        code.upper(): locked[unit.pk] for code, unit in parents.items()
    }
    taken = _codes_taken(record["code"].strip() for record in records)
    pairs: list[tuple[Unit, Unit]] = []
    for record in records:
        code = record["code"].strip()
        parent_code = record["parent_code"].upper()
        if parent_code not in by_code:
            raise ValueError(f"No parent {parent_code} for {code}.")
        parent = by_code[parent_code]
        check_parent_kind(record["kind"], parent)
        if parent.pk is not None:
            _require_active(parent, "parent")
        established_on = record.get("established_on")
        if established_on:
            check_effective_date(established_on, field="established_on")
        if code.upper() in taken:
            raise ValidationError({"code": _("Another unit already uses this code.")})
        taken.add(code.upper())
        unit = Unit(
            code=code,
            kind=record["kind"],
            name=record["name"],
            short_name=record.get("short_name", ""),
            abbreviation=record.get("abbreviation", ""),
            place_name=record.get("place_name", "") or parent.place_name,
            established_on=established_on,
        )
        # full_clean without the queries: uniqueness is checked above, and the
        # constraints hold for a unit that is neither dissolved nor succeeded.
        unit.clean_fields(exclude=["path", "depth", "numchild"])
        unit.clean()
        by_code[code.upper()] = unit
        pairs.append((parent, unit))
    units = add_children_bulk(pairs)
    names = UnitName.objects.bulk_create(
        [
            UnitName(
                unit=unit,
                name=unit.name,
                short_name=unit.short_name,
                abbreviation=unit.abbreviation,
                valid_from=unit.established_on,
            )
            for unit in units
        ],
        batch_size=1000,
    )
    today = timezone.localdate()
    UnitEvent.objects.bulk_create(
        [
            UnitEvent(
                unit=unit,
                kind=UnitEvent.Kind.CREATED,
                effective_on=unit.established_on or today,
                actor=actor,
                note="",
                data={"parent": parent.name},
            )
            for parent, unit in pairs
        ],
        batch_size=1000,
    )
    # The entries unit_create writes through the signals, in the same order:
    # each unit, then its first name.
    audit_log.record_created(
        [obj for unit, name in zip(units, names, strict=True) for obj in (unit, name)]
    )
    return units


EDITABLE_UNIT_FIELDS = ("code", "place_name", "established_on")


@transaction.atomic
def unit_update(*, unit: Unit, actor: User | None, **changes) -> Unit:
    """Correct a unit's code, place name or founding date (not its name)."""
    unknown = set(changes) - set(EDITABLE_UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    unit = _locked(unit)
    _require_active(unit)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        clash = Unit.objects.filter(code__iexact=changes["code"]).exclude(pk=unit.pk)
        if clash.exists():
            raise ValidationError({"code": _("Another unit already uses this code.")})
    if changes.get("established_on"):
        check_effective_date(changes["established_on"], field="established_on")
    before = {}
    for field, value in changes.items():
        old = getattr(unit, field)
        if old != value:
            before[field] = (str(old or ""), str(value or ""))
            setattr(unit, field, value)
    if not before:
        return unit
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    _record(unit, UnitEvent.Kind.EDITED, timezone.localdate(), actor, changes=before)
    return unit


@transaction.atomic
def unit_rename(
    *,
    unit: Unit,
    name: str,
    short_name: str,
    abbreviation: str,
    effective_on: datetime.date,
    actor: User | None,
    note: str = "",
) -> Unit:
    """Give the unit a new name from a date; the old name stays for earlier dates."""
    unit = _locked(unit)
    _require_active(unit)
    current = unit.names.filter(valid_until__isnull=True).first()
    not_before = None
    if current and current.valid_from:
        not_before = current.valid_from + datetime.timedelta(days=1)
    check_effective_date(effective_on, not_before=not_before, field="effective_on")
    new = (nfc(name).strip(), nfc(short_name).strip(), nfc(abbreviation).strip())
    if new == (unit.name, unit.short_name, unit.abbreviation):
        raise ValidationError(
            {"name": _("The new name is the same as the current one.")}
        )
    old_name = unit.name
    _close_name(unit, effective_on - datetime.timedelta(days=1))
    unit.name, unit.short_name, unit.abbreviation = new
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    _open_name(unit, effective_on)
    _record(
        unit,
        UnitEvent.Kind.RENAMED,
        effective_on,
        actor,
        note,
        old=old_name,
        new=unit.name,
    )
    return unit


@transaction.atomic
def _move(unit: Unit, new_parent: Unit) -> Unit:
    """Place the unit last under the new parent and tell the apps that keep
    copies of tree paths."""
    old_path = unit.path
    old_parent = Unit.objects.get_parent(unit)
    Unit.objects.move(unit, new_parent, "last-child")
    unit.refresh_from_db()
    subtree_moved.send(
        sender=Unit,
        unit=unit,
        old_parent=old_parent,
        old_path=old_path,
        new_path=unit.path,
    )
    return unit


def unit_move(
    *,
    unit: Unit,
    new_parent: Unit,
    effective_on: datetime.date,
    actor: User | None,
    note: str = "",
) -> Unit:
    """Place the unit, with everything below it, under another parent."""
    unit = _locked(unit)
    new_parent = _locked(new_parent)
    _require_active(unit)
    _require_active(new_parent, "new_parent")
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {
                "new_parent": _(
                    "A unit cannot be moved under itself or its own sub-units."
                )
            }
        )
    old_parent = Unit.objects.get_parent(unit)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError({"new_parent": _("The unit is already there.")})
    check_parent_kind(unit.kind, new_parent, field="new_parent")
    check_effective_date(
        effective_on, not_before=unit.established_on, field="effective_on"
    )
    unit = _move(unit, new_parent)
    _record(
        unit,
        UnitEvent.Kind.MOVED,
        effective_on,
        actor,
        note,
        old_parent=old_parent.name if old_parent else "",
        new_parent=new_parent.name,
    )
    return unit


def _end_memberships(unit: Unit, day: datetime.date, actor) -> list[Membership]:
    active = list(Membership.objects.active().filter(unit=unit).select_for_update())
    before = audit_log.values_before(active, ["ended_on", "ended_by"])
    for membership in active:
        membership.ended_on = max(day, membership.started_on)
        membership.ended_by = actor
    Membership.objects.bulk_update(active, ["ended_on", "ended_by"])
    audit_log.record_updated(active, before)
    return active


@transaction.atomic
def unit_merge(
    *,
    unit: Unit,
    successor: Unit,
    effective_on: datetime.date,
    actor: User | None,
    note: str = "",
) -> Unit:
    """Merge the unit into a successor from a date.

    Its active sub-units move under the successor and its members become members
    of the successor; its other roles end. The unit stays, dissolved, in history.
    """
    unit = _locked(unit)
    successor = _locked(successor)
    _require_active(unit)
    _require_active(successor, "successor")
    if successor.path.startswith(unit.path):
        raise ValidationError(
            {
                "successor": _(
                    "A unit cannot be merged into itself or its own sub-units."
                )
            }
        )
    check_effective_date(
        effective_on, not_before=unit.established_on, field="effective_on"
    )
    children = [child for child in Unit.objects.get_children(unit) if child.is_active]
    for child in children:
        try:
            check_parent_kind(child.kind, successor, field="successor")
        except ValidationError:
            raise ValidationError(
                {
                    "successor": _(
                        "%(child)s cannot be placed under %(successor)s; "
                        "choose another successor or move it first."
                    )
                    % {"child": child.name, "successor": successor.name}
                }
            ) from None
    for child in children:
        child = _move(child, successor)
        successor.refresh_from_db()
        _record(
            child,
            UnitEvent.Kind.MOVED,
            effective_on,
            actor,
            note,
            old_parent=unit.name,
            new_parent=successor.name,
        )
    ended = _end_memberships(unit, effective_on, actor)
    moved = Membership.objects.bulk_create(
        [
            Membership(
                user_id=m.user_id,
                unit=successor,
                role=Role.MEMBER,
                position=m.position,
                started_on=max(effective_on, m.started_on),
                granted_by=actor,
            )
            for m in ended
            if m.role == Role.MEMBER
        ]
    )
    audit_log.record_created(moved)
    unit.refresh_from_db()
    unit.dissolved_on = effective_on
    unit.successor = successor
    unit.save(update_fields=["dissolved_on", "successor", "updated_at"])
    _close_name(unit, effective_on - datetime.timedelta(days=1))
    counts = {
        "children": len(children),
        "members": sum(1 for m in ended if m.role == Role.MEMBER),
        "roles_ended": sum(1 for m in ended if m.role != Role.MEMBER),
    }
    _record(
        unit,
        UnitEvent.Kind.MERGED,
        effective_on,
        actor,
        note,
        successor=successor.name,
        **counts,
    )
    _record(
        successor,
        UnitEvent.Kind.ABSORBED,
        effective_on,
        actor,
        note,
        merged=unit.name,
        **counts,
    )
    if actor is not None:
        forget_grants(actor)
    return unit


@transaction.atomic
def unit_dissolve(
    *, unit: Unit, effective_on: datetime.date, actor: User | None, note: str = ""
) -> Unit:
    """Dissolve a unit from a date; every role held on it ends that day."""
    unit = _locked(unit)
    _require_active(unit)
    active_children = [
        child for child in Unit.objects.get_children(unit) if child.is_active
    ]
    if active_children:
        raise ValidationError(
            _(
                "%(unit)s still has %(count)d active sub-units. Move or dissolve them, "
                "or merge the unit into a successor."
            )
            % {"unit": unit.name, "count": len(active_children)}
        )
    check_effective_date(
        effective_on, not_before=unit.established_on, field="effective_on"
    )
    ended = _end_memberships(unit, effective_on, actor)
    unit.dissolved_on = effective_on
    unit.save(update_fields=["dissolved_on", "updated_at"])
    _close_name(unit, effective_on - datetime.timedelta(days=1))
    _record(
        unit,
        UnitEvent.Kind.DISSOLVED,
        effective_on,
        actor,
        note,
        roles_ended=len(ended),
    )
    if actor is not None:
        forget_grants(actor)
    return unit
