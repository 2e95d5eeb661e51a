"""Views of recognition requests: lists, the form, the page and its steps, attachments.

Each view: fetch the object for this user (404 outside their scope), check the
named rule (403), parse the form, call a service, say what happened, redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import whole_number
from initiatives import exports, printing, services
from initiatives.forms.requests import (
    SORTS,
    AttachmentForm,
    AuthorFormSet,
    InitiativeFilterForm,
    InitiativeForm,
    ReasonForm,
    WithdrawForm,
    author_initial,
)
from initiatives.models import (
    Attachment,
    Idea,
    Initiative,
    InitiativeEvent,
    Registration,
)
from initiatives.selectors import requests as selectors
from initiatives.services import REQUEST_FIELDS
from units import access
from units.forms import run_service
from units.models import Unit
from units.pagination import keyset_page
from units.steps import flash_errors, run_step

# --- Helpers ------------------------------------------------------------------


def _request_for(request, pk, action=None) -> Initiative:
    initiative = selectors.initiative_for_page(request.user, pk)
    if action and not access.can(request.user, action, initiative):
        raise PermissionDenied
    return initiative


def _filters(request):
    form = InitiativeFilterForm(
        request.GET or None, units=selectors.filter_units_for_user(request.user)
    )
    if not form.is_bound:
        return form, {}
    # A bad value in one filter drops that filter only: cleaned_data keeps the
    # values that are valid.
    form.is_valid()
    return form, form.cleaned_data


# --- Requests: lists ----------------------------------------------------------


@login_required
@require_GET
def initiative_list(request):
    form, filters = _filters(request)
    requests = selectors.initiative_list_for_user(request.user, filters)
    ordering = SORTS.get(filters.get("sort") or "new", SORTS["new"])[1]
    page = keyset_page(
        requests, ordering, request.GET.get("cursor"), settings.PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "form": form,
            "page": page,
            "total": selectors.initiative_total(request.user, filters, requests),
            "query": query.urlencode(),
            "can_create": selectors.member_units_for(request.user).exists(),
        },
    )


@login_required
@require_GET
def initiative_export(request):
    _form, filters = _filters(request)
    requests = selectors.initiative_list_for_user(request.user, filters)
    ordering = SORTS.get(filters.get("sort") or "new", SORTS["new"])[1]
    content = exports.initiatives_xlsx(requests.order_by(*ordering))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sang-kien-{stamp}.xlsx"'
    return response


# --- Requests: the form -------------------------------------------------------


def _request_form(request, *, initiative=None, initial=None):
    units = selectors.member_units_for(request.user)
    if initiative is not None:
        # Another author may edit a request filed from a union they are not in.
        units = Unit.objects.filter(
            Q(pk__in=units.values("pk")) | Q(pk=initiative.unit_id)
        ).order_by("path")
    recognising = selectors.recognising_units_for(units)
    form = InitiativeForm(
        request.POST or None,
        units=units,
        recognising_units=recognising,
        initial=initial,
    )
    authors = AuthorFormSet(
        request.POST or None,
        prefix="authors",
        initial=author_initial(initiative, request.user) if not request.POST else None,
    )
    return form, authors


def _save_request(request, form, authors, call):
    """Validate the request and its authors, then run the service."""
    if request.method != "POST":
        return None
    form_ok, authors_ok = form.is_valid(), authors.is_valid()
    if not (form_ok and authors_ok):
        return None
    data = {name: form.cleaned_data[name] for name in REQUEST_FIELDS}
    return run_service(
        form,
        lambda: call(
            unit=form.cleaned_data["unit"],
            recognizing_unit=form.cleaned_data["recognizing_unit"],
            authors=authors.authors(),
            **data,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request):
    if not selectors.member_units_for(request.user).exists():
        raise PermissionDenied
    registration = None
    initial = {"year": timezone.localdate().year}
    registration_pk = whole_number(request.GET.get("registration"))
    if registration_pk is not None:
        registration = access.get_for_user(
            request.user, Registration, "edit", pk=registration_pk
        )
        initial.update(
            title=registration.title,
            kind=registration.kind,
            field=registration.field_id,
            field_other=registration.field_other,
            unit=registration.unit_id,
            year=registration.year,
        )
    home = selectors.home_union_for(request.user)
    if home is not None:
        initial.setdefault("unit", home.pk)
        initial.setdefault("recognizing_unit", home.pk)
    form, authors = _request_form(request, initial=initial)
    initiative = _save_request(
        request,
        form,
        authors,
        lambda **data: services.initiative_create(
            actor=request.user, registration=registration, **data
        ),
    )
    if initiative:
        messages.success(
            request,
            _("The draft was saved. Add evidence files, then submit it when ready."),
        )
        return redirect(initiative)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "authors": authors, "registration": registration},
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request, pk):
    initiative = _request_for(request, pk, "edit")
    initial = {name: getattr(initiative, name) for name in REQUEST_FIELDS}
    initial.update(
        unit=initiative.unit_id,
        recognizing_unit=initiative.recognizing_unit_id,
        field=initiative.field_id,
        version=initiative.version,
    )
    form, authors = _request_form(request, initiative=initiative, initial=initial)
    saved = _save_request(
        request,
        form,
        authors,
        lambda **data: services.initiative_update(
            initiative=initiative,
            actor=request.user,
            version=form.cleaned_data.get("version") or 0,
            **data,
        ),
    )
    if saved:
        messages.success(request, _("The changes were saved."))
        return redirect(saved)
    if request.method == "POST" and form.has_error(NON_FIELD_ERRORS, code="stale"):
        # The refusal keeps what this person typed; the form now carries the
        # version they have been shown, so saving again is a deliberate choice.
        form.data = form.data.copy()
        form.data["version"] = str(
            Initiative.objects.values_list("version", flat=True).get(pk=initiative.pk)
        )
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "authors": authors, "initiative": initiative},
    )


# --- Requests: the page and its steps -----------------------------------------


@login_required
@require_GET
def initiative_detail(request, pk):
    initiative = _request_for(request, pk)
    user = request.user
    rights = {
        f"can_{action}": access.can(user, action, initiative)
        for action in ("edit", "submit", "withdraw", "intake", "view_confidential")
    }
    events = list(initiative.events.select_related("actor"))
    returned = [e for e in events if e.action == InitiativeEvent.Action.RETURNED]
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "authors": initiative.authors.all(),
            "attachments": initiative.attachments.all(),
            "events": events,
            "return_reason": returned[-1].note
            if returned and initiative.is_returned
            else "",
            "documents": selectors.documents_of(user, initiative),
            # The council's own page is for its members and staff only.
            "council_items": selectors.council_items_of(initiative, user),
            "missing": services.missing_for_submission(initiative)
            if rights["can_submit"]
            else [],
            "attachment_form": AttachmentForm() if rights["can_edit"] else None,
            "reason_form": ReasonForm() if rights["can_intake"] else None,
            "completeness": services.completeness(initiative)
            if rights["can_intake"]
            else [],
            "withdraw_form": WithdrawForm() if rights["can_withdraw"] else None,
            "idea": Idea.objects.filter(initiative=initiative).first(),
            "registrations": initiative.registrations.all(),
            **rights,
        },
    )


def _step(request, pk, action, call, success):
    return run_step(request, _request_for(request, pk, action), call, success)


@login_required
@require_POST
def initiative_submit(request, pk):
    return _step(
        request,
        pk,
        "submit",
        lambda initiative: services.initiative_submit(
            initiative=initiative, actor=request.user
        ),
        _("The request was submitted."),
    )


@login_required
@require_POST
def initiative_withdraw(request, pk):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _step(
        request,
        pk,
        "withdraw",
        lambda initiative: services.initiative_withdraw(
            initiative=initiative, actor=request.user, reason=reason
        ),
        _("The request was withdrawn."),
    )


@login_required
@require_POST
def initiative_return(request, pk):
    initiative = _request_for(request, pk, "intake")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        flash_errors(request, ValidationError(_("Say what the authors must change.")))
        return redirect(initiative)
    return _step(
        request,
        pk,
        "intake",
        lambda current: services.initiative_return(
            initiative=current, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The request was returned to its authors."),
    )


@login_required
@require_POST
def initiative_accept(request, pk):
    return _step(
        request,
        pk,
        "intake",
        lambda initiative: services.initiative_accept(
            initiative=initiative, actor=request.user
        ),
        _("The request was accepted for review."),
    )


@login_required
@require_GET
def initiative_pdf(request, pk):
    initiative = _request_for(request, pk)
    content = printing.request_pdf(
        initiative,
        show_confidential=access.can(request.user, "view_confidential", initiative),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="don-yeu-cau-cong-nhan-sang-kien-{initiative.pk}.pdf"'
    )
    return response


# --- Attachments --------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, pk):
    initiative = _request_for(request, pk, "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(initiative)
    try:
        attachment = services.attachment_add(
            initiative=initiative,
            actor=request.user,
            upload=form.cleaned_data["file"],
            purpose=form.cleaned_data["purpose"],
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(name)s was attached.") % {"name": attachment.original_name}
        )
    return redirect(initiative)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = access.get_for_user(
        request.user, Attachment.objects.select_related("initiative"), "download", pk=pk
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = access.get_for_user(
        request.user, Attachment.objects.select_related("initiative"), "remove", pk=pk
    )
    initiative = attachment.initiative
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(name)s was removed.") % {"name": attachment.original_name}
        )
    return redirect(initiative)
