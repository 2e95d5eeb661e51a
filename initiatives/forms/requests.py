"""Forms for registrations, ideas and recognition requests. They parse input;
the services check the rules and write."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import nfc
from initiatives.models import Attachment, Field, Initiative, Kind, Scope, Status
from initiatives.services import AuthorData, check_authors
from initiatives.stages import OTHER_FIELD, Stage
from units.forms import (
    BaseFormSet,
    DateField,
    DecimalTextField,
    NormalizedForm,
    SearchField,
    SubtreeFilterForm,
    normalize_text,
    offer_units,
    past_or_today,
    quick_selects,
    refused_as_typed,
)
from units.models import Unit, User

YEAR_CHOICES_BACK = 6


def year_choices():
    this_year = timezone.localdate().year
    return [
        (year, str(year))
        for year in range(this_year + 1, this_year - YEAR_CHOICES_BACK, -1)
    ]


class FieldChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Field.objects.filter(is_active=True),
            required=False,
            empty_label=_("— other (write it below) —"),
            **kwargs,
        )


class UnitSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InitiativeForm(NormalizedForm):
    """Every field of the request form (the Mẫu and the national form)."""

    # What `missing_for_submission` asks for: a draft may leave these empty, so
    # they are optional here, but the form marks them as required.
    needed_to_submit = (
        "level",
        "field",
        "essence",
        "first_applied_on",
        "benefits_author",
    )

    unit = UnitSelect(label=_("Filed from (your union)"), queryset=Unit.objects.none())
    recognizing_unit = UnitSelect(
        label=_("Body asked to recognise it"),
        queryset=Unit.objects.none(),
        help_text=_("The request goes to this unit's initiative council."),
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    title = forms.CharField(label=_("Title of the initiative"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, initial=Kind.INITIATIVE
    )
    field = FieldChoiceField(label=_("Field of application"))
    field_other = forms.CharField(
        label=_("Other field"), max_length=200, required=False
    )
    level = forms.ChoiceField(
        label=_("Level registered for"),
        choices=[("", "—"), *Scope.choices],
        required=False,
    )
    investor = forms.CharField(
        label=_("Investor, if not the author"),
        max_length=300,
        required=False,
        help_text=Initiative._meta.get_field("investor").help_text,
    )
    state_funded = forms.BooleanField(label=_("State funds were used"), required=False)
    first_applied_on = DateField(
        label=_("First or trial application on"),
        required=False,
        validators=[past_or_today],
        help_text=_(
            "If it has not been applied yet, give the start of the implementation "
            "period instead."
        ),
    )
    period_start = DateField(label=_("Implementation from"), required=False)
    period_end = DateField(label=_("Implementation until"), required=False)
    essence = forms.CharField(
        label=_("Essence of the initiative"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=50000,
        help_text=Initiative._meta.get_field("essence").help_text,
    )
    confidential_info = forms.CharField(
        label=_("Confidential information"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text=Initiative._meta.get_field("confidential_info").help_text,
    )
    conditions = forms.CharField(
        label=_("Conditions needed to apply it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    application_place = forms.CharField(
        label=_("Place of first application"), max_length=500, required=False
    )
    application_people = forms.CharField(
        label=_("People who took part in the first application"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    benefits_author = forms.CharField(
        label=_("Benefits obtained or expected (author's assessment)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    benefits_confirmation = forms.CharField(
        label=_("Confirmation by the applying body"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text=_("You can also attach the signed confirmation as a file."),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "invalid": _("This page was changed outside the form: reload it."),
            "min_value": _("This page was changed outside the form: reload it."),
            "max_value": _("This page was changed outside the form: reload it."),
        },
    )

    def __init__(self, *args, units, recognising_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["recognizing_unit"].queryset = recognising_units

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", _("The end of the period cannot be before its start.")
            )
        if cleaned.get("field") and cleaned.get("field_other"):
            self.add_error(
                "field_other",
                _("Choose a field from the list or write another, not both."),
            )
        return cleaned


class ShareField(DecimalTextField):
    """A percentage with two decimals; accepts "33,33" as well as "33.33"."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=5,
            decimal_places=2,
            min_value=Decimal("0.01"),
            max_value=Decimal("100"),
            error_messages={"invalid": _("Enter a percentage such as 33,33.")},
            **kwargs,
        )


