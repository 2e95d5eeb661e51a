"""The award dossier bundle (awards.dossier.bundle), made in the request when it
is short and by the worker when it is long (registered with jobs/ by the app)."""

import math

from django.db.models import Q
from django.utils.translation import gettext as _

from awards import dossier as dossiers
from awards.models import Candidate, Dossier, MovementRecord
from documents import time_limit
from goldbook.models import GoldBookEntry
from jobs.models import Job
from jobs.services import JobFile
from units import access

# The bundle: the table of contents, the Tờ trình (a page, then its table of
# nominees), the excerpt of the minutes, then per nominee a summary report, and
# the recognition decisions and movement records (PDF) behind the nominees.
FIXED_PAGES = 3
NOMINEES_PER_TABLE_PAGE = 15
PAGES_PER_SUMMARY = 2
PAGES_PER_DECISION = 2
PAGES_PER_RECORD = 2


def pages_for(nominees: int, decisions: int = 0, records: int = 0) -> int:
    """Estimate the pages of a bundle (on the long side)."""
    return (
        FIXED_PAGES
        + math.ceil(max(nominees, 0) / NOMINEES_PER_TABLE_PAGE)
        + PAGES_PER_SUMMARY * max(nominees, 0)
        + PAGES_PER_DECISION * max(decisions, 0)
        + PAGES_PER_RECORD * max(records, 0)
    )


def file_name(dossier: Dossier) -> str:
    return f"ho-so-khen-thuong-{dossier.pk}.pdf"


def title(dossier: Dossier) -> str:
    return _("Award dossier: %(round)s") % {"round": dossier.round.title}


def estimated_pages(dossier: Dossier) -> int:
    """Count the nominees, the decisions behind them and the records of the
    collectives (three queries, however many nominees)."""
    year = dossier.round.year
    nominees = dossiers.selected(dossier.round)
    people = [c.person_id for c in nominees if c.kind == Candidate.Kind.INDIVIDUAL]
    collectives = [c.unit for c in nominees if c.kind == Candidate.Kind.COLLECTIVE]
    behind = Q(initiative__authors__user__in=people)
    for unit in collectives:
        behind |= Q(book__unit__path__startswith=unit.path)
    decisions = (
        GoldBookEntry.objects.filter(
            behind,
            year=year,
            status=GoldBookEntry.Status.ACTIVE,
            decision__isnull=False,
        )
        .values("decision")
        .distinct()
        .count()
    )
    records = (
        MovementRecord.objects.filter(unit__in=collectives, year=year)
        .exclude(file="")
        .count()
        if collectives
        else 0
    )
    return pages_for(len(nominees), decisions, records)


def render(dossier: Dossier) -> JobFile:
    """The whole dossier as one PDF with its table of contents."""
    pdf, _rows = dossiers.bundle(dossier)
    return JobFile(file_name(dossier), pdf)


def run(job: Job, progress) -> JobFile:
    """The bundle job. Its parts are stored PDFs put together in one go, so the
    progress is the estimate, reached when the file is ready."""
    dossier = Dossier.objects.select_related("round__unit").get(
        pk=job.arguments["dossier"], submission__isnull=False
    )
    progress(0, estimated_pages(dossier))
    with time_limit.in_the_worker():
        return render(dossier)


def may_read(user, arguments: dict) -> bool:
    """Whether this person may still read the bundle of this dossier."""
    return access.visible(user, Dossier).filter(pk=arguments.get("dossier")).exists()
