"""The apply of a large import, run by the background worker (registered with
jobs/ by the app): confirming queues it, the worker applies the batch with
`batches.apply_batch`, all rows or none, and the import's page follows the job.

While the job waits nothing is written; a batch has at most one job waiting or
running, and only a checked batch is queued.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import JobCannotRunError, job_enqueue
from units import access
from units.imports import batches
from units.models import ImportBatch, User

logger = logging.getLogger("jobs")

OPEN = (Job.Status.QUEUED, Job.Status.RUNNING)


def in_background(batch: ImportBatch) -> bool:
    """Whether this batch is large enough to be applied by the worker."""
    return len(batch.rows) > settings.IMPORT_BACKGROUND_ROWS


def _jobs(batch: ImportBatch):
    return Job.objects.filter(
        kind=Job.Kind.IMPORT_APPLY, arguments__batch=batch.pk
    ).order_by("-created_at", "-id")


def latest_job(batch: ImportBatch) -> Job | None:
    """The last job that applied, or is to apply, this batch."""
    return _jobs(batch).first()


def is_queued(batch: ImportBatch) -> bool:
    """Whether a job waits to apply this batch, or is applying it."""
    return _jobs(batch).filter(status__in=OPEN).exists()


def enqueue(*, batch: ImportBatch, actor: User) -> Job | None:
    """Queue the apply of this batch for the worker; return the job, or None
    when the batch is no longer waiting to be applied or is queued already."""
    with transaction.atomic():
        # The batch's row lock makes two confirmations queue one job.
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.CHECKED or is_queued(locked):
            return None
        return job_enqueue(
            kind=Job.Kind.IMPORT_APPLY,
            arguments={"batch": locked.pk},
            owner=actor,
            title=_("Import of %(file)s") % {"file": locked.filename},
        )


def run(job: Job, progress) -> None:
    """The job: apply the batch as the person who confirmed it."""
    batch = ImportBatch.objects.select_related("unit").get(pk=job.arguments["batch"])
    if batch.status != ImportBatch.Status.CHECKED:
        # Applied already, or found wrong: nothing is left to do.
        return None
    if job.owner is None or not access.can(job.owner, "apply", batch):
        raise JobCannotRunError(
            f"Import {batch.pk} may no longer be applied by the person who asked."
        )
    batches.apply_batch(batch=batch, actor=job.owner, progress=_seen(progress))
    return None


def _seen(progress):
    """The progress, said so that others see it during the apply.

    What the apply writes in its transaction is seen by others only when it
    commits; on PostgreSQL the progress is written over a connection of its own
    (a short thread's) instead. SQLite has one writer at a time: there the steps
    inside the transaction show when it ends."""
    if connection.vendor != "postgresql":
        return progress

    def write(done, total):
        try:
            progress(done, total)
        except DatabaseError:
            logger.exception("Could not write the progress of job %s", progress.job.pk)
        finally:
            connections.close_all()

    def say(done, total=None):
        thread = threading.Thread(target=write, args=(done, total), daemon=True)
        thread.start()
        thread.join()

    return say
