from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("initiatives and councils")

    def ready(self):
        from initiatives import permissions  # noqa: F401  (registers the policies)
        from initiatives.selectors import TOTAL_TOPIC
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
