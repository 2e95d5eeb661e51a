"""The queue: store a job, lease it to a worker, run it, and record the outcome.

A job is leased to one worker at a time. The worker renews the lease while it
runs the job (`jobs.worker`); if the worker dies, the lease runs out and the next
worker that asks for work takes the job over and runs it again. Each run counts
as an attempt; a job that fails or is interrupted on its last attempt is failed
for good, with its error kept for the administrator.

Claims lock the chosen row with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL,
so any number of workers share the queue without taking the same job. SQLite has
no row locks; its transactions take the database's write lock at once
(`transaction_mode` IMMEDIATE in the settings), which serialises claims instead.
"""

import contextlib
import logging
import mimetypes
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import Job

# The handler of each kind (filled by the apps), imported by name when a job runs.
from jobs.registry import HANDLERS

logger = logging.getLogger("jobs")

# The longest wait between two attempts.
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class JobFile:
    """A file a job made: its download name and its bytes."""

    name: str
    data: bytes


class JobCannotRunError(Exception):
    """Raised by a handler when running again cannot help (what it works on is
    gone): the job fails at once instead of being retried."""


def lease_end(now=None):
    return (now or timezone.now()) + timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def _running(job: Job, worker: str):
    """The job, as long as this worker still holds it."""
    return Job.objects.filter(pk=job.pk, worker=worker, status=Job.Status.RUNNING)


# --- Enqueueing ------------------------------------------------------------------


def job_enqueue(
    *,
    kind: str,
    arguments: dict,
    owner=None,
    title: str = "",
    priority: int = 1,
    max_attempts: int | None = None,
) -> Job:
    """Store a job for the workers.

    The row is written in the caller's transaction: a rollback takes the job with
    it, and a commit makes it visible to the workers. With JOBS_RUN_EAGERLY (the
    test settings) the job runs in this process as soon as the transaction
    commits.
    """
    job = Job.objects.create(
        kind=kind,
        arguments=arguments,
        owner=owner,
        title=title[:300],
        priority=priority,
        max_attempts=max_attempts or settings.JOBS_MAX_ATTEMPTS,
        run_after=timezone.now(),
    )
    if settings.JOBS_RUN_EAGERLY:
        transaction.on_commit(partial(job_run_eagerly, job.pk))
    return job


def job_run_eagerly(pk: int) -> None:
    """Claim and run one job here and now (JOBS_RUN_EAGERLY)."""
    job = job_claim("eager", pk=pk)
    if job is not None:
        job_run(job, "eager")


# --- Claiming --------------------------------------------------------------------


def job_claim(worker: str, *, pk: int | None = None) -> Job | None:
    """Lease the next job that is due, or whose worker's lease ran out, to this
    worker; return None when there is nothing to do.

    A job found on an expired lease after its last attempt is failed here, since
    its worker died running it for the last time.
    """
    while True:
        with transaction.atomic():
            now = timezone.now()
            due = Job.objects.filter(
                Q(status=Job.Status.QUEUED, run_after__lte=now)
                | Q(status=Job.Status.RUNNING, lease_expires_at__lt=now)
            )
            if pk is not None:
                due = due.filter(pk=pk)
            job = (
                due.select_for_update(skip_locked=True)
                .order_by("priority", "run_after", "id")
                .first()
            )
            if job is None:
                return None
            if job.status == Job.Status.RUNNING:
                logger.warning(
                    "Job %s: worker %s stopped during attempt %d; lease expired.",
                    job.pk,
                    job.worker,
                    job.attempts,
                )
                job.error = (
                    f"Attempt {job.attempts} was interrupted: worker {job.worker} "
                    "stopped before finishing."
                )
                if job.attempts >= job.max_attempts:
                    job.status = Job.Status.FAILED
                    job.finished_at = now
                    job.lease_expires_at = None
                    job.save(
                        update_fields=[
                            "status",
                            "finished_at",
                            "lease_expires_at",
                            "error",
                        ]
                    )
                    continue
            job.status = Job.Status.RUNNING
            job.attempts += 1
            job.worker = worker
            job.lease_expires_at = lease_end(now)
            job.started_at = now
            job.save(
                update_fields=[
                    "status",
                    "attempts",
                    "worker",
                    "lease_expires_at",
                    "started_at",
                    "error",
                ]
            )
            return job


def job_renew(job: Job, worker: str) -> bool:
    """Extend the lease; say whether this worker still holds the job."""
    return bool(_running(job, worker).update(lease_expires_at=lease_end()))


