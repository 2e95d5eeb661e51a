from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoldbookConfig(AppConfig):
    name = "goldbook"
    verbose_name = _("Gold Book")

    def ready(self):
        from django.urls import reverse

        from goldbook import (
            permissions,  # noqa: F401  (registers the policies)
            print_job,
        )
        from goldbook.selectors import HONOUR_TOPIC
        from jobs import registry
        from jobs.models import Job
        from units import counts

        counts.watch(HONOUR_TOPIC, ["goldbook.GoldBookEntry", "goldbook.GoldBook"])
        from units.profile import register_link, register_unit_link

        register_link(
            _("Gold Book entries (evidence for salary rises, awards, nominations)"),
            lambda person: reverse("goldbook:person", args=[person.pk]),
        )
        register_unit_link(
            _("Gold Book"), lambda unit: reverse("goldbook:book", args=[unit.pk])
        )
        registry.register(
            Job.Kind.GOLDBOOK_PRINT,
            "goldbook.print_job.run",
            may_read=print_job.may_read,
        )
