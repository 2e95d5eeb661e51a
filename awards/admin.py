"""Django admin: the lists kept by admins (union ratings, award forms) are edited
here; the records, ratings and rounds only through the application's steps."""

from django.contrib import admin

from awards.models import (
    AwardForm,
    AwardRound,
    MemberRating,
    MovementRecord,
    Pact,
    UnitRating,
    UnitRatingLevel,
)
from units.admin import ReadOnlyAdmin


class NoDeleteAdmin(admin.ModelAdmin):
    """A list entry once used is kept: switch it off with "in use" instead."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitRatingLevel)
class UnitRatingLevelAdmin(NoDeleteAdmin):
    list_display = ["name", "order", "is_strong", "is_active"]
    list_editable = ["order", "is_strong", "is_active"]


@admin.register(AwardForm)
class AwardFormAdmin(NoDeleteAdmin):
    list_display = ["name", "order", "for_collectives", "for_individuals", "is_active"]
    list_editable = ["order", "for_collectives", "for_individuals", "is_active"]


@admin.register(MovementRecord)
class MovementRecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "unit", "year", "held_on"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "unit__name"]


@admin.register(Pact)
class PactAdmin(ReadOnlyAdmin):
    list_display = ["title", "organizer", "year", "signed_on"]
    list_filter = ["year"]


@admin.register(UnitRating)
class UnitRatingAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "level"]
    list_filter = ["year", "level"]


@admin.register(MemberRating)
class MemberRatingAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit", "year", "grade"]
    list_filter = ["year", "grade"]


@admin.register(AwardRound)
class AwardRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "year", "status", "deadline"]
    list_filter = ["year", "status"]
