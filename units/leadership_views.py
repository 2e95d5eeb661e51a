"""Pages where a unit's administrators keep its leadership and signing rules."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import access, leadership, selectors
from units.forms import run_service
from units.leadership import Leadership, SigningKind, SigningRule
from units.models import Unit, User


class TermForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Person"), queryset=User.objects.none()
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Position"), choices=leadership.Position.choices
    )
    started_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, unit, extra_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.people_of(unit)
        if extra_user is not None:
            people = people | User.objects.filter(pk=extra_user.pk)
        self.fields["user"].queryset = people.distinct()


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Document"), choices=SigningKind.choices
    )
    authority = forms.ChoiceField(
        label=gettext_lazy("Authority"), choices=leadership.Authority.choices
    )
    body = forms.ChoiceField(
        label=gettext_lazy("Collective body"), choices=leadership.Body.choices
    )
    signer = forms.ModelChoiceField(
        label=gettext_lazy("Signer"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Chosen from today's leaders; under TM. the chair of the document's day "
            "signs."
        ),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        leaders = leadership.leaders_on(unit, today).values("user_id")
        self.fields["signer"].queryset = User.objects.filter(pk__in=leaders)


def _unit(request, pk, action) -> Unit:
    return access.get_for_user(request.user, Unit, action, pk=pk)


def _term(request, pk) -> Leadership:
    return access.get_for_user(
        request.user, Leadership.objects.select_related("unit", "user"), "change", pk=pk
    )


@login_required
@require_GET
def leadership_list(request, pk):
    unit = _unit(request, pk, "view_people")
    today = timezone.localdate()
    rules = {
        rule.kind: rule
        for rule in SigningRule.objects.filter(unit=unit).select_related("signer")
    }
    signers = [
        {
            "kind": label,
            "rule": rules.get(kind),
            "signature": leadership.signature(unit, kind, today),
        }
        for kind, label in SigningKind.choices
    ]
    return render(
        request,
        "units/leadership.html",
        {
            "unit": unit,
            "terms": leadership.terms_of(unit),
            "signers": signers,
            "chair": leadership.chair_of(unit, today),
            "can_manage": access.can(request.user, "manage_leadership", unit),
            "term_form": TermForm(unit=unit, initial={"started_on": today}),
            "rule_form": RuleForm(
                unit=unit, initial={"body": leadership.default_body(unit)}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leadership_add(request, pk):
    unit = _unit(request, pk, "manage_leadership")
    form = TermForm(
        request.POST or None, unit=unit, initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        term = run_service(
            form,
            lambda: leadership.leadership_add(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if term:
            messages.success(request, _("The leadership term was recorded."))
            return redirect("units:leadership", pk=unit.pk)
    return render(
        request,
        "units/leadership_form.html",
        {"form": form, "unit": unit, "title": _("Record a leader")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def leadership_edit(request, pk):
    term = _term(request, pk)
    unit = term.unit
    form = TermForm(
        request.POST or None,
        unit=unit,
        extra_user=term.user,
        initial={
            "user": term.user_id,
            "position": term.position,
            "started_on": term.started_on,
            "ended_on": term.ended_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: leadership.leadership_edit(
                term=term, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The leadership term was saved."))
            return redirect("units:leadership", pk=unit.pk)
    return render(
        request,
        "units/leadership_form.html",
        {"form": form, "unit": unit, "title": _("Edit a leadership term")},
    )


@login_required
@require_POST
def leadership_end(request, pk):
    term = _term(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: leadership.leadership_end(
                term=term, actor=request.user, ended_on=form.cleaned_data["ended_on"]
            ),
        )
        if done:
            messages.success(request, _("The term was ended; it stays in the history."))
            return redirect("units:leadership", pk=term.unit_id)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("units:leadership", pk=term.unit_id)


@login_required
@require_POST
def signing_rule_set(request, pk):
    unit = _unit(request, pk, "manage_leadership")
    form = RuleForm(request.POST, unit=unit)
    if form.is_valid():
        done = run_service(
            form,
            lambda: leadership.signing_rule_set(
                unit=unit, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("Who signs was recorded."))
            return redirect("units:leadership", pk=unit.pk)
    return render(
        request,
        "units/leadership_form.html",
        {"form": form, "unit": unit, "title": _("Who signs")},
    )
