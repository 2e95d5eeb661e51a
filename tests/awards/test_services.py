"""The awards' services: records, pacts, ratings, rounds, nominations and the
selection, with their refusals; nothing is half-written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from awards import selection_rule, services
from awards.models import (
    AwardForm,
    AwardRound,
    Candidate,
    MemberGrade,
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    SelectingBody,
    Selection,
    UnitRating,
    UnitRatingLevel,
)
from awards.services import OfferData, SignatoryData
from sampledata.common import pdf_bytes
from tests.awards.conftest import YEAR, day

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def messages_of(error: ValidationError) -> dict:
    return {key: " ".join(value) for key, value in error.message_dict.items()}


# --- Records ----------------------------------------------------------------------


def test_a_record_keeps_its_checked_file(movement, cast):
    upload = SimpleUploadedFile("ke-hoach.pdf", pdf_bytes("Kế hoạch"))
    record = movement.record(cast.tree.a1, MovementRecord.Kind.LAUNCH, upload=upload)
    assert record.file_name == "ke-hoach.pdf"
    assert record.file.read() == pdf_bytes("Kế hoạch")
    assert len(record.file_sha256) == 64


def test_a_record_refuses_bad_input_and_writes_nothing(cast):
    with override("vi"), pytest.raises(ValidationError) as caught:
        services.record_create(
            unit=cast.tree.a1,
            actor=cast.a_staff,
            kind=MovementRecord.Kind.INSPECTION,
            year=YEAR,
            held_on=TODAY + datetime.timedelta(days=1),
            title="  ",
            upload=SimpleUploadedFile("bao-cao.pdf", b"#!/bin/sh\necho hi\n"),
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"held_on", "title", "inspected_unit", "summary", "file"}
    assert MovementRecord.objects.count() == 0


def test_an_inspection_is_of_a_union_below(movement, cast):
    with pytest.raises(ValidationError) as caught:
        movement.record(
            cast.tree.a,
            MovementRecord.Kind.INSPECTION,
            inspected_unit=cast.tree.b1,
            summary="Kết quả kiểm tra",
        )
    assert "inspected_unit" in caught.value.message_dict
    record = movement.record(
        cast.tree.a,
        MovementRecord.Kind.INSPECTION,
        inspected_unit=cast.tree.a1,
        summary="Đã triển khai phong trào",
    )
    assert record.inspected_unit == cast.tree.a1


def test_a_record_date_belongs_to_its_year_or_early_the_next(cast):
    with pytest.raises(ValidationError) as caught:
        services.record_create(
            unit=cast.tree.a1,
            actor=cast.a_staff,
            kind=MovementRecord.Kind.ANNUAL_REVIEW,
            year=YEAR - 3,
            held_on=day(),
            title="Tổng kết",
        )
    assert "held_on" in caught.value.message_dict


# --- Pacts -----------------------------------------------------------------------


def test_a_pact_with_its_signatories(movement, cast):
    pact = movement.pact(cast.tree.a, cast.tree.a1, cast.tree.a2)
    assert list(pact.signatories.values_list("unit__code", flat=True)) == [
        "CB-A1",
        "CB-A2",
    ]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("b1", "Người ký")],
        [("a1", "Người ký"), ("a1", "Người khác")],
        [("a1", "  ")],
    ],
)
def test_a_pact_refuses_bad_signatories(cast, rows):
    with pytest.raises(ValidationError) as caught:
        services.pact_create(
            organizer=cast.tree.a,
            actor=cast.a_staff,
            year=YEAR,
            signed_on=day(),
            title="Giao ước",
            signatories=[
                SignatoryData(unit=getattr(cast.tree, name), signer_name=signer)
                for name, signer in rows
            ],
        )
    assert "signatories" in caught.value.message_dict
    assert Pact.objects.count() == PactSignatory.objects.count() == 0


# --- Ratings ---------------------------------------------------------------------


def test_a_union_rating_is_replaced_not_duplicated(movement, cast):
    movement.rate(cast.tree.a1, strong=False)
    movement.rate(cast.tree.a1, strong=True)
    rating = UnitRating.objects.get(unit=cast.tree.a1, year=YEAR)
    assert rating.level.is_strong


def test_a_rating_level_out_of_use_is_refused(cast):
    level = UnitRatingLevel.objects.create(name="Cũ", is_active=False)
    with pytest.raises(ValidationError):
        services.unit_rating_set(
            unit=cast.tree.a1, year=YEAR, level=level, actor=cast.a_staff
        )


def test_a_member_is_rated_by_their_union_only(movement, cast):
    movement.rate_member(cast.a1_member, cast.tree.a1, MemberGrade.EXCELLENT)
    assert MemberRating.objects.get(user=cast.a1_member).grade == "excellent"
    with pytest.raises(ValidationError) as caught:
        movement.rate_member(cast.b1_member, cast.tree.a1)
    assert "user" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.member_rating_set(
            user=cast.a1_member,
            unit=cast.tree.a1,
            year=YEAR,
            grade="best",
            actor=cast.a_staff,
        )


# --- Rounds ----------------------------------------------------------------------


def test_a_round_takes_its_selecting_body_from_the_unit(movement, cast):
    assert movement.round(cast.tree.a1).selecting_body == SelectingBody.EXECUTIVE
    assert movement.round(cast.tree.a).selecting_body == SelectingBody.STANDING
    assert movement.round(cast.tree.province).selecting_body == SelectingBody.COUNCIL


def test_a_round_refuses_bad_offers(cast):
    form = AwardForm.objects.get(name="Giấy khen")
    for offers in ([], [OfferData(form), OfferData(form)], [OfferData(form, 0)]):
        with pytest.raises(ValidationError) as caught:
            services.round_create(
                unit=cast.tree.a,
                actor=cast.a_staff,
                year=YEAR,
                title="Đợt xét",
                deadline=TODAY,
                offers=offers,
            )
        assert "offers" in caught.value.message_dict
    assert AwardRound.objects.count() == 0


def test_candidates_are_suggested_once(movement, cast):
    movement.entry(cast.councils.a1, filer=cast.a1_member)
    award_round = movement.round(cast.tree.a)
    added = services.candidates_suggest(award_round=award_round, actor=cast.a_staff)
    kinds = sorted(award_round.candidates.values_list("kind", "unit__code"))
    assert ("collective", "CB-A1") in kinds and ("collective", "CB-A2") in kinds
    assert award_round.candidates.filter(person=cast.a1_member).exists()
    assert added == len(kinds)
    assert services.candidates_suggest(award_round=award_round, actor=cast.a_staff) == 0


def test_candidates_come_from_the_round_unit_only(movement, cast):
    award_round = movement.round(cast.tree.a)
    with pytest.raises(ValidationError):
        services.candidate_add(
            award_round=award_round, actor=cast.a_staff, unit=cast.tree.b1
        )
    with pytest.raises(ValidationError):
        services.candidate_add(
            award_round=award_round, actor=cast.a_staff, person=cast.b1_member
        )
    services.candidate_add(
        award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
    )
    with pytest.raises(ValidationError):
        services.candidate_add(
            award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
        )


@pytest.fixture
def passing(movement, cast):
    """CB-A's round with CB-A1 meeting every criterion."""

    def build(**round_options):
        movement.full_year(cast.tree.a1, cast.councils.a1)
        award_round = movement.round(cast.tree.a, **round_options)
        candidate = services.candidate_add(
            award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
        )
        services.attest(
            candidate=candidate, actor=cast.a_staff, criterion="compliance", met=True
        )
        return award_round, candidate

    return build


