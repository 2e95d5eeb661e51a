from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("union units and people")

    def ready(self):
        from jobs import registry
        from jobs.models import Job
        from units import checks  # noqa: F401  (registers system checks)
        from units.signals import subtree_moved
        from units.tracking import unit_moved

        # A moved unit gets one entry in the audit log.
        subtree_moved.connect(unit_moved, dispatch_uid="audit:unit_moved")

        # Large imports are applied by the background worker.
        registry.register(Job.Kind.IMPORT_APPLY, "units.imports.apply_job.run")
