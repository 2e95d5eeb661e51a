"""Keyset pagination: pages are found by the last row seen, not by an OFFSET, so
page 400 costs what page 1 costs."""

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    number_hint: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def encode_cursor(values: list, direction: str, number: int) -> str:
    raw = json.dumps(
        {"v": values, "d": direction, "n": number},
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[list, str, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        values, direction, number = data["v"], data["d"], int(data["n"])
    except (
        ValueError,
        KeyError,
        TypeError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
    ):
        return None
    if direction not in ("next", "prev") or not isinstance(values, list):
        return None
    return values, direction, max(number, 1)


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows that come after `values` in this ordering (ties broken field by field)."""
    query = Q(pk__in=[])
    for index, name in enumerate(ordering):
        descending = name.startswith("-")
        column = name.lstrip("-")
        step = Q(**{f"{column}__{'lt' if descending else 'gt'}": values[index]})
        for previous, value in zip(ordering[:index], values[:index], strict=False):
            step &= Q(**{previous.lstrip("-"): value})
        query |= step
    return query


def _flip(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def keyset_page(
    queryset: QuerySet, ordering: tuple[str, ...], cursor: str | None, size: int
) -> KeysetPage:
    """Return one page of the queryset in `ordering`, which must end with a unique
    field (such as "id" or "-id")."""
    decoded = _decode(cursor) if cursor else None
    columns = [name.lstrip("-") for name in ordering]

    def values_of(row) -> list:
        return [getattr(row, column) for column in columns]

    rows = None
    if decoded is not None and len(decoded[0]) == len(ordering):
        values, direction, number = decoded
        forward = direction == "next"
        order = ordering if forward else _flip(ordering)
        try:
            found = list(
                queryset.filter(_after(order, values)).order_by(*order)[: size + 1]
            )
        except (ValueError, TypeError, OverflowError, ValidationError):
            found = None  # a cursor edited by hand: start again from page 1
        if found is not None:
            more = len(found) > size
            rows = found[:size] if forward else list(reversed(found[:size]))
            has_more, has_before = (more, True) if forward else (True, more)
    if rows is None:
        rows = list(queryset.order_by(*ordering)[: size + 1])
        number = 1
        has_more, has_before = len(rows) > size, False
        rows = rows[:size]
    page = KeysetPage(object_list=rows, number_hint=number)
    if rows and has_more:
        page.next_cursor = encode_cursor(values_of(rows[-1]), "next", number + 1)
    if rows and has_before and number > 1:
        page.previous_cursor = encode_cursor(values_of(rows[0]), "prev", number - 1)
    return page