class AuthorForm(forms.Form):
    person = forms.CharField(
        label=_("User name or email (if registered)"),
        max_length=254,
        required=False,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    date_of_birth = DateField(
        label=_("Date of birth"), required=False, validators=[past_or_today]
    )
    workplace = forms.CharField(label=_("Workplace"), max_length=300, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    qualification = forms.CharField(
        label=_("Qualification"), max_length=150, required=False
    )
    share = ShareField(label=_("Contribution (%)"), required=False)

    def clean_person(self):
        value = nfc(self.cleaned_data["person"]).strip()
        if not value:
            return None
        found = list(
            User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2]
        )
        if len(found) != 1:
            raise ValidationError(_("No person has this user name or email address."))
        return found[0]

    def clean(self):
        cleaned = normalize_text(self, super().clean())
        person = cleaned.get("person")
        if person and not cleaned.get("full_name"):
            cleaned["full_name"] = person.full_name
        # Anything typed in a row makes it an author: none is dropped unsaid.
        filled = any(
            cleaned.get(name)
            for name in (
                "person",
                "full_name",
                "date_of_birth",
                "workplace",
                "position",
                "qualification",
                "share",
            )
        )
        if filled:
            # A name refused as typed (legacy encoding, accent mark first) is
            # not a missing one.
            if not cleaned.get("full_name") and not refused_as_typed(self, "full_name"):
                self.add_error("full_name", _("Enter the author's full name."))
            if cleaned.get("share") is None and "share" not in self.errors:
                self.add_error("share", _("Enter this author's share."))
        return cleaned

    def to_author(self) -> AuthorData | None:
        data = self.cleaned_data
        if not data or not data.get("full_name") or data.get("DELETE"):
            return None
        return AuthorData(
            full_name=data["full_name"],
            share=data["share"],
            user=data.get("person"),
            date_of_birth=data.get("date_of_birth"),
            workplace=data.get("workplace", ""),
            position=data.get("position", ""),
            qualification=data.get("qualification", ""),
        )


class BaseAuthorFormSet(BaseFormSet):
    default_error_messages = {
        "too_many_forms": _("List at most %(num)d authors."),
    }

    def clean(self):
        if any(self.errors):
            return
        try:
            check_authors(self.authors())
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def authors(self) -> list[AuthorData]:
        return [a for a in (form.to_author() for form in self.forms) if a is not None]


# Two empty rows for co-authors; more can be added in the page.
AuthorFormSet = forms.formset_factory(
    AuthorForm,
    formset=BaseAuthorFormSet,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


def author_initial(initiative: Initiative | None, user: User) -> list[dict]:
    """Return the author rows to start the form with: the saved ones, or the filer."""
    if initiative is not None:
        return [
            {
                "person": a.user.username if a.user else "",
                "full_name": a.full_name,
                "date_of_birth": a.date_of_birth,
                "workplace": a.workplace,
                "position": a.position,
                "qualification": a.qualification,
                "share": a.share,
            }
            for a in initiative.authors.select_related("user")
        ]
    return [
        {
            "person": user.username,
            "full_name": user.full_name,
            "date_of_birth": user.date_of_birth,
            "qualification": user.qualification,
            "share": Decimal("100"),
        }
    ]


class ReasonForm(NormalizedForm):
    reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class WithdrawForm(NormalizedForm):
    reason = forms.CharField(
        label=_("Why (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    purpose = forms.ChoiceField(
        label=_("What it is"),
        choices=Attachment.Purpose.choices,
        initial=Attachment.Purpose.EVIDENCE,
    )


SORTS = {
    "new": (_("newest first"), ("-id",)),
    "old": (_("oldest first"), ("id",)),
    "title": (_("title A–Z"), ("title", "id")),
}


def field_filter_choices():
    return [
        ("", _("all")),
        *((str(pk), name) for pk, name in Field.objects.values_list("pk", "name")),
        (OTHER_FIELD, _("other fields (typed in)")),
    ]


class InitiativeFilterForm(forms.Form):
    q = SearchField()
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        choices=lambda: [("", _("all")), *year_choices()],
        required=False,
        empty_value=None,
    )
    unit = forms.ModelChoiceField(
        label=_("Unit (with units below)"), queryset=Unit.objects.none(), required=False
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *Status.choices], required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage reached"),
        choices=[("", _("all")), *Stage.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("all")), *Kind.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("all")), *Scope.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    direct = forms.BooleanField(
        label=_("This unit only, not the units below"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        required=False,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        offer_units(self, "unit", units)
        # A callable: the list of fields is read only when the form is shown or
        # a field is chosen, not by the Excel export.
        self._field_choices = None
        self.fields["field"].choices = self.field_choices

    def field_choices(self):
        if self._field_choices is None:
            self._field_choices = field_filter_choices()
        return self._field_choices


class RegistrationFilterForm(SubtreeFilterForm):
    ACTIVE, WITHDRAWN = "active", "withdrawn"

    q = SearchField()
    year = forms.IntegerField(
        label=_("Year"), min_value=1990, max_value=2100, required=False
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[
            ("", _("all")),
            (ACTIVE, _("not withdrawn")),
            (WITHDRAWN, _("withdrawn")),
        ],
        required=False,
    )


class RegistrationForm(NormalizedForm):
    unit = UnitSelect(label=_("Your union"), queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, initial=Kind.INITIATIVE
    )
    field = FieldChoiceField(label=_("Field of application"))
    field_other = forms.CharField(
        label=_("Other field"), max_length=200, required=False
    )
    expected_completion = DateField(label=_("Expected completion"))
    team = forms.CharField(
        label=_("Other team members"),
        max_length=500,
        required=False,
        help_text=_("Names of the others working on it, if it is a team."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class IdeaForm(NormalizedForm):
    unit = UnitSelect(label=_("Your union"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("The idea"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CommentForm(NormalizedForm):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
