"""Views of award rounds: candidates with their checklists, nominations and the
selection meeting."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards import criteria, services
from awards.forms.rounds import (
    AttestForm,
    BulkForm,
    CollectiveAddForm,
    IndividualAddForm,
    NominateForm,
    RoundCreateForm,
    SelectionForm,
)
from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import round as round_lifecycle
from awards.models import AwardForm, AwardRound, Candidate
from core.text import search_terms, whole_number
from units import access
from units.forms import SearchForm, run_service
from units.models import Unit
from units.steps import flash_errors

# How many people the "add an individual" list shows at once.
PEOPLE_SHOWN = 50


def _round(request, pk, action=None) -> AwardRound:
    return access.get_for_user(
        request.user, AwardRound.objects.select_related("unit"), action, pk=pk
    )


def _candidate(request, pk, action=None) -> Candidate:
    return access.get_for_user(
        request.user,
        Candidate.objects.select_related("round__unit", "unit", "person", "award_form"),
        action,
        pk=pk,
    )


def _can_run(user, award_round: AwardRound) -> bool:
    return round_lifecycle.is_open(award_round) and access.can(user, "run", award_round)


def _selection(award_round: AwardRound):
    try:
        return award_round.selection
    except ObjectDoesNotExist:
        return None


# --- Rounds ---------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """The rounds the user can see, newest first, and where they may start one."""
    user = request.user
    rounds = access.visible(user, AwardRound).select_related("unit")
    page = Paginator(rounds, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    run_units = access.units_for(user, "create", AwardRound, own=True).order_by("path")
    return render(
        request,
        "awards/index.html",
        {"page": page, "run_units": run_units},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    unit_pk = whole_number(request.GET.get("unit"))
    if unit_pk is None:
        raise Http404
    unit = access.get_for_user(request.user, Unit, "view", pk=unit_pk)
    if not access.can_create(request.user, AwardRound, unit):
        raise PermissionDenied
    award_forms = AwardForm.objects.filter(is_active=True).order_by("order", "name")
    form = RoundCreateForm(
        request.POST or None,
        award_forms=award_forms,
        initial={
            "year": timezone.localdate().year,
            "selecting_body": services.default_body(unit),
        },
    )
    if request.method == "POST" and form.is_valid():
        award_round = run_service(
            form,
            lambda: services.round_create(
                unit=unit, actor=request.user, **form.service_arguments()
            ),
        )
        if award_round:
            messages.success(request, _("The award round was opened."))
            return redirect(award_round)
    return render(
        request, "awards/rounds/round_form.html", {"form": form, "unit": unit}
    )


def _people(award_round: AwardRound, query: str, taken: set[int]):
    people = services.individual_choices(award_round).exclude(pk__in=taken)
    for term in search_terms(query):
        people = people.filter(search_text__contains=term)
    return people


def _filters(request, award_round: AwardRound) -> dict:
    """The round page's filters: kind, a unit (and its subtree), and whether to
    tick those who meet every criterion."""
    kind = request.GET.get("kind", "")
    if kind not in Candidate.Kind.values:
        kind = ""
    units = list(services.collective_choices(award_round).only("pk", "name", "path"))
    unit_pk = whole_number(request.GET.get("unit"))
    unit = next((u for u in units if u.pk == unit_pk), None)
    return {
        "kind": kind,
        "unit": unit,
        "units": units,
        "eligible": request.GET.get("eligible") == "1",
    }


def _filter_query(filters: dict, **extra) -> str:
    """The query string of the filters, for links and the way back."""
    params = {
        "kind": filters["kind"],
        "unit": filters["unit"].pk if filters["unit"] else "",
    }
    params.update(extra)
    return urlencode({k: v for k, v in params.items() if v})


@login_required
@require_GET
def round_detail(request, pk):
    award_round = _round(request, pk)
    user = request.user
    filters = _filters(request, award_round)
    candidates = list(
        award_round.candidates.select_related("unit", "person", "award_form")
    )
    used: dict[int, int] = {}
    for candidate in candidates:
        taken = candidate.status in candidate_lifecycle.TAKES_QUOTA
        if taken and candidate.award_form_id:
            used[candidate.award_form_id] = used.get(candidate.award_form_id, 0) + 1
    nominated = sum(c.status in candidate_lifecycle.NOMINATED for c in candidates)
    shown = [
        c
        for c in candidates
        if (not filters["kind"] or c.kind == filters["kind"])
        and (not filters["unit"] or c.unit.path.startswith(filters["unit"].path))
    ]
    checks = criteria.checklists(shown, award_round.year)
    can_run = _can_run(user, award_round)
    # Ticked on arrival: those who meet every criterion and can still be
    # nominated, when the staffer asked for them (works without JavaScript).
    ticked = {
        c.pk
        for c in shown
        if filters["eligible"]
        and c.status in candidate_lifecycle.CONSIDERED
        and checks[c.pk].state == criteria.MET
    }
    rows = [(c, checks[c.pk], c.pk in ticked) for c in shown]
    offers = [
        (offer, used.get(offer.award_form_id, 0))
        for offer in award_round.offers.select_related("award_form")
    ]
    context = {
        "round": award_round,
        "offers": offers,
        "collectives": [r for r in rows if r[0].kind == Candidate.Kind.COLLECTIVE],
        "individuals": [r for r in rows if r[0].kind == Candidate.Kind.INDIVIDUAL],
        "can_run": can_run,
        # Once the selection is recorded, its keepers prepare the dossier.
        "can_prepare": access.can(user, "run", award_round),
        "nominated": nominated,
        "selection": _selection(award_round),
        "filters": filters,
        "kinds": Candidate.Kind.choices,
        "filtered": bool(filters["kind"] or filters["unit"]),
        "total": len(candidates),
        "eligible_query": _filter_query(filters, eligible="1"),
        "filter_query": _filter_query(filters),
        "ticked": len(ticked),
    }
    if can_run:
        search = SearchForm(request.GET or None, label=_("Search by name or username"))
        query = search.query()
        taken_units = {c.unit_id for c in candidates if c.kind == "collective"}
        taken_people = {c.person_id for c in candidates if c.person_id}
        people = list(_people(award_round, query, taken_people)[: PEOPLE_SHOWN + 1])
        context.update(
            search=search,
            collective_form=CollectiveAddForm(
                units=services.collective_choices(award_round).exclude(
                    pk__in=taken_units
                )
            ),
            people=people[:PEOPLE_SHOWN],
            people_more=len(people) > PEOPLE_SHOWN,
            bulk_form=BulkForm(award_round=award_round),
        )
    return render(request, "awards/rounds/round_detail.html", context)


@login_required
@require_POST
def round_bulk(request, pk):
    """Attest a criterion for, or nominate, the candidates ticked on the round
    page, all in one step."""
    award_round = _round(request, pk, "run")
    form = BulkForm(request.POST, award_round=award_round)
    # Back to the page as it was filtered.
    params = {}
    if request.POST.get("kind") in Candidate.Kind.values:
        params["kind"] = request.POST["kind"]
    if whole_number(request.POST.get("unit")):
        params["unit"] = whole_number(request.POST.get("unit"))
    back = award_round.get_absolute_url()
    if params:
        back += "?" + urlencode(params)
    if not form.is_valid():
        flash_errors(request, ValidationError(form.error_messages()))
        return redirect(back)
    data = form.cleaned_data
    ticked = list(
        award_round.candidates.filter(pk__in=data["candidate"]).select_related(
            "unit", "person"
        )
    )
    if len(ticked) != len(set(data["candidate"])):
        messages.error(request, _("Only candidates of this round can be chosen."))
        return redirect(back)
    try:
        if data["action"] == BulkForm.NOMINATE:
            done = services.candidates_nominate(
                award_round=award_round,
                actor=request.user,
                candidates=ticked,
                award_form=data["award_form"],
            )
            message = ngettext(
                "%(count)d candidate was nominated for %(award)s.",
                "%(count)d candidates were nominated for %(award)s.",
                len(done),
            ) % {"count": len(done), "award": data["award_form"].name}
        else:
            count = services.candidates_attest(
                award_round=award_round,
                actor=request.user,
                candidates=ticked,
                criterion=data["criterion"],
                note=data["note"],
            )
            message = ngettext(
                "The criterion was attested as met for %(count)d candidate.",
                "The criterion was attested as met for %(count)d candidates.",
                count,
            ) % {"count": count}
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, message)
    return redirect(back)


@login_required
@require_POST
def round_suggest(request, pk):
    award_round = _round(request, pk, "run")
    try:
        added = services.candidates_suggest(award_round=award_round, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            ngettext("%(count)d candidate added.", "%(count)d candidates added.", added)
            % {"count": added},
        )
    return redirect(award_round)


@login_required
@require_POST
def round_add(request, pk):
    """Add a collective or an individual chosen on the round's page."""
    award_round = _round(request, pk, "run")
    if request.POST.get("kind") == Candidate.Kind.COLLECTIVE:
        form = CollectiveAddForm(
            request.POST, units=services.collective_choices(award_round)
        )
        field = "unit"
    else:
        form = IndividualAddForm(
            request.POST, people=services.individual_choices(award_round)
        )
        field = "person"
    if not form.is_valid():
        messages.error(request, _("Choose whom to add."))
        return redirect(award_round)
    try:
        candidate = services.candidate_add(
            award_round=award_round,
            actor=request.user,
            **{field: form.cleaned_data[field]},
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s was added as a candidate.") % {"name": candidate.display_name},
        )
    return redirect(award_round)


