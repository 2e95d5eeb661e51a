"""Template context shared by every page: what the navigation may offer."""

from units.access import (
    ADMIN_ROLES,
    PEOPLE_ROLES,
    STAFF_ROLES,
    grants_for,
    is_superuser,
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    roles = grants_for(user).roles
    superuser = is_superuser(user)
    return {
        "nav": {
            "units": bool(roles) or superuser,
            "blocks": bool(roles & STAFF_ROLES) or superuser,
            # Officers, emulation staff and admins keep the movement's records
            # and run award rounds.
            "awards": bool(roles & PEOPLE_ROLES) or superuser,
            "admin": superuser,
            "unit_admin": bool(roles & ADMIN_ROLES) or superuser,
        }
    }
