"""Views of emulation blocks and their members."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import whole_number
from units import access, selectors, services
from units.forms import BlockCopyForm, BlockForm, BlockMemberForm, run_service
from units.models import EmulationBlock, EmulationBlockMember
from units.views._common import _unit


def _block(request, pk, action=None) -> EmulationBlock:
    return access.get_for_user(
        request.user, EmulationBlock.objects.select_related("organizer"), action, pk=pk
    )


@login_required
@require_GET
def block_list(request):
    year = whole_number(request.GET.get("year"))
    blocks = selectors.block_list_for_user(request.user, year=year)
    page = Paginator(blocks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    organizers = [
        unit
        for unit in selectors.top_units_for_user(request.user)
        if access.can(request.user, "manage_blocks", unit)
    ]
    return render(
        request,
        "units/block_list.html",
        {"page": page, "year": year, "organizers": organizers},
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_create(request, pk):
    organizer = _unit(request, pk, "manage_blocks")
    form = BlockForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        block = run_service(
            form,
            lambda: services.block_create(
                organizer=organizer, actor=request.user, **form.cleaned_data
            ),
        )
        if block:
            messages.success(request, _("The block was created; now add its units."))
            return redirect(block)
    return render(
        request,
        "units/block_form.html",
        {
            "form": form,
            "unit": organizer,
            "title": _("New emulation block of %(unit)s") % {"unit": organizer.name},
        },
    )


@login_required
@require_GET
def block_detail(request, pk):
    block = _block(request, pk, "view")
    can_change = access.can(request.user, "change", block)
    members = block.members.select_related("unit").order_by("role", "unit__name")
    return render(
        request,
        "units/block_detail.html",
        {
            "emulation_block": block,
            "members": members,
            "can_change": can_change,
            "member_form": BlockMemberForm(units=selectors.block_unit_choices(block))
            if can_change
            else None,
            "copy_form": BlockCopyForm(initial={"year": block.year + 1})
            if can_change
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request, pk):
    block = _block(request, pk, "change")
    form = BlockForm(
        request.POST or None,
        initial={"year": block.year, "name": block.name, "note": block.note},
    )
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.block_update(
                block=block,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                actor=request.user,
            ),
        )
        if done:
            messages.success(request, _("The changes were saved."))
            return redirect(block)
    return render(
        request,
        "units/block_form.html",
        {
            "form": form,
            "unit": block.organizer,
            "emulation_block": block,
            "title": _("Edit %(block)s") % {"block": block},
        },
    )


@login_required
@require_POST
def block_member_add(request, pk):
    block = _block(request, pk, "change")
    form = BlockMemberForm(request.POST, units=selectors.block_unit_choices(block))
    if form.is_valid():
        member = run_service(
            form,
            lambda: services.block_member_set(
                block=block, actor=request.user, **form.cleaned_data
            ),
        )
        if member:
            messages.success(
                request,
                _("%(unit)s is in the block as %(role)s.")
                % {"unit": member.unit.name, "role": member.get_role_display()},
            )
            return redirect(block)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(block)


@login_required
@require_POST
def block_member_remove(request, pk):
    member = get_object_or_404(
        EmulationBlockMember.objects.select_related("block__organizer", "unit"), pk=pk
    )
    block = _block(request, member.block_id, "change")
    services.block_member_remove(member=member, actor=request.user)
    messages.success(
        request, _("%(unit)s was taken out of the block.") % {"unit": member.unit.name}
    )
    return redirect(block)


@login_required
@require_POST
def block_copy(request, pk):
    block = _block(request, pk, "change")
    form = BlockCopyForm(request.POST)
    if form.is_valid():
        copy = run_service(
            form,
            lambda: services.block_copy(
                block=block, year=form.cleaned_data["year"], actor=request.user
            ),
        )
        if copy:
            messages.success(
                request, _("The block was copied to %(year)s.") % {"year": copy.year}
            )
            return redirect(copy)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(block)
