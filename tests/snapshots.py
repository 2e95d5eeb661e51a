"""Fixture data built once per test process and copied into each test.

Building the cast through the services (a unit tree, councils, people) takes a
few hundred queries. A ``Snapshot`` runs the builder once, in a transaction that
is rolled back, and keeps two things: the rows the builder wrote (read back from
the database) and the objects it returned (their field values as the builder
left them, stale or not). Each test then gets the same rows with one bulk insert
per table and fresh copies of the same objects, for a few queries.

A copy is only exact when the tables the builder writes (and the tables those
rows point at) hold what they held when the snapshot was taken. Each ``restore``
checks that; when they differ (a test made its own units before asking for the
tree, say), the builder runs as before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction


def _copied(values: dict) -> dict:
    """A copy that shares no mutable value (JSON data) with the snapshot."""
    return {
        key: copy.deepcopy(value) if isinstance(value, dict | list) else value
        for key, value in values.items()
    }


def _all_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _pks(model, using) -> frozenset:
    return frozenset(model._base_manager.using(using).values_list("pk", flat=True))


def _related_models(model) -> set[type[models.Model]]:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None
    }


@dataclass
class _Object:
    """One object the builder returned: its model, pk and field values."""

    model: type[models.Model]
    values: dict
    relations: dict  # attribute name -> (layer key, name) of a returned object


@dataclass
class Snapshot:
    rows: dict = field(default_factory=dict)  # model -> list of row dicts
    before: dict = field(default_factory=dict)  # model -> pks present at capture
    objects: dict = field(default_factory=dict)  # name -> _Object or value
    usable: bool = True

    @classmethod
    def capture(
        cls,
        build: Callable[[], SimpleNamespace],
        context: SimpleNamespace | None = None,
        using=DEFAULT_DB_ALIAS,
    ) -> tuple[Snapshot, SimpleNamespace]:
        """Run ``build`` (inside the caller's transaction) and record what it did;
        return the snapshot and what ``build`` returned.

        ``context`` is an earlier layer whose objects the returned ones may hold
        as relations (the tree's units for the councils)."""
        every = _all_models()
        start = {model: _pks(model, using) for model in every}
        result = build()
        snapshot = cls()
        for model in every:
            new = _pks(model, using) - start[model]
            if not new:
                continue
            if model._meta.parents:
                snapshot.usable = False  # bulk_create cannot copy such rows
            attnames = [f.attname for f in model._meta.concrete_fields]
            snapshot.rows[model] = list(
                model._base_manager.using(using)
                .filter(pk__in=new)
                .order_by("pk")
                .values(*attnames)
            )
        watched = set(snapshot.rows)
        for model in list(watched):
            watched |= _related_models(model)
        snapshot.before = {model: start[model] for model in watched}
        earlier = vars(context) if context is not None else {}
        known = {id(v): ("context", n) for n, v in earlier.items()}
        known |= {id(v): ("own", n) for n, v in vars(result).items()}
        for name, value in vars(result).items():
            snapshot.objects[name] = cls._describe(value, known)
        return snapshot, result

    @staticmethod
    def _describe(value, known):
        if not isinstance(value, models.Model):
            if isinstance(value, SimpleNamespace | list | dict | set):
                raise TypeError(f"Cannot copy {value!r} from a snapshot.")
            return value
        # A cached relation to another returned object (a council's unit, say)
        # stays the very same object, as the builder left it; other cached
        # relations are left to load again.
        relations = {}
        for f in value._meta.concrete_fields:
            if f.is_relation and f.is_cached(value):
                target = known.get(id(f.get_cached_value(value)))
                if target is not None:
                    relations[f.name] = target
        values = {
            f.attname: copy.deepcopy(getattr(value, f.attname))
            for f in value._meta.concrete_fields
        }
        return _Object(type(value), values, relations)

    def matches(self, using=DEFAULT_DB_ALIAS) -> bool:
        return self.usable and all(
            _pks(model, using) == pks for model, pks in self.before.items()
        )

    def restore(
        self, context: SimpleNamespace | None = None, using=DEFAULT_DB_ALIAS
    ) -> dict:
        """Insert the rows and return fresh copies of the builder's objects (by
        name), their relations to ``context`` pointing at its objects."""
        inserted = {}
        with transaction.atomic(using=using):
            for model, rows in self.rows.items():
                instances = [model(**_copied(row)) for row in rows]
                model._base_manager.using(using).bulk_create(instances)
                inserted[model] = {obj.pk: obj for obj in instances}
            connection = connections[using]
            statements = connection.ops.sequence_reset_sql(no_style(), list(self.rows))
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
        objects = {}
        for name, item in self.objects.items():
            if not isinstance(item, _Object):
                objects[name] = item
                continue
            obj = item.model(**_copied(item.values))
            obj._state.adding = False
            obj._state.db = using
            # Timestamps set on insert are those just written, as on creation.
            row = inserted.get(item.model, {}).get(obj.pk)
            if row is not None:
                for f in item.model._meta.concrete_fields:
                    if getattr(f, "auto_now", False) or getattr(
                        f, "auto_now_add", False
                    ):
                        setattr(obj, f.attname, getattr(row, f.attname))
            objects[name] = obj
        for name, item in self.objects.items():
            if not isinstance(item, _Object):
                continue
            for attribute, (where, target) in item.relations.items():
                source = objects if where == "own" else vars(context)
                setattr(objects[name], attribute, source[target])
        return objects
