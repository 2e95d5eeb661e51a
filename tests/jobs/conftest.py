"""Fixtures for the queue: jobs are not run eagerly here, and a worker is run
explicitly, in this process, as `manage.py run_worker --once` would."""

import pytest

from jobs import services
from jobs.models import Job
from jobs.worker import Worker


@pytest.fixture(autouse=True)
def queue(settings, tmp_path):
    """The real database queue: nothing runs until a worker does."""
    settings.JOBS_RUN_EAGERLY = False
    settings.JOBS_RETRY_SECONDS = 30
    settings.JOBS_MAX_ATTEMPTS = 3
    settings.JOBS_LEASE_SECONDS = 120
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def run_worker(name: str = "worker-b") -> int:
    """Run the jobs that are due, as a worker would; return how many ran. The
    heartbeat thread stays off: SQLite's test database lives in memory, and
    the lease is renewed by hand where a test needs it."""
    return Worker(name=name, heartbeat=False).run(until_empty=True)


@pytest.fixture
def handler(monkeypatch):
    """Point the Gold Book print kind at a handler of the test's choosing."""

    def use(path: str):
        monkeypatch.setitem(services.HANDLERS, Job.Kind.GOLDBOOK_PRINT, path)

    return use
