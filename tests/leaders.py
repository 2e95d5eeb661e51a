"""Record the leaders of test units, so that their documents have a signer."""

import datetime

from tests.factories import UserFactory
from units.leadership import Leadership, Position

SINCE = datetime.date(2000, 1, 1)


def record_chairs(*units, since: datetime.date = SINCE) -> dict:
    """Give each unit without an open chair a chair from ``since``; return them."""
    chairs = {}
    for unit in units:
        term = Leadership.objects.filter(
            unit=unit, position=Position.CHAIR, ended_on__isnull=True
        ).first()
        if term is None:
            term = Leadership.objects.create(
                unit=unit,
                user=UserFactory(),
                position=Position.CHAIR,
                started_on=since,
            )
        chairs[unit.pk] = term.user
    return chairs
