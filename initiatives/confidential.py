"""The confidential part of a request, declared once.

Điều lệ Sáng kiến lets an author keep part of a request secret: it is shown only
to the authors, the members of a council handling the request who are not
recused, and the recognising unit's admins and emulation staff
(initiatives.permissions.can_see_confidential, asked as the policy's
"view_confidential"). Every output takes from here what to leave out: the search
key, the exports, the request's print for circulation, the audit log (which says
that such a field changed, never what it says), the honour roll and its feed
(which show only the Gold Book's public summary).
"""

from django.core.exceptions import ImproperlyConfigured

# The fields of initiatives.Initiative that are confidential.
FIELDS = ("confidential_info",)


def check_public(names, where: str):
    """Return `names` (the fields an output shows to anyone) after checking that
    none of them is confidential; raise ImproperlyConfigured otherwise (at import
    of the module that declares them)."""
    leaked = set(names) & set(FIELDS)
    if leaked:
        raise ImproperlyConfigured(
            f"{where} would show the confidential part ({', '.join(sorted(leaked))})."
        )
    return tuple(names)


def may_read(user, initiative) -> bool:
    """Whether this person may read the confidential part of this request."""
    from units import access

    return access.can(user, "view_confidential", initiative)
