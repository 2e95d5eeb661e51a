import copy

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.forms import BoundField

from units.models import Unit

register = template.Library()


@register.filter
def unit_field_label(name: str) -> str:
    """Return the translated label of a Unit field, for history lines."""
    try:
        return Unit._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


@register.filter
def lookup(mapping, key):
    """Return mapping[key], or an empty string."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def control(bound_field, extra: str = ""):
    """Render a form field's widget with Bootstrap classes, marked when invalid."""
    widget = bound_field.field.widget
    if getattr(widget, "input_type", None) == "checkbox":
        base = "form-check-input"
    elif isinstance(widget, forms.Select):
        base = "form-select form-select-sm"
    else:
        base = "form-control form-control-sm"
    classes = f"{base} {extra}".strip()
    if bound_field.errors:
        classes += " is-invalid"
    return bound_field.as_widget(attrs={"class": classes})


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def bound(form, name: str):
    """Return the bound field `name` of a form (for looping over field names)."""
    return form[name]


@register.filter
def needed(bound_field):
    """Return the field marked required if its form lists it in `needed_to_submit`.

    Such a field may be left empty in a draft, but the next step (submitting)
    refuses it empty: people should know that before they first save, not after.
    The copy only changes how the field is drawn; the form validates its own.
    """
    names = getattr(bound_field.form, "needed_to_submit", ())
    if bound_field.field.required or bound_field.name not in names:
        return bound_field
    field = copy.copy(bound_field.field)
    field.required = True
    return BoundField(bound_field.form, field, bound_field.name)
