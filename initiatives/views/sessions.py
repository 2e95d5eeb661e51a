"""Views of council sessions: agenda, attendance, votes, closing and documents.

Votes are secret: pages show how many members have voted, never who voted how.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives.forms.councils import (
    AttendanceForm,
    HandsForm,
    NoteForm,
    SessionForm,
    VoteForm,
)
from initiatives.models import AgendaItem, Council, Session, Vote, VotingMode
from initiatives.permissions import seat
from initiatives.selectors import councils as selectors
from initiatives.services import sessions as services
from units import access
from units.forms import run_service
from units.steps import flash_errors, run_step


def _session(request, pk, action=None) -> Session:
    return access.get_for_user(
        request.user, Session.objects.select_related("council__unit"), action, pk=pk
    )


def _agenda_item(request, pk, action=None) -> AgendaItem:
    sessions = access.visible(request.user, Session)
    try:
        agenda_item = AgendaItem.objects.select_related(
            "session__council__unit", "item__initiative"
        ).get(pk=pk, session__in=sessions)
    except (AgendaItem.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None
    if action and not access.can(request.user, action, agenda_item.session):
        raise PermissionDenied
    return agenda_item


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    council = access.get_for_user(
        request.user, Council.objects.select_related("unit"), "run", pk=pk
    )
    form = SessionForm(
        request.POST or None,
        items=selectors.open_items_for_agenda(council),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        session = run_service(
            form,
            lambda: services.session_create(
                council=council,
                held_on=form.cleaned_data["held_on"],
                place=form.cleaned_data["place"],
                items=list(form.cleaned_data["items"]),
                actor=request.user,
            ),
        )
        if session:
            messages.success(
                request,
                _("Session no. %(number)d was planned.") % {"number": session.number},
            )
            return redirect(session)
    return render(
        request, "initiatives/session_form.html", {"form": form, "council": council}
    )


@login_required
@require_GET
def session_detail(request, pk):
    session = _session(request, pk, "view")
    user = request.user
    council = session.council
    member = seat(user, council)
    agenda = list(
        session.agenda.select_related("item__initiative", "excerpt")
        .annotate(vote_count=Count("votes"))
        .order_by("order", "id")
    )
    recused = set()
    if member is not None:
        recused = set(member.recusals.values_list("item_id", flat=True))
    present_ids = set(
        session.attendance.filter(present=True).values_list("member_id", flat=True)
    )
    # Who may vote, worked out once for the whole agenda (same rules as the
    # service, which checks again when the vote is cast).
    may_vote = (
        member is not None
        and session.status == Session.Status.OPEN
        and council.voting_mode == VotingMode.BALLOT
        and member.pk in present_ids
    )
    my_votes = {}
    if member is not None:
        my_votes = dict(
            Vote.objects.filter(
                agenda_item__session=session, member=member
            ).values_list("agenda_item_id", "choice")
        )
    can_run = access.can(user, "run", session)
    rows = []
    for agenda_item in agenda:
        rows.append(
            {
                "agenda_item": agenda_item,
                "recused": agenda_item.item_id in recused,
                "can_vote": may_vote and agenda_item.item_id not in recused,
                "my_vote": my_votes.get(agenda_item.pk),
                "vote_form": VoteForm(initial={"choice": my_votes.get(agenda_item.pk)}),
                "hands_form": HandsForm(
                    initial={
                        "hands_yes": agenda_item.hands_yes,
                        "hands_no": agenda_item.hands_no,
                    }
                )
                if can_run and council.voting_mode == VotingMode.HANDS
                else None,
                "note_form": NoteForm(initial={"note": agenda_item.note})
                if can_run
                else None,
            }
        )
    members = council.members.count()
    present = len(present_ids)
    issued = selectors.session_documents(session, agenda)
    return render(
        request,
        "initiatives/session_detail.html",
        {
            "session": session,
            "council": council,
            "rows": rows,
            "attendance": session.attendance.select_related("member__user").order_by(
                "member_id"
            ),
            "attendance_form": AttendanceForm(
                session=session, initial={"present": list(present_ids)}
            )
            if can_run
            else None,
            "member_count": members,
            "present_count": present,
            "quorum_needed": council.quorum_needed(members),
            "votes_needed": council.votes_needed(members),
            "can_run": can_run,
            "can_close": access.can(user, "close", session),
            "documents": issued.documents,
            "can_issue": issued.missing
            and access.can(user, "issue_documents", session),
            "my_seat": member,
        },
    )


def _session_step(request, pk, action, call, success):
    return run_step(request, _session(request, pk, action), call, success)


@login_required
@require_POST
def session_attendance(request, pk):
    session = _session(request, pk, "run")
    form = AttendanceForm(request.POST, session=session)
    if form.is_valid():
        try:
            services.attendance_set(
                session=session,
                present={m.pk for m in form.cleaned_data["present"]},
                actor=request.user,
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The attendance was recorded."))
    return redirect(session)


@login_required
@require_POST
def session_open(request, pk):
    return _session_step(
        request,
        pk,
        "run",
        lambda session: services.session_open(session=session, actor=request.user),
        _("The session is open: members can vote."),
    )


@login_required
@require_POST
def session_close(request, pk):
    session = _session(request, pk, "close")
    try:
        services.session_close(session=session, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(session)
    try:
        issued = services.session_documents_issue(session=session, actor=request.user)
    except ValidationError as error:
        messages.success(request, _("The session is closed and its results are final."))
        flash_errors(request, error)
    else:
        # One message for the one click: the closing and what it issued.
        messages.success(
            request,
            ngettext(
                "The session is closed, its results are final and %(count)d "
                "document was issued.",
                "The session is closed, its results are final and %(count)d "
                "documents were issued.",
                len(issued),
            )
            % {"count": len(issued)},
        )
    return redirect(session)


@login_required
@require_POST
def session_documents(request, pk):
    session = _session(request, pk, "issue_documents")
    try:
        issued = services.session_documents_issue(session=session, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(count)d documents were issued.") % {"count": len(issued)}
        )
    return redirect(session)


@login_required
@require_POST
def agenda_vote(request, pk):
    agenda_item = _agenda_item(request, pk)
    if not access.can(request.user, "vote", agenda_item):
        raise PermissionDenied
    member = seat(request.user, agenda_item.session.council)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose in favour or against."))
        return redirect(agenda_item.session)
    try:
        services.vote_cast(
            agenda_item=agenda_item, member=member, choice=form.cleaned_data["choice"]
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _(
                "Your vote on “%(title)s” was recorded; you can change it until "
                "the session closes."
            )
            % {"title": agenda_item.item.initiative.title},
        )
    return redirect(agenda_item.session)


@login_required
@require_POST
def agenda_hands(request, pk):
    agenda_item = _agenda_item(request, pk, "run")
    form = HandsForm(request.POST)
    if form.is_valid():
        try:
            services.hands_record(
                agenda_item=agenda_item,
                yes=form.cleaned_data["hands_yes"],
                no=form.cleaned_data["hands_no"],
                actor=request.user,
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The count was recorded."))
    else:
        messages.error(request, _("Enter the number of members in favour and against."))
    return redirect(agenda_item.session)


@login_required
@require_POST
def agenda_note(request, pk):
    agenda_item = _agenda_item(request, pk, "run")
    form = NoteForm(request.POST)
    if form.is_valid():
        services.agenda_note(
            agenda_item=agenda_item, note=form.cleaned_data["note"], actor=request.user
        )
        messages.success(request, _("The conclusion was saved."))
    return redirect(agenda_item.session)


@login_required
@require_POST
def agenda_remove(request, pk):
    agenda_item = _agenda_item(request, pk, "run")
    session = agenda_item.session
    try:
        services.agenda_remove(agenda_item=agenda_item, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The request was taken off the agenda."))
    return redirect(session)