@login_required
@require_http_methods(["GET", "POST"])
def selection(request, pk):
    """The selecting body's meeting: a form until it is recorded, then read-only."""
    award_round = _round(request, pk)
    recorded = _selection(award_round)
    can_run = _can_run(request.user, award_round)
    if request.method == "POST" and (recorded is not None or not can_run):
        raise PermissionDenied
    nominees = award_round.candidates.select_related("unit", "person", "award_form")
    form = None
    if recorded is None and can_run:
        form = SelectionForm(
            request.POST or None,
            nominees=nominees.filter(status__in=candidate_lifecycle.NOMINATED),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: services.selection_record(
                    award_round=award_round,
                    actor=request.user,
                    held_on=data["held_on"],
                    place=data["place"],
                    chaired_by=data["chaired_by"],
                    members_total=data["members_total"],
                    members_present=data["members_present"],
                    votes=form.votes(),
                ),
            )
            if done:
                messages.success(request, _("The selection was recorded."))
                return redirect(award_round)
    return render(
        request,
        "awards/rounds/selection.html",
        {
            "round": award_round,
            "form": form,
            "recorded": recorded,
            "results": nominees.filter(status__in=candidate_lifecycle.DECIDED)
            if recorded
            else [],
        },
    )


# --- Candidates -----------------------------------------------------------------


