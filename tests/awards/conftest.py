"""Fixtures for the awards: a year of the movement at a unit, built piece by piece
so that each criterion of the checklists can be made to pass or fail."""

import datetime

import pytest
from django.utils import timezone

from awards import services
from awards.models import (
    AwardForm,
    MemberGrade,
    MovementRecord,
    UnitRatingLevel,
)
from awards.services import OfferData, SignatoryData
from initiatives.models import CouncilItem
from tests.goldbook.conftest import Gold
from tests.initiatives.helpers import registration_for
from tests.leaders import record_chairs
from units.models import Unit

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def day(month: int = 1, dom: int = 15) -> datetime.date:
    """A day of this year, never in the future."""
    return min(datetime.date(YEAR, month, dom), timezone.localdate())


class Movement:
    """Builds what a unit did in the year, one criterion at a time."""

    def __init__(self, cast):
        self.cast = cast
        self.gold = Gold(cast)
        self.keeper = cast.province_admin

    def record(self, unit, kind, **extra):
        return services.record_create(
            unit=unit,
            actor=self.keeper,
            kind=kind,
            year=YEAR,
            held_on=extra.pop("held_on", day()),
            title=extra.pop("title", f"{kind} — {unit.code}"),
            **extra,
        )

    def pact(self, organizer, *units):
        return services.pact_create(
            organizer=organizer,
            actor=self.keeper,
            year=YEAR,
            signed_on=day(2, 1),
            title=f"Giao ước thi đua năm {YEAR}",
            signatories=[
                SignatoryData(
                    unit=u, signer_name="Nguyễn Văn Ký", signer_position="Chủ tịch"
                )
                for u in units
            ],
        )

    def registration(self, unit, person=None):
        person = person or self.cast.a1_member
        return registration_for(person, unit)

    def rate(self, unit, strong: bool = True):
        level = UnitRatingLevel.objects.filter(is_strong=strong).order_by("order")[0]
        return services.unit_rating_set(
            unit=unit, year=YEAR, level=level, actor=self.keeper
        )

    def rate_member(self, person, unit, grade=MemberGrade.GOOD):
        return services.member_rating_set(
            user=person, unit=unit, year=YEAR, grade=grade, actor=self.keeper
        )

    def entry(self, council, **kwargs):
        return self.gold.entry(council, **kwargs)

    def full_year(self, unit, council):
        """Everything a collective needs, except the attested compliance."""
        for kind in (
            MovementRecord.Kind.LAUNCH,
            MovementRecord.Kind.PROPAGATION,
            MovementRecord.Kind.ANNUAL_REVIEW,
        ):
            self.record(unit, kind)
        self.pact(Unit.objects.get_parent(unit), unit)
        self.registration(unit)
        entry = self.entry(council)
        self.rate(unit)
        return entry

    def round(self, unit, *, forms=None, quota=None, actor=None, **extra):
        forms = forms or [AwardForm.objects.get(name="Giấy khen")]
        # The dossier's documents are signed by the chairs of the round's unit
        # and of the nominees' units.
        record_chairs(*Unit.objects.filter(path__startswith=unit.path))
        return services.round_create(
            unit=unit,
            actor=actor or self.keeper,
            year=extra.pop("year", YEAR),
            title=extra.pop("title", f"Xét khen thưởng phong trào năm {YEAR}"),
            deadline=extra.pop(
                "deadline", timezone.localdate() + datetime.timedelta(days=10)
            ),
            offers=[OfferData(award_form=form, quota=quota) for form in forms],
            **extra,
        )


@pytest.fixture
def movement(cast):
    return Movement(cast)


def decided_items(council):
    return CouncilItem.objects.filter(council=council, decided_on__isnull=False)


def select_round(movement, cast):
    """CB-A's round: CB-A1 (a collective) and a1_member (an individual)
    nominated and selected; returns (round, candidates, a1_member's entry)."""
    movement.full_year(cast.tree.a1, cast.councils.a1)
    entry = movement.entry(cast.councils.a1, filer=cast.a1_member)
    movement.rate_member(cast.a1_member, cast.tree.a1)
    paper = AwardForm.objects.get(name="Giấy khen")
    award_round = movement.round(cast.tree.a, forms=[paper])
    candidates = [
        services.candidate_add(
            award_round=award_round, actor=cast.a_staff, unit=cast.tree.a1
        ),
        services.candidate_add(
            award_round=award_round, actor=cast.a_staff, person=cast.a1_member
        ),
    ]
    for candidate in candidates:
        services.attest(
            candidate=candidate, actor=cast.a_staff, criterion="compliance", met=True
        )
        services.nominate(candidate=candidate, actor=cast.a_staff, award_form=paper)
    services.selection_record(
        award_round=award_round,
        actor=cast.a_staff,
        held_on=timezone.localdate(),
        chaired_by="Đàm Minh Quân <b>Chủ tịch</b>",
        members_total=9,
        members_present=8,
        votes={c.pk: 8 for c in candidates},
    )
    award_round.refresh_from_db()
    return award_round, candidates, entry


@pytest.fixture
def selected_round(movement, cast):
    """CB-A's round: CB-A1 (a collective) and a1_member (an individual) selected."""
    return select_round(movement, cast)
