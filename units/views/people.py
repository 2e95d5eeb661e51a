"""Views of a unit's people and their roles."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import access, profile, selectors, services
from units.forms import (
    PasswordLinkForm,
    PersonCreateForm,
    PersonEditForm,
    RoleGrantForm,
    SearchForm,
    run_service,
)
from units.models import User
from units.views._common import _unit, _unit_rights


def _person(request, pk, action=None) -> User:
    return access.get_for_user(request.user, User, action, pk=pk)


@login_required
@require_GET
def unit_people(request, pk):
    unit = _unit(request, pk, "view_people")
    search = SearchForm(
        request.GET or None, label=_("Search by name, user name, email or phone")
    )
    query = search.query()
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
        selectors.roles_with_people(),
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
