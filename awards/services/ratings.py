"""Writes for the ratings of unions and of members."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from awards.models import MemberGrade, MemberRating, UnitRating, UnitRatingLevel
from awards.services.common import _check_year
from units.models import Membership, Unit, User


@transaction.atomic
def unit_rating_set(
    *, unit: Unit, year: int, level: UnitRatingLevel, actor: User
) -> UnitRating:
    """Give a union its rating for the year (replacing an earlier one)."""
    errors: dict = {}
    _check_year(year, errors)
    if not level.is_active:
        errors["level"] = _("This rating is no longer in use.")
    if unit.depth == 1:
        errors["unit"] = _("The top of the tree is not rated.")
    if errors:
        raise ValidationError(errors)
    rating, _created = UnitRating.objects.update_or_create(
        unit=unit, year=year, defaults={"level": level, "recorded_by": actor}
    )
    return rating


def is_member_of(user: User, unit: Unit, year: int) -> bool:
    """Whether the person held a role in the union at some time in the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Membership.objects.filter(user=user, unit=unit, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .exists()
    )


@transaction.atomic
def member_rating_set(
    *, user: User, unit: Unit, year: int, grade: str, actor: User
) -> MemberRating:
    """Record a member's rating for the year by their union (replacing an earlier
    one given by the same union)."""
    errors: dict = {}
    _check_year(year, errors)
    if grade not in MemberGrade.values:
        errors["grade"] = _("Choose excellent, good, average or weak.")
    if not errors and not is_member_of(user, unit, year):
        errors["user"] = _("%(name)s is not a member of %(unit)s in %(year)d.") % {
            "name": user.full_name,
            "unit": unit.name,
            "year": year,
        }
    existing = MemberRating.objects.filter(user=user, year=year).first()
    if existing is not None and existing.unit_id != unit.pk:
        errors["user"] = _("%(name)s was already rated by %(unit)s for the year.") % {
            "name": user.full_name,
            "unit": existing.unit.name,
        }
    if errors:
        raise ValidationError(errors)
    rating, _created = MemberRating.objects.update_or_create(
        user=user,
        year=year,
        defaults={"unit": unit, "grade": grade, "recorded_by": actor},
    )
    return rating
