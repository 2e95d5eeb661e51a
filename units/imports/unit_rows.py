"""Check the rows of a units file: codes, parents, kinds and names."""

import re

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from units.imports._common import (
    _check_length,
    _chunks,
    _lookup,
    _parse_date,
    _problem,
    _raw,
    _scope_units,
    _text,
)
from units.imports.columns import KIND_WORDS, UNIT_COLUMNS
from units.imports.reading import Table
from units.models import ALLOWED_PARENT_KINDS, Unit, UnitKind


def _existing_codes(codes: set[str]) -> set[str]:
    """Return the codes (upper-cased) that some unit already uses."""
    existing = set()
    all_units = Unit.objects.annotate(key=Upper("code"))
    for chunk in _chunks({c.upper() for c in codes if c}):
        existing |= set(all_units.filter(key__in=chunk).values_list("key", flat=True))
    return existing


def check_unit_rows(
    unit: Unit, table: Table, index: dict[str, int]
) -> tuple[list, list]:
    labels = {c.key: c.label for c in UNIT_COLUMNS}
    problems: list[dict] = []
    rows: list[dict] = []
    codes_in_file = [
        _text(cells, index.get("code")).upper() for _n, cells in table.rows
    ]
    parent_codes = {
        _text(cells, index.get("parent_code")).upper() for _n, cells in table.rows
    }
    existing = _existing_codes(set(codes_in_file))
    parents_in_db = _scope_units(unit, parent_codes)
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        row_problems: list[dict] = []
        record = {key: _text(cells, i) for key, i in index.items()}
        code = record.get("code", "")
        if not code:
            row_problems.append(
                _problem(number, labels["code"], _("The code is missing."))
            )
        elif not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", code):
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _(
                        "Use only letters without accents, digits, dots, dashes and "
                        "underscores."
                    ),
                )
            )
        elif code.upper() in seen:
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _("The code %(code)s is also on row %(row)d.")
                    % {"code": code, "row": seen[code.upper()]},
                )
            )
        elif code.upper() in existing:
            row_problems.append(
                _problem(
                    number,
                    labels["code"],
                    _("A unit with the code %(code)s already exists.") % {"code": code},
                )
            )
        else:
            _check_length(code, 40, labels["code"], number, row_problems)
        if code:
            seen.setdefault(code.upper(), number)
        if not record.get("name"):
            row_problems.append(
                _problem(number, labels["name"], _("The name is missing."))
            )
        _check_length(record.get("name", ""), 255, labels["name"], number, row_problems)
        _check_length(
            record.get("short_name", ""),
            100,
            labels["short_name"],
            number,
            row_problems,
        )
        _check_length(
            record.get("abbreviation", ""),
            30,
            labels["abbreviation"],
            number,
            row_problems,
        )
        _check_length(
            record.get("place_name", ""),
            100,
            labels["place_name"],
            number,
            row_problems,
        )
        kind = _lookup(KIND_WORDS, record.get("kind", ""))
        if kind is None:
            row_problems.append(
                _problem(
                    number,
                    labels["kind"],
                    _('"%(value)s" is not a kind of unit.')
                    % {"value": record.get("kind", "")},
                )
            )
        record["kind"] = kind or ""
        record["established_on"] = _parse_date(
            _raw(cells, index.get("established_on")),
            labels["established_on"],
            row_problems,
            number,
        )
        parent_code = record.get("parent_code", "").upper()
        record["parent_code"] = parent_code
        if not parent_code:
            row_problems.append(
                _problem(
                    number,
                    labels["parent_code"],
                    _("The parent unit's code is missing."),
                )
            )
        elif parent_code not in parents_in_db and parent_code not in codes_in_file:
            row_problems.append(
                _problem(
                    number,
                    labels["parent_code"],
                    _("No active unit with the code %(code)s under %(unit)s.")
                    % {"code": parent_code, "unit": unit.name},
                )
            )
        record["code"] = code
        record["row"] = number
        problems.extend(row_problems)
        rows.append(record)

    # Kinds and order: every parent must exist before its children.
    by_code = {r["code"].upper(): r for r in rows if r["code"]}
    for record in rows:
        parent_code = record["parent_code"]
        parent_kind = None
        if parent_code in by_code:
            parent_kind = by_code[parent_code]["kind"] or None
        elif parent_code in parents_in_db:
            parent_kind = parents_in_db[parent_code].kind
        else:
            continue
        if (
            record["kind"]
            and parent_kind
            and parent_kind not in ALLOWED_PARENT_KINDS[record["kind"]]
        ):
            problems.append(
                _problem(
                    record["row"],
                    labels["kind"],
                    _("A %(kind)s cannot be placed under a %(parent_kind)s.")
                    % {
                        "kind": UnitKind(record["kind"]).label,
                        "parent_kind": UnitKind(parent_kind).label,
                    },
                )
            )
    ordered, cycle = _parents_first(rows, by_code)
    for record in cycle:
        problems.append(
            _problem(
                record["row"],
                labels["parent_code"],
                _(
                    "The parent codes go round in a circle; one of them must be an "
                    "existing unit."
                ),
            )
        )
    return ordered, problems


def _parents_first(
    rows: list[dict], by_code: dict[str, dict]
) -> tuple[list[dict], list[dict]]:
    """Order rows so each comes after its parent in the file; report circles."""
    placed: set[str] = set()
    ordered: list[dict] = []
    pending = list(rows)
    while pending:
        progress = []
        for record in pending:
            parent = record["parent_code"]
            if parent not in by_code or parent in placed:
                progress.append(record)
        if not progress:
            return ordered, pending
        for record in progress:
            ordered.append(record)
            placed.add(record["code"].upper())
        # By identity: comparing the rows themselves made this quadratic.
        done = {id(record) for record in progress}
        pending = [r for r in pending if id(r) not in done]
    return ordered, []
