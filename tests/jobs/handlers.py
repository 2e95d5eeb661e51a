"""Job handlers for the tests of the queue."""

import time

from jobs.services import JobCannotRunError, JobFile

CALLS = []


def make_file(job, progress):
    CALLS.append(job.pk)
    progress(1, 2)
    return JobFile("ket-qua.pdf", b"%PDF-1.4 " + job.arguments["text"].encode())


def broken(job, progress):
    CALLS.append(job.pk)
    raise RuntimeError("the renderer fell over")


def gone(job, progress):
    raise JobCannotRunError("the book was removed")


def slow(job, progress):
    """Runs long enough for a test to kill its worker."""
    progress(1, 100)
    time.sleep(60)
    return JobFile("cham.pdf", b"%PDF-1.4 slow")
