"""Template helpers: Bootstrap classes for form widgets, money formatting, role checks, and the one visual
language of statuses and scores (msp/look.py)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from msp.look import BAND_INK, BAND_LABELS, BAND_TONES, STATUSES, TONES, band_badge, score_band, status_look
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


@register.simple_tag
def status_badge(status: str, label: str = "", extra: str = ""):
    """`{% status_badge initiative.status initiative.get_status_display %}`: the status's badge, the same
    colour and icon on every page (msp/look.py)."""
    tone, icon = status_look(status)
    return format_html('<span class="badge {} status-badge tone-{}{}" data-status="{}"><i class="bi bi-{}" '
                       'aria-hidden="true"></i> {}</span>', tone.badge, tone.name, f" {extra}" if extra else "",
                       status, icon, label or str(status).replace("_", " ").capitalize())


@register.filter(name="score_band")
def score_band_filter(value) -> str:
    """`{{ score|score_band }}`: green, amber, red or none by settings.SCORE_BANDS."""
    return score_band(value)


@register.simple_tag
def rating_badge(band: str, label: str = ""):
    """A red/amber/green badge for a band or a scorecard rating ("none" shows nothing)."""
    if band not in BAND_TONES or band == "none":
        return ""
    tone = TONES[BAND_TONES[band]]
    return format_html('<span class="badge {} rag-badge rag-{}" data-band="{}">{}</span>', tone.badge, band, band,
                       label or BAND_LABELS[band])


@register.filter
def tone_badge(status: str) -> str:
    """The badge classes of a status, for a badge that carries more than a label (a title, an id)."""
    return status_look(status)[0].badge


register.filter("band_badge", band_badge)  # the badge classes of a band or scorecard rating


@register.inclusion_tag("reports/includes/look_css.html")
def look_css() -> dict:
    """The status and score colours as CSS for the client PDFs, from the same map the pages use:
    `.status-<word>` (a coloured left edge), `.chip-<word>` (a filled label), `.rag-<band>` (score ink) and
    `.chip-band-<band>`."""
    return {"statuses": [(word, TONES[tone]) for word, (tone, _icon) in STATUSES.items()],
            "bands": [(band, ink, TONES[BAND_TONES[band]]) for band, ink in BAND_INK.items()]}


@register.filter
def score_band_label(value) -> str:
    """"Good", "Fair", "Needs attention" or "No score" for a 0-100 score."""
    return BAND_LABELS[score_band(value)]
