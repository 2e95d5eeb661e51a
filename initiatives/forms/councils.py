"""Forms of the council's work: set-up, reviews, sessions and votes."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.text import nfc
from initiatives import voting
from initiatives.models import (
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Vote,
    VotingMode,
)
from units.forms import (
    BaseFormSet,
    DateField,
    DecimalTextField,
    NormalizedForm,
    note_field,
)
from units.models import Unit, User


class CouncilForm(NormalizedForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        required=False,
        help_text=_("Leave empty for “Hội đồng sáng kiến <unit> năm <year>”."),
    )
    code = forms.CharField(
        label=_("Code in document numbers"),
        max_length=20,
        initial="HĐSK",
        help_text=_('Its documents are numbered "05/QĐ-HĐSK", "05/BB-HĐSK"…'),
    )
    voting_mode = forms.ChoiceField(
        label=_("Voting"), choices=VotingMode.choices, initial=VotingMode.BALLOT
    )
    pass_numerator = forms.IntegerField(
        label=_("Pass: members agreeing"),
        min_value=1,
        max_value=99,
        initial=voting.DEFAULT_PASS.numerator,
    )
    pass_denominator = forms.IntegerField(
        label=_("Pass: out of"),
        min_value=1,
        max_value=99,
        initial=voting.DEFAULT_PASS.denominator,
        help_text=_("Of ALL council members, as the law requires (at least 2 of 3)."),
    )
    quorum_numerator = forms.IntegerField(
        label=_("Quorum: members present"),
        min_value=1,
        max_value=99,
        initial=voting.DEFAULT_QUORUM.numerator,
    )
    quorum_denominator = forms.IntegerField(
        label=_("Quorum: out of"),
        min_value=1,
        max_value=99,
        initial=voting.DEFAULT_QUORUM.denominator,
    )

    def __init__(self, *args, units, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if editing:
            del self.fields["unit"]
            del self.fields["year"]

    def clean(self):
        cleaned = super().clean()
        for kind in ("pass", "quorum"):
            numerator = cleaned.get(f"{kind}_numerator")
            denominator = cleaned.get(f"{kind}_denominator")
            if not (numerator and denominator):
                continue
            if not voting.share_is_valid(numerator, denominator):
                self.add_error(
                    f"{kind}_numerator", _("The share cannot be more than the whole.")
                )
            elif kind == "pass" and not voting.pass_share_is_legal(
                numerator, denominator
            ):
                self.add_error(f"{kind}_numerator", voting.below_legal_pass_message())
        return cleaned


class CouncilMemberForm(NormalizedForm):
    person = forms.CharField(
        label=_("Person"),
        max_length=254,
        help_text=_("Their user name or email address; people of any unit may sit."),
    )
    role = forms.ChoiceField(
        label=_("Role on the council"), choices=CouncilRole.choices
    )
    position = forms.CharField(label=_("Title"), max_length=200, required=False)
    is_unit_head = forms.BooleanField(label=_("Head of the unit"), required=False)

    def clean_person(self):
        value = nfc(self.cleaned_data["person"]).strip()
        found = list(
            User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _("No person has this user name or email address.")
            )
        return found[0]


class CriterionForm(NormalizedForm):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    max_points = forms.IntegerField(
        label=_("Maximum points"), min_value=1, max_value=1000
    )


class BaseCriteriaFormSet(BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "List at most %(num)d criterion.", "List at most %(num)d criteria.", "num"
        ),
    }


CriteriaFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriteriaFormSet,
    extra=1,
    can_delete=True,
    max_num=15,
    validate_max=True,
)


class MemberChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.user} — {obj.get_role_display()}"


class ReviewersForm(forms.Form):
    members = MemberChoices(label=_("Reviewers"), queryset=CouncilMember.objects.none())
    due_on = DateField(label=_("Score by"), required=False)

    def __init__(self, *args, item: CouncilItem, **kwargs):
        super().__init__(*args, **kwargs)
        recused = item.recusals.values("member_id")
        self.fields["members"].queryset = (
            item.council.members.exclude(pk__in=recused)
            .select_related("user")
            .order_by("id")
        )

    def clean_due_on(self):
        day = self.cleaned_data.get("due_on")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the past."))
        return day


class ScoreSheetForm(NormalizedForm):
    """One field per criterion of the council's rubric, plus comments."""

    comments = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = DecimalTextField(
                label=f"{criterion.name} (0–{criterion.max_points})",
                min_value=Decimal("0"),
                max_value=Decimal(criterion.max_points),
                max_digits=6,
                decimal_places=2,
                required=False,
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["comments"])
        # A draft may leave scores empty; a submitted sheet needs every one.
        self.needed_to_submit = [f"criterion_{c.pk}" for c in self.criteria]

    def points(self) -> dict[int, Decimal]:
        return {
            c.pk: self.cleaned_data[f"criterion_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"criterion_{c.pk}") is not None
        }


class ReasonForm(NormalizedForm):
    reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class NoteForm(NormalizedForm):
    note = note_field()


class ItemChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return str(obj.initiative)


class SessionForm(NormalizedForm):
    held_on = DateField(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=300)
    items = ItemChoices(
        label=_("Requests on the agenda"),
        queryset=CouncilItem.objects.none(),
        required=False,
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items


class AttendanceForm(forms.Form):
    present = MemberChoices(
        label=_("Members present"),
        queryset=CouncilMember.objects.none(),
        required=False,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = session.council.members.select_related(
            "user"
        ).order_by("id")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )


class HandsForm(forms.Form):
    hands_yes = forms.IntegerField(label=_("In favour"), min_value=0, max_value=500)
    hands_no = forms.IntegerField(label=_("Against"), min_value=0, max_value=500)
