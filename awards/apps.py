from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("emulation and awards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from django.urls import reverse

        from awards import permissions  # noqa: F401  (registers the policies)
        from awards.report import counts_changed
        from units.profile import register_link, register_unit_link

        # The report's cached counts start again after any write they cover.
        for model in (
            "initiatives.Registration",
            "initiatives.Initiative",
            "goldbook.GoldBookEntry",
            "awards.Award",
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    counts_changed,
                    sender=model,
                    dispatch_uid=f"report-counts-{model}-{signal is post_save}",
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
