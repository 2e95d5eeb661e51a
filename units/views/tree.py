"""Views of the union tree and of a unit: add, edit, rename, move, merge, dissolve."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from units import profile, selectors, services
from units.forms import (
    UnitCreateForm,
    UnitDissolveForm,
    UnitEditForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
    run_service,
)
from units.views._common import _unit, _unit_rights


@login_required
@require_GET
def unit_tree(request):
    show_dissolved = request.GET.get("dissolved") == "1"
    root = None
    if request.GET.get("root"):
        root = _unit(request, request.GET["root"])
        tops = [root]
    else:
        tops = selectors.top_units_for_user(request.user)
    tree = selectors.unit_tree(tops=tops, show_dissolved=show_dissolved)
    return render(
        request,
        "units/unit_tree.html",
        {
            "rows": selectors.tree_rows(tree),
            "root": root,
            "ancestors": selectors.ancestors_for_user(request.user, root)
            if root
            else [],
            "show_dissolved": show_dissolved,
        },
    )


@login_required
@require_GET
def unit_detail(request, pk):
    unit = _unit(request, pk, "view")
    show_dissolved = request.GET.get("dissolved") == "1"
    children = selectors.children_of(unit, show_dissolved=show_dissolved)
    page = Paginator(children, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "ancestors": selectors.ancestors_for_user(request.user, unit),
        "page": page,
        "show_dissolved": show_dissolved,
        "names": unit.names.all(),
        "events": unit.events.select_related("actor")[:50],
        "blocks": unit.block_memberships.select_related("block").order_by(
            "-block__year"
        )[:10],
        "successor": unit.successor,
        "links": profile.unit_links_for(unit),
        **_unit_rights(request.user, unit),
    }
    return render(request, "units/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_add_child(request, pk):
    parent = _unit(request, pk, "add_child")
    form = UnitCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        unit = run_service(
            form,
            lambda: services.unit_create(
                parent=parent, actor=request.user, **form.cleaned_data
            ),
        )
        if unit:
            messages.success(request, _("%(unit)s was added.") % {"unit": unit.name})
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {
            "form": form,
            "unit": parent,
            "title": _("Add a unit under %(unit)s") % {"unit": parent.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _unit(request, pk, "change")
    initial = {field: getattr(unit, field) for field in services.EDITABLE_UNIT_FIELDS}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.unit_update(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The changes were saved."))
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "unit": unit, "title": _("Edit %(unit)s") % {"unit": unit.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_rename(request, pk):
    unit = _unit(request, pk, "change")
    form = UnitRenameForm(
        request.POST or None,
        initial={
            "name": unit.name,
            "short_name": unit.short_name,
            "abbreviation": unit.abbreviation,
            "effective_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.unit_rename(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The new name was recorded."))
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Rename %(unit)s") % {"unit": unit.name},
            "intro": _(
                "Earlier documents keep the old name; the new one is used from the "
                "date you give."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    unit = _unit(request, pk, "restructure")
    form = UnitMoveForm(
        request.POST or None,
        targets=selectors.move_targets(request.user, unit),
        initial={"effective_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.unit_move(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request,
                _("%(unit)s now sits under %(parent)s.")
                % {"unit": unit.name, "parent": form.cleaned_data["new_parent"].name},
            )
            return redirect("units:detail", pk=unit.pk)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "unit": unit, "title": _("Move %(unit)s") % {"unit": unit.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request, pk):
    unit = _unit(request, pk, "restructure")
    form = UnitMergeForm(
        request.POST or None,
        targets=selectors.merge_targets(request.user, unit),
        initial={"effective_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        done = run_service(
            form, lambda: services.unit_merge(unit=unit, actor=request.user, **data)
        )
        if done:
            messages.success(
                request,
                _("%(unit)s was merged into %(successor)s.")
                % {"unit": unit.name, "successor": data["successor"].name},
            )
            return redirect(data["successor"])
    return render(
        request,
        "units/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Merge %(unit)s into another unit") % {"unit": unit.name},
            "intro": _(
                "Its sub-units move under the successor and its members become members "
                "of the successor. The unit is kept, dissolved, with its history."
            ),
            "danger": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_dissolve(request, pk):
    unit = _unit(request, pk, "restructure")
    form = UnitDissolveForm(
        request.POST or None, initial={"effective_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        done = run_service(
            form, lambda: services.unit_dissolve(unit=unit, actor=request.user, **data)
        )
        if done:
            messages.success(
                request, _("%(unit)s was dissolved.") % {"unit": unit.name}
            )
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Dissolve %(unit)s") % {"unit": unit.name},
            "intro": _(
                "The unit is kept with its history and documents; it can no longer "
                "receive people or sub-units."
            ),
            "danger": True,
        },
    )
