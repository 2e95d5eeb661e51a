"""Ratings of unions and of members for a year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models.common import YEAR_RANGE
from units.models import Unit


class UnitRatingLevel(models.Model):
    """A rating a union may receive for a year (a list kept by admins)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_strong = models.BooleanField(
        _('counts as "Công đoàn vững mạnh"'),
        default=False,
        help_text=_("Meets the award criterion on the union's rating."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("union rating")
        verbose_name_plural = _("union ratings")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class UnitRating(models.Model):
    """A union's rating for a year, given by the unit above it."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.ForeignKey(
        UnitRatingLevel, on_delete=models.PROTECT, verbose_name=_("rating")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("rating of a union")
        verbose_name_plural = _("ratings of unions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="unit_rating_once",
                violation_error_message=_("This union is already rated for the year."),
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="unit_rating_year"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.level}"


class MemberGrade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("member rating", "excellent")
    GOOD = "good", pgettext_lazy("member rating", "good")
    AVERAGE = "average", pgettext_lazy("member rating", "average")
    WEAK = "weak", pgettext_lazy("member rating", "weak")


# "Khá trở lên": the grades that meet the individual award criterion.
GOOD_OR_BETTER = frozenset({MemberGrade.EXCELLENT, MemberGrade.GOOD})


class MemberRating(models.Model):
    """A member's rating for a year, given by the union they belong to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="member_ratings",
        verbose_name=_("member"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="member_ratings",
        verbose_name=_("rated by"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("rating"), max_length=10, choices=MemberGrade.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("rating of a member")
        verbose_name_plural = _("ratings of members")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "year"],
                name="member_rating_once",
                violation_error_message=_("This member is already rated for the year."),
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="member_rating_year"),
        ]

    def __str__(self):
        return f"{self.user} {self.year}: {self.get_grade_display()}"
