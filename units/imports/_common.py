"""Helpers shared by the reading, the checking and the applying of import files."""

import datetime

from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import fold
from units.models import Unit


def _problem(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def _lookup(words: dict, value: str) -> str | None:
    folded = fold(value)
    for key, options in words.items():
        if folded == key or folded in options:
            return key
    return None


def _parse_date(value, label: str, problems: list, row: int) -> str:
    if value in ("", None):
        return ""
    if isinstance(value, datetime.date):
        day = value
    else:
        day = None
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = datetime.datetime.strptime(str(value), pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            problems.append(
                _problem(
                    row,
                    label,
                    _('"%(value)s" is not a date; write dd/mm/yyyy.')
                    % {"value": value},
                )
            )
            return ""
    if day > timezone.localdate():
        problems.append(_problem(row, label, _("The date cannot be in the future.")))
        return ""
    if day.year < 1900:
        problems.append(_problem(row, label, _("The date is too far in the past.")))
        return ""
    return day.isoformat()


def _text(cells: list, index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value if isinstance(value, str) else value.strftime("%d/%m/%Y")


def _raw(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _check_length(value: str, limit: int, label: str, row: int, problems: list) -> None:
    if len(value) > limit:
        problems.append(
            _problem(
                row,
                label,
                _("At most %(limit)d characters (this has %(count)d).")
                % {"limit": limit, "count": len(value)},
            )
        )


def _chunks(values: set[str], size: int = 500):
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _scope_units(unit: Unit, codes: set[str]) -> dict[str, Unit]:
    """Return the active units in the unit's subtree with these codes.

    The result is keyed by the upper-cased code.
    """
    in_scope = (
        Unit.objects.filter(path__startswith=unit.path)
        .active()
        .annotate(key=Upper("code"))
    )
    result = {}
    for chunk in _chunks({code.upper() for code in codes if code}):
        for candidate in in_scope.filter(key__in=chunk):
            result[candidate.key] = candidate
    return result
