"""Council sessions: numbering, agenda, attendance and votes while open; closing
freezes everything, decides each item, moves the requests on and mails the
authors after the commit; nothing changes once closed."""

import contextlib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import (
    AgendaItem,
    Attendance,
    CouncilItem,
    Initiative,
    InitiativeEvent,
    Outcome,
    Session,
    Status,
    Vote,
    VotingMode,
)
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services

pytestmark = pytest.mark.django_db

REFUSAL_NOTE = "Giải pháp đã được áp dụng rộng rãi trước đây, không có tính mới."


def create(council, items, actor=None):
    return session_services.session_create(
        council=council,
        held_on=timezone.localdate(),
        place="Phòng họp số 1",
        items=list(items),
        actor=actor,
    )


# --- Planning ---------------------------------------------------------------------


def test_sessions_are_numbered_per_council(kit, cast, board):
    other = cast.councils.b
    kit.seat(other, 3)
    first = create(board.council, [])
    second = create(board.council, [])
    elsewhere = create(other, [])
    third = create(board.council, [])
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert elsewhere.number == 1


def test_a_session_lists_every_member_absent_until_marked(kit, board, accepted):
    session = create(board.council, [accepted])
    assert session.status == Session.Status.PLANNED
    rows = Attendance.objects.filter(session=session)
    assert {r.member_id for r in rows} == {m.pk for m in board.members}
    assert not rows.filter(present=True).exists()


def test_a_session_needs_members_and_a_place(kit, council, accepted):
    with pytest.raises(ValidationError):
        create(council, [accepted])
    kit.seat(council, 3)
    with pytest.raises(ValidationError):
        session_services.session_create(
            council=council,
            held_on=timezone.localdate(),
            place="   ",
            items=[accepted],
            actor=None,
        )
    assert not Session.objects.exists()


def test_the_agenda_takes_only_items_of_the_same_council(kit, cast, board):
    foreign = kit.accept(cast.councils.province)
    with pytest.raises(ValidationError):
        create(board.council, [foreign])
    # The refused agenda leaves no session behind and uses no number.
    assert not Session.objects.filter(council=board.council).exists()
    assert create(board.council, []).number == 1


def test_the_agenda_takes_only_open_items(kit, board):
    decided = kit.accept(board.council)
    kit.decide(board.council, decided, yes=board.members)
    decided.refresh_from_db()
    assert decided.status == CouncilItem.Status.RECOGNISED
    session = create(board.council, [])
    with pytest.raises(ValidationError):
        session_services.agenda_add(session=session, items=[decided], actor=None)
    assert not AgendaItem.objects.filter(session=session).exists()


def test_an_item_cannot_be_on_two_open_sessions(kit, board, accepted):
    first = create(board.council, [accepted])
    with pytest.raises(ValidationError):
        create(board.council, [accepted])
    session_services.session_open(session=first, actor=None)
    second = create(board.council, [])
    with pytest.raises(ValidationError):
        session_services.agenda_add(session=second, items=[accepted], actor=None)
    # Adding it twice to the same session keeps one agenda line.
    session_services.agenda_add(session=first, items=[accepted], actor=None)
    assert AgendaItem.objects.filter(item=accepted).count() == 1


def test_a_session_opens_only_with_an_agenda_and_once(kit, board, accepted):
    empty = create(board.council, [])
    with pytest.raises(ValidationError):
        session_services.session_open(session=empty, actor=None)
    session = create(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=board.chair, choice="yes"
        )
    session_services.session_open(session=session, actor=None)
    with pytest.raises(ValidationError):
        session_services.session_open(session=session, actor=None)
    with pytest.raises(ValidationError):
        session_services.session_close(session=empty, actor=None)


# --- While open -------------------------------------------------------------------


def test_votes_change_until_closing_one_row_per_member(kit, board, accepted):
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    for choice in ("yes", "no", "no", "yes", "no"):
        vote = session_services.vote_cast(
            agenda_item=agenda_item, member=board.chair, choice=choice
        )
    assert Vote.objects.filter(agenda_item=agenda_item).count() == 1
    assert Vote.objects.get(pk=vote.pk).choice == "no"
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=board.chair, choice="abstain"
        )
    assert Vote.objects.get(pk=vote.pk).choice == "no"


def test_a_member_of_another_council_cannot_vote(kit, cast, board, accepted):
    stranger = kit.seat(cast.councils.b, 1)[0]
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    with pytest.raises(ValidationError):
        session_services.vote_cast(
            agenda_item=agenda_item, member=stranger, choice="yes"
        )
    assert not Vote.objects.exists()


