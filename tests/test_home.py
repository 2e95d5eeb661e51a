"""The home page of each role: what is asked of them next, and for those who keep
the movement, how it goes in their part of the tree."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from initiatives.models import CouncilItem, Idea, Initiative, Status
from initiatives.services import sessions as session_services
from tests.initiatives.council_kit import Kit
from tests.initiatives.helpers import idea_for, make_request, registration_for

pytestmark = pytest.mark.django_db


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_an_author_is_told_what_each_request_needs(cast, client_for):
    member = cast.a1_member
    draft = make_request(member, unit=cast.tree.a1, title="Sổ tay điện tử")
    returned = make_request(member, unit=cast.tree.a1, title="Thư viện số")
    Initiative.objects.filter(pk=returned.pk).update(status=Status.RETURNED)
    registration_for(member, cast.tree.a1, title="Phần mềm chấm công")
    response = home(client_for, member)
    todo = response.context["my_requests"]
    steps = {i.title: str(i.next_step) for i in todo}
    assert steps[draft.title] and steps[returned.title]
    assert steps[draft.title] != steps[returned.title]
    assert response.context["has_tasks"]
    text = response.text
    assert draft.get_absolute_url() in text and returned.get_absolute_url() in text
    # The registration not yet filed is a task too.
    assert "Phần mềm chấm công" in text
    assert response.context["can_file"]
    assert "movement" not in response.context  # no funnel for a member


def test_a_member_with_nothing_to_do_is_offered_a_start(cast, client_for):
    response = home(client_for, cast.b1_member)
    assert not response.context["has_tasks"]
    assert reverse("initiatives:registration_create") in response.text
    assert reverse("initiatives:idea_create") in response.text


def test_council_members_see_what_to_score_and_the_sessions_to_attend(cast, client_for):
    kit = Kit(cast)
    council = cast.councils.a1
    seats = kit.seat(council, 3)
    item = kit.accept(council)
    session = session_services.session_create(
        council=council,
        held_on=timezone.localdate() + datetime.timedelta(days=7),
        place="Phòng họp số 2",
        actor=seats[0].user,
        items=[item],
    )
    member = seats[2].user
    response = home(client_for, member)
    assert list(response.context["planned_sessions"]) == [session]
    assert "Phòng họp số 2" in response.text
    assert session.get_absolute_url() in response.text
    secretary = seats[1].user
    # Past the three months the recognising body has to decide.
    CouncilItem.objects.filter(pk=item.pk).update(
        accepted_on=timezone.localdate() - datetime.timedelta(days=100)
    )
    late = home(client_for, secretary)
    assert [i.pk for i in late.context["overdue_items"]] == [item.pk]
    assert item.get_absolute_url() in late.text
    assert home(client_for, member).context["overdue_items"].count() == 0


def test_the_secretary_is_led_to_each_request_waiting_for_intake(cast, client_for):
    kit = Kit(cast)
    council = cast.councils.a1
    seats = kit.seat(council, 3)
    secretary = seats[1].user
    first = kit.request(council, title="Sổ tay điện tử cho tổ công đoàn")
    second = kit.request(council, title="Hộp thư góp ý trực tuyến")
    response = home(client_for, secretary)
    assert response.context["intake_waiting"] == 2
    assert list(response.context["intake_requests"]) == [first, second]
    for initiative in (first, second):
        assert f'href="{initiative.get_absolute_url()}"' in response.text
    # Each request is its own line; the count line is left for more than fit.
    assert (
        reverse("initiatives:council_list")
        not in response.text.split('id="todo"')[1].split("</section>")[0]
    )
    assert home(client_for, seats[2].user).context.get("intake_waiting", 0) == 0


def test_the_support_team_sees_the_ideas_waiting(cast, client_for):
    idea_for(cast.a1_member, cast.tree.a1, title="Ý tưởng chờ góp ý")
    response = home(client_for, cast.a1_support)
    assert response.context["ideas_waiting"] == 1
    Idea.objects.update(status=Idea.Status.CLOSED)
    assert home(client_for, cast.a1_support).context["ideas_waiting"] == 0
    assert home(client_for, cast.a1_member).context["ideas_waiting"] == 0


@pytest.mark.parametrize(
    ("who", "unit"),
    [
        ("province_staff", "province"),
        ("province_admin", "province"),
        ("a_officer", "a"),
        ("a_staff", "a"),
        ("b_admin", "b"),
    ],
)
def test_keepers_see_their_movement_and_the_report(cast, client_for, who, unit):
    response = home(client_for, getattr(cast, who))
    movement = response.context["movement"]
    assert movement["unit"] == getattr(cast.tree, unit)
    assert movement["report_url"] in response.text.replace("&amp;", "&")
    assert len(movement["steps"]) == 6


def test_the_home_page_queries_stay_flat(
    cast, client_for, django_assert_max_num_queries
):
    make_request(cast.province_staff, unit=cast.tree.p1, title="Đơn đầu tiên")
    client = client_for(cast.province_staff)
    client.get(reverse("home"))
    # Counted with the report's counts not cached (the most the page runs).
    cache.clear()
    with django_assert_max_num_queries(24) as before:
        client.get(reverse("home"))
    for _ in range(5):
        make_request(cast.province_staff, unit=cast.tree.p1, title="Thêm một đơn")
    cache.clear()
    with django_assert_max_num_queries(24) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)
