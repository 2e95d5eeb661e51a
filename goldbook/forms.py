"""Forms of the Gold Book: confirming an entry, annotating, revoking, filtering."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goldbook.models import Annotation, GoldBookEntry
from initiatives.models import Attachment, Scope
from units.forms import (
    DateField,
    ListFilterForm,
    NormalizedForm,
    SearchField,
    offer_units,
    past_or_today,
)
from units.models import Unit


class EntryConfirmForm(NormalizedForm):
    public_summary = forms.CharField(
        label=_("Benefit (public summary)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_(
            "Shown on the public honour roll. Never put confidential information here."
        ),
    )
    application_evidence = forms.CharField(
        label=_("Evidence of application in practice"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Where and since when it is applied, and who confirmed it."),
    )
    evidence_file = forms.ModelChoiceField(
        label=_("Confirmation file"),
        queryset=Attachment.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    recorded_on = DateField(label=_("Recorded on"), validators=[past_or_today])

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_file"].queryset = item.initiative.attachments.all()
        self.fields["evidence_file"].label_from_instance = lambda a: a.original_name
        self.fields["recorded_on"].initial = timezone.localdate()


class AnnotationForm(NormalizedForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Annotation.Kind.CORRECTION, Annotation.Kind.CORRECTION.label),
            (Annotation.Kind.NOTE, Annotation.Kind.NOTE.label),
        ],
        help_text=_(
            "A correction is shown with the entry on the public honour roll; a note "
            "stays inside the application."
        ),
    )
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class RevokeForm(NormalizedForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("For example the decision that annulled the recognition."),
    )
    revoked_on = DateField(label=_("Revoked on"), validators=[past_or_today])


class EntryFilterForm(ListFilterForm):
    q = SearchField()
    unit = forms.ModelChoiceField(
        label=_("Unit (with units below)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("all"),
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=1990, max_value=2100, required=False
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    scope = forms.ChoiceField(
        label=_("Scope"), choices=[("", _("all")), *Scope.choices], required=False
    )

    def __init__(self, *args, units, fields, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", units)
        self.fields["field"].choices = [("", _("all")), *[(f, f) for f in fields]]


class RollupFilterForm(EntryFilterForm):
    """The roll-up's filters: the public ones, plus the entry's state and the
    choice of one unit's book without the books below it."""

    status = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("all")), *GoldBookEntry.Status.choices],
        required=False,
    )
    direct = forms.BooleanField(
        label=_("This unit only, not the units below"), required=False
    )
