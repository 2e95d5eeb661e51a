"""Template context shared by every page: what the navigation may offer.

Each entry is a question to the access policy: a model-level action under some
unit, or a site-wide one."""

from units import access
from units.models import Unit


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "units": access.can(user, "view", Unit),
            "blocks": access.can(user, "manage_blocks", Unit),
            # Officers, emulation staff and admins keep the movement's records
            # and run award rounds.
            "awards": access.can(user, "view_report", Unit),
            "admin": access.may(user, "administer"),
            # The audit log: read by the administrators of a unit.
            "unit_admin": access.can(user, "change", Unit),
        }
    }
