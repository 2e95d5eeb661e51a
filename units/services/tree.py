"""Every write to the union tree, people and roles goes through these functions.

Each one checks its inputs, changes the database atomically, and records the change
in the unit's history. Problems are raised as ``ValidationError`` keyed by the form
field they concern, so views can show them beside the field.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log as audit_log
from core.text import fold, nfc
from units.access import forget_grants
from units.models import (
    ALLOWED_PARENT_KINDS,
    EmulationBlock,
    EmulationBlockMember,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitKind,
    UnitName,
    User,
)
from units.signals import subtree_moved

# --- Checks shared by the services ---------------------------------------------


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


# --- Units ------------------------------------------------------------------------


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


# --- People and roles ----------------------------------------------------------


def suggest_username(full_name: str, taken: set[str] | None = None) -> str:
    """Return a free user name built from a Vietnamese name: "nguyen.van.an", "…2"."""
    base = ".".join(fold(full_name).replace("-", " ").split())[:140] or "nguoidung"
    base = "".join(ch for ch in base if ch.isalnum() or ch == ".").strip(".")
    base = base or "nguoidung"
    taken = set(taken or ())
    taken |= {
        u.lower()
        for u in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _check_email_free(email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("Another person already uses this email.")})


def _check_position(role: str, full_time: bool | None) -> None:
    if full_time is not None and role != Role.OFFICER:
        raise ValidationError(
            {"full_time": _("Full-time or part-time applies to officers only.")}
        )


@transaction.atomic
def person_create(
    *,
    unit: Unit,
    full_name: str,
    username: str = "",
    email: str = "",
    phone: str = "",
    date_of_birth: datetime.date | None = None,
    qualification: str = "",
    role: str = Role.MEMBER,
    position: str = "",
    full_time: bool | None = None,
    actor: User | None,
) -> User:
    """Add a new person to a unit with a first role; they set a password by mail."""
    unit = _locked(unit)
    _require_active(unit)
    full_name = nfc(full_name).strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    username = username.strip() or suggest_username(full_name)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    email = email.strip()
    _check_email_free(email)
    _check_position(role, full_time)
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date cannot be in the future.")})
    person = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone.strip(),
        date_of_birth=date_of_birth,
        qualification=nfc(qualification).strip(),
    )
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    Membership.objects.create(
        user=person,
        unit=unit,
        role=role,
        position=nfc(position).strip(),
        full_time=full_time,
        granted_by=actor,
    )
    return person


PERSON_FIELDS = (
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "qualification",
    "is_active",
)


@transaction.atomic
def person_update(*, person: User, actor: User | None, **changes) -> User:
    """Change a person's details."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update cannot change {sorted(unknown)}")
    person = User.objects.select_for_update().get(pk=person.pk)
    if "email" in changes:
        changes["email"] = changes["email"].strip()
        _check_email_free(changes["email"], exclude_pk=person.pk)
    if changes.get("date_of_birth") and changes["date_of_birth"] > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date cannot be in the future.")})
    if (
        changes.get("is_active") is False
        and actor is not None
        and person.pk == actor.pk
    ):
        raise ValidationError(
            {"is_active": _("You cannot deactivate your own account.")}
        )
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean(exclude=["password"])
    person.save()
    return person


@transaction.atomic
def role_grant(
    *,
    unit: Unit,
    person: User,
    role: str,
    position: str = "",
    full_time: bool | None = None,
    started_on: datetime.date | None = None,
    actor: User | None,
) -> Membership:
    """Give a person a role on a unit (and so on every unit below it)."""
    unit = _locked(unit)
    _require_active(unit)
    started_on = started_on or timezone.localdate()
    check_effective_date(started_on, field="started_on")
    _check_position(role, full_time)
    active = Membership.objects.active().filter(user=person)
    if active.filter(unit=unit, role=role).exists():
        raise ValidationError({"role": _("This person already holds this role here.")})
    if role == Role.MEMBER and active.filter(role=Role.MEMBER).exists():
        raise ValidationError(
            {
                "role": _(
                    "This person is already a member of another union; end that "
                    "membership first."
                )
            }
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=person,
                unit=unit,
                role=role,
                position=nfc(position).strip(),
                full_time=full_time,
                started_on=started_on,
                granted_by=actor,
            )
    except IntegrityError:
        # Another request granted the same role a moment ago.
        raise ValidationError(
            {"role": _("This person already holds this role here.")}
        ) from None
    forget_grants(person)
    return membership


@transaction.atomic
def role_revoke(
    *, membership: Membership, actor: User | None, ended_on: datetime.date | None = None
) -> Membership:
    """End a role; the record stays as history."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This role has already ended."))
    ended_on = ended_on or timezone.localdate()
    check_effective_date(ended_on, not_before=membership.started_on, field="ended_on")
    membership.ended_on = ended_on
    membership.ended_by = actor
    membership.save(update_fields=["ended_on", "ended_by"])
    forget_grants(membership.user)
    return membership


# --- Emulation blocks ----------------------------------------------------------


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
