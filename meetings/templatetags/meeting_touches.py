"""`{% client_touches client %}`: the client page's unique-touch panel (this month against the cadence, the
latest touches, and the form that logs one). A template tag, so the clients app's page shows it without
its Python code knowing the meetings app."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from msp.roles import Perm, can

from ..forms_home import TouchLogForm
from ..models import Touch
from ..selectors import client_touches_in_month

register = template.Library()
RECENT = 5


@register.inclusion_tag("meetings/includes/client_touches.html", takes_context=True)
def client_touches(context, client):
    request = context["request"]
    today = timezone.now().astimezone(ZoneInfo(request.msp.time_zone)).date()
    done = client_touches_in_month(client=client, year=today.year, month=today.month)
    due = client.cadence.touches_per_month
    return {
        "client": client, "request": request, "csrf_token": context.get("csrf_token"),
        "due": due, "done": done, "remaining": max(due - done, 0), "month": f"{today:%B}",
        "recent": Touch.objects.filter(client=client).select_related("by", "contact")[:RECENT],
        "can_log": can(request.role, Perm.EDIT_CLIENTS) and not client.is_archived,
        "form": TouchLogForm(client=client),
        # The client page has listed the contacts already; reuse its list rather than ask again.
        "contacts": context.get("contacts") if context.get("contacts") is not None
        else TouchLogForm(client=client).fields["contact"].queryset,
    }
