"""The vCIO's home (what `/` shows a vCIO or a TAM) and logging a unique touch from the client page.

`msp.views.home` decides by role and calls `vcio_home_page`; every line of the home links to the page where
that piece of work is done.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from .forms_home import TouchLogForm
from .models import ActionItem, Meeting
from .selectors_home import vcio_home
from .services import touch_log


def meeting_url(meeting: Meeting) -> str:
    """Where a meeting is prepared and recorded: its page."""
    return reverse("meeting_detail", kwargs={"meeting_id": meeting.pk})


def action_item_url(item: ActionItem) -> str:
    """Where an action item is worked on: its edit page."""
    return reverse("action_item_edit", kwargs={"action_item_id": item.pk})


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def vcio_home_page(request):
    home = vcio_home(msp=request.msp, user=request.user, role=request.role)
    for m in [*home.coming, *home.missed.items]:
        m.url = meeting_url(m)
    for item in home.overdue.items:
        item.url = action_item_url(item)
    return render(request, "meetings/home.html", {"home": home})


@require_perm(Perm.EDIT_CLIENTS)
@require_POST
def touch_log_view(request, client_id):
    """POST `kind` (call, email, visit, video), optional `on` (a date, not in the future), `contact`, `note`."""
    client = get_in_scope(Client, pk=client_id)
    back = reverse("client_detail", kwargs={"client_id": client.pk}) + "#touches"
    form = TouchLogForm(request.POST, client=client)
    if not form.is_valid():
        problems = [f"{form.fields[name].label if name in form.fields else 'Touch'}: {' '.join(errs)}"
                    for name, errs in form.errors.items()]
        messages.error(request, "Nothing was logged. " + " ".join(problems))
        return redirect(back)
    data = form.cleaned_data
    zone = ZoneInfo(request.msp.time_zone)
    at = None
    if data["on"] and data["on"] != timezone.now().astimezone(zone).date():
        at = datetime.combine(data["on"], time(12), tzinfo=zone)
    try:
        touch = touch_log(client=client, actor=request.user, kind=data["kind"], at=at, contact=data["contact"],
                          note=data["note"].strip())
    except ValidationError as exc:
        messages.error(request, "Nothing was logged. " + " ".join(exc.messages))
        return redirect(back)
    messages.success(request, f"{touch.get_kind_display()} with {client.name} logged.")
    return redirect(back)
