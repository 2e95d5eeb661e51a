from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from jobs import registry
        from jobs.models import Job

        registry.register(Job.Kind.MAIL, "jobs.mail.deliver")
