"""Filters of the award list that the movement report links to."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import SubtreeFilterForm


class AwardFilterForm(SubtreeFilterForm):
    PEOPLE, UNITS = "people", "units"

    year = forms.IntegerField(
        label=_("Year"), min_value=1990, max_value=2100, required=False
    )
    subject = forms.ChoiceField(
        label=_("Awarded to"),
        choices=[("", _("all")), (PEOPLE, _("individuals")), (UNITS, _("collectives"))],
        required=False,
    )
