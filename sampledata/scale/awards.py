"""Award rounds at scale (see `sampledata.scale.units`).

Every province gets a round a year with its communes as candidates (rows only).
The first province also gets one complete round built through the services: its
Gold Book authors of last year, rated and attested, nominated, selected, and the
dossier issued — the "dossier of 50 nominees" the benchmark prints.
"""

import datetime

from django.utils import timezone

from awards import dossier as dossiers
from awards import services
from awards.models import (
    AwardForm,
    AwardRound,
    Candidate,
    MemberGrade,
    MemberRating,
    RoundForm,
    SelectingBody,
)
from sampledata.scale.inserts import BATCH, analyze, bulk_insert
from sampledata.scale.units import ProvinceSlice, ScalePlan
from units.leadership import Leadership, Position
from units.models import User

TITLE = "Khen thưởng phong trào đổi mới, sáng tạo năm {year}"
BIG_TITLE = "Khen thưởng cá nhân có sáng kiến tiêu biểu năm {year}"


def _rounds(plan: ScalePlan, built: ProvinceSlice, staff: User, form: AwardForm):
    """A round a year for the province, the communes as candidates."""
    today = plan.today
    rounds = [
        AwardRound(
            unit=built.province,
            year=year,
            title=TITLE.format(year=year),
            deadline=min(datetime.date(year, 12, 15), today + datetime.timedelta(30)),
            selecting_body=SelectingBody.COUNCIL,
            status=(
                AwardRound.Status.OPEN
                if year == today.year
                else AwardRound.Status.CLOSED
            ),
            created_by=staff,
        )
        for year in plan.years
    ]
    bulk_insert(rounds)
    RoundForm.objects.bulk_create(
        [RoundForm(round=r, award_form=form) for r in rounds], batch_size=BATCH
    )
    candidates = [
        Candidate(
            round=award_round,
            kind=Candidate.Kind.COLLECTIVE,
            unit=commune,
            status=Candidate.Status.CANDIDATE,
            added_by=staff,
        )
        for award_round in rounds
        for commune in built.communes
    ]
    bulk_insert(candidates)
    return len(rounds), len(candidates)


def chairs_for_bulk_data(award_round, chair) -> int:
    """Record ``chair`` as chair (from 1 January) of the round's unit and of the
    nominees' units that have none, so that generated data (benchmarks, scale
    demos) can issue its dossier. Returns how many terms were added."""
    units = {award_round.unit_id} | set(
        award_round.candidates.values_list("unit_id", flat=True)
    )
    start = datetime.date(award_round.year, 1, 1)
    led = set(
        Leadership.objects.on(start)
        .filter(unit_id__in=units, position=Position.CHAIR)
        .values_list("unit_id", flat=True)
    )
    terms = [
        Leadership(
            unit_id=unit_id, user=chair, position=Position.CHAIR, started_on=start
        )
        for unit_id in sorted(units - led)
    ]
    Leadership.objects.bulk_create(terms)
    return len(terms)


def _big_round(plan: ScalePlan, built: ProvinceSlice, staff: User, form: AwardForm):
    """A round whose dossier holds `nominees` individuals, built by the services."""
    year = plan.today.year - 1
    entries = [e for e in built.shared.get("entries", []) if e.year == year]
    people: list[int] = []
    homes: dict[int, int] = {}
    home_of = {
        user_id: unit_id
        for unit_id, members in built.members.items()
        for user_id in members
    }
    for entry in entries:
        for author in entry.authors:
            user_id = author["user_id"]
            if user_id not in homes and user_id in home_of:
                homes[user_id] = home_of[user_id]
                people.append(user_id)
    people = people[: plan.spec.nominees]
    if not people:
        return 0
    MemberRating.objects.bulk_create(
        [
            MemberRating(
                user_id=user_id,
                unit_id=homes[user_id],
                year=year,
                grade=MemberGrade.GOOD,
                recorded_by=staff,
            )
            for user_id in people
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    award_round = services.round_create(
        unit=built.province,
        actor=staff,
        year=year,
        title=BIG_TITLE.format(year=year),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        offers=[services.OfferData(award_form=form)],
    )
    votes = {}
    for person in User.objects.filter(pk__in=people).order_by("pk"):
        candidate = services.candidate_add(
            award_round=award_round, actor=staff, person=person
        )
        services.attest(
            candidate=candidate,
            actor=staff,
            criterion="compliance",
            met=True,
            note="Chấp hành tốt; không vi phạm kỷ luật trong năm.",
        )
        services.nominate(
            candidate=candidate,
            actor=staff,
            award_form=form,
            achievements="Tác giả sáng kiến được công nhận và ghi Sổ vàng sáng kiến.",
        )
        votes[candidate.pk] = 9
    services.selection_record(
        award_round=award_round,
        actor=staff,
        held_on=timezone.localdate(),
        place="Phòng họp Liên đoàn Lao động tỉnh",
        chaired_by=staff.full_name,
        members_total=9,
        members_present=9,
        votes=votes,
    )
    # Generated units have no leaders: their documents need a signer.
    chairs_for_bulk_data(award_round, staff)
    dossiers.dossier_issue(award_round=award_round, actor=staff)
    return len(people)


def build_scale(plan: ScalePlan, built: ProvinceSlice) -> dict[str, int]:
    staff = User.objects.filter(username="thidua.tinh").first()
    form = (
        AwardForm.objects.filter(is_active=True, for_collectives=True)
        .order_by("order")
        .first()
    )
    if staff is None or form is None:
        return {}
    rounds, candidates = _rounds(plan, built, staff, form)
    nominees = 0
    if built.first:
        individual = (
            AwardForm.objects.filter(is_active=True, for_individuals=True)
            .order_by("order")
            .first()
        )
        nominees = _big_round(plan, built, staff, individual)
    analyze("awards_awardround", "awards_candidate")
    return {
        "award rounds": rounds + (1 if nominees else 0),
        "candidates": candidates,
        "nominees in a dossier": nominees,
    }
