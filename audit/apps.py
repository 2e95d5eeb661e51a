from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit import receivers, tracked
        from audit.models import AuditEntry
        from audit.permissions import AuditEntryPolicy
        from units import access

        access.register(AuditEntry, AuditEntryPolicy())
        receivers.connect()
        tracked.connect()