def test_attendance_changes_until_closing(kit, board, accepted):
    session = kit.session(board.council, [accepted], present=board.members[:3])
    for present in (board.members, board.members[1:], board.members[:4]):
        session_services.attendance_set(
            session=session, present={m.pk for m in present}, actor=None
        )
        marked = set(
            session.attendance.filter(present=True).values_list("member", flat=True)
        )
        assert marked == {m.pk for m in present}
    kit.close(session)
    session.refresh_from_db()
    assert session.present_count == 4


# --- Closing ------------------------------------------------------------------------


@pytest.fixture
def scored(kit, board, accepted):
    """Two submitted sheets (80 and 71) and a draft (10) on the item."""
    criteria = list(board.council.criteria.all())

    def sheet(member, values, submit):
        council_services.score_sheet_save(
            item=accepted,
            member=member,
            points={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=False)},
            comments="",
            submit=submit,
        )

    sheet(board.members[0], ["25", "20", "25", "10"], True)
    sheet(board.members[1], ["20", "20", "21", "10"], True)
    sheet(board.members[2], ["10"], False)
    return accepted


def test_closing_freezes_the_results(kit, board, scored):
    session = kit.session(board.council, [scored], present=board.members[:4])
    agenda_item = kit.agenda_item(session, scored)
    kit.vote(agenda_item, yes=board.members[:4])

    closed = kit.close(session)

    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED
    assert session.closed_at is not None and session.closed_by == closed.closed_by
    assert (session.member_count, session.present_count) == (5, 4)
    assert session.quorum_met is True
    agenda_item.refresh_from_db()
    assert (agenda_item.yes_count, agenda_item.no_count) == (4, 0)
    assert (agenda_item.eligible_count, agenda_item.votes_needed) == (4, 4)
    # Only submitted sheets count: (80 + 71) / 2.
    assert agenda_item.average_score == Decimal("75.50")
    assert agenda_item.outcome == Outcome.RECOGNISED
    scored.refresh_from_db()
    assert scored.status == CouncilItem.Status.RECOGNISED
    assert (scored.yes_count, scored.no_count) == (4, 0)
    assert scored.average_score == Decimal("75.50")
    assert scored.decided_on == timezone.localdate()
    assert scored.reasons == "Được 4/5 thành viên Hội đồng đồng ý."


def test_the_frozen_counts_outlive_later_changes_to_the_council(
    kit, board, accepted, cast
):
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=board.members)
    kit.close(session)
    kit.seat(board.council, 2, start=5)
    council_services.council_update(
        council=board.council, actor=cast.a_admin, pass_numerator=3
    )
    session.refresh_from_db()
    agenda_item.refresh_from_db()
    assert (session.member_count, session.present_count) == (5, 5)
    assert (agenda_item.yes_count, agenda_item.votes_needed) == (5, 4)


def test_the_councils_note_is_the_reason(kit, board):
    item = kit.accept(board.council)
    session = kit.session(board.council, [item])
    agenda_item = kit.agenda_item(session, item)
    kit.vote(agenda_item, yes=board.members[:1], no=board.members[1:])
    session_services.agenda_note(
        agenda_item=agenda_item, note=f"  {REFUSAL_NOTE} ", actor=None
    )
    kit.close(session)
    item.refresh_from_db()
    agenda_item.refresh_from_db()
    assert item.status == CouncilItem.Status.NOT_RECOGNISED
    assert item.reasons == agenda_item.note == REFUSAL_NOTE
    event = InitiativeEvent.objects.get(
        initiative=item.initiative_id, action=InitiativeEvent.Action.NOT_RECOGNISED
    )
    assert REFUSAL_NOTE in event.note


def test_the_standard_text_when_the_council_wrote_none(kit, board):
    item = kit.accept(board.council)
    agenda_item = kit.decide(board.council, item, yes=board.members[:3])
    item.refresh_from_db()
    assert item.reasons == (
        "Số thành viên Hội đồng đồng ý (3/5) chưa đạt tỷ lệ quy định (cần ít nhất 4)."
    )
    assert agenda_item.note == item.reasons


