"""What of the official documents the audit log follows."""

from audit.log import track
from audit.models import Action
from documents.models import IssuedDocument, NumberSeries


def _issued_action(document, created, changes):
    return Action.ISSUED if created else None


track(NumberSeries, unit="unit")
track(IssuedDocument, unit="series__unit", action=_issued_action)
