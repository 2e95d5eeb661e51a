"""Forms: they parse and check input; the services do the writing."""

import datetime
import functools
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core import legacy_vietnamese
from core.text import nfc, whole_number
from units.models import (
    EmulationBlockMember,
    ImportBatch,
    Role,
    Unit,
    UnitKind,
    User,
    child_kinds,
)


class DateInput(forms.DateInput):
    """A text box for dates typed as dd/mm/yyyy."""

    def __init__(self, attrs=None):
        attrs = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


class DateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy.")}


# Django's own message for NUL bytes in text; its Vietnamese catalogue lacks it, so
# it is translated in ours.
NUL_MESSAGE = _("Null characters are not allowed.")


def run_service(form, call):
    """Run a service; put its ValidationError beside the form's fields.

    Return what the service returned, or None when it refused.
    """
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


class DecimalTextField(forms.DecimalField):
    """A number typed in a text box, with a decimal comma ("33,33") or point.

    Not type=number: browsers turn "33,33" typed there into 3333. Not localised:
    in Vietnamese "7.5" would otherwise read as 75 (point as thousands separator).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("%", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # Keep the text box free of number-input attributes (min, max, step).
        return {}


LEADING_MARK_MESSAGE = _(
    "The text starts with an accent mark that stands on no letter. Delete it, "
    "or type the letter it belongs to before it."
)
LEGACY_MESSAGE = _(
    "This text seems typed with the %(encoding)s font encoding of old Vietnamese "
    "keyboards. The box now holds it converted to Unicode: «%(converted)s». "
    "Check it and send the form again to keep the converted text."
)
# How much of the converted text the message quotes.
LEGACY_QUOTE_LENGTH = 120


def is_typed_text(field) -> bool:
    """Whether a field is a box where people type free text (not a password,
    a hidden value or a choice)."""
    return isinstance(field, forms.CharField) and isinstance(
        field.widget, (forms.TextInput, forms.Textarea)
    )


def starts_with_mark(value: str) -> bool:
    """Whether the text begins with a combining mark (an accent on nothing)."""
    return bool(value) and (
        unicodedata.combining(value[0]) != 0 or unicodedata.category(value[0]) == "Mn"
    )


def offer_value(form: forms.Form, name: str, value: str) -> None:
    """Show the field with another value when the form is shown again."""
    if not getattr(form, "_offered_data", False):
        form.data = form.data.copy()
        form._offered_data = True
    form.data[form.add_prefix(name)] = value


def check_typed_text(form: forms.Form, name: str, value: str) -> None:
    """Refuse text that cannot be stored as it came: an accent mark first, or
    Vietnamese from a legacy font encoding (TCVN3, VNI). The latter is converted
    and offered in the field; sent again, the converted text passes."""
    if not value or name in form.errors or not is_typed_text(form.fields.get(name)):
        return
    if starts_with_mark(value):
        message = LEADING_MARK_MESSAGE
    else:
        encoding = legacy_vietnamese.detect(value)
        if encoding is None:
            return
        converted = legacy_vietnamese.convert(value, encoding)
        offer_value(form, name, converted)
        quoted = converted
        if len(quoted) > LEGACY_QUOTE_LENGTH:
            quoted = quoted[:LEGACY_QUOTE_LENGTH].rstrip() + "…"
        message = LEGACY_MESSAGE % {
            "encoding": legacy_vietnamese.NAMES[encoding],
            "converted": quoted,
        }
    form.add_error(name, message)
    form.refused_text = {*getattr(form, "refused_text", ()), name}


def refused_as_typed(form: forms.Form, name: str) -> bool:
    """Whether check_typed_text refused the field (it is then absent from
    cleaned_data, like any field with an error)."""
    return name in getattr(form, "refused_text", ())


def normalize_text(form: forms.Form, cleaned: dict) -> dict:
    """Put every piece of text in Unicode normal form C, trimmed, and check its
    length again: a few characters grow when composed, past the field's limit.
    Typed text is also checked by check_typed_text."""
    form.refused_text = set()
    for name, value in list(cleaned.items()):
        if not isinstance(value, str):
            continue
        value = nfc(value).strip()
        cleaned[name] = value
        check_typed_text(form, name, value)
        field = form.fields.get(name)
        limit = getattr(field, "max_length", None)
        if limit is not None and len(value) > limit and name not in form.errors:
            form.add_error(
                name,
                # Django's own message, in Django's own translations.
                ngettext(
                    "Ensure this value has at most %(limit_value)d character "
                    "(it has %(show_value)d).",
                    "Ensure this value has at most %(limit_value)d characters "
                    "(it has %(show_value)d).",
                    limit,
                )
                % {"limit_value": limit, "show_value": len(value)},
            )
    return cleaned


class NormalizedForm(forms.Form):
    """Store every piece of text in Unicode normal form C, trimmed; refuse typed
    text that starts with an accent mark or comes from a legacy Vietnamese font
    encoding (offering it converted)."""

    def clean(self):
        return normalize_text(self, super().clean())


FULL_TIME_CHOICES = [
    ("", _("not applicable")),
    ("1", _("full-time")),
    ("0", _("part-time")),
]


def full_time_field():
    return forms.TypedChoiceField(
        label=_("Full-time or part-time"),
        choices=FULL_TIME_CHOICES,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
        help_text=_("For officers only."),
    )


def note_field():
    return forms.CharField(
        label=_("Decision or note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


def past_or_today(value: datetime.date | None):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


class BaseFormSet(forms.BaseFormSet):
    """A formset whose own messages are in the project's catalogue: Django's
    Vietnamese catalogue leaves "Please submit at least 1 form." in English."""

    default_error_messages = {
        "missing_management_form": _(
            "The form arrived incomplete. Reload the page and enter it again."
        ),
        "too_many_forms": ngettext_lazy(
            "Enter at most %(num)d row.", "Enter at most %(num)d rows.", "num"
        ),
        "too_few_forms": ngettext_lazy(
            "Enter at least %(num)d row.", "Enter at least %(num)d rows.", "num"
        ),
    }


class UnitCreateForm(NormalizedForm):
    kind = forms.ChoiceField(label=_("Kind of unit"))
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=Unit._meta.get_field("code").help_text,
        validators=Unit._meta.get_field("code").validators,
    )
    abbreviation = forms.CharField(
        label=_("Document abbreviation"),
        max_length=30,
        required=False,
        help_text=Unit._meta.get_field("abbreviation").help_text,
    )
    place_name = forms.CharField(
        label=_("Place name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the place name of the unit above."),
    )
    established_on = DateField(
        label=_("Established on"), required=False, validators=[past_or_today]
    )

    def __init__(self, *args, parent: Unit | None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = child_kinds(parent.kind if parent else None)
        self.fields["kind"].choices = [
            (value, label) for value, label in UnitKind.choices if value in allowed
        ]


class UnitEditForm(NormalizedForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=Unit._meta.get_field("code").help_text,
        validators=Unit._meta.get_field("code").validators,
    )
    place_name = forms.CharField(label=_("Place name"), max_length=100, required=False)
    established_on = DateField(
        label=_("Established on"), required=False, validators=[past_or_today]
    )


class UnitRenameForm(NormalizedForm):
    name = forms.CharField(label=_("New name"), max_length=255)
    short_name = forms.CharField(
        label=_("New short name"), max_length=100, required=False
    )
    abbreviation = forms.CharField(
        label=_("Document abbreviation"), max_length=30, required=False
    )
    effective_on = DateField(label=_("Name used from"), validators=[past_or_today])
    note = note_field()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'— ' * max(obj.depth - 1, 0)}{obj.name}"


class UnitMoveForm(NormalizedForm):
    new_parent = UnitChoiceField(
        label=_("New parent unit"), queryset=Unit.objects.none()
    )
    effective_on = DateField(label=_("Effective from"), validators=[past_or_today])
    note = note_field()

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = targets


class UnitMergeForm(NormalizedForm):
    successor = UnitChoiceField(label=_("Successor unit"), queryset=Unit.objects.none())
    effective_on = DateField(label=_("Merged on"), validators=[past_or_today])
    note = note_field()
    confirm = forms.BooleanField(
        label=_("I understand that the unit will be closed and its members moved."),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = targets


class UnitDissolveForm(NormalizedForm):
    effective_on = DateField(label=_("Dissolved on"), validators=[past_or_today])
    note = note_field()
    confirm = forms.BooleanField(
        label=_("I understand that every role held on this unit will end."),
    )


class PersonFieldsMixin(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 .()-]{8,20}$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Enter a phone number of 8 to 20 digits.")},
    )
    date_of_birth = DateField(
        label=_("Date of birth"), required=False, validators=[past_or_today]
    )
    qualification = forms.CharField(
        label=_("Qualification"),
        max_length=150,
        required=False,
        help_text=_("For example: Bachelor of Law."),
    )


class PersonCreateForm(PersonFieldsMixin, NormalizedForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        validators=User._meta.get_field("username").validators,
        help_text=_("Leave empty to make one from the full name."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    full_time = full_time_field()


class PersonEditForm(PersonFieldsMixin, NormalizedForm):
    is_active = forms.BooleanField(
        label=_("May sign in"),
        required=False,
        help_text=_("Untick to stop this person from signing in; nothing is deleted."),
    )


class RoleGrantForm(NormalizedForm):
    person = forms.CharField(
        label=_("Person"),
        max_length=254,
        help_text=_("Their user name or email address."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    full_time = full_time_field()
    started_on = DateField(label=_("From"), required=False, validators=[past_or_today])

    def clean_person(self):
        value = nfc(self.cleaned_data["person"]).strip()
        matches = list(
            User.objects.filter(username__iexact=value)[:1]
            or User.objects.filter(email__iexact=value)[:2]
        )
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No person has this user name or email address.")
            )
        return matches[0]


class BlockForm(NormalizedForm):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=255)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BlockMemberForm(NormalizedForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(
        label=_("Role in the block"),
        choices=EmulationBlockMember.Role.choices,
        initial=EmulationBlockMember.Role.MEMBER,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class BlockCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Copy to year"), min_value=1990, max_value=2100)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportBatch.Kind.choices
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, from the template."),
    )


class ImportSheetForm(forms.Form):
    """Check a kept workbook again, reading another of its visible sheets."""

    source = forms.IntegerField(widget=forms.HiddenInput)
    sheet = forms.ChoiceField(label=_("Sheet to read"))

    def __init__(self, *args, batch: ImportBatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].initial = batch.pk
        self.fields["sheet"].choices = [
            (name, name) for name in batch.sheets if name != batch.sheet
        ]


class QuickSelect(forms.Select):
    """A select written in Python rather than by a template per option: the
    filters of the lists offer hundreds of options on every page view."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rows = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        option["value"],
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                    for option in options
                ),
            )
            if group_name:
                rows = format_html(
                    '<optgroup label="{}">{}</optgroup>', group_name, rows
                )
            parts.append(rows)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 - built by format_html above
        )


