"""The awards part of the demo data: a year of the movement, ratings, a finished
round whose dossier went up and came back with an award, an open round."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from awards import criteria
from awards.models import Award, AwardRound, Dossier

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("awards").get_models()
    }


def test_the_demo_runs_awards_end_to_end_and_twice_changes_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert first["awards.MovementRecord"] >= 5
    assert first["awards.Pact"] == 1
    assert first["awards.UnitRating"] >= 3 and first["awards.MemberRating"] >= 3
    finished = AwardRound.objects.get(unit__code="CB-GD-THPTC")
    assert finished.dossier.status == Dossier.Status.ACCEPTED
    award = Award.objects.get()
    assert award.person.username == "canbo.thptchuyen"
    assert award.decision.dossier == finished.dossier
    open_round = AwardRound.objects.get(unit__code="CB-GD")
    assert open_round.status == AwardRound.Status.OPEN
    lists = criteria.checklists(list(open_round.candidates.all()), open_round.year)
    short = [c for c in lists.values() if not c.passed]
    assert short and all(c.shortfall or c.waiting_for for c in short)
    # The README's tour ticks an individual who meets every criterion.
    chair = open_round.candidates.get(person__username="canbo.thptchuyen")
    assert lists[chair.pk].passed
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
