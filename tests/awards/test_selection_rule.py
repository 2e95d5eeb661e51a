"""The selecting body's rule in `awards.selection_rule`: a quorum of two thirds of
all members present, and a nominee selected with the votes of MORE than half of all
members. The database refuses a recorded meeting without its quorum."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from awards import selection_rule
from awards.models import Selection


def test_the_rule_is_two_thirds_present_and_more_than_half_of_all():
    assert Fraction(2, 3) == selection_rule.QUORUM
    assert Fraction(1, 2) == selection_rule.MAJORITY


@pytest.mark.parametrize(
    ("total", "quorum"),
    [(1, 1), (2, 2), (3, 2), (5, 4), (6, 4), (7, 5), (9, 6), (10, 7)],
)
def test_quorum_needed(total, quorum):
    assert selection_rule.quorum_needed(total) == quorum
    assert selection_rule.quorum_met(quorum, total)
    assert not selection_rule.quorum_met(quorum - 1, total)


@pytest.mark.parametrize(
    ("total", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (6, 4), (7, 4), (9, 5)]
)
def test_votes_needed_are_more_than_half_of_all_members(total, needed):
    assert selection_rule.votes_needed(total) == needed
    assert selection_rule.selected_by(needed, total)
    assert not selection_rule.selected_by(needed - 1, total)


def test_decide_at_the_boundaries_of_nine():
    result = selection_rule.decide(
        members_total=9, members_present=6, votes={"a": 5, "b": 4, "c": 6, "d": 0}
    )
    assert result == {"a": True, "b": False, "c": True, "d": False}


def test_decide_without_a_quorum_selects_nobody():
    result = selection_rule.decide(
        members_total=9, members_present=5, votes={"a": 5, "b": 4}
    )
    assert result == {"a": False, "b": False}


@pytest.mark.django_db
def test_the_database_refuses_a_meeting_without_its_quorum(selected_round):
    award_round, _candidates, _entry = selected_round
    selection = Selection.objects.get(round=award_round)
    with pytest.raises(IntegrityError), transaction.atomic():
        Selection.objects.filter(pk=selection.pk).update(
            members_total=9, members_present=5
        )
    Selection.objects.filter(pk=selection.pk).update(members_total=9, members_present=6)
    selection.refresh_from_db()
    assert (selection.members_present, selection.members_total) == (6, 9)
    selection.members_present = 5
    with pytest.raises(IntegrityError), transaction.atomic():
        selection.save(update_fields=["members_present"])


@pytest.mark.django_db
def test_full_clean_gives_the_quorum_message(selected_round):
    award_round, _candidates, _entry = selected_round
    selection = Selection.objects.get(round=award_round)
    selection.members_present, selection.members_total = 2, 9
    with pytest.raises(ValidationError) as caught:
        selection.full_clean()
    assert (
        gettext(
            "Fewer than two thirds of the members were present: the meeting "
            "cannot select."
        )
        in caught.value.messages
    )
    selection.refresh_from_db()
    assert (selection.members_present, selection.members_total) == (8, 9)
