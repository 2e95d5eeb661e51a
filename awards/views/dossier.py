"""Views of the award dossier: preparing and issuing its parts, the bundle, the
ZIP and Word files, sending it up, the answer of the unit above, the award
decision and the award histories."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards import dossier as dossiers
from awards import print_job, word
from awards.forms.dossier import (
    DecisionForm,
    ReturnForm,
    SubmissionForm,
    SummaryForm,
)
from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import dossier as lifecycle
from awards.models import (
    Award,
    AwardRound,
    Candidate,
    CandidateSummary,
    Dossier,
    MemberRating,
)
from jobs import prints
from jobs.models import Job
from jobs.views import print_in_background
from units import access
from units.forms import run_service
from units.models import Unit, User
from units.steps import flash_errors


def _dossier(request, pk, action="view") -> Dossier:
    return access.get_for_user(
        request.user,
        Dossier.objects.select_related(
            "round__unit", "round__selection", "addressee", "submission", "excerpt"
        ),
        action,
        pk=pk,
    )


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=name
    )
    return response


@login_required
@require_GET
def dossier_list(request):
    """Dossiers the user prepares, and those sent to the units they keep."""
    user = request.user
    dossiers_seen = (
        access.visible(user, Dossier)
        .select_related("round__unit", "addressee")
        .order_by("-created_at", "-id")
    )
    incoming = access.objects_for(user, "answer", dossiers_seen)
    page = Paginator(dossiers_seen, settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "awards/dossier/list.html",
        {
            "page": page,
            "incoming": incoming.filter(status=Dossier.Status.SENT)[:50],
        },
    )


@login_required
@require_POST
def dossier_prepare(request, round_pk):
    award_round = access.get_for_user(request.user, AwardRound, "run", pk=round_pk)
    try:
        dossier = dossiers.dossier_prepare(award_round=award_round, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(award_round)
    messages.success(
        request,
        _("The dossier is drafted: review its texts, then issue it."),
    )
    return redirect(dossier)


@login_required
@require_POST
def dossier_issue(request, round_pk):
    award_round = access.get_for_user(request.user, AwardRound, "run", pk=round_pk)
    try:
        dossier = dossiers.dossier_issue(award_round=award_round, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        dossier = Dossier.objects.filter(round=award_round).first()
        return redirect(dossier or award_round)
    messages.success(request, _("The dossier's documents were numbered and issued."))
    return redirect(dossier)


@login_required
@require_GET
def dossier_detail(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    nominees = dossiers.selected(dossier.round)
    # The latest summary of each nominee (rows come newest first).
    summaries = {}
    for row in CandidateSummary.objects.filter(candidate__in=nominees).select_related(
        "document"
    ):
        summaries.setdefault(row.candidate_id, row.document)
    can_prepare = access.can(user, "prepare", dossier)
    can_answer = access.can(user, "answer", dossier)
    editable = can_prepare and dossier.status in lifecycle.EDITABLE
    rows = [
        {
            "candidate": c,
            "summary": summaries.get(c.pk),
            "form": SummaryForm(
                initial={
                    "text": c.achievements
                    or dossiers.draft_summary(c, dossier.round.year)
                },
                prefix=f"c{c.pk}",
            )
            if editable
            else None,
        }
        for c in nominees
    ]
    submission_form = (
        SubmissionForm(initial={"text": dossier.submission_text}, prefix="ttr")
        if editable
        else None
    )
    return render(
        request,
        "awards/dossier/detail.html",
        {
            "dossier": dossier,
            "round": dossier.round,
            "rows": rows,
            "can_prepare": can_prepare,
            "editable": editable,
            "submission_form": submission_form,
            "count_phrase": dossiers.count_phrase(nominees),
            # "Issue the missing documents" only when one is missing.
            "missing": dossier.is_prepared
            and dossiers.missing_documents(dossier, nominees, summaries),
            "can_answer": can_answer,
            "return_form": ReturnForm() if can_answer and dossier.is_sent else None,
            "decision_form": DecisionForm(
                nominees=_unawarded(dossier),
            )
            if can_answer and dossier.is_accepted
            else None,
            "decisions": dossier.decisions.select_related(
                "award_form"
            ).prefetch_related("awards__candidate__person", "awards__candidate__unit"),
        },
    )


def _unawarded(dossier: Dossier):
    return (
        Candidate.objects.filter(
            round=dossier.round,
            status__in=candidate_lifecycle.SELECTED,
            award__isnull=True,
        )
        .select_related("unit", "person", "award_form")
        .order_by("kind", "id")
    )


@login_required
@require_POST
def summary_edit(request, pk):
    candidate = access.get_for_user(
        request.user,
        Candidate.objects.select_related("round__unit", "unit", "person"),
        "run",
        pk=pk,
    )
    form = SummaryForm(request.POST, prefix=f"c{candidate.pk}")
    dossier = getattr(candidate.round, "dossier", None)
    target = dossier or candidate.round
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors.get("text", [])))
        return redirect(target)
    try:
        dossiers.summary_set(
            candidate=candidate, actor=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The summary was saved."))
    return redirect(target)


@login_required
@require_POST
def submission_edit(request, pk):
    dossier = _dossier(request, pk, "prepare")
    form = SubmissionForm(request.POST, prefix="ttr")
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors.get("text", [])))
        return redirect(dossier)
    try:
        dossiers.submission_set(
            dossier=dossier, actor=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The text of the Tờ trình was saved."))
    return redirect(dossier)


@login_required
@require_GET
def dossier_bundle(request, pk):
    dossier = _dossier(request, pk)
    if dossier.submission_id is None:
        raise PermissionDenied
    pages = print_job.estimated_pages(dossier)
    if prints.in_background(pages):
        return print_in_background(
            request,
            kind=Job.Kind.DOSSIER_BUNDLE,
            arguments={"dossier": dossier.pk},
            title=print_job.title(dossier),
            pages=pages,
        )
    printed = print_job.render(dossier)
    return _download(printed.data, printed.name, "application/pdf")


@login_required
@require_GET
def dossier_zip(request, pk):
    dossier = _dossier(request, pk)
    if dossier.submission_id is None:
        raise PermissionDenied
    return _download(
        dossiers.archive(dossier),
        f"ho-so-khen-thuong-{dossier.pk}.zip",
        "application/zip",
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def dossier_word(request, pk):
    dossier = _dossier(request, pk)
    return _download(word.submission(dossier), f"to-trinh-{dossier.pk}.docx", DOCX)


@login_required
@require_GET
def summary_word(request, pk):
    candidate = access.get_for_user(
        request.user,
        Candidate.objects.select_related("round__unit", "unit", "person"),
        "view",
        pk=pk,
    )
    dossier = access.get_for_user(request.user, Dossier, "view", round=candidate.round)
    return _download(
        word.summary(dossier, candidate), f"bao-cao-tom-tat-{candidate.pk}.docx", DOCX
    )


def _step(request, pk, action, call, done: str):
    dossier = _dossier(request, pk, action)
    try:
        call(dossier)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, done)
    return redirect(dossier)


@login_required
@require_POST
def dossier_send(request, pk):
    return _step(
        request,
        pk,
        "prepare",
        lambda d: dossiers.dossier_send(dossier=d, actor=request.user),
        _("The dossier was sent to the unit above."),
    )


@login_required
@require_POST
def dossier_accept(request, pk):
    return _step(
        request,
        pk,
        "answer",
        lambda d: dossiers.dossier_accept(dossier=d, actor=request.user),
        _("The dossier was accepted; record the award decision when it is signed."),
    )


@login_required
@require_POST
def dossier_return(request, pk):
    dossier = _dossier(request, pk, "answer")
    form = ReturnForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: dossiers.dossier_return(
            dossier=dossier, actor=request.user, comments=form.cleaned_data["comments"]
        ),
    ):
        messages.success(request, _("The dossier was returned with your comments."))
    else:
        flash_errors(request, ValidationError(form.errors.get("comments", [])))
    return redirect(dossier)


@login_required
@require_POST
def decision_create(request, pk):
    dossier = _dossier(request, pk, "answer")
    form = DecisionForm(request.POST, request.FILES, nominees=_unawarded(dossier))
    if form.is_valid() and run_service(
        form,
        lambda: dossiers.decision_record(
            dossier=dossier,
            actor=request.user,
            award_form=form.cleaned_data["award_form"],
            symbol=form.cleaned_data["symbol"],
            issued_on=form.cleaned_data["issued_on"],
            awardees=list(form.cleaned_data["awardees"]),
            upload=form.cleaned_data.get("file"),
        ),
    ):
        messages.success(request, _("The award decision was recorded."))
        return redirect(dossier)
    return render(
        request,
        "awards/dossier/decision_form.html",
        {"dossier": dossier, "form": form},
        status=400,
    )


@login_required
@require_GET
def person_awards(request, user_pk):
    person = access.get_for_user(request.user, User, "view", pk=user_pk)
    awards = (
        access.visible(request.user, Award)
        .filter(person=person)
        .select_related("award_form", "decision", "unit")
    )
    # The member's yearly ratings: seen by the member and the keepers of the
    # unions that gave them.
    ratings = (
        access.visible(request.user, MemberRating)
        .filter(user=person)
        .select_related("unit")
        .order_by("-year")
    )
    return render(
        request,
        "awards/dossier/history.html",
        {"subject": person.full_name, "awards": awards, "ratings": ratings},
    )


@login_required
@require_GET
def unit_awards(request, unit_pk):
    unit = access.get_for_user(request.user, Unit, "view", pk=unit_pk)
    awards = (
        access.visible(request.user, Award)
        .filter(Q(unit=unit, person__isnull=True))
        .select_related("award_form", "decision", "unit")
    )
    return render(
        request,
        "awards/dossier/history.html",
        {"subject": unit.name, "awards": awards},
    )


urlpatterns = [
    path("awards/dossiers/", dossier_list, name="dossiers"),
    path(
        "awards/rounds/<int:round_pk>/dossier/prepare/",
        dossier_prepare,
        name="dossier_prepare",
    ),
    path("awards/rounds/<int:round_pk>/dossier/", dossier_issue, name="dossier_issue"),
    path("awards/dossiers/<int:pk>/", dossier_detail, name="dossier"),
    path("awards/dossiers/<int:pk>/bundle.pdf", dossier_bundle, name="dossier_bundle"),
    path("awards/dossiers/<int:pk>/parts.zip", dossier_zip, name="dossier_zip"),
    path("awards/dossiers/<int:pk>/to-trinh.docx", dossier_word, name="dossier_word"),
    path(
        "awards/dossiers/<int:pk>/submission/", submission_edit, name="submission_edit"
    ),
    path("awards/dossiers/<int:pk>/send/", dossier_send, name="dossier_send"),
    path("awards/dossiers/<int:pk>/accept/", dossier_accept, name="dossier_accept"),
    path("awards/dossiers/<int:pk>/return/", dossier_return, name="dossier_return"),
    path("awards/dossiers/<int:pk>/decision/", decision_create, name="decision_create"),
    path("awards/candidates/<int:pk>/summary/", summary_edit, name="summary_edit"),
    path("awards/candidates/<int:pk>/summary.docx", summary_word, name="summary_word"),
    path("awards/history/people/<int:user_pk>/", person_awards, name="person_awards"),
    path("awards/history/units/<int:unit_pk>/", unit_awards, name="unit_awards"),
]
