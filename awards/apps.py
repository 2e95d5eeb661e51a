from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("emulation and awards")

    def ready(self):
        from django.urls import reverse

        from awards import (
            permissions,  # noqa: F401  (registers the policies)
            print_job,
        )
        from awards.report import COUNTS_TOPIC
        from jobs import registry
        from jobs.models import Job
        from units import counts
        from units.profile import register_link, register_unit_link

        # The report's cached counts start again after any write they cover.
        counts.watch(
            COUNTS_TOPIC,
            [
                "initiatives.Registration",
                "initiatives.Initiative",
                "goldbook.GoldBookEntry",
                "awards.Award",
            ],
        )
        register_link(
            _("Awards received"),
            lambda person: reverse("awards:person_awards", args=[person.pk]),
        )
        register_unit_link(
            _("Movement records, pacts and ratings"),
            lambda unit: reverse("awards:records") + f"?unit={unit.pk}",
        )
        register_unit_link(
            _("Awards received"),
            lambda unit: reverse("awards:unit_awards", args=[unit.pk]),
        )
        registry.register(
            Job.Kind.DOSSIER_BUNDLE,
            "awards.print_job.run",
            may_read=print_job.may_read,
        )
