"""Who may read an issued document: whoever may see what it concerns.

A document about a request is readable by those who see the request; a document
about nothing in particular, by the issuing unit's staff and administrators.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from documents.models import IssuedDocument
from units import access
from units.access import STAFF_ROLES, Policy, holds, is_superuser, unit_q

# Other apps may let more people read some documents (a decision listing several
# requests is readable by the authors of each): functions user -> Q.
_extra_readers = []


def register_readers(rule) -> None:
    """Add a rule `rule(user) -> Q` naming more documents the user may read."""
    _extra_readers.append(rule)


class IssuedDocumentPolicy(Policy):
    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not (user.is_authenticated and user.is_active):
            return queryset.none()
        allowed = Q(content_type__isnull=True) & unit_q(
            user, STAFF_ROLES, prefix="series__unit__"
        )
        subject_types = (
            queryset.exclude(content_type__isnull=True)
            .values_list("content_type", flat=True)
            .distinct()
        )
        for content_type in ContentType.objects.filter(pk__in=subject_types):
            model = content_type.model_class()
            try:
                subjects = access.visible(user, model)
            except LookupError:
                continue
            allowed |= Q(content_type=content_type, object_id__in=subjects.values("pk"))
        for rule in _extra_readers:
            allowed |= rule(user)
        return queryset.filter(allowed)

    def rules(self):
        return {
            "download": lambda user, document: True,
            "manage": lambda user, document: holds(
                user, document.series.unit, STAFF_ROLES
            ),
        }


access.register(IssuedDocument, IssuedDocumentPolicy())
