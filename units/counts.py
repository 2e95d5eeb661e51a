"""Counts kept in the cache until something they count is written.

Counting is what large lists and reports cost at scale. A count is cached under
a *topic* ("requests", "report"…); writing a model the topic covers moves the
topic's version on, so the next reader counts again. The time limit bounds how
stale a count can be where the cache is not shared (one cache per server
process) or where what is counted depends on more than the models watched.
"""

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

# The topics watched so far (forget_all starts them all again).
_topics: set[str] = set()


def _version_key(topic: str) -> str:
    return f"counts:{topic}:version"


def changed(topic: str) -> None:
    """Start the topic's counts again."""
    try:
        cache.incr(_version_key(topic))
    except ValueError:
        cache.set(_version_key(topic), 1, None)


def watch(topic: str, models: Iterable[str]) -> None:
    """Start the topic's counts again whenever one of the models is written."""
    _topics.add(topic)
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                lambda topic=topic, **kwargs: changed(topic),
                sender=model,
                weak=False,
                dispatch_uid=f"counts-{topic}-{model}-{signal is post_save}",
            )


def forget_all() -> None:
    """Start every watched topic's counts again (between tests, after bulk loads)."""
    for topic in _topics:
        changed(topic)


def cached(topic: str, key: str, compute: Callable, timeout: int):
    """compute(), or the value it gave since the topic last changed."""
    version = cache.get(_version_key(topic), 0)
    full_key = f"counts:{topic}:{version}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def count_together(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """Count several querysets in one round trip: {name: queryset} → {name: n}.

    A page that shows a few unrelated totals (the home page's "waiting for you"
    lines) asks the database once. The querysets must use the default database.
    """
    if not querysets:
        return {}
    columns, params = [], []
    for queryset in querysets.values():
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing, e.g. "in []"
            columns.append("0")
            continue
        # The ORM's own SQL, its values passed apart as parameters.
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(n) for n in row), strict=True))
