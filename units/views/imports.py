"""Views of the imports of units and people: upload, check, apply, templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import access
from units.forms import ImportSheetForm, ImportUploadForm
from units.imports import apply_job, batches, columns, template
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
    job = apply_job.latest_job(batch) if not batch.is_applied else None
    applying = job is not None and not job.is_finished
    return render(
        request,
        "units/import_detail.html",
        {
            "batch": batch,
            "preview": preview,
            "columns": columns.columns_for(batch.kind),
            "can_apply": not applying and access.can(request.user, "apply", batch),
            "sheet_form": _sheet_form(request.user, batch),
            "job": job,
            "applying": applying,
            "steps": _steps(batch, job) if applying else None,
            # While the worker applies the batch, the page reloads itself.
            "refresh": 3 if applying else None,
        },
    )


def _steps(batch: ImportBatch, job) -> dict:
    """How far the worker got: the rows checked again, then the rows written."""
    count = len(batch.rows)
    done = job.progress_done
    return {
        "rows": count,
        "checked": min(done, count),
        "written": min(max(done - count, 0), count),
    }


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
    if apply_job.is_queued(batch):
        messages.info(request, _("This import is being applied already."))
        return redirect(batch)
    if apply_job.in_background(batch):
        if apply_job.enqueue(batch=batch, actor=request.user) is None:
            messages.info(request, _("This import is being applied already."))
        else:
            messages.info(
                request,
                _(
                    "The import is being applied in the background: this page "
                    "shows how far it got. Nothing is written until every row is."
                ),
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
