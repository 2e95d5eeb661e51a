"""The queue under real concurrency, on PostgreSQL only (SQLite's test database
lives in memory, in one process): workers claiming at the same moment never take
the same job, and a worker process killed in the middle of a job leaves it to the
next worker."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from jobs import services
from jobs.models import Job
from tests.jobs.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

ROOT = Path(settings.BASE_DIR)


def enqueue(n: int = 1) -> list[Job]:
    return [
        services.job_enqueue(
            kind=Job.Kind.GOLDBOOK_PRINT, arguments={"text": f"bản {i}"}
        )
        for i in range(n)
    ]


def test_workers_claiming_together_take_different_jobs():
    jobs = enqueue(6)
    claimed, guard = [], threading.Lock()
    start = threading.Barrier(6)

    def claim(name):
        try:
            start.wait(timeout=30)
            job = services.job_claim(name)
            with guard:
                claimed.append(job.pk if job else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(job.pk for job in jobs)
    assert Job.objects.filter(status=Job.Status.RUNNING).count() == 6


def database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


WORKER = """
import django
django.setup()
from jobs import services
from jobs.worker import Worker
services.HANDLERS["goldbook_print"] = "tests.jobs.handlers.slow"
Worker(name="doomed").run()
"""


def test_a_worker_process_killed_mid_job_leaves_it_to_the_next(handler):
    (job,) = enqueue()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.RUNNING and job.progress_done == 1:
                break
            time.sleep(0.2)
        assert (job.status, job.worker, job.attempts) == (
            Job.Status.RUNNING,
            "doomed",
            1,
        )
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    # Killed: the job stays leased to the dead worker until the lease runs out.
    handler("tests.jobs.handlers.make_file")
    assert run_worker() == 0
    Job.objects.filter(pk=job.pk).update(lease_expires_at=job.started_at)
    assert run_worker() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (Job.Status.DONE, 2, "worker-b")
    with job.file.open("rb") as stored:
        assert stored.read() == "%PDF-1.4 bản 0".encode()
