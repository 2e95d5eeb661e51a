"""Reading the audit log: the entries a reader may see, filtered, and how they
read."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import SECRET
from audit.models import AuditEntry
from core.text import search_terms
from units import access


def entries_for_user(user, filters: dict) -> QuerySet[AuditEntry]:
    """The entries the user may read, narrowed by the filters of AuditFilterForm."""
    entries = access.visible(user, AuditEntry)
    unit = filters.get("unit")
    if unit is not None:
        entries = entries.filter(
            Q(unit=unit)
            if filters.get("direct")
            else Q(unit__path__startswith=unit.path)
        )
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("target_type"):
        entries = entries.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        entries = entries.filter(target_id=filters["target_id"])
    if filters.get("actor"):
        entries = entries.filter(actor_id=filters["actor"])
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.datetime.combine(filters["date_from"], datetime.time.min)
        entries = entries.filter(at__gte=timezone.make_aware(start, zone))
    if filters.get("date_to"):
        end = datetime.datetime.combine(
            filters["date_to"] + datetime.timedelta(days=1), datetime.time.min
        )
        entries = entries.filter(at__lt=timezone.make_aware(end, zone))
    for term in search_terms(filters.get("q") or ""):
        entries = entries.filter(search_text__contains=term)
    return entries.select_related("unit")


@dataclass(frozen=True)
class Change:
    label: str
    before: object = None
    after: object = None
    # A new record lists its values only (no "before").
    single: bool = False


def _field(target_type: str, name: str):
    try:
        model = apps.get_model(target_type)
        return model._meta.get_field(name)
    except (LookupError, ValueError):
        return None


def _shown(field, value, sealed: bool):
    if sealed:
        return _("(sealed until the session closes)")
    if value is None or value == "":
        return "—"
    if value == SECRET:
        return _("(not recorded)")
    if field is not None and field.is_relation:
        return f"#{value}"
    if field is not None and getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _extra_labels() -> dict:
    # Entries written by hand name a few things that are not fields.
    return {"parent": _("parent unit"), "username": _("user name typed")}


def changes_of(entry: AuditEntry) -> list[Change]:
    """The entry's changes as they read: field labels, choice names, seals kept."""
    result = []
    extra = _extra_labels()
    for name, value in (entry.changes or {}).items():
        field = _field(entry.target_type, name)
        label = str(field.verbose_name) if field is not None else extra.get(name, name)
        if isinstance(value, list) and len(value) == 2:
            result.append(
                Change(
                    label,
                    _shown(field, value[0], entry.sealed),
                    _shown(field, value[1], entry.sealed),
                )
            )
        else:
            result.append(
                Change(label, after=_shown(field, value, entry.sealed), single=True)
            )
    return result


def type_name(target_type: str) -> str:
    try:
        return str(apps.get_model(target_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return target_type


def _log_url(user, unit, query: dict) -> str | None:
    """The audit log filtered by `query`, for the administrators of `unit` or
    above; None for everyone else."""
    if unit is None or not access.can(user, "view", AuditEntry, unit=unit):
        return None
    return f"{reverse('audit:entry_list')}?{urlencode(query)}"


def history_url(user, obj, unit) -> str | None:
    """The entries of one record."""
    return _log_url(
        user, unit, {"target_type": obj._meta.label_lower, "target_id": obj.pk}
    )


def unit_log_url(user, unit) -> str | None:
    """The entries of a unit and the units below it."""
    return _log_url(user, unit, {"unit": unit.pk if unit else None})
