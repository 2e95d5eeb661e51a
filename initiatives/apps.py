from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("initiatives and councils")

    def ready(self):
        # Registers the access policies and connects the receivers.
        from initiatives import permissions, signals  # noqa: F401
        from initiatives.selectors.requests import TOTAL_TOPIC
        from units import counts

        # Writes that change which requests a reader sees, or their filters.
        counts.watch(
            TOTAL_TOPIC,
            [
                "initiatives.Initiative",
                "initiatives.Author",
                "initiatives.CouncilItem",
                "initiatives.CouncilMember",
                "units.Membership",
            ],
        )
