"""Views of the imports of units and people: upload, check, apply, templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import access
from units.forms import ImportSheetForm, ImportUploadForm
from units.imports import batches, columns, template
from units.models import ImportBatch
from units.views._common import _unit


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, pk):
    unit = _unit(request, pk, "import")
    if request.method == "POST" and "source" in request.POST:
        return _check_sheet(request, unit)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = batches.check_upload(
            unit=unit,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
        return redirect(batch)
    recent = access.visible(request.user, ImportBatch).filter(unit=unit)[:10]
    return render(
        request,
        "units/import_start.html",
        {"form": form, "unit": unit, "recent": recent},
    )


def _check_sheet(request, unit):
    """Check a kept workbook of this unit again, reading the sheet chosen on its
    page; the new check is shown like any other, nothing is applied."""
    source = access.get_for_user(
        request.user,
        ImportBatch.objects.filter(unit=unit).select_related("unit"),
        "view",
        pk=request.POST["source"],
    )
    form = ImportSheetForm(request.POST, batch=source)
    if not source.upload or not form.is_valid():
        messages.error(request, _("Choose one of the other sheets of the file."))
        return redirect(source)
    batch = batches.check_sheet(
        source=source, sheet=form.cleaned_data["sheet"], actor=request.user
    )
    return redirect(batch)


def _sheet_form(user, batch: ImportBatch):
    """The choice of another sheet, for a kept workbook of several."""
    if len(batch.sheets) < 2 or not batch.upload:
        return None
    if not access.can(user, "import", batch.unit):
        return None
    return ImportSheetForm(batch=batch)


@login_required
@require_GET
def import_detail(request, pk):
    batch = access.get_for_user(
        request.user,
        ImportBatch.objects.select_related("unit", "created_by"),
        "view",
        pk=pk,
    )
    preview = [batches.display_row(record) for record in batch.rows[:200]]
    return render(
        request,
        "units/import_detail.html",
        {
            "batch": batch,
            "preview": preview,
            "columns": columns.columns_for(batch.kind),
            "can_apply": access.can(request.user, "apply", batch),
            "sheet_form": _sheet_form(request.user, batch),
        },
    )


@login_required
@require_POST
def import_apply(request, pk):
    batch = access.get_for_user(
        request.user, ImportBatch.objects.select_related("unit"), "view", pk=pk
    )
    if not access.can(request.user, "apply", batch):
        messages.error(
            request,
            _("This file cannot be applied: it has errors or was applied already."),
        )
        return redirect(batch)
    batch = batches.apply_batch(batch=batch, actor=request.user)
    if batch.status == ImportBatch.Status.APPLIED:
        messages.success(
            request,
            _("The import is done: %(count)d rows were added.")
            % {"count": len(batch.rows)},
        )
    else:
        messages.error(
            request,
            _(
                "Nothing was imported: the data changed since the check. "
                "See the errors below."
            ),
        )
    return redirect(batch)


@login_required
@require_GET
def import_template(request, kind, fmt):
    content, content_type = template.template_file(kind, fmt)
    response = HttpResponse(content, content_type=content_type)
    filename = f"mau-nhap-{'don-vi' if kind == 'units' else 'nguoi'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
