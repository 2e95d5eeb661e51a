"""Every URL of the initiative councils (councils, items before them, sessions and
the agenda): anonymous visitors go to the login page, a method the URL does not
take is refused, out of scope is 404 and visible-but-not-allowed is 403. Then the
council and item views: they work, refuse bad input beside the field, and their
pages do not grow in queries with the number of members, items, sheets and votes.
Sessions and votes, and the secrecy of scores and votes: test_views_sessions.py.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from documents.models import IssuedDocument
from initiatives import voting
from initiatives.models import (
    Council,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Recusal,
    ReviewAssignment,
    ScoreSheet,
)
from initiatives.services import councils as council_services
from tests.initiatives import council_world as cw
from tests.initiatives.council_world import COUNCIL_ROUTES, state, url
from tests.initiatives.factories import field_message, vietnamese
from tests.initiatives.helpers import (
    PDF_FILE,
    THIS_YEAR,
    assert_login_redirect,
    xlsx_rows,
)
from tests.initiatives.test_views_requests import ROUTES as REQUEST_ROUTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(cast):
    return cw.build(cast)


@pytest.fixture
def quick_pdfs(monkeypatch):
    """Documents issued from here on skip the slow rendering (their content is
    tested elsewhere)."""
    monkeypatch.setattr("documents.services.render_pdf", lambda *a, **k: PDF_FILE)


def test_every_url_is_in_exactly_one_matrix():
    """A new URL of either namespace fails here until a matrix covers it."""
    council, requests = set(COUNCIL_ROUTES), set(REQUEST_ROUTES)
    assert council.isdisjoint(requests)
    assert council | requests == cw.url_names()


# --- Anonymous visitors, wrong methods, outsiders, refusals ---------------------------


def test_anonymous_goes_to_the_login_page(world, client_for, subtests):
    before = state()
    client = client_for(None)
    for name in sorted(COUNCIL_ROUTES):
        path = url(world, name)
        for method in ("GET", "POST"):
            with subtests.test(name=name, method=method):
                assert_login_redirect(cw.call(client, method, path), path)
    assert state() == before


def test_a_method_the_url_does_not_take_is_refused(world, client_for, subtests):
    before = state()
    for name, route in sorted(COUNCIL_ROUTES.items()):
        client = client_for(world.people[route.actor])
        for method in ("GET", "POST", "PUT", "DELETE"):
            if method in route.methods:
                continue
            with subtests.test(name=name, method=method):
                response = cw.call(client, method, url(world, name))
                assert response.status_code == 405
                assert set(response["Allow"].split(", ")) == set(route.methods)
    assert state() == before


OBJECT_ROUTES = sorted(name for name, route in COUNCIL_ROUTES.items() if route.target)


def test_outside_the_users_scope_an_object_does_not_exist(world, client_for, subtests):
    """An outsider, the admin of a sibling branch and a member of another council
    see nothing of branch A's council."""
    before = state()
    data = cw.payload(world)
    for who in ("outsider", "b_admin", "other_member"):
        client = client_for(world.people[who])
        for name in OBJECT_ROUTES:
            for method in COUNCIL_ROUTES[name].methods:
                with subtests.test(who=who, name=name, method=method):
                    response = cw.call(client, method, url(world, name), data)
                    assert response.status_code == 404
    listed = client_for(world.people["b_admin"]).get(reverse(cw.LIST))
    assert world.council.name not in listed.content.decode()
    assert state() == before


def test_an_unknown_object_is_not_found(world, client_for, subtests):
    client = client_for(world.people["superuser"])
    for name in OBJECT_ROUTES:
        with subtests.test(name=name):
            method = COUNCIL_ROUTES[name].methods[-1]
            response = cw.call(client, method, reverse(name, args=[98765]))
            assert response.status_code == 404