# --- Running ---------------------------------------------------------------------


class Progress:
    """Given to a handler to say how far it got, e.g. ``progress(12, 240)``.

    Writes are spaced out (one a second at most) and renew the lease.
    """

    def __init__(self, job: Job, worker: str, *, every: float = 1.0):
        self.job = job
        self.worker = worker
        self.every = every
        self.done = 0
        self.total = 0
        self._written_at = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.total = max(total if total is not None else self.total, 0)
        self.done = max(done, 0)
        now = time.monotonic()
        if now - self._written_at < self.every and self.done < self.total:
            return
        self._written_at = now
        _running(self.job, self.worker).update(
            progress_done=min(self.done, self.total) if self.total else self.done,
            progress_total=max(self.total, self.done),
            lease_expires_at=lease_end(),
        )

    @contextlib.contextmanager
    def counting_pages(self, total: int):
        """Report the pages WeasyPrint lays out while the block runs, of an
        estimated total."""
        self(0, total)
        counter = _PageCounter(self)
        log = logging.getLogger("weasyprint.progress")
        level, propagate = log.level, log.propagate
        # The settings keep WeasyPrint's INFO lines out of the logs: listen to
        # them here only, without passing them on.
        log.addHandler(counter)
        log.setLevel(logging.INFO)
        log.propagate = False
        try:
            yield
        finally:
            log.removeHandler(counter)
            log.setLevel(level)
            log.propagate = propagate


class _PageCounter(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" lines into progress."""

    def __init__(self, progress: Progress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        if record.msg != "Step 5 - Creating layout - Page %d" or not record.args:
            return
        page = record.args[0]
        if isinstance(page, int) and page > self.progress.done:
            self.progress(page, max(self.progress.total, page + 1))


def job_run(job: Job, worker: str) -> None:
    """Run a claimed job and record its outcome; never raise for the job's own
    errors (they are recorded), so a worker goes on with the next job."""
    progress = Progress(job, worker)
    try:
        handler = import_string(HANDLERS[job.kind])
        _finish(job, worker, handler(job, progress))
    except (JobCannotRunError, ObjectDoesNotExist) as error:
        logger.warning("Job %s cannot run: %s", job.pk, error)
        _fail(job, worker, error, final=True)
    except Exception as error:
        logger.exception("Job %s failed on attempt %d", job.pk, job.attempts)
        _fail(job, worker, error, final=job.attempts >= job.max_attempts)


def _finish(job: Job, worker: str, output: JobFile | None) -> None:
    now = timezone.now()
    fields = {
        "status": Job.Status.DONE,
        "finished_at": now,
        "lease_expires_at": None,
        "progress_done": F("progress_total"),
        "error": "",
    }
    stored = ""
    if output is not None:
        extension = mimetypes.guess_extension(
            mimetypes.guess_type(output.name)[0] or ""
        )
        storage = Job._meta.get_field("file").storage
        stored = storage.save(
            f"jobs/{now:%Y/%m}/{secrets.token_hex(16)}{extension or ''}",
            ContentFile(output.data),
        )
        fields |= {"file": stored, "file_name": output.name[:200]}
    if not _running(job, worker).update(**fields):
        # The lease ran out and another worker took the job over: its run counts.
        logger.warning("Job %s finished after its lease was taken over.", job.pk)
        if stored:
            storage.delete(stored)


def _fail(job: Job, worker: str, error: BaseException, *, final: bool) -> None:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    if final:
        _running(job, worker).update(
            status=Job.Status.FAILED,
            finished_at=now,
            lease_expires_at=None,
            error=message,
        )
        return
    delay = min(
        timedelta(seconds=settings.JOBS_RETRY_SECONDS * 2 ** (job.attempts - 1)),
        MAX_RETRY_DELAY,
    )
    _running(job, worker).update(
        status=Job.Status.QUEUED,
        worker="",
        lease_expires_at=None,
        run_after=now + delay,
        error=message,
    )


# --- Housekeeping ----------------------------------------------------------------


def jobs_prune(now=None) -> int:
    """Delete finished jobs older than JOBS_KEEP_DAYS, with their files; return
    how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(
        status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=cutoff
    )
    storage = Job._meta.get_field("file").storage
    for name in old.exclude(file="").values_list("file", flat=True):
        storage.delete(name)
    deleted, _by_model = old.delete()
    return deleted
