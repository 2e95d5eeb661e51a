"""Who may vote on an agenda item: the policy answers it (a seat on the council);
the vote itself says why a member may not vote now."""

import pytest
from django.urls import reverse

from initiatives.models import AgendaItem
from initiatives.services import councils as council_services
from units import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_agenda(kit, board, accepted):
    session = kit.session(board.council, [accepted])
    return kit.agenda_item(session, accepted)


def test_a_seated_member_may_vote_others_may_not(on_agenda, board, cast, kit):
    assert access.can(board.chair.user, "vote", on_agenda)
    assert access.can(board.members[-1].user, "vote", on_agenda)
    # Staff who run the council hold no seat and no vote.
    for user in (cast.a_staff, cast.a_admin, cast.superuser, kit.person()):
        assert not access.can(user, "vote", on_agenda)


def test_a_recused_member_keeps_the_right_the_vote_refuses(
    on_agenda, board, client_for
):
    member = board.members[-1]
    council_services.conflict_declare(item=on_agenda.item, member=member, note="")
    assert access.can(member.user, "vote", on_agenda)
    response = client_for(member.user).post(
        reverse("initiatives:agenda_vote", args=[on_agenda.pk]), {"choice": "yes"}
    )
    assert response.status_code == 302
    assert not on_agenda.votes.exists()


def test_the_vote_page_refuses_those_without_a_seat(on_agenda, cast, client_for):
    response = client_for(cast.a_staff).post(
        reverse("initiatives:agenda_vote", args=[on_agenda.pk]), {"choice": "yes"}
    )
    assert response.status_code == 403
    assert not on_agenda.votes.exists()


def test_agenda_items_are_seen_with_their_session(on_agenda, board, cast):
    assert access.visible(board.chair.user, AgendaItem).filter(pk=on_agenda.pk)
    assert not access.visible(cast.b_admin, AgendaItem).filter(pk=on_agenda.pk)
