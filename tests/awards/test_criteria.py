"""The criteria checklists against seeded situations: every criterion passes with
its evidence when the data is there, and fails (or waits for staff) with the
reason when it is not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import criteria, services
from awards.models import Candidate, MemberGrade, MovementRecord
from tests.awards.conftest import YEAR

pytestmark = pytest.mark.django_db


def checks_of(candidate) -> dict:
    checklist = criteria.checklists([candidate], candidate.round.year)[candidate.pk]
    return {check.criterion.code: check for check in checklist.checks}


@pytest.fixture
def a_round(movement, cast):
    """CB-A's round: its grassroots unions are the collectives."""
    return movement.round(cast.tree.a)


@pytest.fixture
def collective(a_round, cast):
    return services.candidate_add(
        award_round=a_round, actor=cast.a_staff, unit=cast.tree.a1
    )


def test_an_empty_year_fails_every_data_criterion_with_its_reason(collective):
    checks = checks_of(collective)
    assert [c.code for c in criteria.COLLECTIVE] == list(checks)
    for code in ("launched", "pact", "registrations", "review", "recognised", "rated"):
        assert checks[code].met is False, code
        assert checks[code].reason, code
        assert checks[code].evidence == []
    # What staff may attest waits for them.
    assert checks["propagated"].met is None
    assert checks["reviewed"].met is None
    assert checks["compliance"].met is None
    checklist = criteria.checklists([collective], YEAR)[collective.pk]
    assert not checklist.passed
    assert "Chưa ghi nhận việc phát động phong trào trong năm" in checklist.shortfall


@pytest.mark.parametrize(
    ("code", "build"),
    [
        ("launched", lambda m, c: m.record(c.tree.a1, MovementRecord.Kind.LAUNCH)),
        (
            "propagated",
            lambda m, c: m.record(c.tree.a1, MovementRecord.Kind.PROPAGATION),
        ),
        ("pact", lambda m, c: m.pact(c.tree.a, c.tree.a1, c.tree.a2)),
        ("registrations", lambda m, c: m.registration(c.tree.a1)),
        (
            "review",
            lambda m, c: m.record(c.tree.a1, MovementRecord.Kind.INTERIM_REVIEW),
        ),
        ("recognised", lambda m, c: m.entry(c.councils.a1)),
        ("reviewed", lambda m, c: m.entry(c.councils.a1)),
        ("rated", lambda m, c: m.rate(c.tree.a1)),
    ],
)
def test_each_collective_criterion_is_met_from_its_data(
    movement, cast, collective, code, build
):
    assert checks_of(collective)[code].met is not True
    build(movement, cast)
    check = checks_of(collective)[code]
    assert check.met is True
    assert check.reason == ""
    assert check.evidence, "a met criterion shows its evidence"


def test_evidence_links_to_the_record_and_the_roll_up(movement, cast, collective):
    launch = movement.record(
        cast.tree.a1, MovementRecord.Kind.LAUNCH, title="Phát động"
    )
    movement.entry(cast.councils.a1)
    checks = checks_of(collective)
    assert checks["launched"].evidence[0].url == launch.get_absolute_url()
    assert f"/goldbook/units/{cast.tree.a1.pk}/rollup/" in (
        checks["recognised"].evidence[0].url
    )


def test_data_of_another_year_or_unit_does_not_count(movement, cast, collective):
    services.record_create(
        unit=cast.tree.a1,
        actor=cast.province_admin,
        kind=MovementRecord.Kind.LAUNCH,
        year=YEAR - 1,
        held_on=collective.round.created_at.date().replace(year=YEAR - 1, day=1),
        title="Phát động năm trước",
    )
    movement.record(cast.tree.a2, MovementRecord.Kind.LAUNCH)
    movement.rate(cast.tree.a2)
    checks = checks_of(collective)
    assert checks["launched"].met is False
    assert checks["rated"].met is False


def test_a_rating_below_strong_fails_with_the_rating_given(movement, cast, collective):
    movement.rate(cast.tree.a1, strong=False)
    check = checks_of(collective)["rated"]
    assert check.met is False
    assert "Hoàn thành" in check.reason


def test_a_revoked_entry_does_not_count(movement, cast, collective):
    entry = movement.entry(cast.councils.a1)
    from goldbook import services as gold_services

    gold_services.entry_revoke(entry=entry, actor=cast.a_staff, reason="Hủy công nhận")
    assert checks_of(collective)["recognised"].met is False


