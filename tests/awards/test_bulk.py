"""Award rounds at scale: the readable checklist, a collective's recognised
initiatives at any level, ticking and nominating many candidates at once, and
the round page's queries as candidates grow."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import criteria, services
from awards.models import Attestation, AwardForm, Candidate, MovementRecord

pytestmark = pytest.mark.django_db


def checks_of(candidate) -> dict:
    checklist = criteria.checklists([candidate], candidate.round.year)[candidate.pk]
    return {check.criterion.code: check for check in checklist.checks}


def eligible_person(movement, cast, name: str):
    """A member of CB-A1 with a Gold Book entry and a good rating."""
    person = movement.gold.kit.person(name, unit=cast.tree.a1)
    movement.entry(cast.councils.a1, filer=person)
    movement.rate_member(person, cast.tree.a1)
    return person


@pytest.fixture
def a_round(movement, cast):
    return movement.round(cast.tree.a, actor=cast.a_staff)


def add(award_round, cast, **who):
    return services.candidate_add(award_round=award_round, actor=cast.a_staff, **who)


# --- A collective's recognised initiatives -------------------------------------


def test_a_member_initiative_recognised_by_the_level_above_counts(
    movement, cast, a_round
):
    school = add(a_round, cast, unit=cast.tree.a1)
    assert checks_of(school)["recognised"].met is False
    # Filed from CB-A1 by its member, recognised by CB-A's council: the entry is
    # in CB-A's book, not in a book of CB-A1's subtree.
    entry = movement.entry(cast.councils.a, filer=cast.a1_member)
    assert entry.book.unit == cast.tree.a
    check = checks_of(school)["recognised"]
    assert check.met is True and check.reason == ""
    assert any(
        e.url == reverse("goldbook:entry", args=[entry.pk]) for e in check.evidence
    )
    # Not for a sibling whose members filed nothing.
    sibling = add(a_round, cast, unit=cast.tree.a2)
    assert checks_of(sibling)["recognised"].met is False


def test_one_initiative_recognised_at_two_levels_counts_once(movement, cast, a_round):
    school = add(a_round, cast, unit=cast.tree.a1)
    movement.entry(cast.councils.a1, filer=cast.a1_member)
    movement.entry(cast.councils.a, filer=cast.a1_member)
    check = checks_of(school)["recognised"]
    # Two different requests here, so two initiatives; each listed with its book.
    assert check.evidence[0].label.startswith("2 ")
    assert len(check.evidence) == 3


# --- The checklist's states -----------------------------------------------------


def test_a_pass_is_never_a_reason_for_failing(movement, cast, a_round):
    school = add(a_round, cast, unit=cast.tree.a1)
    movement.record(cast.tree.a1, MovementRecord.Kind.LAUNCH)
    movement.rate(cast.tree.a1)
    checklist = criteria.checklists([school], a_round.year)[school.pk]
    assert checklist.state == criteria.NOT_MET
    met = [c for c in checklist.checks if c.state == criteria.MET]
    assert {c.criterion.code for c in met} >= {"launched", "rated"}
    for check in met:
        assert str(check.criterion.label).rstrip(".") not in checklist.shortfall
    # Waiting criteria are not failures either: they are listed apart.
    for check in checklist.waiting:
        assert str(check.criterion.label).rstrip(".") not in checklist.shortfall
        assert str(check.criterion.label).rstrip(".") in checklist.waiting_for


def test_the_summary_state_says_which_of_the_three_holds(movement, cast, a_round):
    person = eligible_person(movement, cast, "Trần Thị Đủ")
    candidate = add(a_round, cast, person=person)
    assert criteria.checklists([candidate], a_round.year)[candidate.pk].state == (
        criteria.WAITING
    )
    services.attest(
        candidate=candidate, actor=cast.a_staff, criterion="compliance", met=True
    )
    assert criteria.checklists([candidate], a_round.year)[candidate.pk].state == (
        criteria.MET
    )
    services.attest(
        candidate=candidate,
        actor=cast.a_staff,
        criterion="compliance",
        met=False,
        note="Vi phạm kỷ luật",
    )
    checklist = criteria.checklists([candidate], a_round.year)[candidate.pk]
    assert checklist.state == criteria.NOT_MET
    assert checklist.shortfall == "Vi phạm kỷ luật."


def test_the_round_page_shows_each_criterion_with_its_state(
    movement, cast, a_round, client_for
):
    school = add(a_round, cast, unit=cast.tree.a1)
    launch = movement.record(cast.tree.a1, MovementRecord.Kind.LAUNCH)
    page = client_for(cast.a_staff).get(a_round.get_absolute_url()).content.decode()
    assert 'data-state="not_met"' in page
    # Met with its evidence link, waiting with the way to attest, not met with
    # the reason.
    assert launch.get_absolute_url() in page
    assert f"{school.get_absolute_url()}#criterion-compliance" in page
    assert "Chưa ký giao ước thi đua nào trong năm" in page
    assert page.count('class="checklist-item check-') == len(criteria.COLLECTIVE)


# --- Many at once ---------------------------------------------------------------


def test_attest_and_nominate_many_at_once(movement, cast, a_round):
    paper = AwardForm.objects.get(name="Giấy khen")
    people = [eligible_person(movement, cast, f"Người {n}") for n in range(3)]
    candidates = [add(a_round, cast, person=p) for p in people]
    with pytest.raises(ValidationError) as refused:
        services.candidates_nominate(
            award_round=a_round,
            actor=cast.a_staff,
            candidates=candidates,
            award_form=paper,
        )
    # Each refused with its name and why; nothing written.
    assert all(any(p.full_name in m for m in refused.value.messages) for p in people)
    assert not Candidate.objects.filter(status=Candidate.Status.NOMINATED).exists()
    assert (
        services.candidates_attest(
            award_round=a_round,
            actor=cast.a_staff,
            candidates=candidates,
            criterion="compliance",
            note="Chấp hành tốt",
        )
        == 3
    )
    assert Attestation.objects.filter(met=True, note="Chấp hành tốt").count() == 3
    services.candidates_nominate(
        award_round=a_round, actor=cast.a_staff, candidates=candidates, award_form=paper
    )
    assert set(
        Candidate.objects.values_list("status", "award_form__name").distinct()
    ) == {(Candidate.Status.NOMINATED, "Giấy khen")}


def test_one_that_cannot_be_nominated_stops_them_all(movement, cast, a_round):
    paper = AwardForm.objects.get(name="Giấy khen")
    ready = add(a_round, cast, person=eligible_person(movement, cast, "Lê Văn Sẵn"))
    short = add(a_round, cast, person=cast.a_officer)
    services.candidates_attest(
        award_round=a_round,
        actor=cast.a_staff,
        candidates=[ready, short],
        criterion="compliance",
    )
    with pytest.raises(ValidationError) as refused:
        services.candidates_nominate(
            award_round=a_round,
            actor=cast.a_staff,
            candidates=[ready, short],
            award_form=paper,
        )
    messages = refused.value.messages
    assert any(short.display_name in m for m in messages)
    assert not any(ready.display_name in m for m in messages)
    ready.refresh_from_db()
    assert ready.status == Candidate.Status.CANDIDATE


def test_a_quota_counts_the_whole_batch(movement, cast):
    paper = AwardForm.objects.get(name="Giấy khen")
    award_round = movement.round(cast.tree.a, quota=1, actor=cast.a_staff)
    people = [eligible_person(movement, cast, f"Hạn ngạch {n}") for n in range(2)]
    candidates = [add(award_round, cast, person=p) for p in people]
    services.candidates_attest(
        award_round=award_round,
        actor=cast.a_staff,
        candidates=candidates,
        criterion="compliance",
    )
    with pytest.raises(ValidationError) as refused:
        services.candidates_nominate(
            award_round=award_round,
            actor=cast.a_staff,
            candidates=candidates,
            award_form=paper,
        )
    assert any("1" in m and people[1].full_name in m for m in refused.value.messages)
    assert not Candidate.objects.filter(status=Candidate.Status.NOMINATED).exists()


def test_the_bulk_form_ticks_the_eligible_and_nominates_them(
    movement, cast, a_round, client_for
):
    paper = AwardForm.objects.get(name="Giấy khen")
    ready = add(a_round, cast, person=eligible_person(movement, cast, "Phạm Thị Đạt"))
    services.attest(
        candidate=ready, actor=cast.a_staff, criterion="compliance", met=True
    )
    other = add(a_round, cast, unit=cast.tree.a2)
    client = client_for(cast.a_staff)
    page = client.get(a_round.get_absolute_url() + "?eligible=1").content.decode()
    assert f'value="{ready.pk}" form="bulk" id="tick-{ready.pk}" checked' in page
    assert f'value="{other.pk}" form="bulk" id="tick-{other.pk}" aria' in page
    url = reverse("awards:round_bulk", args=[a_round.pk])
    assert client.get(url).status_code == 405
    # Nothing ticked: a clear message, nothing written.
    response = client.post(url, {"action": "nominate", "award_form": paper.pk})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Hãy đánh dấu ít nhất một ứng viên."
    ]
    client.get(response.url)  # the page shows (and uses up) the message
    response = client.post(
        url,
        {"action": "nominate", "award_form": paper.pk, "candidate": [ready.pk]},
    )
    assert len(list(get_messages(response.wsgi_request))) == 1
    ready.refresh_from_db()
    assert (ready.status, ready.award_form) == (Candidate.Status.NOMINATED, paper)


def test_the_filters_narrow_the_page(movement, cast, a_round, client_for):
    add(a_round, cast, unit=cast.tree.a1)
    add(a_round, cast, unit=cast.tree.a2)
    person = add(a_round, cast, person=cast.a1_member)
    client = client_for(cast.a_staff)
    base = a_round.get_absolute_url()
    page = client.get(base + "?kind=individual").content.decode()
    assert (
        person.get_absolute_url() in page
        and cast.tree.a2.name
        not in page.split('id="bulk"')[-1].split("Add a collective")[0]
    )
    page = client.get(base + f"?unit={cast.tree.a2.pk}").content.decode()
    assert person.get_absolute_url() not in page
    assert 'href="/awards/candidates/' in page


def test_the_round_page_does_not_grow_with_candidates(
    movement, cast, a_round, client_for, django_assert_max_num_queries
):
    client = client_for(cast.a_staff)
    add(a_round, cast, unit=cast.tree.a1)
    add(a_round, cast, person=cast.a1_member)
    movement.record(cast.tree.a1, MovementRecord.Kind.LAUNCH)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(a_round.get_absolute_url()).status_code == 200
    add(a_round, cast, unit=cast.tree.a2)
    for n in range(18):
        person = movement.gold.kit.person(f"Thêm {n}", unit=cast.tree.a2)
        add(a_round, cast, person=person)
    with django_assert_max_num_queries(len(small)):
        assert client.get(a_round.get_absolute_url() + "?eligible=1").status_code == 200
