"""Writing the audit log.

``record`` writes one entry. ``track`` follows a model: every row created,
changed or deleted through the ORM writes an entry with the fields that changed,
in the same transaction as the change (a change rolled back leaves no entry).
Bulk inserts and queryset updates bypass it; the code that uses them for real
records writes its own entry.

The log knows no app: each app says, in its module ``tracking`` (imported when
the project starts), which of its models are followed, with ``track``, and which
are not and why, with ``untracked``. A test keeps the two lists complete.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from audit.context import Origin, current_origin, is_suspended
from audit.models import Action, AuditEntry
from core.text import fold

# Values longer than this are cut in the log.
VALUE_LIMIT = 300
SECRET = "•••"  # noqa: S105 - the mark written instead of a secret value
# Bookkeeping columns that say nothing about what a person did.
NOT_FOLLOWED = frozenset(
    {
        "search_text",
        "created_at",
        "updated_at",
        "unit_path",
        "recognizing_path",
        "depth",
        "numchild",
        "last_login",
    }
)

_UNSET = object()


def plain(value):
    """Return the value as JSON can hold it, text cut to VALUE_LIMIT."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, FieldFile):
        value = value.name or ""
    elif isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    elif isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    elif isinstance(value, bytes | memoryview):
        return "<binary>"
    text = str(value).replace("\x00", "")
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def describe(obj) -> str:
    try:
        text = str(obj)
    except ObjectDoesNotExist:
        text = f"#{obj.pk}"
    return text.replace("\x00", "")[:255]


def _entry(
    action: str,
    target=None,
    *,
    unit_id=None,
    changes: dict | None = None,
    seal: str = "",
    actor=_UNSET,
    origin: Origin | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str | None = None,
) -> AuditEntry:
    origin = origin or current_origin()
    if actor is _UNSET:
        actor = origin.actor
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if target_repr is None:
            target_repr = describe(target)
    actor_name = ""
    if actor is not None:
        actor_name = (actor.get_full_name() or actor.get_username())[:150]
    target_repr = (target_repr or "")[:255]
    return AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name,
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:40],
        target_repr=target_repr,
        unit_id=unit_id,
        ip=origin.ip,
        user_agent=origin.user_agent,
        changes=changes or {},
        seal=seal,
        search_text=fold(f"{actor_name} {target_repr} {target_id}")[:500],
    )


def record(action: str, target=None, **details) -> AuditEntry | None:
    """Write one entry: by the current request's user unless `actor` is given.

    `details`: unit_id, changes, seal, actor, origin, and for an entry about no
    loaded record target_type, target_id, target_repr.
    """
    if is_suspended():
        return None
    entry = _entry(action, target, **details)
    entry.save()
    return entry


def unseal(seal: str) -> int:
    """Show the values of the entries under this seal (a session has closed)."""
    return AuditEntry.objects.filter(seal=seal).update(seal="")


# --- Following models -----------------------------------------------------------


@dataclass
class Tracked:
    model: type[models.Model]
    # How to reach the record's unit: "self" for a unit, a path such as
    # "council__unit", or a function of the record returning a unit id.
    unit: str | Callable | None = None
    # Fields whose values are never written, only that they changed.
    secret: frozenset = frozenset()
    skip: frozenset = frozenset()
    # A function of the record returning the seal for its entries ("" for none).
    seal: Callable | None = None
    # A function (record, created, changes) -> action, or None for the default.
    action: Callable | None = None
    # A function of the record returning how the log names it (default: str()).
    label: Callable | None = None
    fields: list = field(default_factory=list)

    def __post_init__(self):
        self.fields = [
            f
            for f in self.model._meta.concrete_fields
            if not f.primary_key
            and f.name not in NOT_FOLLOWED
            and f.name not in self.skip
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]

    def unit_id(self, obj):
        if self.unit is None:
            return None
        if callable(self.unit):
            return self.unit(obj)
        if self.unit == "self":
            return obj.pk
        try:
            return _walk(obj, self.unit)
        except ObjectDoesNotExist:
            return None

    def describe(self, obj) -> str | None:
        if self.label is None:
            return None
        try:
            return self.label(obj)[:255]
        except ObjectDoesNotExist:
            return f"#{obj.pk}"

    def shown(self, f, value):
        if f.name in self.secret:
            return SECRET if value not in (None, "") else value
        return plain(value)


_tracked: dict[type[models.Model], Tracked] = {}
# Models not followed, with the reason.
_untracked: dict[type[models.Model], str] = {}


def tracked_models() -> dict[type[models.Model], Tracked]:
    return dict(_tracked)


def untracked_models() -> dict[type[models.Model], str]:
    return dict(_untracked)


def unit_id_of(obj) -> int | None:
    """The unit the entries about this record name (None if its model is not
    followed or says no unit)."""
    spec = _tracked.get(type(obj))
    return None if spec is None else spec.unit_id(obj)


