"""The audit log for unit administrators: search it, read it, export it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import changes_of, entries_for_user, type_name
from units import access
from units.pagination import keyset_page
from units.spreadsheets import workbook_bytes

PAGE_SIZE = 50
# An export holds at most this many entries, the newest first; narrower filters
# reach older ones.
EXPORT_LIMIT = 50_000


def _filter_form(request) -> AuditFilterForm:
    user = request.user
    if not access.can(user, "view", AuditEntry):
        raise PermissionDenied
    return AuditFilterForm(
        request.GET or None,
        units=access.units_for(user, "view", AuditEntry).order_by("path"),
    )


def _rows(entries):
    for entry in entries:
        yield entry, changes_of(entry), type_name(entry.target_type)


@login_required
@require_GET
def entry_list(request):
    form = _filter_form(request)
    entries = entries_for_user(request.user, form.filters())
    page = keyset_page(entries, ("-id",), request.GET.get("cursor"), PAGE_SIZE)
    page.object_list = list(_rows(page.object_list))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_limit": EXPORT_LIMIT,
        },
    )


def _changes_text(changes) -> str:
    lines = []
    for change in changes:
        if change.single:
            lines.append(f"{change.label}: {change.after}")
        else:
            lines.append(f"{change.label}: {change.before} → {change.after}")
    return "\n".join(lines)


@login_required
@require_GET
def entry_export(request):
    form = _filter_form(request)
    entries = entries_for_user(request.user, form.filters()).order_by("-id")[
        :EXPORT_LIMIT
    ]
    zone = timezone.get_current_timezone()
    rows = (
        [
            timezone.localtime(entry.at, zone).strftime("%d/%m/%Y %H:%M:%S"),
            entry.actor_name,
            entry.get_action_display(),
            kind,
            entry.target_id,
            entry.target_repr,
            entry.unit.name if entry.unit else "",
            _changes_text(changes),
            entry.ip or "",
            entry.user_agent,
        ]
        for entry, changes, kind in _rows(entries.iterator(chunk_size=2000))
    )
    headers = [
        _("When"),
        _("Who"),
        _("Action"),
        _("Record type"),
        _("Record no."),
        _("Record"),
        _("Unit"),
        _("What"),
        _("From address"),
        _("Browser"),
    ]
    data = workbook_bytes(
        _("Audit log"), headers, rows, [18, 24, 18, 20, 10, 40, 30, 60, 16, 40]
    )
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = content_disposition_header(
        True, f"nhat-ky-{stamp}.xlsx"
    )
    return response
