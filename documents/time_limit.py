"""The time limit of a print: no document keeps the renderer busy for long.

A print made in a request has PRINT_TIME_LIMIT seconds (30 by default, well
under the 60 s after which gunicorn kills a worker); the background worker's
prints have PRINT_JOB_TIME_LIMIT (the print jobs set it with `time_limit`).
Past the limit the print stops and PrintTimeLimitError says so in the person's
language. A print is refused rather than sent to the worker: the long prints
already go to the worker before they start (jobs.prints, by their estimated
pages), and once long tokens are broken (documents.breaking) nothing known
makes a short document slow, so one that is anyway would take as long in the
worker, hold it, and fail there too; the message asks to try again and to
shorten the longest texts.

The layout runs in the thread that asked for the print, without the cost of a
child process (a one-page document takes well under the half second a child
needs to start). A watchdog thread waits for the deadline and then raises an
exception in that thread (PyThreadState_SetAsyncExc), which Python delivers
between two steps of WeasyPrint's layout (its line breaking is Python code
calling Pango a line at a time), so the print stops within a moment. The
watchdog raises once at most, only while the print runs, and an exception it
raised that has not arrived yet when the print ends is cleared, so it never
reaches other code. The exception derives from BaseException, past the
`except Exception` of the code it crosses; WeasyPrint's two `except
BaseException` (an SVG image, a colour profile) never see user input. The
renderer parses its stylesheet again after a stopped print.

Prints in parts (documents.parallel) wait for their child processes with the
same limit (`seconds()`), and their children are stopped at it.
"""

import contextlib
import contextvars
import ctypes
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "print_time_limit", default=None
)
_running = threading.local()


class PrintTimeLimitError(ValidationError):
    """A print did not end within its time limit and was stopped; a service
    that refuses with it has written nothing (views show its message)."""

    def __init__(self, seconds: float):
        super().__init__(
            _(
                "The document could not be printed within %(seconds)d seconds and "
                "was stopped; nothing was issued or saved. Please try again in a "
                "few minutes; if it fails again, shorten the longest texts in it "
                "or tell the administrator."
            ),
            code="print_time_limit",
            params={"seconds": max(1, round(seconds))},
        )
        self.seconds = seconds


class _Stop(BaseException):
    """Raised in the printing thread at the deadline (caught by `enforced`)."""


def seconds() -> float:
    """The time limit of a print made here: the one `time_limit` set, else
    PRINT_TIME_LIMIT."""
    return _limit.get() or settings.PRINT_TIME_LIMIT


@contextlib.contextmanager
def time_limit(limit: float):
    """Give the prints made inside this block `limit` seconds each."""
    token = _limit.set(limit)
    try:
        yield
    finally:
        _limit.reset(token)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in the thread at its next step (None: forget the one
    raised there that has not arrived yet)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id),
        ctypes.py_object(exception) if exception is not None else None,
    )


class _Watchdog:
    """Raises _Stop once in the thread that started it, at the deadline, unless
    disarmed first."""

    def __init__(self, limit: float):
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.armed = True
        self.fired = False
        self.disarmed = threading.Event()
        self.thread = threading.Thread(
            target=self._watch, args=(limit,), daemon=True, name="print-time-limit"
        )
        self.thread.start()

    def _watch(self, limit: float) -> None:
        if self.disarmed.wait(limit):
            return
        with self.lock:
            if self.armed:
                self.fired = True
                _raise_in(self.thread_id, _Stop)

    def disarm(self) -> None:
        with self.lock:
            self.armed = False
            if self.fired:
                # Raised but perhaps not arrived yet: it must not reach the caller.
                _raise_in(self.thread_id, None)
        self.disarmed.set()


@contextlib.contextmanager
def enforced(limit: float | None = None):
    """Run the block within `limit` seconds (by default `seconds()`), else raise
    PrintTimeLimitError. A block inside another keeps the outer deadline."""
    if getattr(_running, "active", False):
        yield
        return
    limit = limit or seconds()
    _running.active = True
    try:
        try:
            watchdog = _Watchdog(limit)
            try:
                yield
            finally:
                watchdog.disarm()
        except _Stop:
            raise PrintTimeLimitError(limit) from None
    finally:
        _running.active = False


@contextlib.contextmanager
def in_the_worker():
    """The time limit of a print the background worker makes
    (PRINT_JOB_TIME_LIMIT). Past it the job fails at once: running it again
    would take as long."""
    from jobs.services import JobCannotRunError

    try:
        with time_limit(settings.PRINT_JOB_TIME_LIMIT):
            yield
    except PrintTimeLimitError as error:
        raise JobCannotRunError(" ".join(error.messages)) from error
