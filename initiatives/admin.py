"""Django admin: the list of fields of application is kept here by administrators.
Requests, registrations and ideas are read-only here; their pages keep the history."""

from django.contrib import admin

from initiatives.models import Field, Idea, Initiative, Registration
from units.admin import ReadOnlyAdmin


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # A field in use is kept (it names past requests); hide it instead.
        return obj is None or not (
            obj.initiatives.exists() or obj.registration_set.exists()
        )


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "status", "unit", "recognizing_unit"]
    list_filter = ["status", "year", "kind"]
    search_fields = ["title", "search_text"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "unit", "registrant"]
    list_filter = ["year"]
    search_fields = ["title"]


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "author", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
