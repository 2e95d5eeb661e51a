"""Forms of award rounds: they parse input; `awards.services` does the writing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards import criteria
from awards.models import AwardForm, Candidate, SelectingBody
from awards.services import OfferData
from units.forms import DateField, NormalizedForm, past_or_today

YES_NO = [("1", _("met")), ("0", _("not met"))]


class RoundCreateForm(NormalizedForm):
    """A round's header and one row per active award form: offered? quota?"""

    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    deadline = DateField(label=_("Deadline for nominations"))
    selecting_body = forms.ChoiceField(
        label=_("Selecting body"), choices=SelectingBody.choices
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, award_forms, **kwargs):
        super().__init__(*args, **kwargs)
        self.award_forms = list(award_forms)
        for award_form in self.award_forms:
            self.fields[f"offer_{award_form.pk}"] = forms.BooleanField(
                label=_("Offer"), required=False
            )
            self.fields[f"quota_{award_form.pk}"] = forms.IntegerField(
                label=_("Quota"),
                min_value=1,
                max_value=10000,
                required=False,
                help_text=_("Leave empty for no quota."),
            )

    def header_fields(self):
        return [self[name] for name in ("title", "year", "deadline")]

    def offer_rows(self):
        """(award form, offer box, quota box) for the template's table."""
        return [
            (award_form, self[f"offer_{award_form.pk}"], self[f"quota_{award_form.pk}"])
            for award_form in self.award_forms
        ]

    def offers(self) -> list[OfferData]:
        data = self.cleaned_data
        return [
            OfferData(award_form=award_form, quota=data.get(f"quota_{award_form.pk}"))
            for award_form in self.award_forms
            if data.get(f"offer_{award_form.pk}")
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "year": data["year"],
            "deadline": data["deadline"],
            "selecting_body": data["selecting_body"],
            "note": data["note"],
            "offers": self.offers(),
        }


class CollectiveAddForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Collective"),
        queryset=None,
        empty_label=_("— choose a union —"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.name


class IndividualAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Individual"), queryset=None, empty_label=_("— choose a person —")
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: (
            f"{user.full_name or user.username} ({user.username})"
        )


class AttestForm(NormalizedForm):
    criterion = forms.CharField(widget=forms.HiddenInput, max_length=30)
    met = forms.TypedChoiceField(
        label=_("Staff attestation"),
        choices=YES_NO,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Required when the criterion is not met."),
    )


class NominateForm(NormalizedForm):
    award_form = forms.ModelChoiceField(
        label=_("Award form"), queryset=None, empty_label=_("— choose —")
    )
    achievements = forms.CharField(
        label=_("Achievements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        fits = (
            {"for_collectives": True}
            if candidate.kind == Candidate.Kind.COLLECTIVE
            else {"for_individuals": True}
        )
        self.fields["award_form"].queryset = AwardForm.objects.filter(
            pk__in=candidate.round.offers.values("award_form_id"), **fits
        ).order_by("order", "name")


class SelectionForm(NormalizedForm):
    """The selecting body's meeting and one "votes for" box per nominee."""

    held_on = DateField(label=_("Held on"), validators=[past_or_today])
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=200)
    members_total = forms.IntegerField(
        label=_("Members of the body"), min_value=1, max_value=1000
    )
    members_present = forms.IntegerField(
        label=_("Members present"), min_value=0, max_value=1000
    )

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        self.fields["held_on"].initial = timezone.localdate()
        for nominee in self.nominees:
            self.fields[f"votes_{nominee.pk}"] = forms.IntegerField(
                label=_("Votes for"), min_value=0, max_value=1000
            )

    def meeting_fields(self):
        return [
            self[name]
            for name in (
                "held_on",
                "place",
                "chaired_by",
                "members_total",
                "members_present",
            )
        ]

    def vote_rows(self):
        return [(nominee, self[f"votes_{nominee.pk}"]) for nominee in self.nominees]

    def votes(self) -> dict[int, int]:
        return {
            nominee.pk: self.cleaned_data[f"votes_{nominee.pk}"]
            for nominee in self.nominees
        }


class BulkForm(NormalizedForm):
    """What to do with the candidates ticked on the round page: attest a
    criterion as met, or nominate them for an award form."""

    ATTEST, NOMINATE = "attest", "nominate"

    action = forms.ChoiceField(
        choices=[(ATTEST, _("attest")), (NOMINATE, _("nominate"))],
        widget=forms.HiddenInput,
    )
    candidate = forms.TypedMultipleChoiceField(
        label=_("Candidates"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose candidates of this round.")},
    )
    award_form = forms.ModelChoiceField(
        label=_("Award form"),
        queryset=None,
        required=False,
        empty_label=_("— choose —"),
    )
    criterion = forms.ChoiceField(label=_("Criterion"), required=False)
    note = forms.CharField(label=_("Grounds"), max_length=2000, required=False)

    def __init__(self, *args, award_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_form"].queryset = AwardForm.objects.filter(
            pk__in=award_round.offers.values("award_form_id")
        ).order_by("order", "name")
        if self.is_bound:
            self.fields["candidate"].choices = [
                (pk, pk) for pk in award_round.candidates.values_list("pk", flat=True)
            ]
        self.fields["criterion"].choices = [("", _("— choose —"))] + [
            (c.code, c.label) for c in attested_criteria()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("candidate"):
            raise forms.ValidationError(_("Tick at least one candidate."))
        if data.get("action") == self.NOMINATE and not data.get("award_form"):
            self.add_error("award_form", _("Choose the award form."))
        if data.get("action") == self.ATTEST and not data.get("criterion"):
            self.add_error("criterion", _("Choose the criterion to attest."))
        return data

    def error_messages(self) -> list[str]:
        return [str(m) for errors in self.errors.values() for m in errors]


def attested_criteria():
    """The criteria staff may attest, each once (collectives list them all)."""
    seen, found = set(), []
    for crit in (*criteria.COLLECTIVE, *criteria.INDIVIDUAL):
        if crit.source != criteria.DATA and crit.code not in seen:
            seen.add(crit.code)
            found.append(crit)
    return found
