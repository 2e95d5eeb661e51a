"""Django admin: the queue, read-only, for finding out why a job failed."""

from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "title", "owner", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "error"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
