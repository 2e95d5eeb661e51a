"""Django admin for superusers. Everyday work happens in the application's pages,
which keep the history; here the tree itself is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import (
    EmulationBlock,
    EmulationBlockMember,
    ImportBatch,
    Membership,
    Unit,
    UnitEvent,
    UnitName,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept by the application's own steps: shown, never changed here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["unit", "role", "position", "full_time", "started_on", "ended_on"]
    raw_id_fields = ["unit"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {
                "fields": (
                    "full_name",
                    "email",
                    "phone",
                    "date_of_birth",
                    "qualification",
                )
            },
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "password1", "password2"),
            },
        ),
    )
    list_display = [
        "username",
        "full_name",
        "email",
        "phone",
        "is_active",
        "is_superuser",
    ]
    search_fields = ["username", "full_name", "email", "search_text"]
    ordering = ["full_name"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0
    can_delete = False
    readonly_fields = [
        "name",
        "short_name",
        "abbreviation",
        "valid_from",
        "valid_until",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class UnitEventInline(admin.TabularInline):
    model = UnitEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "effective_on", "actor", "note", "data", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "depth", "dissolved_on"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "code", "search_text"]
    readonly_fields = [
        "code",
        "kind",
        "name",
        "short_name",
        "abbreviation",
        "path",
        "depth",
        "numchild",
        "dissolved_on",
        "successor",
        "created_at",
        "updated_at",
    ]
    fields = (
        *readonly_fields[:4],
        "place_name",
        "established_on",
        *readonly_fields[4:],
    )
    inlines = [UnitNameInline, UnitEventInline]

    def has_add_permission(self, request):
        # Units are added in the tree pages, which place them and record history.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "position", "started_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["user__full_name", "user__username", "unit__name", "unit__code"]
    raw_id_fields = ["user", "unit", "granted_by", "ended_by"]

    def has_delete_permission(self, request, obj=None):
        return False


class BlockMemberInline(admin.TabularInline):
    model = EmulationBlockMember
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(EmulationBlock)
class EmulationBlockAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "organizer"]
    list_filter = ["year"]
    search_fields = ["name"]
    raw_id_fields = ["organizer"]
    inlines = [BlockMemberInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "unit", "status", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    # A batch may keep the uploaded workbook: shown here, never changed.
    def has_change_permission(self, request, obj=None):
        return False
