"""Helpers shared by the views of units: fetch for this user."""

from units import access
from units.models import Unit


def _unit(request, pk, action=None) -> Unit:
    return access.get_for_user(request.user, Unit, action, pk=pk)


def _unit_rights(user, unit: Unit) -> dict[str, bool]:
    return {
        f"can_{action}": access.can(user, action, unit)
        for action in (
            "view_people",
            "change",
            "add_child",
            "manage_people",
            "import",
            "restructure",
            "manage_blocks",
        )
    }
