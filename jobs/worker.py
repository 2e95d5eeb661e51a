"""The worker: claim a job, run it while a heartbeat renews its lease, repeat.

Started by `python manage.py run_worker` (`make worker`). Any number of workers,
on any number of hosts, may share the database. A stop signal (SIGTERM, Ctrl+C)
lets the current job finish first; a worker killed outright leaves its job to
the next worker once the lease runs out.
"""

import logging
import os
import secrets
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from jobs import services
from jobs.models import Job

logger = logging.getLogger("jobs")

PRUNE_EVERY = 60 * 60  # seconds


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


class Heartbeat(threading.Thread):
    """Renews the lease of the running job, on its own database connection,
    until stopped or until the job is no longer this worker's."""

    def __init__(self, job: Job, worker: str, every: float):
        super().__init__(name=f"heartbeat-{job.pk}", daemon=True)
        self.job = job
        self.worker = worker
        self.every = every
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.every):
                try:
                    if not services.job_renew(self.job, self.worker):
                        logger.warning("Job %s is no longer ours.", self.job.pk)
                        return
                except DatabaseError:
                    # Try again at the next beat; the lease has slack for it.
                    logger.exception("Could not renew the lease of job %s", self.job.pk)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join()


class Worker:
    def __init__(
        self,
        *,
        name: str | None = None,
        interval: float = 1.0,
        heartbeat: bool = True,
    ):
        self.name = name or worker_name()
        self.interval = interval
        self.heartbeat = heartbeat
        self.stopping = False
        self._pruned_at = 0.0

    def stop(self) -> None:
        """Finish the current job, then stop."""
        self.stopping = True

    def run_job(self, job: Job) -> None:
        beat = None
        if self.heartbeat:
            beat = Heartbeat(job, self.name, settings.JOBS_LEASE_SECONDS / 3)
            beat.start()
        try:
            services.job_run(job, self.name)
        finally:
            if beat is not None:
                beat.stop()

    def run_once(self) -> bool:
        """Claim and run one job; say whether there was one."""
        job = services.job_claim(self.name)
        if job is None:
            return False
        logger.info("Job %s (%s), attempt %d", job.pk, job.kind, job.attempts)
        self.run_job(job)
        return True

    def run(self, *, until_empty: bool = False) -> int:
        """Run jobs until stopped (or, with until_empty, until none is due);
        return how many were run."""
        count = 0
        while not self.stopping:
            if not connection.in_atomic_block:
                # Drop a connection the database closed, as a request would.
                close_old_connections()
            try:
                self._prune()
                ran = self.run_once()
            except DatabaseError:
                # The database went away or SQLite was busy: wait and try again.
                logger.exception("Worker %s could not reach the queue", self.name)
                if connection.in_atomic_block:
                    raise
                connection.close()
                ran = False
            count += ran
            if not ran:
                if until_empty:
                    break
                self._sleep()
        return count

    def _prune(self) -> None:
        now = time.monotonic()
        if self._pruned_at and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        deleted = services.jobs_prune()
        if deleted:
            logger.info("Deleted %d finished jobs past their keeping time.", deleted)

    def _sleep(self) -> None:
        end = time.monotonic() + self.interval
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.2, self.interval))
