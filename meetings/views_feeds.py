"""The calendar routes: a client's feed over the API, the private subscription address, and the page where
a staff member creates or revokes that address. Routed from msp/urls.py and msp/api_urls.py.

- `GET /api/v1/clients/{client_id}/calendar.ics` (API token or session; VIEW_CLIENTS): the client's feed.
- `GET /calendar/<key>.ics` (public; answers only to a live key, 404 otherwise): the person's feed.
- `/account/calendar/` (the person's own): create (or replace) and revoke the address.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers
from rest_framework.views import APIView

from clients.models import Client
from msp.permissions import public, require_perm
from msp.reauth import recent_login_required
from msp.roles import Perm
from msp.tenancy import get_in_scope

from . import feeds
from .models import CalendarFeed

ICS_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class ICalendarRenderer(renderers.BaseRenderer):
    """`text/calendar`: the feed's bytes as they are; an error (a dict) as JSON text."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data).encode()


class ClientCalendarView(APIView):
    """A client's meetings as a calendar to subscribe to."""

    read_perm = Perm.VIEW_CLIENTS
    # JSON first: errors (401, 404) reach a client that accepts anything as JSON.
    renderer_classes = [renderers.JSONRenderer, ICalendarRenderer]

    @extend_schema(
        summary="A client's meetings as a calendar feed",
        description="An iCalendar subscription feed (RFC 5545) of the client's meetings from half a year ago "
                    "onwards, cancelled ones left out: one event per meeting with a stable `UID`, no `METHOD`, "
                    "no attendees or RSVP, and `REFRESH-INTERVAL` / `X-PUBLISHED-TTL` of one hour.",
        responses={(200, "text/calendar"): OpenApiTypes.STR},
    )
    def get(self, request, client_id):
        client = get_in_scope(Client, pk=client_id)
        return _ics_response(feeds.client_feed_ics(client=client), filename="meetings.ics")


@public  # a calendar application sends no cookie; the key in the path is the only credential
@require_GET
def calendar_feed(request, key):
    body = feeds.calendar_feed_ics(key=key)
    if body is None:
        raise Http404
    response = _ics_response(body, filename="meetings.ics")
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_perm(Perm.USE_STAFF_AREA)
@recent_login_required
def calendar_feed_page(request):
    """Your private calendar address: create one (replacing the old), see when it was last fetched."""
    new_url = None
    if request.method == "POST":
        _, key = feeds.calendar_feed_create(msp=request.msp, user=request.user, actor=request.user)
        new_url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"key": key}))
    feed = feeds.calendar_feed_active(user=request.user)
    return render(request, "meetings/calendar_feed.html", {"feed": feed, "new_url": new_url})


@require_perm(Perm.USE_STAFF_AREA)
@require_POST
def calendar_feed_revoke(request, calendar_feed_id):
    feed = get_in_scope(CalendarFeed.objects.filter(user=request.user), pk=calendar_feed_id)
    try:
        feeds.calendar_feed_revoke(feed=feed, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Calendar address revoked: calendars subscribed to it get nothing from now on.")
    return redirect("calendar_feed_page")
