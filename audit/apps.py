from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit import receivers
        from audit.models import AuditEntry
        from audit.permissions import AuditEntryPolicy
        from units import access

        access.register(AuditEntry, AuditEntryPolicy())
        receivers.connect()
        # Each app says in its module `tracking` which of its models are followed
        # (audit.log.track) and which are not, and why (audit.log.untracked).
        autodiscover_modules("tracking")
