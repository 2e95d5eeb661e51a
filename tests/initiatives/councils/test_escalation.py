"""Escalation: a recognised initiative with wider influence is proposed to the
nearest council above for the same year, which takes it up (with a receipt in its
unit's series) or declines it with reasons, and then decides it in its own
session. The request keeps its own council's status; its history and
`council_items_of` show every level that had it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument
from initiatives.models import (
    Council,
    CouncilItem,
    CouncilRole,
    Initiative,
    InitiativeEvent,
    Recusal,
    Status,
)
from initiatives.selectors import requests as selectors
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services

pytestmark = pytest.mark.django_db

Action = InitiativeEvent.Action
NOTE = "Áp dụng được cho mọi trường học trong ngành."


@pytest.fixture
def lower(kit, cast):
    """The council of the grassroots union CB-A1, three members, and a request it
    recognised."""
    council = cast.councils.a1
    members = kit.seat(council, 3)
    item = kit.recognised(council, members)
    return council, members, item


@pytest.fixture
def upper_members(kit, cast):
    return kit.seat(cast.councils.a, 3)


def events(initiative_id, *actions):
    return list(
        InitiativeEvent.objects.filter(
            initiative_id=initiative_id, action__in=actions
        ).values_list("action", flat=True)
    )


# --- The council above ---------------------------------------------------------------


def test_the_council_above_is_the_nearest_ancestors(cast):
    councils = cast.councils
    assert council_services.council_above(councils.a1) == councils.a
    assert council_services.council_above(councils.a2) == councils.a
    assert council_services.council_above(councils.b1) == councils.b
    assert council_services.council_above(councils.a) == councils.province
    assert council_services.council_above(councils.p1) == councils.province
    # The national confederation has no council in the cast.
    assert council_services.council_above(councils.province) is None


def test_a_unit_without_a_council_is_skipped(cast):
    Council.objects.filter(pk=cast.councils.a.pk).delete()
    assert council_services.council_above(cast.councils.a1) == cast.councils.province


def test_only_councils_of_the_same_year(cast):
    year = timezone.localdate().year
    last_year = council_services.council_create(
        unit=cast.tree.a1, year=year - 1, actor=None
    )
    assert council_services.council_above(last_year) is None
    province_last_year = council_services.council_create(
        unit=cast.tree.province, year=year - 1, actor=None
    )
    # CB-A had no council that year: the province's is the nearest.
    assert council_services.council_above(last_year) == province_last_year
    assert council_services.council_above(cast.councils.a1) == cast.councils.a


def test_proposing_without_a_council_above_is_refused(kit, cast):
    council = cast.councils.province
    members = kit.seat(council, 3)
    item = kit.recognised(council, members)
    with pytest.raises(ValidationError):
        council_services.propose_upward(item=item, actor=members[0].user)
    assert CouncilItem.objects.filter(initiative=item.initiative).count() == 1
    assert events(item.initiative_id, Action.PROPOSED) == []


# --- Proposing ------------------------------------------------------------------------


def test_proposing_puts_the_item_before_the_council_above(lower, cast):
    _council, members, item = lower
    upper = council_services.propose_upward(
        item=item, actor=members[0].user, note=f"  {NOTE} "
    )
    assert upper.council == cast.councils.a
    assert upper.status == CouncilItem.Status.PROPOSED
    assert upper.escalated_from == item
    assert upper.proposed_by == members[0].user
    assert upper.proposal_note == NOTE
    assert upper.accepted_on is None
    event = InitiativeEvent.objects.get(
        initiative=item.initiative_id, action=Action.PROPOSED
    )
    assert cast.councils.a.name in event.note and NOTE in event.note
    assert Initiative.objects.get(pk=item.initiative_id).status == Status.RECOGNISED
    item.refresh_from_db()
    assert item.status == CouncilItem.Status.RECOGNISED


@pytest.mark.parametrize("outcome", ["accepted", "not_recognised", "deferred"])
def test_only_a_recognised_item_is_proposed(outcome, kit, cast):
    council = cast.councils.a1
    members = kit.seat(council, 3)
    item = kit.accept(council)
    if outcome == "not_recognised":
        kit.decide(council, item, yes=[], no=members)
    elif outcome == "deferred":
        kit.decide(council, item, yes=members[:1], no=members[1:2])
    item.refresh_from_db()
    assert item.status == outcome
    with pytest.raises(ValidationError):
        council_services.propose_upward(item=item, actor=None)
    assert not CouncilItem.objects.filter(escalated_from=item).exists()


def test_an_item_is_proposed_only_once(lower):
    _council, _members, item = lower
    council_services.propose_upward(item=item, actor=None)
    with pytest.raises(ValidationError):
        council_services.propose_upward(item=item, actor=None, note="Lần hai.")
    # The refusal left the transaction usable and nothing half-written.
    assert CouncilItem.objects.filter(initiative=item.initiative).count() == 2
    assert events(item.initiative_id, Action.PROPOSED) == [Action.PROPOSED]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)


def test_a_proposal_not_yet_taken_up_is_not_on_the_agenda(lower, upper_members, kit):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None)
    with pytest.raises(ValidationError):
        kit.session(upper.council, [upper])
    with pytest.raises(ValidationError):
        council_services.score_sheet_save(
            item=upper, member=upper_members[0], points={}, comments="", submit=False
        )
    with pytest.raises(ValidationError):
        council_services.propose_upward(item=upper, actor=None)


# --- Taking up and declining ----------------------------------------------------------


def test_taking_up_issues_a_receipt_in_the_upper_units_series(
    lower, upper_members, cast
):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None)
    taken = council_services.proposal_accept(item=upper, actor=cast.a_staff)
    assert taken.status == CouncilItem.Status.ACCEPTED
    assert taken.accepted_on == timezone.localdate()
    receipts = IssuedDocument.objects.filter(
        kind=DocumentKind.RECEIPT,
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=item.initiative_id,
    ).select_related("series")
    by_unit = {r.series.unit_id: r for r in receipts}
    # One receipt from CB-A1 (intake) and one from CB-A (take-up), each in its own
    # GBN series, each numbered 01.
    assert set(by_unit) == {cast.tree.a1.pk, cast.tree.a.pk}
    upper_receipt = by_unit[cast.tree.a.pk]
    assert upper_receipt.series.code == "GBN"
    assert upper_receipt.number == 1
    assert upper_receipt.symbol.startswith("01/GBN")
    event = InitiativeEvent.objects.filter(
        initiative=item.initiative_id, action=Action.ACCEPTED
    ).last()
    assert upper_receipt.symbol in event.note
    assert cast.councils.a.name in event.note
    # The request itself stays recognised by its own council.
    assert Initiative.objects.get(pk=item.initiative_id).status == Status.RECOGNISED
    with pytest.raises(ValidationError):
        council_services.proposal_accept(item=upper, actor=cast.a_staff)
    assert receipts.count() == 2


def test_an_author_on_the_upper_council_is_recused_at_take_up(lower, kit, cast):
    _council, _members, item = lower
    author = item.initiative.authors.get().user
    seat = council_services.council_member_add(
        council=cast.councils.a, user=author, role=CouncilRole.MEMBER, actor=None
    )
    upper = council_services.propose_upward(item=item, actor=None)
    council_services.proposal_accept(item=upper, actor=cast.a_staff)
    assert Recusal.objects.filter(
        item=upper, member=seat, reason=Recusal.Reason.AUTHOR
    ).exists()


def test_the_upper_unit_head_with_a_state_funded_item_is_refused(kit, cast):
    council = cast.councils.a1
    members = kit.seat(council, 3)
    head = kit.person("Vi Văn Trưởng", unit=kit.tree.a1)
    item = kit.recognised(council, members, filer=head, state_funded=True)
    council_services.council_member_add(
        council=cast.councils.a,
        user=head,
        role=CouncilRole.CHAIR,
        is_unit_head=True,
        actor=None,
    )
    upper = council_services.propose_upward(item=item, actor=None)
    with pytest.raises(ValidationError):
        council_services.proposal_accept(item=upper, actor=cast.a_staff)
    upper.refresh_from_db()
    assert upper.status == CouncilItem.Status.PROPOSED


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(reason, lower):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None)
    with pytest.raises(ValidationError):
        council_services.proposal_decline(item=upper, actor=None, reason=reason)
    upper.refresh_from_db()
    assert upper.status == CouncilItem.Status.PROPOSED


def test_declining_records_the_reason_on_the_request(lower, cast):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None)
    reason = "Phạm vi ảnh hưởng mới trong một trường, chưa đủ cấp ngành."
    declined = council_services.proposal_decline(
        item=upper, actor=cast.a_staff, reason=reason
    )
    assert declined.status == CouncilItem.Status.DECLINED
    assert declined.reasons == reason
    event = InitiativeEvent.objects.get(
        initiative=item.initiative_id, action=Action.ESCALATION_REFUSED
    )
    assert reason in event.note and cast.councils.a.name in event.note
    assert event.actor == cast.a_staff
    assert Initiative.objects.get(pk=item.initiative_id).status == Status.RECOGNISED
    for attempt in (
        lambda: council_services.proposal_decline(item=upper, actor=None, reason="x"),
        lambda: council_services.proposal_accept(item=upper, actor=cast.a_staff),
        lambda: council_services.propose_upward(item=item, actor=None),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert not IssuedDocument.objects.filter(series__unit=cast.tree.a).exists()


# --- The upper council decides --------------------------------------------------------


@pytest.fixture
def taken_up(lower, upper_members, cast):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None, note=NOTE)
    upper = council_services.proposal_accept(item=upper, actor=cast.a_staff)
    return item, upper


def test_recognised_at_the_level_above(taken_up, upper_members, kit):
    item, upper = taken_up
    council_services.reviewers_assign(item=upper, members=upper_members[:2], actor=None)
    upper.refresh_from_db()
    assert upper.status == CouncilItem.Status.UNDER_REVIEW
    agenda_item = kit.decide(upper.council, upper, yes=upper_members)
    assert agenda_item.outcome == "recognised"
    upper.refresh_from_db()
    item.refresh_from_db()
    assert upper.status == CouncilItem.Status.RECOGNISED
    assert item.status == CouncilItem.Status.RECOGNISED
    initiative = Initiative.objects.get(pk=item.initiative_id)
    # Its own council recognised it: the request stays recognised, and its history
    # has every level.
    assert initiative.status == Status.RECOGNISED
    assert events(
        initiative.pk,
        Action.RECOGNISED,
        Action.PROPOSED,
        Action.ESCALATION_RECOGNISED,
        Action.UNDER_REVIEW,
    ) == [Action.RECOGNISED, Action.PROPOSED, Action.ESCALATION_RECOGNISED]
    event = initiative.events.get(action=Action.ESCALATION_RECOGNISED)
    assert upper.council.name in event.note
    assert (event.from_status, event.to_status) == ("", "")


def test_not_recognised_at_the_level_above(taken_up, upper_members, kit):
    item, upper = taken_up
    kit.decide(upper.council, upper, yes=upper_members[:1], no=upper_members[1:])
    upper.refresh_from_db()
    assert upper.status == CouncilItem.Status.NOT_RECOGNISED
    initiative = Initiative.objects.get(pk=item.initiative_id)
    assert initiative.status == Status.RECOGNISED
    assert events(initiative.pk, Action.ESCALATION_REFUSED) == [
        Action.ESCALATION_REFUSED
    ]
    assert events(initiative.pk, Action.NOT_RECOGNISED) == []


def test_deferred_at_the_level_above_then_recognised(taken_up, upper_members, kit):
    item, upper = taken_up
    kit.decide(upper.council, upper, yes=upper_members[:1], present=upper_members[:1])
    upper.refresh_from_db()
    assert upper.status == CouncilItem.Status.DEFERRED
    initiative = Initiative.objects.get(pk=item.initiative_id)
    assert initiative.status == Status.RECOGNISED
    assert events(initiative.pk, Action.DEFERRED, Action.ESCALATION_RECOGNISED) == []
    kit.decide(upper.council, upper, yes=upper_members)
    assert events(initiative.pk, Action.ESCALATION_RECOGNISED) == [
        Action.ESCALATION_RECOGNISED
    ]
    assert Initiative.objects.get(pk=item.initiative_id).status == Status.RECOGNISED


def test_the_upper_council_mails_the_authors(
    taken_up, upper_members, kit, django_capture_on_commit_callbacks
):
    from django.core import mail

    _item, upper = taken_up
    session = kit.session(upper.council, [upper])
    kit.vote(kit.agenda_item(session, upper), yes=upper_members)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        kit.close(session)
    assert len(mail.outbox) == 1
    assert upper.council.name in mail.outbox[0].body


def test_every_level_that_had_it_is_listed(taken_up, upper_members, kit, cast):
    item, upper = taken_up
    kit.decide(upper.council, upper, yes=upper_members)
    upper.refresh_from_db()
    top = council_services.propose_upward(item=upper, actor=None)
    assert top.council == cast.councils.province
    assert top.escalated_from == upper
    province_members = kit.seat(cast.councils.province, 3)
    top = council_services.proposal_accept(item=top, actor=cast.a_staff)
    kit.decide(cast.councils.province, top, yes=province_members)

    listed = list(selectors.council_items_of(item.initiative))
    assert [i.council for i in listed] == [
        cast.councils.a1,
        cast.councils.a,
        cast.councils.province,
    ]
    assert [i.status for i in listed] == [CouncilItem.Status.RECOGNISED] * 3
    assert [i.council.scope for i in listed] == ["grassroots", "upper", "province"]
    assert (
        events(item.initiative_id, Action.ESCALATION_RECOGNISED)
        == [Action.ESCALATION_RECOGNISED] * 2
    )
    assert events(item.initiative_id, Action.PROPOSED) == [Action.PROPOSED] * 2
    assert Initiative.objects.get(pk=item.initiative_id).status == Status.RECOGNISED


def test_a_declined_proposal_is_listed_but_not_as_recognised(lower, cast):
    _council, _members, item = lower
    upper = council_services.propose_upward(item=item, actor=None)
    council_services.proposal_decline(item=upper, actor=None, reason="Chưa đủ.")
    listed = list(selectors.council_items_of(item.initiative))
    assert [(i.council, i.status) for i in listed] == [
        (cast.councils.a1, CouncilItem.Status.RECOGNISED),
        (cast.councils.a, CouncilItem.Status.DECLINED),
    ]


def test_the_upper_councils_closing_leaves_the_lower_item_alone(
    taken_up, upper_members, kit
):
    item, upper = taken_up
    before = CouncilItem.objects.filter(pk=item.pk).values().get()
    kit.decide(upper.council, upper, yes=upper_members[:1], no=upper_members[1:])
    assert CouncilItem.objects.filter(pk=item.pk).values().get() == before
    assert session_services.REASON_TEXT["failed"].split(" (")[0] in (
        CouncilItem.objects.get(pk=upper.pk).reasons
    )
