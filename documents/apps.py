from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("official documents")

    def ready(self):
        from documents import permissions  # noqa: F401  (registers the policy)
        from documents.checks import print_font_present

        checks.register(print_font_present)
