"""System checks for configuration the application relies on."""

import os

from django.conf import settings
from django.core.checks import Error, register


@register()
def media_root_writable(app_configs, **kwargs):
    """Report a MEDIA_ROOT that cannot hold uploads and issued documents."""
    root = settings.MEDIA_ROOT
    probe = root
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe) or not os.access(probe, os.W_OK | os.X_OK):
        return [
            Error(
                f"MEDIA_ROOT {root} cannot be written.",
                hint="Point MEDIA_ROOT at a folder the application may write to.",
                id="units.E001",
            )
        ]
    return []