def test_visible_but_not_allowed_is_forbidden(world, client_for, subtests):
    data = cw.payload(world)
    for name, method, target, who in cw.FORBIDDEN:
        with subtests.test(name=name, method=method, target=target, who=who):
            client = client_for(world.people[who])
            if target:
                seen = client.get(cw.page_of(getattr(world, target)))
                assert seen.status_code == 200
            path = url(world, f"initiatives:{name}", target)
            with transaction.atomic():
                before = state()
                response = cw.call(client, method, path, data)
                after = state()
                transaction.set_rollback(True)
            assert response.status_code == 403
            assert after == before


# --- Councils: list, set-up, rules, seats, rubric, intake register -------------------


def test_the_list_shows_the_councils_each_person_sees(world, client_for):
    cases = {
        "member": {world.council},
        "recused": {world.council},
        "a_staff": {world.council, world.cast.councils.a1, world.cast.councils.a2},
        "other_member": {world.cast.councils.b},
        "outsider": set(),
    }
    every = Council.objects.all()
    for who, expected in cases.items():
        response = client_for(world.people[who]).get(
            reverse(cw.LIST), {"year": THIS_YEAR}
        )
        assert response.status_code == 200
        shown = {c for c in every if c.name in response.content.decode()}
        assert shown == expected, who
    page = client_for(world.people["a_admin"]).get(reverse(cw.LIST))
    assert page.context["can_create"] is True
    assert (
        client_for(world.people["member"]).get(reverse(cw.LIST)).context["can_create"]
        is False
    )


