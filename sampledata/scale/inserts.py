"""Fast writes for the data at scale: bulk inserts (COPY on PostgreSQL) with keys
given, dates kept, and fresh planner statistics afterwards."""

import contextlib
import datetime
import io
import json

from django.db import connection
from django.utils import timezone

# Rows per statement of bulk_create.
BATCH = 5000


def analyze(*tables: str) -> None:
    """Fresh planner statistics after bulk inserts (PostgreSQL)."""
    if connection.vendor == "postgresql" and tables:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))


@contextlib.contextmanager
def keep_dates(model, *names: str):
    """Let bulk inserts keep the dates given instead of "now" on auto_now fields."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (now, now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = now, now_add


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def reserve_keys(model, count: int) -> int:
    """Take `count` primary keys of the model's table from its sequence
    (PostgreSQL); return the first."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), "
            "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [table, column, table, column, count],
        )
        last = cursor.fetchone()[0]
    return last - count + 1


def bulk_insert(objects: list, keys: list[int] | None = None) -> None:
    """Insert model instances of one model, giving them their primary keys.

    On PostgreSQL the keys come from the table's sequence, or from `keys` when
    given (reserved beforehand, see ScalePlan.interleaved_keys), and the rows go
    in by COPY, without Django's per-row work (tens of times faster at a million
    rows); elsewhere this is bulk_create. Foreign keys may point at rows saved
    since they were assigned; auto_now dates not given are set to now.
    """
    if not objects:
        return
    model = type(objects[0])
    if keys is not None and len(keys) != len(objects):
        raise ValueError(f"{len(keys)} keys for {len(objects)} rows")
    if connection.vendor != "postgresql":
        for obj, key in zip(objects, keys or [], strict=False):
            obj.pk = key
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    dated = [
        f
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    table = meta.db_table
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [table, meta.pk.column, len(objects)],
            )
            keys = sorted(row[0] for row in cursor.fetchall())
        lines = []
        for obj, key in zip(objects, keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            for f in relations:
                if getattr(obj, f.attname) is None and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    if related is not None:
                        # Through the relation, so the related row stays cached.
                        setattr(obj, f.name, related)
            for f in dated:
                if getattr(obj, f.attname) is None:
                    setattr(obj, f.attname, now)
            lines.append(
                "\t".join(
                    [str(key), *(_copy_value(getattr(obj, f.attname)) for f in fields)]
                )
            )
        data = io.StringIO("\n".join(lines) + "\n")
        columns = ", ".join(
            connection.ops.quote_name(c)
            for c in [meta.pk.column, *(f.column for f in fields)]
        )
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", data
        )


def fast_inserts() -> None:
    """Within the current transaction, do not wait for the WAL flush on commit:
    a crash loses the scale data being built, nothing else."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