def test_nominating_a_candidate_who_falls_short_is_refused(movement, cast):
    award_round = movement.round(cast.tree.a)
    candidate = services.candidate_add(
        award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
    )
    with override("en"), pytest.raises(ValidationError) as caught:
        services.nominate(
            candidate=candidate,
            actor=cast.a_staff,
            award_form=AwardForm.objects.get(name="Giấy khen"),
        )
    assert "Falls short" in " ".join(caught.value.messages)
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.CANDIDATE


def test_nomination_checks_the_offer_the_kind_and_the_quota(passing, cast):
    award_round, candidate = passing(quota=1)
    flag = AwardForm.objects.get(name="Cờ thi đua")
    with pytest.raises(ValidationError) as caught:
        services.nominate(candidate=candidate, actor=cast.a_staff, award_form=flag)
    assert "award_form" in caught.value.message_dict
    paper = AwardForm.objects.get(name="Giấy khen")
    services.nominate(
        candidate=candidate, actor=cast.a_staff, award_form=paper, achievements="Tốt"
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.award_form) == ("nominated", paper)
    # The quota of one is taken: CB-A2 could not have it even if it passed.
    other = services.candidate_add(
        award_round=award_round, actor=cast.a_staff, unit=cast.tree.a2
    )
    with pytest.raises(ValidationError) as caught:
        services.nominate(candidate=other, actor=cast.a_staff, award_form=paper)
    assert "award_form" in caught.value.message_dict
    services.nomination_withdraw(candidate=candidate, actor=cast.a_staff)
    candidate.refresh_from_db()
    assert candidate.status == "candidate" and candidate.award_form is None


