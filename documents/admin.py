"""Django admin: issued documents are read-only records."""

from django.contrib import admin

from documents.models import IssuedDocument, NumberSeries
from units.admin import ReadOnlyAdmin


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ["unit", "code", "year", "last_number"]
    list_filter = ["year", "code"]
    readonly_fields = ["unit", "code", "year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["symbol", "kind", "title", "issued_on", "issued_by"]
    list_filter = ["kind", "issued_on"]
    search_fields = ["symbol", "title"]