def quick_selects(form: forms.Form) -> None:
    """Write the form's plain selects with QuickSelect."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            quick = QuickSelect(attrs=field.widget.attrs)
            quick.choices = field.widget.choices
            quick.is_required = field.widget.is_required
            field.widget = quick


# A filter's unit select lists every unit the reader sees while they are few; past
# that, the units above the grassroots unions (and the unit chosen). A province has
# over a thousand grassroots unions: their lists open from their own pages.
OFFERED_UNITS = 300


def offer_units(form: forms.Form, name: str, units) -> None:
    """Accept any unit of `units` in the filter `name`, and offer a readable list
    (read when the form is shown, not when it only filters an export)."""
    field = form.fields[name]
    field.queryset = units
    chosen = form.data.get(form.add_prefix(name)) if form.is_bound else None

    @functools.cache
    def offered():
        rows = list(units[: OFFERED_UNITS + 1])
        if len(rows) > OFFERED_UNITS:
            keep = ~Q(kind=Unit.Kind.GRASSROOTS)
            if whole_number(chosen) is not None:
                keep |= Q(pk=whole_number(chosen))
            rows = list(units.filter(keep)[:OFFERED_UNITS])
        return [
            ("", field.empty_label),
            *((unit.pk, field.label_from_instance(unit)) for unit in rows),
        ]

    field.choices = offered


class ListFilterForm(forms.Form):
    """Filters of a list, read from the query string. A bad value drops only its
    own filter: the others still apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class SubtreeFilterForm(ListFilterForm):
    """A list filtered on a unit with the units below it, or on the unit alone;
    `units` are the units offered."""

    unit = forms.ModelChoiceField(
        label=_("Unit (with units below)"),
        queryset=Unit.objects.none(),
        required=False,
    )
    direct = forms.BooleanField(
        label=_("This unit only, not the units below"), required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", units)


# Every search box takes at most this many characters.
SEARCH_MAX_LENGTH = 200


class SearchField(forms.CharField):
    """The search box of every list: at most SEARCH_MAX_LENGTH characters, said
    in the page (maxlength) and, when a longer query arrives anyway (typed in
    the address bar, sent by a script), by the same message under the box. The
    list is then shown unsearched, as for any filter with a bad value. NUL
    bytes, which no stored text holds, are dropped."""

    widget = forms.SearchInput
    default_error_messages = {
        "max_length": _("Search words can be at most %(limit_value)d characters long.")
    }

    def __init__(self, *, label=None, **kwargs):
        super().__init__(
            label=label or _("Search"),
            max_length=SEARCH_MAX_LENGTH,
            required=False,
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)


class SearchForm(forms.Form):
    """A list's search box alone; `label` says what it searches."""

    q = SearchField()

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["q"].label = label

    def query(self) -> str:
        """The words searched for: "" when none or when the query was refused."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"]


class LoginForm(AuthenticationForm):
    """Sign in with the user name or the email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name or email")


class PasswordLinkForm(PasswordResetForm):
    """Send a link to choose a password, also to people who never had one.

    People added by an administrator or an import start without a password and
    choose their own through this link.
    """

    def get_users(self, email):
        return [
            user
            for user in User._default_manager.filter(
                email__iexact=email, is_active=True
            )
            if user.email.casefold() == email.casefold()
        ]
