"""QuickSelect writes the same select as Django's template-rendered one, escaped."""

import re

from django import forms

from units.forms import QuickSelect, offer_units, quick_selects

CHOICES = [
    ("", "all"),
    ("x", "X <b>&"),
    ("<Group>", [("g1", "G1"), ("g2", 'G"2 <script>')]),
]


class Both(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)


def normalised(html: str, name: str) -> str:
    html = re.sub(r">\s+<", "><", " ".join(html.split()))
    return html.replace(f'name="{name}" id="id_{name}"', "NAME")


def test_quick_select_writes_what_the_template_writes():
    form = Both({"plain": "g2", "quick": "g2"})
    plain, quick = str(form["plain"]), str(form["quick"])
    assert normalised(plain, "plain") == normalised(quick, "quick")
    assert "<script>" not in quick and "&lt;script&gt;" in quick
    assert 'label="&lt;Group&gt;"' in quick
    assert '<option value="g2" selected>' in quick


def test_quick_selects_swaps_plain_selects_only():
    class Filters(forms.Form):
        status = forms.ChoiceField(choices=CHOICES, required=False)
        many = forms.MultipleChoiceField(choices=CHOICES[:2], required=False)

    form = Filters()
    quick_selects(form)
    assert isinstance(form.fields["status"].widget, QuickSelect)
    assert not isinstance(form.fields["many"].widget, QuickSelect)
    assert 'value="x"' in str(form["status"])


def test_offered_units_are_read_only_when_shown(tree, django_assert_num_queries):
    from units.models import Unit

    class Filters(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)

    form = Filters({"unit": ""})
    with django_assert_num_queries(0):
        offer_units(form, "unit", Unit.objects.order_by("path"))
        form.is_valid()
    with django_assert_num_queries(1):
        html = str(form["unit"]) + str(form["unit"])
    assert "Tổng Liên đoàn Lao động Việt Nam" in html
