"""Reviews, score sheets, conflicts and the council's seats.

Members are asked to score an item (several at once), fill a sheet against the
council's criteria (a draft, or submitted when complete), are reminded until they
submit, and may declare a conflict: a recused member has no sheet, review or vote.
An author on the council is recused from their own items, and the head of a unit
who authored a state-funded initiative may not sit on its council.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives.models import (
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Criterion,
    Initiative,
    InitiativeEvent,
    Recusal,
    ReviewAssignment,
    ScoreSheet,
    Status,
    Vote,
)
from initiatives.services import AuthorData, initiative_accept
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from tests.initiatives.factories import receipts_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def full_points(council, values=("25", "20", "24", "12")):
    criteria = list(council.criteria.order_by("order"))
    return {c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)}


def save(item, member, points, submit=True, comments="Nhận xét."):
    return council_services.score_sheet_save(
        item=item, member=member, points=points, comments=comments, submit=submit
    )


# --- Assigning reviewers ----------------------------------------------------------


def test_several_reviewers_at_once(board, accepted, django_capture_on_commit_callbacks):
    reviewers = board.members[2:5]
    due = TODAY() + datetime.timedelta(days=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignments = council_services.reviewers_assign(
            item=accepted, members=reviewers, actor=board.secretary.user, due_on=due
        )
    assert {a.member_id for a in assignments} == {m.pk for m in reviewers}
    assert {a.due_on for a in assignments} == {due}
    accepted.refresh_from_db()
    assert accepted.status == CouncilItem.Status.UNDER_REVIEW
    initiative = Initiative.objects.get(pk=accepted.initiative_id)
    assert initiative.status == Status.UNDER_REVIEW
    event = initiative.events.get(action=InitiativeEvent.Action.UNDER_REVIEW)
    assert (event.from_status, event.to_status) == (
        Status.ACCEPTED,
        Status.UNDER_REVIEW,
    )
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {m.user.email for m in reviewers}
    assert initiative.title in mail.outbox[0].subject


def test_reviewers_get_two_weeks_by_default_and_can_be_reassigned(board, accepted):
    council_services.reviewers_assign(
        item=accepted, members=board.members[:2], actor=None
    )
    later = TODAY() + datetime.timedelta(days=30)
    council_services.reviewers_assign(
        item=accepted, members=board.members[1:3], actor=None, due_on=later
    )
    dues = dict(ReviewAssignment.objects.values_list("member_id", "due_on"))
    assert dues == {
        board.members[0].pk: TODAY() + datetime.timedelta(days=14),
        board.members[1].pk: later,
        board.members[2].pk: later,
    }
    # Still one history step: the request went under review once.
    assert (
        InitiativeEvent.objects.filter(
            initiative=accepted.initiative_id,
            action=InitiativeEvent.Action.UNDER_REVIEW,
        ).count()
        == 1
    )


@pytest.mark.parametrize("case", ["recused", "past", "nobody"])
def test_assigning_is_refused(case, kit, board, council):
    author = board.members[4]
    item = kit.accept(council, filer=author.user)
    members, due = [board.members[2]], None
    if case == "recused":
        members = [board.members[2], author]
    elif case == "past":
        due = TODAY() - datetime.timedelta(days=1)
    else:
        members = []
    with pytest.raises(ValidationError):
        council_services.reviewers_assign(
            item=item, members=members, actor=None, due_on=due
        )
    item.refresh_from_db()
    assert item.status == CouncilItem.Status.ACCEPTED
    assert not ReviewAssignment.objects.exists()


def test_a_member_of_another_council_cannot_be_asked_to_review(
    kit, cast, board, accepted
):
    stranger = kit.seat(cast.councils.b, 1)[0]
    with pytest.raises(ValidationError):
        council_services.reviewers_assign(
            item=accepted, members=[board.members[2], stranger], actor=None
        )
    assert not ReviewAssignment.objects.filter(member=stranger).exists()


def test_no_reviewers_for_a_decided_item(kit, board, accepted):
    kit.decide(board.council, accepted, yes=board.members)
    with pytest.raises(ValidationError):
        council_services.reviewers_assign(
            item=accepted, members=board.members[:1], actor=None
        )


# --- Score sheets ------------------------------------------------------------------


def test_a_draft_may_be_partial_and_a_submitted_sheet_is_complete(board, accepted):
    member = board.members[2]
    criteria = list(board.council.criteria.order_by("order"))
    draft = save(accepted, member, {criteria[0].pk: Decimal("20")}, submit=False)
    assert draft.submitted_at is None
    assert draft.total == Decimal("20")
    with pytest.raises(ValidationError) as refused:
        save(accepted, member, {criteria[0].pk: Decimal("20")}, submit=True)
    missing = {f"criterion_{c.pk}" for c in criteria[1:]}
    assert set(refused.value.message_dict) == missing
    assert ScoreSheet.objects.get(pk=draft.pk).submitted_at is None

    sheet = save(
        accepted, member, full_points(board.council, ("25", "20", "24.5", "12"))
    )
    assert sheet.pk == draft.pk
    assert sheet.submitted_at is not None
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal("81.50")
    assert sheet.scores.count() == 4
    assert ScoreSheet.objects.filter(item=accepted, member=member).count() == 1


@pytest.mark.parametrize(
    ("index", "value", "accepted_value"),
    [
        (0, "0", True),
        (0, "30", True),
        (3, "15", True),
        (0, "30.01", False),
        (3, "16", False),
        (1, "-1", False),
        (1, "-0.5", False),
    ],
)
def test_points_run_from_zero_to_the_maximum(
    index, value, accepted_value, board, accepted
):
    points = full_points(board.council)
    key = list(points)[index]
    points[key] = Decimal(value)
    if accepted_value:
        sheet = save(accepted, board.members[2], points)
        assert sheet.total == sum(points.values())
    else:
        with pytest.raises(ValidationError) as refused:
            save(accepted, board.members[2], points)
        assert f"criterion_{key}" in refused.value.message_dict
        assert not ScoreSheet.objects.exists()


def test_the_total_follows_the_last_save(board, accepted):
    member = board.members[2]
    save(accepted, member, full_points(board.council, ("30", "25", "30", "15")))
    sheet = save(accepted, member, full_points(board.council, ("10", "10", "10", "5")))
    sheet.refresh_from_db()
    assert sheet.total == Decimal("35")
    assert sorted(sheet.scores.values_list("points", flat=True)) == [
        Decimal("5"),
        Decimal("10"),
        Decimal("10"),
        Decimal("10"),
    ]


def test_a_recused_member_cannot_score(kit, board, council):
    author = board.members[4]
    item = kit.accept(council, filer=author.user)
    with pytest.raises(ValidationError):
        save(item, author, full_points(council))
    assert not ScoreSheet.objects.exists()


def test_a_member_of_another_council_cannot_score(kit, cast, board, accepted):
    stranger = kit.seat(cast.councils.b, 1)[0]
    with pytest.raises(ValidationError):
        save(accepted, stranger, full_points(board.council))
    assert not ScoreSheet.objects.exists()


def test_no_scores_once_decided(kit, board, accepted):
    save(accepted, board.members[0], full_points(board.council))
    kit.decide(board.council, accepted, yes=board.members)
    for member in board.members[:2]:
        with pytest.raises(ValidationError):
            save(accepted, member, full_points(board.council, ("1", "1", "1", "1")))
    assert ScoreSheet.objects.get().total == Decimal("81")
    assert ScoreSheet.objects.count() == 1


def test_a_deferred_item_may_still_be_scored(kit, board, accepted):
    kit.decide(board.council, accepted, yes=board.members[:1], no=board.members[1:2])
    accepted.refresh_from_db()
    assert accepted.status == CouncilItem.Status.DEFERRED
    sheet = save(accepted, board.members[2], full_points(board.council))
    assert sheet.submitted_at is not None


# --- Reminders -----------------------------------------------------------------------


def test_reminders_go_only_to_those_not_done(
    board, accepted, django_capture_on_commit_callbacks
):
    done, drafting, silent = board.members[2:5]
    council_services.reviewers_assign(
        item=accepted, members=[done, drafting, silent], actor=None
    )
    save(accepted, done, full_points(board.council))
    save(accepted, drafting, full_points(board.council), submit=False)
    # A member who scored without being asked is not reminded either.
    save(accepted, board.members[0], full_points(board.council))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = council_services.reviewers_remind(item=accepted, actor=None)
    assert count == 2
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {drafting.user.email, silent.user.email}
    reminded = dict(ReviewAssignment.objects.values_list("member_id", "reminded_at"))
    assert reminded[done.pk] is None
    assert reminded[drafting.pk] is not None and reminded[silent.pk] is not None

    save(accepted, drafting, full_points(board.council))
    save(accepted, silent, full_points(board.council))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert council_services.reviewers_remind(item=accepted, actor=None) == 0
    assert mail.outbox == []


# --- Conflicts ------------------------------------------------------------------------


def test_declaring_a_conflict_withdraws_sheet_review_and_open_votes(
    kit, board, accepted
):
    member = board.members[2]
    council_services.reviewers_assign(item=accepted, members=[member], actor=None)
    save(accepted, member, full_points(board.council))
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=board.members)

    recusal = council_services.conflict_declare(
        item=accepted, member=member, note="Là người hướng dẫn tác giả."
    )

    assert recusal.reason == Recusal.Reason.DECLARED
    assert recusal.note == "Là người hướng dẫn tác giả."
    assert not ScoreSheet.objects.filter(member=member).exists()
    assert not ReviewAssignment.objects.filter(member=member).exists()
    assert not Vote.objects.filter(member=member).exists()
    assert Vote.objects.filter(agenda_item=agenda_item).count() == 4
    with pytest.raises(ValidationError):
        session_services.vote_cast(agenda_item=agenda_item, member=member, choice="no")
    with pytest.raises(ValidationError):
        save(accepted, member, full_points(board.council))
    with pytest.raises(ValidationError):
        council_services.reviewers_assign(item=accepted, members=[member], actor=None)
    with pytest.raises(ValidationError):
        council_services.conflict_declare(item=accepted, member=member, note="Lần hai.")
    kit.close(session)
    agenda_item.refresh_from_db()
    assert (agenda_item.yes_count, agenda_item.eligible_count) == (4, 4)


def test_a_conflict_keeps_the_votes_of_a_closed_session(kit, board, accepted):
    member = board.members[2]
    first = kit.decide(
        board.council, accepted, yes=board.members[:2], no=board.members[2:4]
    )
    assert first.outcome == "deferred"
    council_services.conflict_declare(item=accepted, member=member, note="")
    assert Vote.objects.filter(agenda_item=first, member=member).exists()
    first.refresh_from_db()
    assert (first.yes_count, first.no_count) == (2, 2)


def test_no_conflict_declared_on_a_decided_item(kit, board, accepted):
    kit.decide(board.council, accepted, yes=board.members)
    accepted.refresh_from_db()
    with pytest.raises(ValidationError):
        council_services.conflict_declare(
            item=accepted, member=board.members[0], note=""
        )
    assert not Recusal.objects.exists()


# --- The rubric -----------------------------------------------------------------------


def test_the_rubric_can_change_until_someone_scores(board, accepted):
    criteria = council_services.criteria_replace(
        council=board.council,
        criteria=[("Tính mới", 50), ("Hiệu quả", 50)],
        actor=None,
    )
    assert [(c.name, c.max_points) for c in criteria] == [
        ("Tính mới", 50),
        ("Hiệu quả", 50),
    ]
    assert board.council.criteria.count() == 2
    save(accepted, board.members[0], {criteria[0].pk: Decimal("10")}, submit=False)
    with pytest.raises(ValidationError):
        council_services.criteria_replace(
            council=board.council, criteria=[("Khác", 100)], actor=None
        )
    assert set(board.council.criteria.values_list("name", flat=True)) == {
        "Tính mới",
        "Hiệu quả",
    }


@pytest.mark.parametrize(
    "criteria",
    [[], [("Tính mới", 50), ("tính mới", 50)], [("Tính mới", 0)]],
    ids=["none", "same-name", "zero-points"],
)
def test_a_rubric_needs_distinct_criteria_with_points(criteria, council):
    with pytest.raises(ValidationError):
        council_services.criteria_replace(
            council=council, criteria=criteria, actor=None
        )
    assert council.criteria.count() == 4
    assert council.criteria.filter(max_points__gt=0).count() == 4


# --- Seats ----------------------------------------------------------------------------


def test_a_new_council_starts_with_the_default_rubric(council):
    assert list(council.criteria.values_list("name", "max_points")) == list(
        council_services.DEFAULT_CRITERIA
    )
    assert (
        sum(
            Criterion.objects.filter(council=council).values_list(
                "max_points", flat=True
            )
        )
        == 100
    )


def test_every_role_can_be_seated(kit, board):
    roles = [m.role for m in board.members]
    assert roles == [
        CouncilRole.CHAIR,
        CouncilRole.SECRETARY,
        CouncilRole.VICE_CHAIR,
        CouncilRole.EXPERT,
        CouncilRole.UNION_REP,
    ]
    more = council_services.council_member_add(
        council=board.council,
        user=kit.person("Ủy viên Thêm"),
        role=CouncilRole.MEMBER,
        actor=None,
    )
    assert more.role == CouncilRole.MEMBER
    assert board.council.members.count() == 6


@pytest.mark.parametrize("role", [CouncilRole.CHAIR, CouncilRole.SECRETARY])
def test_one_chair_and_one_secretary(role, kit, board):
    with pytest.raises(ValidationError):
        council_services.council_member_add(
            council=board.council, user=kit.person(), role=role, actor=None
        )
    assert board.council.members.filter(role=role).count() == 1


def test_no_person_sits_twice(board):
    with pytest.raises(ValidationError):
        council_services.council_member_add(
            council=board.council,
            user=board.members[3].user,
            role=CouncilRole.MEMBER,
            actor=None,
        )
    assert board.council.members.count() == 5


def test_the_same_person_may_sit_on_another_council(kit, cast, board):
    seat = council_services.council_member_add(
        council=cast.councils.b,
        user=board.chair.user,
        role=CouncilRole.CHAIR,
        actor=None,
    )
    assert seat.council == cast.councils.b


def test_an_author_on_the_council_is_recused_automatically(kit, board, council):
    author = board.members[3]
    coauthor = board.members[2]
    filer = author.user
    item = kit.accept(
        council,
        filer=filer,
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("70")),
            AuthorData(
                user=coauthor.user,
                full_name=coauthor.user.full_name,
                share=Decimal("30"),
            ),
        ],
    )
    recusals = dict(Recusal.objects.filter(item=item).values_list("member", "reason"))
    assert recusals == {
        author.pk: Recusal.Reason.AUTHOR,
        coauthor.pk: Recusal.Reason.AUTHOR,
    }


def test_an_author_seated_later_is_recused_from_earlier_items(kit, council, cast):
    author = kit.person("Phan Văn Tác", unit=kit.tree.a1)
    earlier = kit.accept(council, filer=author)
    other = kit.accept(council)
    member = council_services.council_member_add(
        council=council, user=author, role=CouncilRole.MEMBER, actor=None
    )
    assert Recusal.objects.filter(
        item=earlier, member=member, reason=Recusal.Reason.AUTHOR
    ).exists()
    assert not Recusal.objects.filter(item=other, member=member).exists()


# --- The head of the unit -------------------------------------------------------------


@pytest.fixture
def head(kit, council):
    """The head of CB-A, seated on its council as chair."""
    user = kit.person("Vi Văn Trưởng", unit=kit.tree.a1)
    member = council_services.council_member_add(
        council=council,
        user=user,
        role=CouncilRole.CHAIR,
        is_unit_head=True,
        actor=None,
    )
    kit.seat(council, 2, start=1)
    return member


def test_a_state_funded_request_by_the_seated_head_is_refused(kit, council, head):
    initiative = kit.request(
        council, filer=head.user, state_funded=True, investor="Ngân sách nhà nước"
    )
    with pytest.raises(ValidationError):
        initiative_accept(initiative=initiative, actor=kit.intake)
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.accepted_on is None
    assert not CouncilItem.objects.filter(initiative=initiative).exists()
    assert not receipts_of(initiative).exists()


def test_a_state_funded_request_with_the_head_as_co_author_is_refused(
    kit, council, head
):
    filer = kit.person(unit=kit.tree.a1)
    initiative = kit.request(
        council,
        filer=filer,
        state_funded=True,
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("90")),
            AuthorData(
                user=head.user, full_name=head.user.full_name, share=Decimal("10")
            ),
        ],
    )
    with pytest.raises(ValidationError):
        initiative_accept(initiative=initiative, actor=kit.intake)
    assert not CouncilItem.objects.filter(initiative=initiative).exists()


def test_the_heads_own_request_without_state_funds_is_accepted(kit, council, head):
    initiative = kit.request(council, filer=head.user, state_funded=False)
    initiative = initiative_accept(initiative=initiative, actor=kit.intake)
    item = CouncilItem.objects.get(initiative=initiative)
    assert Recusal.objects.filter(item=item, member=head).exists()


def test_a_state_funded_request_by_another_member_is_accepted(kit, council, head):
    member = CouncilMember.objects.filter(council=council, is_unit_head=False).first()
    initiative = kit.request(council, filer=member.user, state_funded=True)
    initiative = initiative_accept(initiative=initiative, actor=kit.intake)
    item = CouncilItem.objects.get(initiative=initiative)
    assert Recusal.objects.filter(item=item, member=member).exists()


def test_seating_a_head_who_authored_a_state_funded_item_is_refused(kit, council):
    user = kit.person("Vi Văn Trưởng", unit=kit.tree.a1)
    kit.accept(council, filer=user, state_funded=True)
    with pytest.raises(ValidationError):
        council_services.council_member_add(
            council=council,
            user=user,
            role=CouncilRole.CHAIR,
            is_unit_head=True,
            actor=None,
        )
    assert not council.members.exists()
    # The same person, not as head of the unit, sits and is recused from it.
    member = council_services.council_member_add(
        council=council, user=user, role=CouncilRole.MEMBER, actor=None
    )
    assert member.recusals.count() == 1


def test_a_head_whose_own_item_is_not_state_funded_may_sit(kit, council):
    user = kit.person("Vi Văn Trưởng", unit=kit.tree.a1)
    kit.accept(council, filer=user, state_funded=False)
    member = council_services.council_member_add(
        council=council,
        user=user,
        role=CouncilRole.CHAIR,
        is_unit_head=True,
        actor=None,
    )
    assert member.is_unit_head
    assert member.recusals.count() == 1


def test_the_rule_is_per_council(kit, cast, council):
    """A state-funded item before another council does not bar the head here."""
    user = kit.person("Vi Văn Trưởng", unit=kit.tree.a1)
    kit.accept(cast.councils.province, filer=user, state_funded=True)
    member = council_services.council_member_add(
        council=council,
        user=user,
        role=CouncilRole.CHAIR,
        is_unit_head=True,
        actor=None,
    )
    assert member.recusals.count() == 0
