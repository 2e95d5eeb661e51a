"""A link from a record's page to its entries in the audit log, shown to the
people who may read them (the administrators of its unit or above)."""

from django import template

from audit.selectors import history_url, unit_log_url

register = template.Library()


@register.inclusion_tag("audit/history_link.html", takes_context=True)
def audit_history(context, obj, unit):
    """The record's own entries."""
    return {"url": history_url(context["request"].user, obj, unit), "unit": False}


@register.inclusion_tag("audit/history_link.html", takes_context=True)
def audit_unit_log(context, unit):
    """Everything logged in the unit and the units below it."""
    return {"url": unit_log_url(context["request"].user, unit), "unit": True}