def council_data(unit, year, **extra) -> dict:
    data = {
        "unit": unit.pk if unit else None,
        "year": year,
        "name": "Hội đồng sáng kiến ngành Giáo dục nhiệm kỳ mới",
        "code": "HĐSK-GD",
        "voting_mode": "ballot",
        "pass_numerator": 2,
        "pass_denominator": 3,
        "quorum_numerator": 2,
        "quorum_denominator": 3,
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def test_set_up_a_council(world, client_for):
    client = client_for(world.people["a_admin"])
    path = reverse("initiatives:council_create")
    assert client.get(path).status_code == 200
    response = client.post(path, council_data(world.tree.a, THIS_YEAR + 1))
    created = Council.objects.get(unit=world.tree.a, year=THIS_YEAR + 1)
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert (created.name, created.code) == (
        "Hội đồng sáng kiến ngành Giáo dục nhiệm kỳ mới",
        "HĐSK-GD",
    )
    assert created.criteria.count() == len(council_services.DEFAULT_CRITERIA)


def test_a_council_for_a_year_that_already_has_one(world, client_for):
    client = client_for(world.people["a_admin"])
    before = state()
    response = client.post(
        reverse("initiatives:council_create"), council_data(world.tree.a, THIS_YEAR)
    )
    assert response.status_code == 200
    message = vietnamese(
        lambda: gettext("This unit already has a council for this year.")
    )
    assert escape(message) in cw.field_block(response, "year")
    assert "HĐSK-GD" in cw.field_block(response, "code")
    assert "nhiệm kỳ mới" in cw.field_block(response, "name")
    assert state() == before


@pytest.mark.parametrize("page", ["create", "edit"])
def test_a_pass_share_of_3_out_of_2(world, client_for, page):
    client = client_for(world.people["a_admin"])
    if page == "create":
        path = reverse("initiatives:council_create")
        data = council_data(world.tree.a, THIS_YEAR + 1, pass_numerator=3)
    else:
        path = url(world, "initiatives:council_edit")
        data = council_data(None, None, pass_numerator=3)
    data["pass_denominator"] = 2
    before = state()
    response = client.post(path, data)
    assert response.status_code == 200
    message = vietnamese(lambda: gettext("The share cannot be more than the whole."))
    assert escape(message) in cw.field_block(response, "pass_numerator")
    assert "HĐSK-GD" in cw.field_block(response, "code")
    assert state() == before


@pytest.mark.parametrize("page", ["create", "edit"])
def test_a_pass_share_below_the_legal_two_thirds(world, client_for, page):
    client = client_for(world.people["a_admin"])
    if page == "create":
        path = reverse("initiatives:council_create")
        data = council_data(world.tree.a, THIS_YEAR + 1, pass_numerator=1)
    else:
        path = url(world, "initiatives:council_edit")
        data = council_data(None, None, pass_numerator=1)
    data["pass_denominator"] = 2
    before = state()
    response = client.post(path, data)
    assert response.status_code == 200
    message = vietnamese(voting.below_legal_pass_message())
    assert escape(message) in cw.field_block(response, "pass_numerator")
    assert state() == before


def test_edit_the_rules(world, client_for):
    client = client_for(world.people["a_admin"])
    path = url(world, "initiatives:council_edit")
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == world.council.name
    data = council_data(None, None, voting_mode="hands", pass_numerator=3)
    data["pass_denominator"] = 4
    response = client.post(path, data)
    assert response.status_code == 302
    world.council.refresh_from_db()
    assert (world.council.voting_mode, world.council.votes_needed(5)) == ("hands", 4)
    assert world.council.year == THIS_YEAR  # the year is not on the edit form


def test_the_council_page(world, client_for):
    submitted = cw.submitted_request(world, "Đơn chờ tiếp nhận về bếp ăn")
    secretary = client_for(world.people["secretary"]).get(url(world, cw.DETAIL))
    assert secretary.status_code == 200
    assert list(secretary.context["intake"]) == [submitted]
    assert list(secretary.context["proposals"]) == [world.item_proposed]
    assert secretary.context["member_form"] is None
    member = client_for(world.people["member"]).get(url(world, cw.DETAIL))
    assert (member.context["intake"], member.context["proposals"]) == ([], [])
    assert submitted.title not in member.content.decode()
    items = [i.initiative.title for i in member.context["items"]]
    assert items == [world.main.title, world.decided.title, world.planned.title]
    admin = client_for(world.people["a_admin"]).get(url(world, cw.DETAIL))
    assert admin.context["member_form"] is not None
    for _key, _role, _username, name in cw.SEATS:
        assert name in admin.content.decode()


def test_seat_and_unseat_a_member(world, client_for):
    client = client_for(world.people["a_admin"])
    path = url(world, "initiatives:council_member_add")
    data = {"person": "a1_member@example.vn", "role": "expert", "position": "GV"}
    response = client.post(path, data)
    assert response.status_code == 302
    assert response.url == world.council.get_absolute_url()
    seat = world.council.members.get(user=world.people["a1_member"])
    assert (seat.role, seat.position) == ("expert", "GV")
    response = client.post(reverse("initiatives:council_member_remove", args=[seat.pk]))
    assert response.status_code == 302
    assert not CouncilMember.objects.filter(pk=seat.pk).exists()


def test_a_member_who_voted_keeps_the_seat(world, client_for):
    before = state()
    response = client_for(world.people["a_admin"]).post(
        url(world, "initiatives:council_member_remove")
    )
    assert response.status_code == 302
    [message] = cw.flashed(response)
    assert str(world.people["member"]) in message
    assert state() == before


def test_seating_an_author_recuses_them_from_their_items(world, client_for):
    coauthor = world.people["creator"]
    client_for(world.people["a_admin"]).post(
        url(world, "initiatives:council_member_add"),
        {"person": coauthor.username, "role": "member"},
    )
    seat = world.council.members.get(user=coauthor)
    recused = set(Recusal.objects.filter(member=seat).values_list("item", flat=True))
    mine = {
        world.item_main,
        world.item_decided,
        world.item_planned,
        world.item_proposed,
    }
    mine = {item.pk for item in mine}
    assert recused == mine


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"person": "khong_co_ai", "role": "member"},
            lambda: gettext("No person has this user name or email address."),
        ),
        (
            {"person": "a1_member", "role": "chair"},
            lambda: (
                gettext("The council already has a %(role)s.")
                % {"role": CouncilRole.CHAIR.label}
            ),
        ),
        (
            {"person": "uy_vien", "role": "member"},
            lambda: gettext("This person is already on the council."),
        ),
    ],
    ids=["unknown person", "second chair", "seated twice"],
)
def test_seating_refuses_bad_input(world, client_for, data, message):
    client = client_for(world.people["a_admin"])
    before = state()
    data = {**data, "position": "Phó trưởng ban"}
    response = client.post(url(world, "initiatives:council_member_add"), data)
    # The council page comes back with the error beside the field and what
    # was typed still in the form.
    assert response.status_code == 200
    form = response.context["member_form"]
    field = "role" if data["role"] == "chair" else "person"
    assert vietnamese(message) in form.errors[field]
    assert state() == before
    html = response.content.decode()
    assert escape(vietnamese(message)) in html
    assert 'value="Phó trưởng ban"' in html


