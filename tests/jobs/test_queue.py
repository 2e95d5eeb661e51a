"""The queue on the real database: a job runs and delivers its file, survives a
worker that died mid-job, is retried a bounded number of times, and fails with a
message. Workers run in this process, as `manage.py run_worker --once` does."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobs import services
from jobs.models import Job
from tests.jobs import handlers
from tests.jobs.conftest import run_worker

pytestmark = pytest.mark.django_db

PAST = datetime.timedelta(seconds=1)


def enqueue(cast=None, text="sổ vàng", **extra) -> Job:
    return services.job_enqueue(
        kind=Job.Kind.GOLDBOOK_PRINT,
        arguments={"text": text},
        owner=cast,
        title="Bản in thử",
        **extra,
    )


def expire_lease(job: Job) -> None:
    """Let the time of the lease pass, as if its worker stopped long ago."""
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - PAST)


def make_due(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - PAST)


def test_a_job_waits_for_a_worker_then_runs_and_delivers_its_file(handler):
    handler("tests.jobs.handlers.make_file")
    job = enqueue()
    assert job.status == Job.Status.QUEUED
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 1
    assert job.worker == "worker-b"
    assert job.finished_at is not None
    assert job.lease_expires_at is None
    assert job.file_name == "ket-qua.pdf"
    assert job.file.name.endswith(".pdf")
    with job.file.open("rb") as stored:
        assert stored.read() == "%PDF-1.4 sổ vàng".encode()
    assert job.percent == 100
    # Nothing is left to do.
    assert run_worker() == 0


def test_a_job_whose_worker_died_is_run_again_by_the_next_worker(handler):
    handler("tests.jobs.handlers.make_file")
    job = enqueue()
    # Worker A takes the job, then dies before finishing: nothing more happens.
    claimed = services.job_claim("worker-a")
    assert claimed.pk == job.pk
    assert claimed.status == Job.Status.RUNNING
    assert claimed.attempts == 1
    # While the lease lasts, nobody else takes it.
    assert run_worker() == 0
    job.refresh_from_db()
    assert (job.status, job.worker) == (Job.Status.RUNNING, "worker-a")
    # The lease runs out: worker B takes the job over and finishes it.
    expire_lease(job)
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert job.worker == "worker-b"
    with job.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")


def test_a_live_worker_keeps_its_job_by_renewing_the_lease(handler):
    handler("tests.jobs.handlers.make_file")
    job = enqueue()
    services.job_claim("worker-a")
    expire_lease(job)
    # The heartbeat of a live worker renews the lease before anyone looks.
    assert services.job_renew(job, "worker-a")
    assert run_worker() == 0
    job.refresh_from_db()
    assert job.lease_expires_at > timezone.now()
    # A worker that lost the job cannot renew it.
    assert not services.job_renew(job, "worker-x")


def test_a_worker_that_finishes_after_losing_its_job_changes_nothing(handler):
    handler("tests.jobs.handlers.make_file")
    job = enqueue(text="lần hai")
    slow_worker_copy = services.job_claim("worker-a")
    expire_lease(job)
    assert run_worker() == 1
    job.refresh_from_db()
    first_file = job.file.name
    # Worker A wakes up and finishes: the job stays as worker B left it, and A's
    # file is not kept.
    services.job_run(slow_worker_copy, "worker-a")
    job.refresh_from_db()
    assert job.worker == "worker-b"
    assert job.file.name == first_file
    assert stored_files(job) == [Path(job.file.path)]


def stored_files(job: Job) -> list[Path]:
    root = Path(job.file.storage.location) / "jobs"
    return [path for path in root.rglob("*") if path.is_file()]


def test_progress_is_recorded_and_renews_the_lease(handler):
    job = enqueue()
    claimed = services.job_claim("worker-a")
    expire_lease(job)
    progress = services.Progress(claimed, "worker-a", every=0)
    progress(3, 40)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (3, 40)
    assert job.percent == 7
    assert job.lease_expires_at > timezone.now()


def test_a_failing_job_is_retried_later_then_failed_with_its_error(handler, settings):
    handler("tests.jobs.handlers.broken")
    settings.JOBS_MAX_ATTEMPTS = 2
    job = enqueue()
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.attempts == 1
    assert "RuntimeError: the renderer fell over" in job.error
    # The retry waits (30 s, then twice as long): not run again at once.
    assert job.run_after > timezone.now() + datetime.timedelta(seconds=25)
    assert run_worker() == 0
    make_due(job)
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 2
    assert job.finished_at is not None
    assert "the renderer fell over" in job.error
    # A failed job is never run again.
    make_due(job)
    assert run_worker() == 0


def test_a_worker_dying_on_the_last_attempt_fails_the_job(handler, settings):
    handler("tests.jobs.handlers.make_file")
    settings.JOBS_MAX_ATTEMPTS = 2
    job = enqueue()
    for dead in ("worker-a", "worker-c"):
        assert services.job_claim(dead).pk == job.pk
        expire_lease(job)
    assert run_worker() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 2
    assert "worker-c stopped before finishing" in job.error


def test_a_job_whose_subject_is_gone_fails_at_once(handler):
    handler("tests.jobs.handlers.gone")
    job = enqueue()
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert "the book was removed" in job.error


def test_mail_goes_before_prints(handler):
    handler("tests.jobs.handlers.make_file")
    first = enqueue()
    mail = services.job_enqueue(
        kind=Job.Kind.MAIL, arguments={}, priority=0, title="thư"
    )
    assert services.job_claim("worker-a").pk == mail.pk
    assert services.job_claim("worker-a").pk == first.pk


def test_old_finished_jobs_and_their_files_are_pruned(handler, settings):
    handler("tests.jobs.handlers.make_file")
    old, recent = enqueue(), enqueue()
    run_worker()
    old.refresh_from_db()
    path = Path(old.file.path)
    Job.objects.filter(pk=old.pk).update(
        finished_at=timezone.now()
        - datetime.timedelta(days=settings.JOBS_KEEP_DAYS + 1)
    )
    assert services.jobs_prune() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()


def test_the_worker_command_runs_what_is_due_and_exits(handler):
    handler("tests.jobs.handlers.make_file")
    job = enqueue()
    out = io.StringIO()
    call_command("run_worker", "--once", "--name", "lenh", stdout=out)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.worker == "lenh"
    assert "stopped after 1 jobs" in out.getvalue()


def test_eager_mode_runs_a_job_when_its_transaction_commits(
    handler, settings, django_capture_on_commit_callbacks
):
    handler("tests.jobs.handlers.make_file")
    settings.JOBS_RUN_EAGERLY = True
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue()
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.worker == "eager"
    assert handlers.CALLS[-1] == job.pk
