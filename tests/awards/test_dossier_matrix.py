"""Every dossier URL against the people around it, and the dossier page's query
count as nominees grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import dossier as dossiers
from awards import services
from awards.models import AwardForm
from awards.views import dossier as views_dossier
from tests.initiatives.helpers import assert_login_redirect

pytestmark = pytest.mark.django_db

# name -> (method, argument kind). Every name in views_dossier must be here.
URLS = {
    "dossiers": ("get", None),
    "dossier_prepare": ("post", "round"),
    "dossier_issue": ("post", "round"),
    "dossier": ("get", "dossier"),
    "dossier_bundle": ("get", "dossier"),
    "dossier_zip": ("get", "dossier"),
    "dossier_word": ("get", "dossier"),
    "submission_edit": ("post", "dossier"),
    "dossier_send": ("post", "dossier"),
    "dossier_accept": ("post", "dossier"),
    "dossier_return": ("post", "dossier"),
    "decision_create": ("post", "dossier"),
    "summary_edit": ("post", "candidate"),
    "summary_word": ("get", "candidate"),
    "person_awards": ("get", "person"),
    "unit_awards": ("get", "unit"),
}

# Who gets what on a dossier of CB-A that has been prepared but not sent:
# "ok" means allowed (200 or a redirect back after the step), numbers are codes.
EXPECTED = {
    "outsider": {"dossiers": "ok", "person_awards": 404, "unit_awards": 404},
    "a1_member": {"dossiers": "ok", "person_awards": "ok", "unit_awards": "ok"},
    "b_admin": {"dossiers": "ok", "person_awards": 404, "unit_awards": 404},
    # The round's staff prepare; answering is for the unit above, once sent.
    "a_staff": {"dossier_accept": 403, "dossier_return": 403, "decision_create": 403},
}
DENIED_404 = {"outsider", "a1_member", "b_admin"}


def test_every_url_is_in_the_table():
    names = {pattern.name for pattern in views_dossier.urlpatterns}
    assert names == set(URLS)


@pytest.fixture
def world(selected_round, cast):
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    return {
        "round": award_round.pk,
        "dossier": dossier.pk,
        "candidate": candidates[0].pk,
        "person": cast.a1_member.pk,
        "unit": cast.tree.a1.pk,
    }


@pytest.mark.parametrize("who", [None, "outsider", "a1_member", "b_admin", "a_staff"])
def test_the_matrix(world, cast, client_for, who):
    client = client_for(getattr(cast, who) if who else None)
    for name, (method, kind) in URLS.items():
        path = reverse(f"awards:{name}", args=[world[kind]] if kind else [])
        response = getattr(client, method)(path)
        if who is None:
            assert_login_redirect(response, path)
            continue
        expected = EXPECTED[who].get(name, 404 if who in DENIED_404 else "ok")
        if expected == "ok":
            assert response.status_code in (200, 302), (who, name)
            if response.status_code == 302:
                assert "login" not in response.url, (who, name)
        else:
            assert response.status_code == expected, (who, name)


def test_the_unit_above_answers_but_does_not_prepare(world, cast, client_for):
    dossier = dossiers.Dossier.objects.get(pk=world["dossier"])
    dossiers.dossier_send(dossier=dossier, actor=cast.a_staff)
    staff = client_for(cast.a_staff)
    accept = reverse("awards:dossier_accept", args=[dossier.pk])
    # CB-A's staff prepared it; they do not keep CB, so they cannot answer.
    assert staff.post(accept).status_code == 403
    assert client_for(cast.province_staff).post(accept).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "accepted"


def test_the_dossier_page_does_not_grow_with_nominees(movement, cast, client_for):
    paper = AwardForm.objects.get(name="Giấy khen")
    award_round = movement.round(cast.tree.a)
    people = []
    for n in range(4):
        person = movement.gold.kit.person(f"Tác giả {n}", unit=cast.tree.a1)
        movement.entry(cast.councils.a1, filer=person)
        movement.rate_member(person, cast.tree.a1)
        people.append(person)

    def nominate(person):
        candidate = services.candidate_add(
            award_round=award_round, actor=cast.a_staff, person=person
        )
        services.attest(
            candidate=candidate, actor=cast.a_staff, criterion="compliance", met=True
        )
        services.nominate(candidate=candidate, actor=cast.a_staff, award_form=paper)
        return candidate

    nominees = [nominate(p) for p in people]
    services.selection_record(
        award_round=award_round,
        actor=cast.a_staff,
        held_on=timezone.localdate(),
        chaired_by="Đàm Minh Quân",
        members_total=5,
        members_present=5,
        votes={c.pk: (5 if i < 1 else 1) for i, c in enumerate(nominees)},
    )
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    client = client_for(cast.a_staff)
    path = reverse("awards:dossier", args=[dossier.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    one = count()
    # The others selected too, with their summaries written.
    for candidate in nominees[1:]:
        candidate.status = "selected"
        candidate.achievements = f"Thành tích của {candidate.display_name}."
        candidate.save(update_fields=["status", "achievements"])
    assert count() == one
