"""Django admin: Gold Books and their entries are read-only. Entries change only
through annotations and revocation in the application, which keep the history."""

from django.contrib import admin

from goldbook.models import Annotation, GoldBook, GoldBookEntry
from units.admin import ReadOnlyAdmin


@admin.register(GoldBook)
class GoldBookAdmin(ReadOnlyAdmin):
    list_display = ["unit", "last_number", "created_at"]
    search_fields = ["unit__name", "unit__code"]


class AnnotationInline(admin.TabularInline):
    model = Annotation
    fields = ["written_on", "kind", "text", "written_by"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GoldBookEntry)
class GoldBookEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "unit_name", "year", "status", "recorded_on"]
    list_filter = ["status", "year", "scope"]
    search_fields = ["title", "search_text"]
    inlines = [AnnotationInline]
