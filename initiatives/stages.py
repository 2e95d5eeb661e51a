"""How far a request has come: the steps the movement is counted by.

The movement report, the home page's funnel and the request list's "stage"
filter all read these definitions, so a number in a report and the list behind
it always count the same requests.
"""

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from initiatives.models import Status


class Stage(TextChoices):
    FILED = "filed", _("filed")
    ACCEPTED = "accepted", _("accepted for review")
    RECOGNISED = "recognised", _("recognised")


# A request counts as filed once it was submitted (a request returned for
# revision or withdrawn later still was filed); accepted once the recognising
# body took it in, whatever came after; recognised once the council recognised it.
STAGE_FILTERS: dict[str, Q] = {
    Stage.FILED: Q(submitted_at__isnull=False),
    Stage.ACCEPTED: Q(accepted_on__isnull=False),
    Stage.RECOGNISED: Q(status=Status.RECOGNISED),
}


# The request list's "field" filter value for the fields typed in, not chosen.
OTHER_FIELD = "other"


def stage_q(stage: str) -> Q:
    """Return the filter for the requests that reached the stage."""
    return STAGE_FILTERS[stage]