def criteria_data(rows) -> dict:
    data = {
        "criteria-TOTAL_FORMS": len(rows),
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for index, (name, points) in enumerate(rows):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-max_points"] = points
    return data


def test_the_score_sheet_rubric(world, client_for):
    client = client_for(world.people["a_admin"])
    path = url(world, "initiatives:council_criteria")
    response = client.get(path)
    assert response.status_code == 200
    names = [row["name"] for row in response.context["formset"].initial]
    assert names == [name for name, _points in council_services.DEFAULT_CRITERIA]
    rows = [("Tính mới", 40), ("Hiệu quả", 60)]
    response = client.post(path, criteria_data(rows))
    assert response.status_code == 302
    saved = list(world.council.criteria.values_list("name", "max_points"))
    assert saved == rows
    cw.score(world, world.item_main, "member", [Decimal(10), Decimal(20)])
    response = client.post(path, criteria_data([("Một tiêu chí", 100)]))
    assert response.status_code == 200
    message = vietnamese(
        lambda: gettext("Members have already scored; the rubric can no longer change.")
    )
    assert escape(message) in response.content.decode()
    assert list(world.council.criteria.values_list("name", "max_points")) == rows


def test_the_intake_register(world, client_for):
    response = client_for(world.people["secretary"]).get(
        url(world, "initiatives:council_register")
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = xlsx_rows(response.content)
    assert rows[0][2] == "Tên sáng kiến"
    titles = [row[2] for row in rows[1:]]
    assert titles == [world.main.title, world.decided.title, world.planned.title]


# --- Items: the page, proposals, reviewers, scores, conflicts -------------------


def test_the_item_page(world, client_for):
    member = client_for(world.people["member"]).get(url(world, cw.ITEM))
    assert member.status_code == 200
    assert member.context["score_form"] is not None
    assert member.context["reviewers_form"] is None
    recused = client_for(world.people["recused"]).get(url(world, cw.ITEM))
    assert recused.context["recused"] is True
    assert recused.context["score_form"] is None
    secretary = client_for(world.people["secretary"]).get(url(world, cw.ITEM))
    offered = secretary.context["reviewers_form"].fields["members"].queryset
    assert world.seats["recused"] not in offered
    assert world.seats["member"] in offered


def test_take_up_a_proposal(world, client_for):
    response = client_for(world.people["secretary"]).post(
        url(world, "initiatives:item_take_up")
    )
    assert response.status_code == 302
    world.item_proposed.refresh_from_db()
    assert world.item_proposed.status == CouncilItem.Status.ACCEPTED
    assert world.item_proposed.accepted_on == timezone.localdate()
    receipts = IssuedDocument.objects.filter(series__unit=world.tree.a)
    assert receipts.filter(
        title__contains=world.item_proposed.initiative.title
    ).exists()


def test_decline_a_proposal(world, client_for):
    client = client_for(world.people["secretary"])
    path = url(world, "initiatives:item_decline")
    before = state()
    response = client.post(path, {"reason": "  "})
    assert response.status_code == 302
    message = vietnamese(lambda: gettext("Say why the proposal is not taken up."))
    assert cw.flashed(response) == [message]
    assert state() == before
    response = client.post(path, {"reason": "Chỉ có ảnh hưởng trong trường."})
    world.item_proposed.refresh_from_db()
    assert world.item_proposed.status == CouncilItem.Status.DECLINED
    assert world.item_proposed.reasons == "Chỉ có ảnh hưởng trong trường."


def test_ask_members_to_score_and_remind_them(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.people["secretary"])
    due = timezone.localdate() + datetime.timedelta(days=7)
    chosen = [world.seats["member"], world.seats["expert"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world, "initiatives:item_assign"),
            {"members": [m.pk for m in chosen], "due_on": due.strftime("%d/%m/%Y")},
        )
    assert response.status_code == 302
    reviews = ReviewAssignment.objects.filter(item=world.item_main)
    assert {(r.member, r.due_on) for r in reviews} == {(m, due) for m in chosen}
    world.item_main.refresh_from_db()
    assert world.item_main.status == CouncilItem.Status.UNDER_REVIEW
    assert set(mail.outbox[-1].to) == {"uy_vien@example.vn", "chuyen_gia@example.vn"}
    cw.score(world, world.item_main, "expert", cw.FULL_MARKS, submit=True)
    response = client.post(url(world, "initiatives:item_remind"))
    assert response.status_code == 302
    reminded = reviews.exclude(reminded_at=None).values_list("member", flat=True)
    assert list(reminded) == [world.seats["member"].pk]
    # The recused member cannot be asked.
    before = state()
    client.post(
        url(world, "initiatives:item_assign"), {"members": [world.seats["recused"].pk]}
    )
    assert state() == before


def test_the_scorer_list_labels_its_date_as_a_due_date(world, client_for):
    due = timezone.localdate() + datetime.timedelta(days=9)
    council_services.reviewers_assign(
        item=world.item_main,
        members=[world.seats["member"]],
        actor=world.people["secretary"],
        due_on=due,
    )
    page = client_for(world.people["secretary"]).get(url(world, cw.ITEM))
    day = due.strftime("%d/%m/%Y")
    label = vietnamese(lambda: gettext("due by %(day)s") % {"day": day})
    assert label != f"due by {day}"
    assert f"({escape(label)})" in page.content.decode()


def test_my_reviews(world, client_for):
    council_services.reviewers_assign(
        item=world.item_main,
        members=[world.seats["member"]],
        actor=world.people["secretary"],
    )
    mine = client_for(world.people["member"]).get(reverse("initiatives:my_reviews"))
    assert mine.status_code == 200
    assert world.main.title in mine.content.decode()
    other = client_for(world.people["expert"]).get(reverse("initiatives:my_reviews"))
    assert world.main.title not in other.content.decode()


def test_score_an_item(world, client_for):
    client = client_for(world.people["member"])
    criteria = list(world.council.criteria.all())
    data = cw.score_data(criteria, ["17,25", "20", "26.5", "9"], "Rất thiết thực.")
    response = client.post(url(world, "initiatives:item_score"), data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(item=world.item_main, member=world.seats["member"])
    assert sheet.total == Decimal("72.75")
    assert sheet.submitted_at is not None
    assert sheet.comments == "Rất thiết thực."
    page = client.get(url(world, cw.ITEM))
    assert page.context["score_form"].initial[f"criterion_{criteria[0].pk}"] == (
        Decimal("17.25")
    )


def test_every_score_is_marked_required_and_a_draft_may_leave_some_out(
    world, client_for
):
    """Submitting a sheet needs every score, so each is marked required before the
    first save; a draft with scores missing is still saved."""
    client = client_for(world.people["member"])
    criteria = list(world.council.criteria.all())
    page = client.get(url(world, cw.ITEM))
    for criterion in criteria:
        block = cw.field_block(page, f"criterion_{criterion.pk}")
        assert '<span class="asteriskField">*</span>' in block, criterion.name
        assert " required" in block, criterion.name
    assert "asteriskField" not in cw.field_block(page, "comments")

    data = cw.score_data(criteria, ["17", "", "", ""], submit=False)
    data["save"] = "1"
    response = client.post(url(world, "initiatives:item_score"), data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(item=world.item_main, member=world.seats["member"])
    assert sheet.submitted_at is None
    assert [s.points for s in sheet.scores.all()] == [Decimal("17")]

    # Submitted with scores missing: each empty one says so beside it.
    response = client.post(
        url(world, "initiatives:item_score"),
        cw.score_data(criteria, ["17", "", "20", ""]),
    )
    assert response.status_code == 200
    for criterion in (criteria[1], criteria[3]):
        block = cw.field_block(response, f"criterion_{criterion.pk}")
        assert gettext("Give a score.") in block
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


def test_a_score_above_the_maximum_and_a_letter(world, client_for):
    criteria = list(world.council.criteria.all())
    typed = ["31", "2O", "26,5", "9"]
    data = cw.score_data(criteria, typed, "Nhận xét đã gõ")
    before = state()
    response = client_for(world.people["member"]).post(
        url(world, "initiatives:item_score"), data
    )
    assert response.status_code == 200
    form = response.context["score_form"]
    for criterion, value in zip(criteria[:2], typed[:2], strict=True):
        name = f"criterion_{criterion.pk}"
        expected = vietnamese(lambda f=form.fields[name], v=value: field_message(f, v))
        block = cw.field_block(response, name)
        assert escape(expected) in block
        assert f'value="{value}"' in block
    assert 'value="26,5"' in cw.field_block(response, f"criterion_{criteria[2].pk}")
    assert "Nhận xét đã gõ" in cw.field_block(response, "comments")
    assert state() == before


def test_declare_a_conflict(world, client_for):
    cw.score(world, world.item_main, "expert", cw.FULL_MARKS, submit=True)
    client = client_for(world.people["expert"])
    response = client.post(url(world, "initiatives:item_conflict"), {"note": "Họ hàng"})
    assert response.status_code == 302
    recusal = Recusal.objects.get(item=world.item_main, member=world.seats["expert"])
    assert (recusal.reason, recusal.note) == (Recusal.Reason.DECLARED, "Họ hàng")
    assert not ScoreSheet.objects.filter(member=world.seats["expert"]).exists()
    page = client.get(url(world, cw.ITEM))
    assert page.context["recused"] is True
    assert client.post(url(world, "initiatives:item_score")).status_code == 403


def test_propose_to_the_level_above(world, client_for):
    response = client_for(world.people["chair"]).post(
        url(world, "initiatives:item_propose"), {"note": "Ảnh hưởng toàn tỉnh."}
    )
    assert response.status_code == 302
    upper = CouncilItem.objects.get(escalated_from=world.item_decided)
    assert upper.council == world.cast.councils.province
    assert (upper.status, upper.proposal_note) == ("proposed", "Ảnh hưởng toàn tỉnh.")


# --- Query counts -------------------------------------------------------------------

# The bar is 12 queries a page. The item page needs 14 to 21 (the most for the
# secretary): each right it checks asks the database again; it must not grow.
BOUNDS = {cw.LIST: 12, cw.DETAIL: 12, "item_open": 21, "item_decided": 21}


def test_council_pages_do_not_grow_with_members_items_sheets_and_votes(
    world, client_for, django_assert_max_num_queries, quick_pdfs, subtests
):
    cw.score_everyone(world, [world.item_main])
    cw.sheets_after_the_fact(world, world.item_decided)
    cw.vote_everyone(world, world.open)
    items = {"item_open": world.item_main, "item_decided": world.item_decided}
    for size in ("5 members, 3 items", "11 members, 20 items"):
        if size.startswith("11"):
            big = cw.grow(world)
            items = {"item_open": big.open_item, "item_decided": big.decided_item}
        assert world.council.members.count() == int(size.split()[0])
        assert world.council.items.exclude(status="proposed").count() == int(
            size.split()[2]
        )
        pages = {
            cw.LIST: reverse(cw.LIST),
            cw.DETAIL: url(world, cw.DETAIL),
            **{name: reverse(cw.ITEM, args=[i.pk]) for name, i in items.items()},
        }
        for page, path in pages.items():
            for who in ("secretary", "member", "a_staff"):
                with subtests.test(size=size, page=page, who=who):
                    client = client_for(world.people[who])
                    with django_assert_max_num_queries(BOUNDS[page]):
                        assert client.get(path).status_code == 200
    sheets = client_for(world.people["member"]).get(pages["item_decided"])
    assert len(sheets.context["sheets"]) == world.council.members.count()