@pytest.mark.parametrize(
    ("yes", "no", "present", "status", "action"),
    [
        (5, 0, 5, Status.RECOGNISED, InitiativeEvent.Action.RECOGNISED),
        (2, 3, 5, Status.NOT_RECOGNISED, InitiativeEvent.Action.NOT_RECOGNISED),
        (2, 2, 5, Status.DEFERRED, InitiativeEvent.Action.DEFERRED),
        (3, 0, 3, Status.DEFERRED, InitiativeEvent.Action.DEFERRED),
    ],
)
def test_closing_moves_the_request_and_records_it(
    yes, no, present, status, action, kit, board, accepted
):
    attending = board.members[:present]
    kit.decide(
        board.council,
        accepted,
        yes=attending[:yes],
        no=attending[yes : yes + no],
        present=attending,
    )
    initiative = Initiative.objects.get(pk=accepted.initiative_id)
    assert initiative.status == status
    event = initiative.events.get(action=action)
    assert (event.from_status, event.to_status) == (Status.ACCEPTED, status)
    assert board.council.name in event.note
    accepted.refresh_from_db()
    assert accepted.status == status  # the item's statuses have the same values
    assert (accepted.decided_on is None) is (status == Status.DEFERRED)


def test_authors_are_mailed_after_the_commit(
    kit, board, accepted, django_capture_on_commit_callbacks
):
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=board.members)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        kit.close(session)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    initiative = accepted.initiative
    author_emails = {
        a.user.email for a in initiative.authors.select_related("user") if a.user
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == author_emails | {initiative.created_by.email}
    assert initiative.title in message.subject
    assert "Được 5/5 thành viên Hội đồng đồng ý." in message.body


def test_nothing_is_mailed_when_closing_fails(
    kit, board, accepted, monkeypatch, django_capture_on_commit_callbacks
):
    second = kit.accept(board.council)
    session = kit.session(board.council, [accepted, second])
    for item in (accepted, second):
        kit.vote(kit.agenda_item(session, item), yes=board.members)
    real = session_services._apply_outcome
    calls = []

    def failing(agenda_item, *args, **kwargs):
        calls.append(agenda_item.pk)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(agenda_item, *args, **kwargs)

    monkeypatch.setattr(session_services, "_apply_outcome", failing)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        kit.close(session)
    # Atomic: the first item's decision was rolled back with the rest.
    assert len(calls) == 2
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN
    assert session.member_count is None and session.quorum_met is None
    assert not AgendaItem.objects.filter(session=session).exclude(outcome="").exists()
    assert set(CouncilItem.objects.values_list("status", flat=True)) == {
        CouncilItem.Status.ACCEPTED
    }
    assert not InitiativeEvent.objects.filter(
        action=InitiativeEvent.Action.RECOGNISED
    ).exists()
    assert mail.outbox == []
    # It can be closed once the fault is gone.
    monkeypatch.setattr(session_services, "_apply_outcome", real)
    kit.close(session)
    assert set(CouncilItem.objects.values_list("status", flat=True)) == {
        CouncilItem.Status.RECOGNISED
    }


# --- After closing ------------------------------------------------------------------


@pytest.fixture
def closed(kit, board, accepted):
    other = kit.accept(board.council)
    session = kit.session(board.council, [accepted], present=board.members[:4])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=board.members[:3], no=board.members[3:4])
    session_services.agenda_note(agenda_item=agenda_item, note="Ý kiến.", actor=None)
    kit.close(session)
    session.refresh_from_db()
    agenda_item.refresh_from_db()
    return session, agenda_item, other


def snapshot(session):
    return (
        sorted(Vote.objects.filter(agenda_item__session=session).values_list()),
        sorted(session.attendance.values_list("member_id", "present")),
        sorted(session.agenda.values_list()),
        Session.objects.filter(pk=session.pk).values_list().get(),
    )


