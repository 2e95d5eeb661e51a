"""Forms of the movement's records, pacts and ratings: they parse input only; the
services in `awards.services` check and write."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from awards.models import MemberGrade, MovementRecord
from units.forms import BaseFormSet, DateField, NormalizedForm
from units.models import EmulationBlock, EmulationBlockMember, Unit

FIRST_YEAR, LAST_YEAR = 1990, 2100


def year_field(**extra):
    return forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        initial=timezone.localdate().year,
        **extra,
    )


def units_below(unit: Unit):
    """Return the active units under the unit (not the unit itself)."""
    return (
        Unit.objects.filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .active()
        .order_by("path")
    )


def unit_label(unit: Unit) -> str:
    return f"{unit.code} — {unit.name}"


class RecordForm(NormalizedForm):
    kind = forms.ChoiceField(label=_("What is recorded"), choices=[])
    year = year_field()
    held_on = DateField(label=_("Held on"))
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("e.g. the name of the plan, the conference or the inspection."),
    )
    summary = forms.CharField(
        label=_("Content or findings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        help_text=_("For an inspection, write the findings."),
    )
    inspected_unit = forms.ModelChoiceField(
        label=_("Inspected union"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— only for an inspection —"),
    )
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_(
            "Optional: the plan, report or minutes (PDF, Word, Excel, JPEG or PNG)."
        ),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *MovementRecord.Kind.choices]
        self.fields["inspected_unit"].queryset = units_below(unit)
        self.fields["inspected_unit"].label_from_instance = unit_label


class PactForm(NormalizedForm):
    year = year_field()
    signed_on = DateField(label=_("Signed on"))
    title = forms.CharField(label=_("Title"), max_length=300)
    content = forms.CharField(
        label=_("Commitments"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
    )
    block = forms.ModelChoiceField(
        label=_("Emulation block"),
        queryset=EmulationBlock.objects.none(),
        required=False,
        empty_label=_("— none: among the units below —"),
        help_text=_("A block this unit organises in the pact's year."),
    )
    file = forms.FileField(
        label=_("Signed pact"),
        required=False,
        help_text=_("Optional: the signed document (PDF, Word, Excel, JPEG or PNG)."),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = EmulationBlock.objects.filter(
            organizer=unit
        ).order_by("-year", "name")


def signatory_units(unit: Unit):
    """Return the units that may sign a pact organised by the unit: the unit, the
    units below it and the members of its emulation blocks."""
    in_blocks = EmulationBlockMember.objects.filter(block__organizer=unit).values(
        "unit_id"
    )
    return (
        Unit.objects.filter(Q(path__startswith=unit.path) | Q(pk__in=in_blocks))
        .active()
        .order_by("path")
    )


class SignatoryForm(NormalizedForm):
    unit = forms.ModelChoiceField(label=_("Signing unit"), queryset=Unit.objects.none())
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_position = forms.CharField(
        label=_("Position"), max_length=200, required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units if units is not None else Unit.objects.none()
        field.label_from_instance = unit_label


class BaseSignatoryFormSet(BaseFormSet):
    default_error_messages = {
        "too_few_forms": ngettext_lazy(
            "List at least %(num)d signing unit.",
            "List at least %(num)d signing units.",
            "num",
        ),
        "too_many_forms": ngettext_lazy(
            "List at most %(num)d signing unit.",
            "List at most %(num)d signing units.",
            "num",
        ),
    }

    def __init__(self, *args, units, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["units"] = self.units
        return kwargs

    def clean(self):
        super().clean()
        units = [
            form.cleaned_data["unit"].pk
            for form in self.forms
            if form.cleaned_data.get("unit") is not None
        ]
        if len(units) != len(set(units)):
            raise forms.ValidationError(_("A unit is listed twice."))


SignatoryFormSet = forms.formset_factory(
    SignatoryForm,
    formset=BaseSignatoryFormSet,
    extra=3,
    min_num=1,
    validate_min=True,
    max_num=200,
    validate_max=True,
)


NOT_RATED = ("", pgettext_lazy("rating", "— not rated —"))


class RatingRowForm(forms.Form):
    """One row of a ratings grid: a choice among evaluated options (no query per
    row)."""

    value = forms.ChoiceField(label=_("Rating"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = choices


def grade_choices(blank: bool = True):
    return [NOT_RATED, *MemberGrade.choices] if blank else list(MemberGrade.choices)


class RatingsImportForm(forms.Form):
    KIND_CHOICES = [
        ("units", _("Ratings of the unions below")),
        ("members", _("Ratings of the members")),
    ]

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    year = year_field()
    file = forms.FileField(
        label=_("File"), help_text=_("An Excel workbook (.xlsx) from the template.")
    )
