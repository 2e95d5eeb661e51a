"""Who sees and writes the Gold Books. The public honour roll needs no rule: it
shows only entries in force, and only their public fields."""

from django.db.models import Exists, OuterRef, Q

from goldbook.models import GoldBook, GoldBookEntry
from initiatives.models import Author
from units import access
from units.access import (
    ALL_ROLES,
    STAFF_ROLES,
    Policy,
    active_q,
    holds,
    is_superuser,
    roles_q,
    unit_q,
)


class GoldBookPolicy(Policy):
    """A unit's book: seen by everyone holding a role on the unit or above;
    written by its emulation staff and administrators."""

    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, book: True,
            "write": lambda user, book: self._may_write(user, book.unit),
        }

    @staticmethod
    def _may_write(user, unit) -> bool:
        return holds(user, unit, STAFF_ROLES) and unit.is_active

    def unit_rules(self):
        # Writing in the book of the unit (saved or not yet).
        return {"write": self._may_write}

    def unit_scopes(self):
        return {
            "write": lambda user, own: roles_q(user, STAFF_ROLES, own=own) & active_q(),
            # The books the user keeps, a dissolved unit's too: what waits to be
            # written in them is shown to their keepers.
            "keep": lambda user, own: roles_q(user, STAFF_ROLES, own=own),
        }


class EntryPolicy(Policy):
    """Entries: with their book, and to their own authors."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not (user.is_authenticated and user.is_active):
            return queryset.none()
        authored = Exists(
            Author.objects.filter(initiative=OuterRef("initiative"), user=user)
        )
        return queryset.filter(
            Q(unit_q(user, ALL_ROLES, prefix="book__unit__")) | authored
        )

    def rules(self):
        return {
            "view": lambda user, entry: True,
            "annotate": lambda user, entry: holds(user, entry.book.unit, STAFF_ROLES),
            "revoke": lambda user, entry: (
                not entry.is_revoked and holds(user, entry.book.unit, STAFF_ROLES)
            ),
        }


access.register(GoldBook, GoldBookPolicy())
access.register(GoldBookEntry, EntryPolicy())
