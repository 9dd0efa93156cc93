"""Template helpers: Bootstrap classes for form widgets, money formatting, role checks."""

from __future__ import annotations

from decimal import Decimal

from django import template

from msp.money import format_money
from msp.roles import can as role_can

register = template.Library()


@register.filter
def widget(field):
    """Render a bound field's widget with the Bootstrap class its type needs."""
    input_type = getattr(field.field.widget, "input_type", None)
    name = field.field.widget.__class__.__name__
    if input_type in {"checkbox", "radio"}:
        css = "form-check-input"
    elif name in {"Select", "SelectMultiple", "NullBooleanSelect"}:
        css = "form-select"
    elif input_type == "file":
        css = "form-control"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


@register.filter
def money(value, currency: str = "USD"):
    if value is None or value == "":
        return "—"
    return format_money(Decimal(value), currency)


@register.simple_tag(takes_context=True)
def can(context, perm: str) -> bool:
    request = context.get("request")
    return role_can(getattr(request, "role", None), perm)
