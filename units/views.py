"""Views of the union tree, people, roles, emulation blocks and imports.

Each view: fetch the object for this user (404 outside their scope), check the
named rule (403), parse the form, call a service, say what happened, redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import whole_number
from units import access, imports, profile, selectors, services
from units.forms import (
    BlockCopyForm,
    BlockForm,
    BlockMemberForm,
    ImportUploadForm,
    PasswordLinkForm,
    PersonCreateForm,
    PersonEditForm,
    RoleGrantForm,
    SearchForm,
    UnitCreateForm,
    UnitDissolveForm,
    UnitEditForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
    run_service,
)
from units.models import (
    EmulationBlock,
    EmulationBlockMember,
    ImportBatch,
    Membership,
    Unit,
    User,
)

# --- Helpers: fetch for this user ---------------------------------------------


def _unit(request, pk, action=None) -> Unit:
    return access.get_for_user(request.user, Unit, action, pk=pk)


def _person(request, pk, action=None) -> User:
    return access.get_for_user(request.user, User, action, pk=pk)


def _block(request, pk, action=None) -> EmulationBlock:
    return access.get_for_user(
        request.user, EmulationBlock.objects.select_related("organizer"), action, pk=pk
    )


def _unit_rights(user, unit: Unit) -> dict[str, bool]:
    return {
        f"can_{action}": access.can(user, action, unit)
        for action in (
            "view_people",
            "change",
            "add_child",
            "manage_people",
            "import",
            "restructure",
            "manage_blocks",
        )
    }


# --- Home ---------------------------------------------------------------------


# --- The tree and a unit ------------------------------------------------------


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


# --- People and roles ---------------------------------------------------------


@login_required
@require_GET
def unit_people(request, pk):
    unit = _unit(request, pk, "view_people")
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    include_subunits = request.GET.get("all") == "1"
    people = selectors.people_list_for_user(
        request.user, unit=unit, query=query, include_subunits=include_subunits
    )
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "units/person_list.html",
        {
            "unit": unit,
            "page": page,
            "search": search,
            "query": query,
            "include_subunits": include_subunits,
            **_unit_rights(request.user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request, pk):
    unit = _unit(request, pk, "manage_people")
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = run_service(
            form,
            lambda: services.person_create(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if person:
            messages.success(
                request,
                _("%(name)s was added with the user name %(username)s.")
                % {"name": person.full_name, "username": person.username},
            )
            return redirect(person)
    return render(
        request,
        "units/person_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Add a person to %(unit)s") % {"unit": unit.name},
        },
    )


@login_required
@require_GET
def person_detail(request, pk):
    person = _person(request, pk, "view")
    memberships = list(selectors.memberships_of(person))
    for membership in memberships:
        membership.can_revoke = access.can(request.user, "revoke", membership)
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_change": access.can(request.user, "change", person),
            "links": profile.links_for(person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person(request, pk, "change")
    fields = services.PERSON_FIELDS
    form = PersonEditForm(
        request.POST or None,
        initial={field: getattr(person, field) for field in fields},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.person_update(
                person=person, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The changes were saved."))
            return redirect(person)
    return render(
        request,
        "units/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Edit %(name)s") % {"name": person},
        },
    )


@login_required
@require_POST
def person_send_reset(request, pk):
    person = _person(request, pk, "change")
    if not person.email:
        messages.error(request, _("This person has no email address to send to."))
        return redirect(person)
    form = PasswordLinkForm({"email": person.email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
        )
    if person.is_active:
        messages.success(
            request,
            _("A link to set a password was sent to %(email)s.")
            % {"email": person.email},
        )
    else:
        messages.warning(request, _("This account may not sign in; no mail was sent."))
    return redirect(person)


@login_required
@require_http_methods(["GET", "POST"])
def role_grant(request, pk):
    unit = _unit(request, pk, "manage_people")
    initial = {"started_on": timezone.localdate()}
    if request.GET.get("person"):
        initial["person"] = request.GET["person"][:254]
    form = RoleGrantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = run_service(
            form,
            lambda: services.role_grant(
                unit=unit,
                person=data["person"],
                role=data["role"],
                position=data["position"],
                full_time=data["full_time"],
                started_on=data["started_on"],
                actor=request.user,
            ),
        )
        if membership:
            messages.success(
                request,
                _("%(name)s is now %(role)s of %(unit)s.")
                % {
                    "name": membership.user,
                    "role": membership.get_role_display(),
                    "unit": unit.name,
                },
            )
            return redirect("units:people", pk=unit.pk)
    return render(
        request,
        "units/role_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Grant a role in %(unit)s") % {"unit": unit.name},
        },
    )


@login_required
@require_POST
def role_revoke(request, pk):
    membership = access.get_for_user(
        request.user,
        Membership.objects.select_related("unit", "user"),
        "revoke",
        pk=pk,
    )
    try:
        services.role_revoke(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer holds the role %(role)s in %(unit)s.")
            % {
                "name": membership.user,
                "role": membership.get_role_display(),
                "unit": membership.unit.name,
            },
        )
    # Without roles left in the administrator's units the person's page is out of
    # their scope; the unit's people page is where they came from.
    still_visible = access.visible(request.user, User).filter(pk=membership.user_id)
    if still_visible.exists():
        return redirect(membership.user)
    return redirect("units:people", pk=membership.unit_id)


# --- Emulation blocks ---------------------------------------------------------


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


# --- Imports ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, pk):
    unit = _unit(request, pk, "import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = imports.check_upload(
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


@login_required
@require_GET
def import_detail(request, pk):
    batch = access.get_for_user(
        request.user,
        ImportBatch.objects.select_related("unit", "created_by"),
        "view",
        pk=pk,
    )
    preview = [imports.display_row(record) for record in batch.rows[:200]]
    return render(
        request,
        "units/import_detail.html",
        {
            "batch": batch,
            "preview": preview,
            "columns": imports.columns_for(batch.kind),
            "can_apply": access.can(request.user, "apply", batch),
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
    batch = imports.apply_batch(batch=batch, actor=request.user)
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
    content, content_type = imports.template_file(kind, fmt)
    response = HttpResponse(content, content_type=content_type)
    filename = f"mau-nhap-{'don-vi' if kind == 'units' else 'nguoi'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
