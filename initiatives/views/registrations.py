"""Views of registrations and ideas, the steps before a recognition request.

Each view: fetch the object for this user (404 outside their scope), check the
named rule (403), parse the form, call a service, say what happened, redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives import services
from initiatives.forms.requests import (
    CommentForm,
    IdeaForm,
    RegistrationFilterForm,
    RegistrationForm,
)
from initiatives.models import Idea, Initiative, Registration
from initiatives.selectors import requests as selectors
from initiatives.services import REGISTRATION_FIELDS
from units import access
from units.forms import SearchForm, run_service
from units.models import Unit
from units.steps import flash_errors

# --- Registrations ------------------------------------------------------------


@login_required
@require_GET
def registration_list(request):
    form = RegistrationFilterForm(
        request.GET or None, units=selectors.filter_units_for_user(request.user)
    )
    registrations = selectors.registration_list_for_user(request.user, form.filters())
    page = Paginator(registrations, settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "initiatives/registration_list.html",
        {
            "form": form,
            "page": page,
            "can_register": selectors.member_units_for(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_create(request):
    units = selectors.member_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    form = RegistrationForm(
        request.POST or None,
        units=units,
        initial={
            "year": timezone.localdate().year,
            "unit": selectors.home_union_for(request.user),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in REGISTRATION_FIELDS}
        registration = run_service(
            form,
            lambda: services.registration_create(
                actor=request.user, unit=form.cleaned_data["unit"], **data
            ),
        )
        if registration:
            messages.success(request, _("Your registration was recorded."))
            return redirect(registration)
    return render(request, "initiatives/registration_form.html", {"form": form})


@login_required
@require_GET
def registration_detail(request, pk):
    registration = access.get_for_user(
        request.user,
        Registration.objects.select_related(
            "unit", "registrant", "field", "initiative"
        ),
        "view",
        pk=pk,
    )
    return render(
        request,
        "initiatives/registration_detail.html",
        {
            "registration": registration,
            "can_edit": access.can(request.user, "edit", registration),
            "initiative_visible": registration.initiative_id
            and access.visible(request.user, Initiative)
            .filter(pk=registration.initiative_id)
            .exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_edit(request, pk):
    registration = access.get_for_user(request.user, Registration, "edit", pk=pk)
    units = selectors.member_units_for(request.user)
    initial = {name: getattr(registration, name) for name in REGISTRATION_FIELDS}
    initial.update(unit=registration.unit_id, field=registration.field_id)
    form = RegistrationForm(request.POST or None, units=units, initial=initial)
    form.fields["unit"].disabled = True
    form.fields["unit"].queryset = Unit.objects.filter(pk=registration.unit_id)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in REGISTRATION_FIELDS}
        done = run_service(
            form,
            lambda: services.registration_update(
                registration=registration, actor=request.user, **data
            ),
        )
        if done:
            messages.success(request, _("The changes were saved."))
            return redirect(done)
    return render(
        request,
        "initiatives/registration_form.html",
        {"form": form, "registration": registration},
    )


@login_required
@require_POST
def registration_withdraw(request, pk):
    registration = access.get_for_user(request.user, Registration, "edit", pk=pk)
    services.registration_withdraw(registration=registration, actor=request.user)
    messages.success(request, _("The registration was withdrawn."))
    return redirect(registration)


# --- Ideas --------------------------------------------------------------------


@login_required
@require_GET
def idea_list(request):
    status = request.GET.get("status")
    status = status if status in Idea.Status.values else None
    search = SearchForm(request.GET or None)
    query = search.query()
    ideas = selectors.idea_list_for_user(request.user, status=status, query=query)
    page = Paginator(ideas, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/idea_list.html",
        {
            "page": page,
            "status": status,
            "search": search,
            "statuses": Idea.Status.choices,
            "can_post": selectors.member_units_for(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request):
    units = selectors.member_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    form = IdeaForm(
        request.POST or None,
        units=units,
        initial={"unit": selectors.home_union_for(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        idea = run_service(
            form, lambda: services.idea_create(actor=request.user, **form.cleaned_data)
        )
        if idea:
            messages.success(request, _("Your idea was sent to the support team."))
            return redirect(idea)
    return render(request, "initiatives/idea_form.html", {"form": form})


@login_required
@require_GET
def idea_detail(request, pk):
    idea = access.get_for_user(
        request.user,
        Idea.objects.select_related("unit", "author", "initiative"),
        "view",
        pk=pk,
    )
    user = request.user
    return render(
        request,
        "initiatives/idea_detail.html",
        {
            "idea": idea,
            "comments": selectors.idea_comments(idea),
            "comment_form": CommentForm()
            if access.can(user, "comment", idea)
            else None,
            "can_to_request": access.can(user, "to_request", idea),
            "can_close": access.can(user, "close", idea),
            "initiative_visible": idea.initiative_id
            and access.visible(user, Initiative).filter(pk=idea.initiative_id).exists(),
        },
    )


@login_required
@require_POST
def idea_comment(request, pk):
    idea = access.get_for_user(request.user, Idea, "comment", pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.idea_comment(
                idea=idea, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your comment was added."))
    else:
        flash_errors(request, ValidationError(_("Write a comment.")))
    return redirect(idea)


@login_required
@require_POST
def idea_close(request, pk):
    idea = access.get_for_user(request.user, Idea, "close", pk=pk)
    services.idea_close(idea=idea, actor=request.user)
    messages.success(request, _("The idea was closed."))
    return redirect(idea)


@login_required
@require_POST
def idea_to_request(request, pk):
    idea = access.get_for_user(request.user, Idea, "to_request", pk=pk)
    try:
        initiative = services.idea_to_request(idea=idea, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(idea)
    messages.success(
        request,
        _("A draft request was made from your idea. Complete it and submit it."),
    )
    return redirect("initiatives:edit", pk=initiative.pk)
