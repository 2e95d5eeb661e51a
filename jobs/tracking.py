"""The audit log does not follow the work queue."""

from audit.log import untracked
from jobs.models import Job

# Work queue rows: the prints they make are documents, and mail is not a record.
untracked(Job, "background work, not a record")
