"""Filters of the audit log."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from audit.log import model_labels
from audit.models import Action
from units.forms import SearchField, SubtreeFilterForm

# Dates a log can hold (the calendar's ends would overflow the day arithmetic).
DATE_RANGE = [
    MinValueValidator(datetime.date(1990, 1, 1)),
    MaxValueValidator(datetime.date(2999, 12, 31)),
]


class AuditFilterForm(SubtreeFilterForm):
    q = SearchField(label=_("Who or what"))
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Record type"), required=False)
    target_id = forms.CharField(label=_("Record no."), max_length=40, required=False)
    actor = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_RANGE,
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_RANGE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("all")), *Action.choices]
        self.fields["target_type"].choices = [("", _("all")), *model_labels()]
        self.fields["target_id"].strip = True

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            # Neither date applies until they are put right.
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_from", None)
        return data
