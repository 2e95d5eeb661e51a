"""The council's voting rule in `initiatives.voting`: at least 2/3 of ALL members
agree (Thông tư 18/2013/TT-BKHCN Điều 8), a quorum present, and a tally that
passes, fails or defers. The legal minimum holds in the form, the service and the
database alike."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives import voting
from initiatives.forms.councils import CouncilForm
from initiatives.models import Council, Outcome
from initiatives.services import councils as council_services
from tests.initiatives.factories import vietnamese

R, NR, D = Outcome.RECOGNISED, Outcome.NOT_RECOGNISED, Outcome.DEFERRED


def test_the_legal_minimum_is_two_thirds():
    assert Fraction(2, 3) == voting.LEGAL_PASS
    assert voting.DEFAULT_PASS >= voting.LEGAL_PASS


@pytest.mark.parametrize(
    ("members", "needed"),
    [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (7, 5), (9, 6), (10, 7)],
)
def test_votes_needed_are_two_thirds_of_all_members_rounded_up(members, needed):
    assert voting.votes_needed(members) == needed
    assert voting.quorum_needed(members) == needed  # the default quorum is 2/3 too


@pytest.mark.parametrize(
    ("members", "share", "needed"),
    [(9, (1, 2), 5), (10, (1, 2), 5), (9, (3, 4), 7), (8, (3, 4), 6), (7, (1, 1), 7)],
)
def test_quorum_of_other_shares_rounds_up(members, share, needed):
    assert voting.quorum_needed(members, *share) == needed


def test_exact_arithmetic_on_large_councils():
    # 2/3 of 99 is 66 exactly, with no float creeping above it.
    assert voting.votes_needed(99) == 66
    assert voting.votes_needed(99, 67, 100) == 67


@pytest.mark.parametrize(
    ("share", "legal"),
    [
        ((2, 3), True),
        ((4, 6), True),
        ((3, 4), True),
        ((7, 10), True),
        ((67, 100), True),
        ((1, 1), True),
        ((1, 2), False),
        ((3, 5), False),
        ((5, 8), False),
        ((66, 100), False),
        ((1, 3), False),
    ],
)
def test_pass_share_is_legal(share, legal):
    assert voting.pass_share_is_legal(*share) is legal


# --- The tally at its boundaries (9 members: 6 to pass, 6 present) -------------------


@pytest.mark.parametrize(
    ("present", "yes", "no", "outcome", "reason"),
    [
        (9, 6, 3, R, "passed"),
        (9, 5, 4, NR, "failed"),
        (6, 6, 0, R, "passed"),
        (6, 5, 1, NR, "failed"),
        (6, 5, 0, NR, "failed"),  # five of six present is not 2/3 of all nine
        (5, 5, 0, D, "quorum"),
        (0, 0, 0, D, "quorum"),
        (8, 4, 4, D, "tie"),
        (6, 0, 0, D, "tie"),  # everyone abstains
    ],
)
def test_nine_members_need_six_in_favour(present, yes, no, outcome, reason):
    tally = voting.decide(
        member_count=9,
        present=present,
        quorum=voting.quorum_needed(9),
        needed=voting.votes_needed(9),
        yes=yes,
        no=no,
    )
    assert (tally.outcome, tally.reason) == (outcome, reason)


@pytest.mark.parametrize(("present", "met"), [(4, False), (5, True), (7, True)])
def test_quorum_edge_of_seven(present, met):
    assert voting.has_quorum(present, voting.quorum_needed(7)) is met


# --- The model: defaults and the database constraint ------------------------------


def test_model_defaults_come_from_the_rule():
    council = Council()
    assert Fraction(council.pass_numerator, council.pass_denominator) == (
        voting.DEFAULT_PASS
    )
    assert Fraction(council.quorum_numerator, council.quorum_denominator) == (
        voting.DEFAULT_QUORUM
    )


@pytest.mark.django_db
@pytest.mark.parametrize("share", [(1, 2), (3, 5), (66, 100)])
def test_the_database_refuses_a_pass_share_below_two_thirds(share, council):
    council.pass_numerator, council.pass_denominator = share
    with pytest.raises(IntegrityError), transaction.atomic():
        council.save(update_fields=["pass_numerator", "pass_denominator"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.filter(pk=council.pk).update(
            pass_numerator=share[0], pass_denominator=share[1]
        )
    council.refresh_from_db()
    assert (council.pass_numerator, council.pass_denominator) == (2, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("share", [(2, 3), (4, 6), (3, 4), (1, 1)])
def test_the_database_takes_two_thirds_or_more(share, council):
    Council.objects.filter(pk=council.pk).update(
        pass_numerator=share[0], pass_denominator=share[1]
    )
    council.refresh_from_db()
    assert (council.pass_numerator, council.pass_denominator) == share


@pytest.mark.django_db
def test_full_clean_gives_the_legal_message(council):
    council.pass_numerator, council.pass_denominator = 1, 2
    with pytest.raises(ValidationError) as caught:
        council.full_clean()
    assert str(voting.below_legal_pass_message()) in caught.value.messages


# --- The service and the form --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"pass_numerator": 1, "pass_denominator": 2},
        {"pass_numerator": 1},  # 1 of the council's 3
        {"pass_denominator": 4},  # the council's 2 of 4
    ],
)
def test_the_service_refuses_a_pass_share_below_two_thirds(change, council, cast):
    with pytest.raises(ValidationError) as caught:
        council_services.council_update(council=council, actor=cast.a_admin, **change)
    assert caught.value.message_dict["pass_numerator"] == [
        str(voting.below_legal_pass_message())
    ]
    council.refresh_from_db()
    assert (council.pass_numerator, council.pass_denominator) == (2, 3)


@pytest.mark.django_db
def test_the_service_takes_a_quorum_below_two_thirds(council, cast):
    council = council_services.council_update(
        council=council, actor=cast.a_admin, quorum_numerator=1, quorum_denominator=2
    )
    assert council.quorum_needed(9) == 5


def form_data(**extra) -> dict:
    data = {
        "name": "Hội đồng sáng kiến",
        "code": "HĐSK",
        "voting_mode": "ballot",
        "pass_numerator": 2,
        "pass_denominator": 3,
        "quorum_numerator": 2,
        "quorum_denominator": 3,
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_form_starts_from_the_rule():
    form = CouncilForm(units=Council.objects.none(), editing=True)
    assert (
        form["pass_numerator"].initial,
        form["pass_denominator"].initial,
    ) == (voting.DEFAULT_PASS.numerator, voting.DEFAULT_PASS.denominator)
    assert (
        form["quorum_numerator"].initial,
        form["quorum_denominator"].initial,
    ) == (voting.DEFAULT_QUORUM.numerator, voting.DEFAULT_QUORUM.denominator)


@pytest.mark.django_db
@pytest.mark.parametrize("share", [(1, 2), (3, 5), (2, 4)])
def test_the_form_refuses_a_pass_share_below_two_thirds_in_vietnamese(share):
    def errors():
        form = CouncilForm(
            form_data(pass_numerator=share[0], pass_denominator=share[1]),
            units=Council.objects.none(),
            editing=True,
        )
        assert not form.is_valid()
        return form.errors["pass_numerator"][0]

    message = vietnamese(errors)
    assert message == vietnamese(voting.below_legal_pass_message())
    assert "2/3" in message and "18/2013/TT-BKHCN" in message


@pytest.mark.django_db
@pytest.mark.parametrize("share", [(2, 3), (4, 6), (3, 4), (1, 1)])
def test_the_form_takes_two_thirds_or_more(share):
    form = CouncilForm(
        form_data(pass_numerator=share[0], pass_denominator=share[1]),
        units=Council.objects.none(),
        editing=True,
    )
    assert form.is_valid(), form.errors