def test_nomination_after_the_deadline_is_refused(passing, cast):
    _round, candidate = passing(deadline=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.nominate(
            candidate=candidate,
            actor=cast.a_staff,
            award_form=AwardForm.objects.get(name="Giấy khen"),
        )


def test_the_selection_needs_a_quorum_and_a_majority_of_all_members(passing, cast):
    award_round, candidate = passing()
    paper = AwardForm.objects.get(name="Giấy khen")
    services.nominate(candidate=candidate, actor=cast.a_staff, award_form=paper)
    meeting = {
        "award_round": award_round,
        "actor": cast.a_staff,
        "held_on": TODAY,
        "chaired_by": "Đàm Minh Quân",
        "members_total": 9,
    }
    with pytest.raises(ValidationError) as caught:
        services.selection_record(**meeting, members_present=5, votes={candidate.pk: 5})
    assert "members_present" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.selection_record(**meeting, members_present=6, votes={})
    with pytest.raises(ValidationError):
        services.selection_record(**meeting, members_present=6, votes={candidate.pk: 7})
    assert Selection.objects.count() == 0
    services.selection_record(**meeting, members_present=6, votes={candidate.pk: 5})
    candidate.refresh_from_db()
    award_round.refresh_from_db()
    assert candidate.status == Candidate.Status.SELECTED
    assert candidate.votes_for == 5
    assert award_round.status == AwardRound.Status.SELECTED
    # Once recorded, the round is settled.
    with pytest.raises(ValidationError):
        services.nomination_withdraw(candidate=candidate, actor=cast.a_staff)


def test_four_votes_of_nine_do_not_select(passing, cast):
    award_round, candidate = passing()
    services.nominate(
        candidate=candidate,
        actor=cast.a_staff,
        award_form=AwardForm.objects.get(name="Giấy khen"),
    )
    services.selection_record(
        award_round=award_round,
        actor=cast.a_staff,
        held_on=TODAY,
        chaired_by="Đàm Minh Quân",
        members_total=9,
        members_present=9,
        votes={candidate.pk: 4},
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.NOT_SELECTED


def test_selection_rules():
    assert selection_rule.selected_by(5, 9) and not selection_rule.selected_by(4, 9)
    assert not selection_rule.selected_by(3, 6) and selection_rule.selected_by(4, 6)
    assert selection_rule.quorum_met(6, 9) and not selection_rule.quorum_met(5, 9)
