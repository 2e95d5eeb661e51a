from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("union units and people")

    def ready(self):
        from units import checks  # noqa: F401  (registers system checks)