def _candidate_page(request, candidate, *, attest_form=None, nominate_form=None):
    user = request.user
    award_round = candidate.round
    checklist = criteria.checklists([candidate], award_round.year)[candidate.pk]
    can_run = _can_run(user, award_round)
    rows = []
    for check in checklist.checks:
        form = None
        if can_run and check.attestable:
            code = check.criterion.code
            if attest_form is not None and attest_form["criterion"].value() == code:
                form = attest_form
            else:
                initial = {"criterion": code}
                if check.attestation is not None:
                    initial.update(
                        met="1" if check.attestation.met else "0",
                        note=check.attestation.note,
                    )
                form = AttestForm(initial=initial, auto_id=f"id_{code}_%s")
        rows.append((check, form))
    can_nominate = can_run and candidate.is_considered
    if can_nominate and nominate_form is None:
        nominate_form = NominateForm(
            candidate=candidate, initial={"achievements": candidate.achievements}
        )
    return render(
        request,
        "awards/rounds/candidate_detail.html",
        {
            "candidate": candidate,
            "round": award_round,
            "checklist": checklist,
            "rows": rows,
            "can_run": can_run,
            "nominate_form": nominate_form if can_nominate else None,
            "can_withdraw": can_run
            and candidate.status in candidate_lifecycle.NOMINATED,
            "can_remove": can_run and candidate.is_considered,
        },
    )


@login_required
@require_GET
def candidate_detail(request, pk):
    return _candidate_page(request, _candidate(request, pk))


@login_required
@require_POST
def candidate_attest(request, pk):
    candidate = _candidate(request, pk, "run")
    code = request.POST.get("criterion", "")
    form = AttestForm(request.POST, auto_id=f"id_{code[:30]}_%s")
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.attest(
                candidate=candidate,
                actor=request.user,
                criterion=data["criterion"],
                met=data["met"],
                note=data["note"],
            ),
        )
        if done:
            messages.success(request, _("The attestation was recorded."))
            return redirect(candidate)
    if not criteria.attestable(candidate.kind, code):
        messages.error(request, _("This criterion is decided from the data."))
        return redirect(candidate)
    return _candidate_page(request, candidate, attest_form=form)


@login_required
@require_POST
def candidate_nominate(request, pk):
    candidate = _candidate(request, pk, "run")
    form = NominateForm(request.POST, candidate=candidate)
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.nominate(
                candidate=candidate, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request,
                _("%(name)s was nominated for %(award)s.")
                % {"name": done.display_name, "award": done.award_form},
            )
            return redirect(candidate)
    return _candidate_page(request, candidate, nominate_form=form)


@login_required
@require_POST
def candidate_withdraw(request, pk):
    candidate = _candidate(request, pk, "run")
    try:
        services.nomination_withdraw(candidate=candidate, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The nomination was withdrawn."))
    return redirect(candidate)


@login_required
@require_POST
def candidate_remove(request, pk):
    candidate = _candidate(request, pk, "run")
    award_round = candidate.round
    name = candidate.display_name
    try:
        services.candidate_remove(candidate=candidate, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(candidate)
    messages.success(request, _("%(name)s is no longer a candidate.") % {"name": name})
    return redirect(award_round)


urlpatterns = [
    path("awards/rounds/new/", round_create, name="round_create"),
    path("awards/rounds/<int:pk>/", round_detail, name="round"),
    path("awards/rounds/<int:pk>/suggest/", round_suggest, name="round_suggest"),
    path("awards/rounds/<int:pk>/candidates/bulk/", round_bulk, name="round_bulk"),
    path("awards/rounds/<int:pk>/candidates/add/", round_add, name="round_add"),
    path("awards/rounds/<int:pk>/selection/", selection, name="selection"),
    path("awards/candidates/<int:pk>/", candidate_detail, name="candidate"),
    path(
        "awards/candidates/<int:pk>/attest/", candidate_attest, name="candidate_attest"
    ),
    path(
        "awards/candidates/<int:pk>/nominate/",
        candidate_nominate,
        name="candidate_nominate",
    ),
    path(
        "awards/candidates/<int:pk>/withdraw/",
        candidate_withdraw,
        name="candidate_withdraw",
    ),
    path(
        "awards/candidates/<int:pk>/remove/",
        candidate_remove,
        name="candidate_remove",
    ),
]
