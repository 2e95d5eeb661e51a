"""What the queue carries for the apps above it, which each app registers from
its AppConfig.ready(): the handler of each kind of job and, for the prints a
person asks for, the rule that says whether that person may still read the file
(a role may have ended since they asked). The queue imports none of those apps.
"""

from collections.abc import Callable

# kind -> dotted path of the handler, imported when a job of that kind runs. A
# handler takes the job and a Progress, and returns a JobFile to offer the user,
# or None.
HANDLERS: dict[str, str] = {}
# kind -> may_read(user, arguments): whether this person may read what a job of
# this kind with these arguments made. Only kinds with a reader are offered to
# people (jobs.views.print_in_background).
READERS: dict[str, Callable] = {}


def register(kind: str, handler: str, *, may_read: Callable | None = None) -> None:
    """Say which function runs jobs of this kind and, for a print offered to a
    person, who may read its file."""
    HANDLERS[kind] = handler
    if may_read is not None:
        READERS[kind] = may_read


def offered(kind: str) -> bool:
    """Whether people may ask for jobs of this kind."""
    return kind in READERS


def may_read(user, job) -> bool:
    """Whether this person may still read the file of this job."""
    reader = READERS.get(job.kind)
    return reader is not None and bool(reader(user, job.arguments))
