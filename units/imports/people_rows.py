"""Check the rows of a people file and give user names to the rows without one."""

import re

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from core.text import fold
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
from units.imports.columns import NO_WORDS, PEOPLE_COLUMNS, ROLE_WORDS, YES_WORDS
from units.imports.reading import Table
from units.models import Role, Unit, User

PHONE_RE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


def _phone_ok(phone: str) -> bool:
    """Say whether the text is a phone number that fits the 20-character field.

    The pattern alone let through "+" and 20 more characters (21 in all) and
    numbers without enough digits, such as "(...) ---".
    """
    digits = sum(ch.isdigit() for ch in phone)
    return bool(PHONE_RE.match(phone)) and len(phone) <= 20 and 8 <= digits <= 20


def check_people_rows(
    unit: Unit, table: Table, index: dict[str, int]
) -> tuple[list, list]:
    labels = {c.key: c.label for c in PEOPLE_COLUMNS}
    problems: list[dict] = []
    rows: list[dict] = []
    unit_codes = {
        _text(cells, index.get("unit_code")).upper() for _n, cells in table.rows
    }
    units = _scope_units(unit, unit_codes)
    usernames = {
        _text(cells, index.get("username")).lower() for _n, cells in table.rows
    } - {""}
    emails = {_text(cells, index.get("email")).lower() for _n, cells in table.rows} - {
        ""
    }
    taken_usernames = _existing(User, "username", usernames)
    taken_emails = _existing(User, "email", emails)
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    username_validator = UnicodeUsernameValidator()
    for number, cells in table.rows:
        row_problems: list[dict] = []
        record = {key: _text(cells, i) for key, i in index.items()}
        code = record.get("unit_code", "").upper()
        if not code:
            row_problems.append(
                _problem(number, labels["unit_code"], _("The unit code is missing."))
            )
        elif code not in units:
            row_problems.append(
                _problem(
                    number,
                    labels["unit_code"],
                    _("No active unit with the code %(code)s under %(unit)s.")
                    % {"code": code, "unit": unit.name},
                )
            )
        record["unit_code"] = code
        if not record.get("full_name"):
            row_problems.append(
                _problem(number, labels["full_name"], _("The full name is missing."))
            )
        _check_length(
            record.get("full_name", ""), 150, labels["full_name"], number, row_problems
        )
        username = record.get("username", "")
        if username:
            try:
                username_validator(username)
            except ValidationError:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("A user name may hold only letters, digits and . @ + - _"),
                    )
                )
            _check_length(username, 150, labels["username"], number, row_problems)
            if username.lower() in seen_usernames:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("The user name %(value)s is also on row %(row)d.")
                        % {"value": username, "row": seen_usernames[username.lower()]},
                    )
                )
            elif username.lower() in taken_usernames:
                row_problems.append(
                    _problem(
                        number,
                        labels["username"],
                        _("The user name %(value)s is already taken.")
                        % {"value": username},
                    )
                )
            seen_usernames.setdefault(username.lower(), number)
        email = record.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _('"%(value)s" is not an email address.') % {"value": email},
                    )
                )
            # The validator allows 320 characters; the column holds 254.
            _check_length(email, 254, labels["email"], number, row_problems)
            if email.lower() in seen_emails:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _("The email %(value)s is also on row %(row)d.")
                        % {"value": email, "row": seen_emails[email.lower()]},
                    )
                )
            elif email.lower() in taken_emails:
                row_problems.append(
                    _problem(
                        number,
                        labels["email"],
                        _("Another person already uses the email %(value)s.")
                        % {"value": email},
                    )
                )
            seen_emails.setdefault(email.lower(), number)
        phone = record.get("phone", "")
        if phone and not _phone_ok(phone):
            row_problems.append(
                _problem(
                    number,
                    labels["phone"],
                    _("Enter a phone number of 8 to 20 digits."),
                )
            )
        record["date_of_birth"] = _parse_date(
            _raw(cells, index.get("date_of_birth")),
            labels["date_of_birth"],
            row_problems,
            number,
        )
        _check_length(
            record.get("qualification", ""),
            150,
            labels["qualification"],
            number,
            row_problems,
        )
        _check_length(
            record.get("position", ""), 150, labels["position"], number, row_problems
        )
        role = Role.MEMBER
        if record.get("role"):
            role = _lookup(ROLE_WORDS, record["role"])
            if role is None:
                row_problems.append(
                    _problem(
                        number,
                        labels["role"],
                        _('"%(value)s" is not a role.') % {"value": record["role"]},
                    )
                )
        record["role"] = role or ""
        full_time = None
        raw_full_time = fold(record.get("full_time", ""))
        if raw_full_time:
            if raw_full_time in YES_WORDS:
                full_time = True
            elif raw_full_time in NO_WORDS:
                full_time = False
            else:
                row_problems.append(
                    _problem(number, labels["full_time"], _('Write "Có" or "Không".'))
                )
            if role and role != Role.OFFICER:
                row_problems.append(
                    _problem(
                        number,
                        labels["full_time"],
                        _("Full-time or part-time applies to officers only."),
                    )
                )
        record["full_time"] = full_time
        record["row"] = number
        problems.extend(row_problems)
        rows.append(record)
    # Make user names for the rows without one, avoiding every name in use.
    _fill_usernames(rows, set(seen_usernames))
    return rows, problems


def _username_base(full_name: str) -> str:
    """Return the user name made from a name, as services.suggest_username does."""
    base = ".".join(fold(full_name).replace("-", " ").split())[:140] or "nguoidung"
    base = "".join(ch for ch in base if ch.isalnum() or ch == ".").strip(".")
    return base or "nguoidung"


def _usernames_starting_with(bases: set[str]) -> set[str]:
    """Return the user names in use (lower-cased) that start with one of the bases."""
    found = set()
    for chunk in _chunks(bases, 100):
        query = Q()
        for base in chunk:
            query |= Q(username__istartswith=base)
        found |= {
            name.lower()
            for name in User.objects.filter(query).values_list("username", flat=True)
        }
    return found


def _fill_usernames(rows: list[dict], taken: set[str]) -> None:
    """Give every row without a user name a free one: "nguyen.van.an", "…2".

    The same names as services.suggest_username, but with one query per hundred
    names instead of one per row, so that a file of 35,000 people stays quick.
    """
    missing = [r for r in rows if not r.get("username") and r.get("full_name")]
    bases = {id(r): _username_base(r["full_name"]) for r in missing}
    taken = set(taken) | _usernames_starting_with(set(bases.values()))
    next_number: dict[str, int] = {}
    for record in missing:
        base = bases[id(record)]
        number = next_number.get(base, 1)
        candidate = base if number == 1 else f"{base}{number}"
        while candidate.lower() in taken:
            number += 1
            candidate = f"{base}{number}"
        next_number[base] = number
        record["username"] = candidate
        taken.add(candidate.lower())


def _existing(model, field_name: str, values: set[str]) -> set[str]:
    """Return the values (lower-cased) already used in this field."""
    found = set()
    rows = model.objects.annotate(key=Lower(field_name))
    for chunk in _chunks(values):
        found |= set(rows.filter(key__in=chunk).values_list("key", flat=True))
    return found
