from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("emulation and awards")

    def ready(self):
        from django.urls import reverse

        from awards import permissions  # noqa: F401  (registers the policies)
        from units.profile import register_link

        register_link(
            _("Awards received"),
            lambda person: reverse("awards:person_awards", args=[person.pk]),
        )