def _walk(obj, path: str):
    """Follow a path such as "council__unit" to a unit id: through the objects
    already loaded, then in one query for the rest of the way."""
    first, _, rest = path.partition("__")
    if not rest:
        return getattr(obj, f"{first}_id")
    relation = obj._meta.get_field(first)
    if relation.is_cached(obj):
        related = getattr(obj, first)
        return None if related is None else _walk(related, rest)
    related_id = getattr(obj, relation.attname)
    if related_id is None:
        return None
    return (
        relation.related_model._base_manager.filter(pk=related_id)
        .values_list(rest, flat=True)
        .first()
    )


def _value(f, obj):
    value = getattr(obj, f.attname)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _same(f, before, after) -> bool:
    try:
        return f.to_python(before) == f.to_python(after)
    except (ValidationError, TypeError, ValueError):
        return before == after


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or is_suspended() or instance._state.adding or instance.pk is None:
        return
    spec = _tracked[sender]
    fields = spec.fields
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields]
    if not fields:
        return
    row = (
        sender._base_manager.filter(pk=instance.pk)
        .values(*[f.attname for f in fields])
        .first()
    )
    instance._audit_before = (fields, row)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or is_suspended():
        return
    spec = _tracked[sender]
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created:
        changes = _created_changes(spec, instance)
        action = Action.CREATED
    else:
        if before is None:
            return
        fields, row = before
        if row is None:
            return
        changes = {}
        for f in fields:
            old, new = row[f.attname], _value(f, instance)
            if not _same(f, old, new):
                changes[f.name] = [spec.shown(f, old), spec.shown(f, new)]
        if not changes:
            return
        action = Action.CHANGED
    _tracked_entry(action, spec, instance, changes, current_origin()).save()


def _after_delete(sender, instance, **kwargs):
    if is_suspended():
        return
    spec = _tracked[sender]
    record(
        Action.DELETED,
        instance,
        unit_id=None if spec.unit == "self" else spec.unit_id(instance),
        seal=spec.seal(instance) if spec.seal else "",
        target_repr=spec.describe(instance),
    )


def track(model: type[models.Model], **options) -> None:
    """Follow the model: write an entry for every row created, changed or deleted.

    `options` are those of Tracked: unit, secret, skip, seal, action, label.
    """
    _tracked[model] = Tracked(model, **options)
    uid = f"audit:{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)


def untracked(model: type[models.Model], reason: str) -> None:
    """Say that the model is not followed, and why."""
    _untracked[model] = reason


def _created_changes(spec: Tracked, obj) -> dict:
    return {
        f.name: spec.shown(f, value)
        for f in spec.fields
        if not _empty(value := _value(f, obj))
    }


def _tracked_entry(action, spec: Tracked, obj, changes, origin) -> AuditEntry:
    if spec.action is not None:
        action = spec.action(obj, action == Action.CREATED, changes) or action
    return _entry(
        action,
        obj,
        unit_id=spec.unit_id(obj),
        changes=changes,
        seal=spec.seal(obj) if spec.seal else "",
        target_repr=spec.describe(obj),
        origin=origin,
    )


def record_created(objects: Iterable[models.Model]) -> None:
    """Write the entries of rows added by bulk_create (which sends no signals)."""
    if is_suspended():
        return
    origin = current_origin()
    entries = [
        _tracked_entry(
            Action.CREATED,
            _tracked[type(obj)],
            obj,
            _created_changes(_tracked[type(obj)], obj),
            origin,
        )
        for obj in objects
    ]
    AuditEntry.objects.bulk_create(entries)


def values_before(objects: Iterable[models.Model], names: Iterable[str]) -> dict:
    """Remember fields of rows about to be changed by bulk_update."""
    return {
        obj.pk: {name: _value(obj._meta.get_field(name), obj) for name in names}
        for obj in objects
    }


def record_updated(objects: Iterable[models.Model], before: dict) -> None:
    """Write the entries of rows changed by bulk_update: `before` from
    values_before, taken before the objects were changed."""
    if is_suspended():
        return
    origin = current_origin()
    entries = []
    for obj in objects:
        spec = _tracked[type(obj)]
        changes = {}
        for name, old in before.get(obj.pk, {}).items():
            f = obj._meta.get_field(name)
            new = _value(f, obj)
            if not _same(f, old, new):
                changes[name] = [spec.shown(f, old), spec.shown(f, new)]
        if changes:
            entries.append(_tracked_entry(Action.CHANGED, spec, obj, changes, origin))
    AuditEntry.objects.bulk_create(entries)


def model_labels() -> Iterable[tuple[str, str]]:
    """Return (model label, its name) for every followed model, sorted by name."""
    return sorted(
        (
            (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
            for model in _tracked
        ),
        key=lambda pair: pair[1],
    )
