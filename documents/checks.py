"""System checks for what official documents rely on."""

from django.core.checks import Error

from documents import assets


def print_font_present(app_configs=None, **kwargs):
    """Report a missing file of the print font shipped in static/fonts/."""
    return [
        Error(
            f"The print font file {path} is missing from the static files.",
            hint=(
                "Official documents must embed the shipped font "
                f"({assets.PRINT_FONT_FAMILY}); restore static/fonts/ from the "
                "repository."
            ),
            obj=path,
            id="documents.E001",
        )
        for path in assets.missing_print_fonts()
    ]
