"""Who may read the audit log: administrators of a unit, for their subtree."""

from units.access import (
    ADMIN_ROLES,
    Policy,
    holds,
    holds_any,
    is_superuser,
    roles_q,
    unit_q,
)


class AuditEntryPolicy(Policy):
    """Entries are visible to the administrators of their unit or a unit above;
    entries with no unit (failed sign-ins of unknown names, shared lists) only to
    superusers."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        return queryset.filter(unit__isnull=False).filter(
            unit_q(user, ADMIN_ROLES, prefix="unit__")
        )

    def rules(self):
        return {"view": lambda user, entry: holds(user, entry.unit, ADMIN_ROLES)}

    def unit_rules(self):
        # Reading the log of a unit; with no unit, of some unit (the log's pages).
        return {
            "view": lambda user, unit: (
                holds_any(user, ADMIN_ROLES)
                if unit is None
                else holds(user, unit, ADMIN_ROLES)
            )
        }

    def unit_scopes(self):
        return {"view": lambda user, own: roles_q(user, ADMIN_ROLES, own=own)}