def test_attestation_decides_what_the_data_cannot(movement, cast, collective):
    services.attest(
        candidate=collective, actor=cast.a_staff, criterion="compliance", met=True
    )
    services.attest(
        candidate=collective,
        actor=cast.a_staff,
        criterion="propagated",
        met=False,
        note="Không có hoạt động tuyên truyền",
    )
    checks = checks_of(collective)
    assert checks["compliance"].met is True
    assert checks["propagated"].met is False
    assert checks["propagated"].reason == "Không có hoạt động tuyên truyền"
    # Data that meets a criterion is not overridden by an attestation.
    movement.record(cast.tree.a1, MovementRecord.Kind.PROPAGATION)
    assert checks_of(collective)["propagated"].met is True


def test_a_data_criterion_cannot_be_attested(collective, cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.attest(
            candidate=collective, actor=cast.a_staff, criterion="rated", met=True
        )


def test_a_full_year_passes_once_compliance_is_attested(movement, cast, collective):
    movement.full_year(cast.tree.a1, cast.councils.a1)
    checklist = criteria.checklists([collective], YEAR)[collective.pk]
    assert [c.criterion.code for c in checklist.waiting] == ["compliance"]
    services.attest(
        candidate=collective, actor=cast.a_staff, criterion="compliance", met=True
    )
    checklist = criteria.checklists([collective], YEAR)[collective.pk]
    assert checklist.passed, checklist.shortfall


# --- Individuals ------------------------------------------------------------------


@pytest.fixture
def author_entry(movement, cast):
    """An entry in CB-A1's book written for a1_member's initiative."""
    return movement.entry(cast.councils.a1, filer=cast.a1_member)


def individual(a_round, cast, person):
    return services.candidate_add(
        award_round=a_round, actor=cast.a_staff, person=person
    )


def test_individual_criteria(movement, cast, a_round, author_entry):
    candidate = individual(a_round, cast, cast.a1_member)
    assert candidate.unit == cast.tree.a1
    checks = checks_of(candidate)
    assert checks["initiative"].met is True
    assert str(author_entry.number) in checks["initiative"].evidence[0].label
    assert checks["initiative"].evidence[0].url == author_entry.get_absolute_url()
    assert checks["rating"].met is False
    assert checks["compliance"].met is None
    movement.rate_member(cast.a1_member, cast.tree.a1, MemberGrade.AVERAGE)
    assert checks_of(candidate)["rating"].met is False
    movement.rate_member(cast.a1_member, cast.tree.a1, MemberGrade.GOOD)
    assert checks_of(candidate)["rating"].met is True
    movement.rate_member(cast.a1_member, cast.tree.a1, MemberGrade.EXCELLENT)
    services.attest(
        candidate=candidate, actor=cast.a_staff, criterion="compliance", met=True
    )
    assert criteria.checklists([candidate], YEAR)[candidate.pk].passed


def test_an_individual_without_an_entry_falls_short(cast, a_round):
    candidate = individual(a_round, cast, cast.a1_support)
    checks = checks_of(candidate)
    assert checks["initiative"].met is False
    assert checks["initiative"].reason


def test_checklists_cost_the_same_for_few_and_many_candidates(movement, cast):
    """One round's checklists are built with a fixed number of queries."""
    award_round = movement.round(cast.tree.province)
    services.candidates_suggest(award_round=award_round, actor=cast.province_admin)

    def measure():
        candidates = list(award_round.candidates.select_related("unit", "person"))
        with CaptureQueriesContext(connection) as queries:
            criteria.checklists(candidates, YEAR)
        return len(candidates), len(queries)

    few = measure()
    for person in (cast.a1_member, cast.a1_support, cast.b1_member):
        services.candidate_add(
            award_round=award_round, actor=cast.province_admin, person=person
        )
    more = measure()
    assert more[0] > few[0]
    assert more[1] <= few[1] + 2  # the individuals' two queries join the first time


def test_kinds_are_consistent():
    assert {c.code for c in criteria.COLLECTIVE} >= {"launched", "rated", "pact"}
    assert criteria.attestable(Candidate.Kind.COLLECTIVE, "compliance")
    assert not criteria.attestable(Candidate.Kind.INDIVIDUAL, "rating")
