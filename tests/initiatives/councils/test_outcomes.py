"""What a vote comes to: the council's rules applied by `decide()` and by a real
session closing, over councils of 3, 5, 7 and 9 members.

Rules (Thông tư 18/2013 Điều 8 and local practice): an initiative passes with at
least 2/3 of ALL council members agreeing, rounded up; a quorum of 2/3 of the
members must be present; a failed quorum or a tie defers the item. Absent and
recused members do not vote, but they still count in "all members".
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from initiatives.models import (
    CouncilItem,
    Initiative,
    Outcome,
    Recusal,
    Status,
    Vote,
    VotingMode,
)
from initiatives.services import AuthorData
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from initiatives.services.sessions import decide

pytestmark = pytest.mark.django_db

R, NR, D = Outcome.RECOGNISED, Outcome.NOT_RECOGNISED, Outcome.DEFERRED
# Members -> (votes needed to pass, quorum) under the default 2/3 rules.
DEFAULT_RULES = {3: (2, 2), 5: (4, 4), 7: (5, 5), 9: (6, 6)}

# (members, present, yes, no, outcome, reason, what the row shows)
TABLE = [
    (3, 3, 2, 1, R, "passed", "exactly 2 of 3"),
    (3, 2, 2, 0, R, "passed", "exactly the quorum, unanimous"),
    (3, 3, 1, 2, NR, "failed", "one below the threshold"),
    (3, 3, 1, 0, NR, "failed", "one below, the others abstain"),
    (3, 3, 1, 1, D, "tie", "a tie"),
    (3, 3, 0, 0, D, "tie", "nobody voted: 0 against 0 is a tie"),
    (3, 1, 1, 0, D, "quorum", "no quorum, unanimous"),
    (5, 5, 4, 1, R, "passed", "exactly 4 of 5"),
    (5, 4, 4, 0, R, "passed", "exactly the quorum, unanimous"),
    (5, 5, 3, 2, NR, "failed", "one below the threshold"),
    (5, 4, 3, 1, NR, "failed", "3 of 4 present is not 4 of all 5"),
    (5, 5, 2, 2, D, "tie", "a tie"),
    (5, 3, 3, 0, D, "quorum", "no quorum, unanimous"),
    (7, 7, 5, 2, R, "passed", "exactly 5 of 7"),
    (7, 5, 5, 0, R, "passed", "exactly the quorum, unanimous"),
    (7, 7, 4, 3, NR, "failed", "one below the threshold"),
    (7, 6, 4, 2, NR, "failed", "2/3 of those present is not 2/3 of all"),
    (7, 7, 3, 3, D, "tie", "a tie"),
    (7, 4, 4, 0, D, "quorum", "no quorum, unanimous"),
    (9, 9, 6, 3, R, "passed", "exactly 6 of 9"),
    (9, 6, 6, 0, R, "passed", "exactly the quorum, unanimous"),
    (9, 9, 5, 4, NR, "failed", "one below the threshold"),
    (9, 7, 5, 2, NR, "failed", "5 of 7 present is not 6 of all 9"),
    (9, 8, 4, 4, D, "tie", "a tie"),
    (9, 5, 5, 0, D, "quorum", "no quorum, unanimous"),
]
IDS = [f"{row[0]}m-{row[-1]}" for row in TABLE]
STATUS_OF = {
    R: (CouncilItem.Status.RECOGNISED, Status.RECOGNISED),
    NR: (CouncilItem.Status.NOT_RECOGNISED, Status.NOT_RECOGNISED),
    D: (CouncilItem.Status.DEFERRED, Status.DEFERRED),
}


# --- The rules of the council ----------------------------------------------------


@pytest.mark.parametrize("members", sorted(DEFAULT_RULES))
def test_default_rules_need_two_thirds_of_all_members_rounded_up(members, council):
    needed, quorum = DEFAULT_RULES[members]
    assert council.votes_needed(members) == needed
    assert council.quorum_needed(members) == quorum


@pytest.mark.parametrize(
    ("ratio", "members", "needed"),
    [
        ((3, 4), 3, 3),
        ((3, 4), 4, 3),
        ((3, 4), 5, 4),
        ((3, 4), 8, 6),
        ((1, 1), 7, 7),
    ],
)
def test_custom_ratios_round_up(ratio, members, needed, council, cast):
    council = council_services.council_update(
        council=council,
        actor=cast.a_admin,
        pass_numerator=ratio[0],
        pass_denominator=ratio[1],
        quorum_numerator=ratio[0],
        quorum_denominator=ratio[1],
    )
    assert council.votes_needed(members) == needed
    assert council.quorum_needed(members) == needed


@pytest.mark.parametrize(("members", "needed"), [(3, 2), (4, 2), (5, 3)])
def test_a_quorum_of_half_rounds_up(members, needed, council, cast):
    # The quorum is local practice: a council may set it below 2/3.
    council = council_services.council_update(
        council=council, actor=cast.a_admin, quorum_numerator=1, quorum_denominator=2
    )
    assert council.quorum_needed(members) == needed
    assert council.votes_needed(members) == -(-2 * members // 3)  # still 2/3


@pytest.mark.parametrize(("numerator", "denominator"), [(0, 3), (4, 3), (3, 0)])
def test_a_share_outside_one_to_the_whole_is_refused(
    numerator, denominator, council, cast
):
    with pytest.raises(ValidationError):
        council_services.council_update(
            council=council,
            actor=cast.a_admin,
            pass_numerator=numerator,
            pass_denominator=denominator,
        )
    council.refresh_from_db()
    assert (council.pass_numerator, council.pass_denominator) == (2, 3)


# --- decide() directly -----------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "present", "yes", "no", "outcome", "reason", "_what"), TABLE, ids=IDS
)
def test_decide(members, present, yes, no, outcome, reason, _what):
    needed, quorum = DEFAULT_RULES[members]
    tally = decide(
        member_count=members,
        present=present,
        quorum=quorum,
        needed=needed,
        yes=yes,
        no=no,
    )
    assert (tally.outcome, tally.reason) == (outcome, reason)


def test_decide_a_tie_defers_even_when_the_threshold_is_reached():
    # A council passing with half of its members: 2 of 4 agree, 2 disagree.
    tally = decide(member_count=4, present=4, quorum=3, needed=2, yes=2, no=2)
    assert (tally.outcome, tally.reason) == (D, "tie")


def test_decide_a_failed_quorum_defers_even_when_the_threshold_is_reached():
    # Quorum 3/4 of 8 = 6 present; pass 1/2 of 8 = 4: five present all agree.
    tally = decide(member_count=8, present=5, quorum=6, needed=4, yes=5, no=0)
    assert (tally.outcome, tally.reason) == (D, "quorum")


# --- The same table through a real session --------------------------------------


@pytest.mark.parametrize(
    ("members", "present", "yes", "no", "outcome", "reason", "_what"), TABLE, ids=IDS
)
def test_session_close(
    members, present, yes, no, outcome, reason, _what, seated, kit, accepted
):
    board = seated(members)
    attending = board.members[:present]
    session = kit.session(board.council, [accepted], present=attending)
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=attending[:yes], no=attending[yes : yes + no])

    kit.close(session)

    needed, quorum = DEFAULT_RULES[members]
    session.refresh_from_db()
    agenda_item.refresh_from_db()
    accepted.refresh_from_db()
    assert (session.member_count, session.present_count) == (members, present)
    assert session.quorum_met is (present >= quorum)
    assert (agenda_item.yes_count, agenda_item.no_count) == (yes, no)
    assert agenda_item.votes_needed == needed
    assert agenda_item.eligible_count == present
    assert agenda_item.outcome == outcome
    item_status, request_status = STATUS_OF[outcome]
    assert accepted.status == item_status
    assert Initiative.objects.get(pk=accepted.initiative_id).status == request_status
    expected_reason = session_services.REASON_TEXT[reason].format(
        yes=yes, members=members, needed=needed
    )
    assert accepted.reasons == agenda_item.note == expected_reason


def test_a_failed_quorum_defers_every_item_of_the_session(seated, kit, council):
    board = seated(7)
    items = [kit.accept(council) for _ in range(3)]
    attending = board.members[:4]  # the quorum is 5
    session = kit.session(council, items, present=attending)
    for item in items:
        kit.vote(kit.agenda_item(session, item), yes=attending)
    kit.close(session)
    session.refresh_from_db()
    assert session.quorum_met is False
    for item in items:
        agenda_item = kit.agenda_item(session, item)
        assert (agenda_item.yes_count, agenda_item.outcome) == (4, D)
        item.refresh_from_db()
        assert item.status == CouncilItem.Status.DEFERRED
        assert item.decided_on is None
        assert item.reasons == session_services.REASON_TEXT["quorum"]


# --- Absent members ------------------------------------------------------------


def test_marking_a_member_absent_removes_their_vote(seated, kit, accepted):
    board = seated(7)
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=board.members[:5], no=board.members[5:])
    leaving = board.members[0]

    session_services.attendance_set(
        session=session,
        present={m.pk for m in board.members[1:]},
        actor=board.secretary.user,
    )

    assert not Vote.objects.filter(member=leaving).exists()
    assert Vote.objects.filter(agenda_item=agenda_item).count() == 6
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=leaving, choice="yes"
        )
    # Marked present again, they have no vote until they cast one.
    session_services.attendance_set(
        session=session, present={m.pk for m in board.members}, actor=None
    )
    assert not Vote.objects.filter(member=leaving).exists()
    session_services.attendance_set(
        session=session,
        present={m.pk for m in board.members[1:]},
        actor=None,
    )

    kit.close(session)
    agenda_item.refresh_from_db()
    # 6 present meet the quorum of 5; 4 in favour is below the 5 needed.
    assert (agenda_item.yes_count, agenda_item.no_count) == (4, 2)
    assert agenda_item.outcome == NR


def test_an_absent_member_cannot_vote(seated, kit, accepted):
    board = seated(3)
    session = kit.session(board.council, [accepted], present=board.members[:2])
    agenda_item = kit.agenda_item(session, accepted)
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=board.members[2], choice="yes"
        )
    assert not Vote.objects.exists()


# --- Recused members -----------------------------------------------------------------


@pytest.fixture
def authored(kit, council, seated):
    """Five members; the fifth is the author of the request before the council."""
    board = seated(5)
    author = board.members[4]
    item = kit.accept(council, filer=author.user)
    assert Recusal.objects.filter(item=item, member=author).exists()
    return board, author, item


def test_a_recused_member_cannot_vote(authored, kit):
    board, author, item = authored
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    for choice in ("yes", "no"):
        with pytest.raises(ValidationError):
            session_services.vote_cast(
                agenda_item=agenda_item, member=author, choice=choice
            )
    assert not Vote.objects.filter(member=author).exists()


def test_recused_members_still_count_in_all_members(authored, kit):
    board, _author, item = authored
    others = board.members[:4]
    agenda_item = kit.decide(board.council, item, yes=others)
    # All four who take part agree: 4 of 5 members is the 4 needed.
    assert agenda_item.eligible_count == 4
    assert (agenda_item.yes_count, agenda_item.votes_needed) == (4, 4)
    assert agenda_item.outcome == R


def test_the_threshold_is_not_a_share_of_those_taking_part(authored, kit):
    board, _author, item = authored
    others = board.members[:4]
    # 3 of the 4 taking part agree (75 %), but 3 of all 5 members is not enough.
    agenda_item = kit.decide(board.council, item, yes=others[:3], no=others[3:])
    assert (agenda_item.yes_count, agenda_item.no_count) == (3, 1)
    assert agenda_item.outcome == NR


def test_votes_of_a_member_recused_later_are_not_counted(seated, kit, accepted):
    board = seated(3)
    first, second, third = board.members
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=[first, second], no=[third])
    # A conflict recorded without withdrawing the vote (e.g. by an administrator).
    Recusal.objects.create(item=accepted, member=first, reason="declared")

    kit.close(session)
    agenda_item.refresh_from_db()
    assert (agenda_item.yes_count, agenda_item.no_count) == (1, 1)
    assert agenda_item.eligible_count == 2
    assert agenda_item.outcome == D


# --- Custom ratios -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "present", "yes", "no", "outcome"),
    [
        # pass 1/1 of 4 = 4, quorum 3/4 of 4 = 3
        (((1, 1), (3, 4)), 4, 4, 0, R),
        (((1, 1), (3, 4)), 3, 3, 0, NR),
        (((1, 1), (3, 4)), 4, 2, 2, D),
        (((1, 1), (3, 4)), 4, 1, 3, NR),
        (((1, 1), (3, 4)), 2, 2, 0, D),
        # pass 3/4 of 4 = 3, quorum 1/2 of 4 = 2
        (((3, 4), (1, 2)), 4, 3, 1, R),
        (((3, 4), (1, 2)), 3, 2, 1, NR),
        (((3, 4), (1, 2)), 2, 2, 0, NR),
    ],
)
def test_custom_ratios_in_a_session(
    rules, present, yes, no, outcome, seated, kit, accepted, cast
):
    (pass_n, pass_d), (quorum_n, quorum_d) = rules
    board = seated(4)
    council_services.council_update(
        council=board.council,
        actor=cast.a_admin,
        pass_numerator=pass_n,
        pass_denominator=pass_d,
        quorum_numerator=quorum_n,
        quorum_denominator=quorum_d,
    )
    attending = board.members[:present]
    agenda_item = kit.decide(
        board.council,
        accepted,
        yes=attending[:yes],
        no=attending[yes : yes + no],
        present=attending,
    )
    assert agenda_item.votes_needed == -(-4 * pass_n // pass_d)
    assert agenda_item.outcome == outcome


# --- Show of hands versus ballot ---------------------------------------------


@pytest.fixture
def hands(authored, cast):
    board, author, item = authored
    council_services.council_update(
        council=board.council, actor=cast.a_admin, voting_mode=VotingMode.HANDS
    )
    return board, author, item


def test_show_of_hands_counts_decide(hands, kit):
    board, _author, item = hands
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    session_services.hands_record(
        agenda_item=agenda_item, yes=4, no=0, actor=board.secretary.user
    )
    kit.close(session)
    agenda_item.refresh_from_db()
    assert (agenda_item.yes_count, agenda_item.no_count) == (4, 0)
    assert agenda_item.eligible_count == 4
    assert agenda_item.outcome == R
    assert not Vote.objects.exists()


def test_show_of_hands_below_the_threshold_fails(hands, kit):
    board, _author, item = hands
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    session_services.hands_record(agenda_item=agenda_item, yes=3, no=1, actor=None)
    kit.close(session)
    agenda_item.refresh_from_db()
    assert agenda_item.outcome == NR


@pytest.mark.parametrize(
    ("absent", "yes", "no"),
    [
        (0, 5, 0),  # the recused author's hand does not count
        (0, 4, 1),
        (0, 3, 2),
        (1, 4, 0),  # one absent: three present take part
        (1, 2, 2),
        (0, -1, 0),
        (0, 0, -1),
    ],
)
def test_hands_above_the_eligible_present_members_are_refused(
    absent, yes, no, hands, kit
):
    board, _author, item = hands
    present = board.members[absent:]
    session = kit.session(board.council, [item], present=present)
    agenda_item = kit.agenda_item(session, item)
    with pytest.raises(ValidationError):
        session_services.hands_record(
            agenda_item=agenda_item, yes=yes, no=no, actor=None
        )
    agenda_item.refresh_from_db()
    assert (agenda_item.hands_yes, agenda_item.hands_no) == (None, None)


def test_hands_may_be_recounted_until_closing(hands, kit):
    board, _author, item = hands
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    session_services.hands_record(agenda_item=agenda_item, yes=2, no=2, actor=None)
    session_services.hands_record(agenda_item=agenda_item, yes=4, no=0, actor=None)
    agenda_item.refresh_from_db()
    assert (agenda_item.hands_yes, agenda_item.hands_no) == (4, 0)


def test_no_ballot_in_hands_mode(hands, kit):
    board, _author, item = hands
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=board.chair, choice="yes"
        )
    assert not Vote.objects.exists()


def test_no_show_of_hands_in_ballot_mode(seated, kit, accepted):
    board = seated(3)
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    with pytest.raises(ValidationError):
        session_services.hands_record(agenda_item=agenda_item, yes=3, no=0, actor=None)
    kit.vote(agenda_item, yes=board.members)
    kit.close(session)
    agenda_item.refresh_from_db()
    assert (agenda_item.hands_yes, agenda_item.yes_count) == (None, 3)


def test_a_ballot_council_ignores_a_recorded_count(seated, kit, accepted, cast):
    """Counts recorded while the council voted by hands do not count once it
    votes by ballot: only the ballots do."""
    board = seated(3)
    council_services.council_update(
        council=board.council, actor=cast.a_admin, voting_mode=VotingMode.HANDS
    )
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    session_services.hands_record(agenda_item=agenda_item, yes=3, no=0, actor=None)
    council_services.council_update(
        council=board.council, actor=cast.a_admin, voting_mode=VotingMode.BALLOT
    )
    kit.vote(agenda_item, no=board.members[:2])
    kit.close(session)
    agenda_item.refresh_from_db()
    assert (agenda_item.yes_count, agenda_item.no_count) == (0, 2)
    assert agenda_item.outcome == NR


def test_typed_co_authors_do_not_make_anyone_recused(kit, council, seated):
    board = seated(3)
    filer = kit.person(unit=kit.tree.a1)
    item = kit.accept(
        council,
        filer=filer,
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("60")),
            # The same name as a member, typed: not that member.
            AuthorData(full_name=board.chair.user.full_name, share=Decimal("40")),
        ],
    )
    assert not Recusal.objects.filter(item=item).exists()