def test_nothing_changes_after_closing(closed, board, kit):
    session, agenda_item, other = closed
    before = snapshot(session)
    attempts = [
        lambda: session_services.vote_cast(
            agenda_item=agenda_item, member=board.members[3], choice="yes"
        ),
        lambda: session_services.vote_cast(
            agenda_item=agenda_item, member=board.members[4], choice="yes"
        ),
        lambda: session_services.attendance_set(
            session=session, present={m.pk for m in board.members}, actor=None
        ),
        lambda: session_services.attendance_set(
            session=session, present=set(), actor=None
        ),
        lambda: session_services.agenda_add(session=session, items=[other], actor=None),
        lambda: session_services.agenda_remove(agenda_item=agenda_item, actor=None),
        lambda: session_services.agenda_note(
            agenda_item=agenda_item, note="Sửa lại.", actor=None
        ),
        lambda: session_services.session_open(session=session, actor=None),
        lambda: session_services.session_close(session=session, actor=None),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert snapshot(session) == before
    assert (
        InitiativeEvent.objects.filter(
            initiative=agenda_item.item.initiative_id,
            action=InitiativeEvent.Action.NOT_RECOGNISED,
        ).count()
        == 1
    )


def test_no_show_of_hands_after_closing(kit, board, accepted, cast):
    council_services.council_update(
        council=board.council, actor=cast.a_admin, voting_mode=VotingMode.HANDS
    )
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    session_services.hands_record(agenda_item=agenda_item, yes=5, no=0, actor=None)
    kit.close(session)
    with pytest.raises(ValidationError):
        session_services.hands_record(agenda_item=agenda_item, yes=0, no=5, actor=None)
    agenda_item.refresh_from_db()
    assert (agenda_item.hands_yes, agenda_item.yes_count) == (5, 5)


def test_a_removed_member_leaves_a_closed_sessions_attendance(closed, board, cast):
    """The fifth member was absent and never voted or scored: their seat may go,
    but the closed session's attendance (what its minutes print) stays."""
    session, _agenda_item, _other = closed
    before = sorted(session.attendance.values_list("member_id", "present"))
    absent = board.members[4]
    with contextlib.suppress(ValidationError):
        council_services.council_member_remove(member=absent, actor=cast.a_admin)
    assert sorted(session.attendance.values_list("member_id", "present")) == before


# --- Deferred items come back -----------------------------------------------------


def test_a_deferred_item_is_decided_at_a_later_session(kit, board, accepted):
    # No quorum: 3 of 5 present.
    first = kit.decide(
        board.council, accepted, yes=board.members[:3], present=board.members[:3]
    )
    assert first.outcome == Outcome.DEFERRED
    accepted.refresh_from_db()
    assert accepted.status == CouncilItem.Status.DEFERRED
    assert accepted.reasons == session_services.REASON_TEXT["quorum"]

    second = kit.decide(
        board.council, accepted, yes=board.members[:4], no=board.members[4:]
    )
    assert second.session.number == 2
    assert second.outcome == Outcome.RECOGNISED
    accepted.refresh_from_db()
    assert accepted.status == CouncilItem.Status.RECOGNISED
    initiative = Initiative.objects.get(pk=accepted.initiative_id)
    assert initiative.status == Status.RECOGNISED
    steps = list(
        initiative.events.filter(
            action__in=[
                InitiativeEvent.Action.DEFERRED,
                InitiativeEvent.Action.RECOGNISED,
            ]
        ).values_list("from_status", "to_status")
    )
    assert steps == [
        (Status.ACCEPTED, Status.DEFERRED),
        (Status.DEFERRED, Status.RECOGNISED),
    ]
    # The first session keeps what it decided then.
    first.refresh_from_db()
    assert (first.outcome, first.yes_count) == (Outcome.DEFERRED, 3)


def test_a_deferred_item_stays_off_other_sessions_while_on_an_open_one(
    kit, board, accepted
):
    kit.decide(board.council, accepted, yes=board.members[:1], no=board.members[1:2])
    accepted.refresh_from_db()
    assert accepted.status == CouncilItem.Status.DEFERRED
    create(board.council, [accepted])
    with pytest.raises(ValidationError):
        create(board.council, [accepted])


# --- Seats and the database -------------------------------------------------------


def test_a_member_seated_after_planning_can_be_marked_present(kit, board, accepted):
    session = create(board.council, [accepted])
    (late,) = kit.seat(board.council, 1, start=5)
    everyone = [*board.members, late]
    session_services.attendance_set(
        session=session, present={m.pk for m in everyone}, actor=None
    )
    session_services.session_open(session=session, actor=None)
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=everyone)
    kit.close(session)
    session.refresh_from_db()
    agenda_item.refresh_from_db()
    assert (session.member_count, session.present_count) == (6, 6)
    assert agenda_item.yes_count == 6


def test_the_database_holds_one_vote_per_member_and_item(kit, board, accepted):
    session = kit.session(board.council, [accepted])
    agenda_item = kit.agenda_item(session, accepted)
    kit.vote(agenda_item, yes=[board.chair])
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(agenda_item=agenda_item, member=board.chair, choice="no")
    assert Vote.objects.get(member=board.chair).choice == "yes"


def test_hands_are_counted_only_while_the_session_is_open(kit, board, accepted, cast):
    council_services.council_update(
        council=board.council, actor=cast.a_admin, voting_mode=VotingMode.HANDS
    )
    session = kit.session(board.council, [accepted], open_it=False)
    agenda_item = kit.agenda_item(session, accepted)
    with pytest.raises(ValidationError):
        session_services.hands_record(agenda_item=agenda_item, yes=5, no=0, actor=None)
    agenda_item.refresh_from_db()
    assert agenda_item.hands_yes is None
