"""Forms of the award dossier: a nominee's summary, the answer of the unit above,
the award decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import AwardForm, Candidate
from units.forms import DateField, NormalizedForm, past_or_today


class SummaryForm(NormalizedForm):
    text = forms.CharField(
        label=_("Summary report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "Drafted from the application's data; edit it before the dossier is "
            "issued. Each line becomes a paragraph."
        ),
    )


class SubmissionForm(NormalizedForm):
    text = forms.CharField(
        label=_("Text of the Tờ trình"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_(
            "Drafted from the selection; the list of nominees follows it. Each line "
            "becomes a paragraph."
        ),
    )


class ReturnForm(NormalizedForm):
    comments = forms.CharField(
        label=_("What must be revised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class DecisionForm(NormalizedForm):
    award_form = forms.ModelChoiceField(
        label=_("Award form"), queryset=AwardForm.objects.filter(is_active=True)
    )
    symbol = forms.CharField(
        label=_("Number and symbol"),
        max_length=80,
        help_text=_('For example "125/QĐ-LĐLĐ".'),
    )
    issued_on = DateField(label=_("Issued on"), validators=[past_or_today])
    awardees = forms.ModelMultipleChoiceField(
        label=_("Awarded"),
        queryset=Candidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_("Signed decision (PDF)"),
        required=False,
    )

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awardees"].queryset = nominees
        self.fields["awardees"].label_from_instance = lambda c: (
            f"{c.display_name} — {c.award_form or ''}"
        )
        self.fields["issued_on"].initial = timezone.localdate()
