"""The user's background prints: the page that follows one until its file is
ready, the file itself, and the list of their recent prints. Only the person who
asked for a print sees it; to anyone else it does not exist (404). Rights over
what is printed are checked by the print's own view when the job is created."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobs import registry
from jobs.models import Job
from jobs.services import job_enqueue

# Seconds between two looks at a job that is not finished.
REFRESH_SECONDS = 3
LIST_SIZE = 20
# How long a print page's ticket is good for.
TICKET_SALT = "jobs.print"
TICKET_MAX_AGE = 60 * 60


# The jobs that are not prints, kept out of the person's list of prints: mail, and
# the imports, which their own pages follow.
NOT_PRINTS = (Job.Kind.MAIL, Job.Kind.IMPORT_APPLY)


def _own(request, pk) -> Job:
    return get_object_or_404(Job, pk=pk, owner=request.user)


def _pending(user, kind: str, arguments: dict) -> Job | None:
    """The same print, asked for by the same person and not finished yet."""
    return (
        Job.objects.filter(
            owner=user,
            kind=kind,
            arguments=arguments,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


def print_in_background(request, *, kind: str, arguments: dict, title: str, pages):
    """Answer a print view whose print goes to the worker: say how long it is and
    offer to prepare it. The caller has checked the user's rights over what is
    printed; the form carries a signed ticket for this user and this print, so
    queueing it (a POST to `job_start`) needs no other check.
    """
    ticket = signing.dumps(
        {"user": request.user.pk, "kind": kind, "arguments": arguments, "title": title},
        salt=TICKET_SALT,
        compress=True,
    )
    return render(
        request,
        "jobs/print_confirm.html",
        {
            "title": title,
            "pages": pages,
            "ticket": ticket,
            "pending": _pending(request.user, kind, arguments),
        },
    )


@login_required
@require_POST
def job_start(request):
    """Queue the print of a ticket from `print_in_background` (or open the same
    print if it is already waiting)."""
    try:
        data = signing.loads(
            request.POST.get("ticket", ""), salt=TICKET_SALT, max_age=TICKET_MAX_AGE
        )
    except signing.SignatureExpired:
        messages.error(
            request, _("That page was open too long: ask for the print again.")
        )
        return redirect("jobs:list")
    except signing.BadSignature:
        raise PermissionDenied from None
    kind = data.get("kind")
    if data.get("user") != request.user.pk or not registry.offered(kind):
        raise PermissionDenied
    arguments = data.get("arguments") or {}
    job = _pending(request.user, kind, arguments) or job_enqueue(
        kind=kind,
        arguments=arguments,
        owner=request.user,
        title=str(data.get("title", "")),
    )
    return redirect(job)


@login_required
@require_GET
def job_list(request):
    jobs = Job.objects.filter(owner=request.user).exclude(kind__in=NOT_PRINTS)
    return render(
        request,
        "jobs/job_list.html",
        {"jobs": jobs[:LIST_SIZE], "keep_days": settings.JOBS_KEEP_DAYS},
    )


@login_required
@require_GET
def job_detail(request, pk):
    job = _own(request, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "refresh": None if job.is_finished else REFRESH_SECONDS,
            "jobs": Job.objects.filter(owner=request.user)
            .exclude(kind__in=NOT_PRINTS)
            .exclude(pk=job.pk)[:5],
        },
    )


@login_required
@require_GET
def job_file(request, pk):
    job = _own(request, pk)
    if (
        job.status != Job.Status.DONE
        or not job.file
        or not registry.may_read(request.user, job)
    ):
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(job.file_name)[0] or "application/octet-stream"
    return FileResponse(
        handle, as_attachment=True, filename=job.file_name, content_type=content_type
    )
