"""Views of councils: set-up, intake, the items before a council, reviews and
escalation. Sessions and votes are in `initiatives.views.sessions`."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import whole_number
from initiatives.forms.councils import (
    CouncilForm,
    CouncilMemberForm,
    CriteriaFormSet,
    NoteForm,
    ReasonForm,
    ReviewersForm,
    ScoreSheetForm,
)
from initiatives.lifecycle import council_item
from initiatives.models import Council, CouncilItem, CouncilMember
from initiatives.permissions import seat
from initiatives.selectors import councils as selectors
from initiatives.services import councils as services
from units import access
from units.forms import run_service
from units.models import Unit
from units.steps import flash_errors, run_step


def _council(request, pk, action=None) -> Council:
    return access.get_for_user(
        request.user, Council.objects.select_related("unit"), action, pk=pk
    )


def _item(request, pk, action=None) -> CouncilItem:
    return access.get_for_user(
        request.user,
        CouncilItem.objects.select_related(
            "council__unit", "initiative__unit", "initiative__recognizing_unit"
        ),
        action,
        pk=pk,
    )


def _admin_units(user):
    """The units under which the user may set up a council."""
    return access.units_for(user, "create", Council).order_by("path")


# --- Councils -------------------------------------------------------------------


@login_required
@require_GET
def council_list(request):
    year = whole_number(request.GET.get("year"))
    councils = access.visible(request.user, Council).select_related("unit")
    if year:
        councils = councils.filter(year=year)
    councils = councils.annotate(
        member_count=Count("members", distinct=True),
        open_count=Count(
            "items",
            filter=Q(items__status__in=council_item.OPEN),
            distinct=True,
        ),
    ).order_by("-year", "unit__path")
    page = Paginator(councils, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/council_list.html",
        {"page": page, "year": year, "can_create": _admin_units(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def council_create(request):
    units = _admin_units(request.user)
    if not units.exists():
        raise PermissionDenied
    initial = {"year": timezone.localdate().year}
    if whole_number(request.GET.get("unit")) is not None:
        initial["unit"] = request.GET["unit"]
    form = CouncilForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        council = run_service(
            form,
            lambda: services.council_create(
                unit=data.pop("unit"), year=data.pop("year"), actor=request.user, **data
            ),
        )
        if council:
            messages.success(
                request, _("The council was set up; now seat its members.")
            )
            return redirect(council)
    return render(
        request,
        "initiatives/council_form.html",
        {"form": form, "title": _("Set up an initiative council")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def council_edit(request, pk):
    council = _council(request, pk, "manage")
    fields = services.COUNCIL_FIELDS
    form = CouncilForm(
        request.POST or None,
        units=Unit.objects.none(),
        editing=True,
        initial={name: getattr(council, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.council_update(
                council=council, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The changes were saved."))
            return redirect(council)
    return render(
        request,
        "initiatives/council_form.html",
        {
            "form": form,
            "council": council,
            "title": _("Rules of %(name)s") % {"name": council},
        },
    )


def _council_page(request, council: Council, member_form=None):
    user = request.user
    can_manage = access.can(user, "manage", council)
    can_run = access.can(user, "run", council)
    if member_form is None and can_manage:
        member_form = CouncilMemberForm()
    return render(
        request,
        "initiatives/council_detail.html",
        {
            "council": council,
            "members": council.members.select_related("user").order_by("id"),
            "criteria": council.criteria.all(),
            "items": selectors.items_with_progress(council),
            "intake": selectors.intake_queue(council) if can_run else [],
            "proposals": council.items.filter(
                status=CouncilItem.Status.PROPOSED
            ).select_related("initiative", "escalated_from__council")
            if can_run
            else [],
            "sessions": council.sessions.order_by("-held_on", "-number"),
            "member_form": member_form,
            "can_manage": can_manage,
            "can_run": can_run,
            "my_seat": seat(user, council),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def council_detail(request, pk):
    return _council_page(request, _council(request, pk, "view"))


@login_required
@require_POST
def council_member_add(request, pk):
    council = _council(request, pk, "manage")
    form = CouncilMemberForm(request.POST)
    if form.is_valid():
        member = run_service(
            form,
            lambda: services.council_member_add(
                council=council,
                user=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
                is_unit_head=form.cleaned_data["is_unit_head"],
                actor=request.user,
            ),
        )
        if member is not None:
            messages.success(
                request,
                _("%(name)s now sits on the council as %(role)s.")
                % {"name": member.user, "role": member.get_role_display()},
            )
            return redirect(council)
    # Show the page again with what was typed and the errors beside the fields.
    return _council_page(request, council, member_form=form)


@login_required
@require_POST
def council_member_remove(request, pk):
    councils = access.visible(request.user, Council)
    member = get_object_or_404(
        CouncilMember.objects.select_related("user"), pk=pk, council__in=councils
    )
    council = _council(request, member.council_id, "manage")
    try:
        services.council_member_remove(member=member, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(name)s left the council.") % {"name": member.user}
        )
    return redirect(council)


@login_required
@require_http_methods(["GET", "POST"])
def council_criteria(request, pk):
    council = _council(request, pk, "manage")
    initial = [
        {"name": c.name, "max_points": c.max_points} for c in council.criteria.all()
    ]
    formset = CriteriaFormSet(request.POST or None, initial=initial, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        rows = [
            (form.cleaned_data["name"], form.cleaned_data["max_points"])
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.criteria_replace(
                council=council, criteria=rows, actor=request.user
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The score sheet was saved."))
            return redirect(council)
    return render(
        request,
        "initiatives/council_criteria.html",
        {"council": council, "formset": formset},
    )


@login_required
@require_GET
def council_register(request, pk):
    council = _council(request, pk, "run")
    content = selectors.intake_register_xlsx(council)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-tiep-nhan-don-{council.year}-{council.pk}.xlsx"'
    )
    return response


# --- Items before a council ---------------------------------------------------------


def _item_page(request, item: CouncilItem, score_form=None, reviewers_form=None):
    user = request.user
    member = seat(user, item.council)
    # Read each related list once; the rules below reuse what they need.
    recusals = list(item.recusals.select_related("member__user"))
    item._recused_ids = {r.member_id for r in recusals}
    higher = list(item.escalations.select_related("council"))
    item._escalated = bool(higher)
    recused = member is not None and member.pk in item._recused_ids
    rights = {
        f"can_{action}": access.can(user, action, item)
        for action in (
            "score",
            "declare_conflict",
            "assign",
            "take_up",
            "view_sheets",
            "propose",
        )
    }
    # Every sheet is read, but others' are shown only when the rules allow.
    all_sheets = list(selectors.all_sheets_of(item))
    my_sheet = next(
        (sheet for sheet in all_sheets if member and sheet.member_id == member.pk), None
    )
    if score_form is None and rights["can_score"]:
        initial = {"comments": my_sheet.comments if my_sheet else ""}
        if my_sheet:
            initial.update(
                {f"criterion_{s.criterion_id}": s.points for s in my_sheet.scores.all()}
            )
        score_form = ScoreSheetForm(
            criteria=item.council.criteria.all(), initial=initial
        )
    can_run = access.can(user, "run", item.council)
    reviews = selectors.review_progress(
        item, submitted={s.member_id for s in all_sheets if s.submitted_at}
    )
    my_review = next(
        (
            row.review
            for row in reviews["rows"]
            if member and row.review.member_id == member.pk
        ),
        None,
    )
    lower = item.escalated_from
    # What the level below decided comes with a proposal, read-only, for the
    # upper council's members taking part and its staff.
    lower_visible = lower is not None and (
        rights["can_view_sheets"] or can_run or (member is not None and not recused)
    )
    if reviewers_form is None and rights["can_assign"]:
        reviewers_form = ReviewersForm(item=item)
    return render(
        request,
        "initiatives/item_detail.html",
        {
            "item": item,
            "initiative": item.initiative,
            "authors": item.initiative.authors.all(),
            "recusals": recusals,
            "recused": recused,
            "reviews": reviews if can_run else None,
            "my_review": my_review,
            "my_sheet": my_sheet,
            "score_form": score_form,
            "sheets": [s for s in all_sheets if s.submitted_at]
            if rights["can_view_sheets"]
            else None,
            "reviewers_form": reviewers_form,
            "reason_form": ReasonForm() if rights["can_take_up"] else None,
            "conflict_form": NoteForm() if rights["can_declare_conflict"] else None,
            "propose_form": NoteForm() if rights["can_propose"] else None,
            "lower": lower if lower_visible else None,
            "lower_sheets": selectors.sheets_of(lower) if lower_visible else None,
            "lower_documents": selectors.item_documents(lower)
            if lower_visible
            else None,
            "documents": selectors.item_documents(item),
            "agenda_entries": item.agenda_entries.select_related("session").order_by(
                "session__held_on"
            ),
            "higher": higher,
            "can_run": can_run,
            "can_write_book": _can_write_book(user, item),
            "today": timezone.localdate(),
            **rights,
        },
    )


def _can_write_book(user, item: CouncilItem) -> bool:
    """Whether the user keeps the Gold Book the recognised item is written in."""
    if item.status != CouncilItem.Status.RECOGNISED or item.decision_id is None:
        return False
    book_model = apps.get_model("goldbook", "GoldBook")
    return access.can(user, "write", book_model, unit=item.council.unit)


@login_required
@require_GET
def item_detail(request, pk):
    return _item_page(request, _item(request, pk, "view"))


def _item_step(request, pk, action, call, success):
    return run_step(request, _item(request, pk, action), call, success)


@login_required
@require_POST
def item_take_up(request, pk):
    return _item_step(
        request,
        pk,
        "take_up",
        lambda item: services.proposal_accept(item=item, actor=request.user),
        _("The proposal was taken up; a receipt was issued."),
    )


@login_required
@require_POST
def item_decline(request, pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _item_step(
        request,
        pk,
        "take_up",
        lambda item: services.proposal_decline(
            item=item, actor=request.user, reason=reason
        ),
        _("The proposal was declined."),
    )


@login_required
@require_POST
def item_assign(request, pk):
    item = _item(request, pk, "assign")
    form = ReviewersForm(request.POST, item=item)
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.reviewers_assign(
                item=item,
                members=list(form.cleaned_data["members"]),
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("The reviewers were asked to score."))
            return redirect(item)
    # Show the page again with the choices made and the errors beside them.
    return _item_page(request, item, reviewers_form=form)


@login_required
@require_POST
def item_remind(request, pk):
    item = _item(request, pk, "assign")
    count = services.reviewers_remind(item=item, actor=request.user)
    messages.success(
        request, _("%(count)d reviewers were reminded.") % {"count": count}
    )
    return redirect(item)


@login_required
@require_POST
def item_score(request, pk):
    item = _item(request, pk, "score")
    member = seat(request.user, item.council)
    form = ScoreSheetForm(request.POST, criteria=item.council.criteria.all())
    submit = "submit" in request.POST
    if form.is_valid():
        sheet = run_service(
            form,
            lambda: services.score_sheet_save(
                item=item,
                member=member,
                points=form.points(),
                comments=form.cleaned_data["comments"],
                submit=submit,
            ),
        )
        if sheet:
            messages.success(
                request,
                _("Your score sheet was submitted.")
                if submit
                else _("Your score sheet was saved as a draft."),
            )
            return redirect(item)
    # Show the page again with what was typed and the errors beside the fields.
    return _item_page(request, item, score_form=form)


@login_required
@require_POST
def item_conflict(request, pk):
    item = _item(request, pk, "declare_conflict")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.conflict_declare(
            item=item, member=seat(request.user, item.council), note=note
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("You take no part in this item from now on."))
    return redirect(item)


@login_required
@require_POST
def item_propose(request, pk):
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    item = _item(request, pk, "propose")
    try:
        upper = services.propose_upward(item=item, actor=request.user, note=note)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(item)
    messages.success(
        request,
        _("The initiative was proposed to %(council)s.") % {"council": upper.council},
    )
    return redirect(item)


# Members' own items: what the user has to score.
@login_required
@require_GET
def my_reviews(request):
    reviews = selectors.reviews_for(request.user)
    return render(request, "initiatives/my_reviews.html", {"reviews": reviews})
