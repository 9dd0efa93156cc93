"""The client's business profile: edited on its page, kept in history, current when complete and reviewed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pghistory.models import Events

from clients import services
from clients.models import Client
from clients.profile import current_profile_filter, profile_status
from msp.roles import Role

pytestmark = pytest.mark.django_db

FULL = {"annual_revenue": "2400000.00", "revenue_streams": "Hygiene visits\nImplants",
        "most_profitable_stream": "Implants", "sales_goals": "Open a second practice by 2028",
        "average_customer_size": "$450 a visit", "market_position": "The family dentist of the lake shore"}


def url(client) -> str:
    return f"/clients/{client.pk}/business-profile/"


def test_the_vcio_fills_the_profile_and_marks_it_reviewed(tenant, login):
    client = tenant.clients[0]
    c = login(tenant.users[Role.VCIO])
    page = c.get(url(client)).content.decode()
    assert "Not current: 6 of 6 parts still to fill in; never reviewed with the client." in page
    response = c.post(url(client), {**FULL, "version": 1, "reviewed": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        saved = Client.objects.get(pk=client.pk)
    assert (saved.annual_revenue, saved.most_profitable_stream, saved.version) == (Decimal("2400000.00"),
                                                                                   "Implants", 2)
    assert saved.profile_reviewed_by == tenant.users[Role.VCIO]
    assert profile_status(saved).current is True
    assert "Current: complete and reviewed in the last 12 months." in c.get(url(client)).content.decode()
    detail = c.get(f"/clients/{client.pk}/").content.decode()
    assert "Business profile</a>: Current: complete and reviewed in the last 12 months." in detail
    # Kept in history like every client field.
    with scopes_disabled():
        event = Events.objects.references(saved).filter(pgh_model="clients.ClientEvent",
                                                        pgh_label="update").latest("pgh_created_at")
    assert event.pgh_diff["most_profitable_stream"] == ["", "Implants"]


def test_a_stale_save_and_bad_input_change_nothing(tenant, login):
    client = tenant.clients[0]
    c = login(tenant.users[Role.VCIO])
    c.post(url(client), {**FULL, "version": 1})
    stale = c.post(url(client), {**FULL, "most_profitable_stream": "Whitening", "version": 1})
    assert "changed by someone else while you were editing. Nothing was saved." in stale.content.decode()
    bad = c.post(url(client), {**FULL, "annual_revenue": "-5", "version": 2})
    assert bad.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in bad.content.decode()
    with scopes_disabled():
        saved = Client.objects.get(pk=client.pk)
    assert (saved.most_profitable_stream, saved.annual_revenue, saved.version) == (
        "Implants", Decimal("2400000.00"), 2)


def test_viewers_read_it_and_cannot_change_it(tenant, login):
    client = tenant.clients[0]
    viewer = login(tenant.users[Role.VIEWER])
    page = viewer.get(url(client)).content.decode()
    assert "Save profile" not in page
    assert viewer.post(url(client), {**FULL, "version": 1}).status_code == 403


def test_current_means_complete_and_reviewed_within_a_year(tenant):
    client, other = tenant.clients
    with scope(msp=tenant.msp):
        services.client_profile_update(client=client, actor=None, reviewed=True, **FULL)
        services.client_profile_update(client=other, actor=None, reviewed=True,
                                       **{**FULL, "market_position": "  "})
        assert list(Client.objects.filter(current_profile_filter()).values_list("name", flat=True)) == [client.name]
        later = timezone.now() + dt.timedelta(days=366)
        assert Client.objects.filter(current_profile_filter(now=later)).count() == 0
        assert profile_status(Client.objects.get(pk=other.pk)).words == (
            "Not current: 1 of 6 parts still to fill in.")
        stale = profile_status(Client.objects.get(pk=client.pk), now=later)
        assert stale.words == "Not current: last reviewed more than 12 months ago."
    with pytest.raises(Exception, match="Not part of the business profile: name."):
        with scope(msp=tenant.msp):
            services.client_profile_update(client=client, actor=None, name="Renamed")


def test_the_api_shows_and_changes_the_profile(tenant, login):
    client = tenant.clients[0]
    c = login(tenant.users[Role.VCIO])
    response = c.patch(f"/api/v1/clients/{client.pk}/", {"most_profitable_stream": "Implants"},
                       content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    body = response.json()
    assert (body["most_profitable_stream"], body["profile_reviewed_at"], body["annual_revenue"]) == (
        "Implants", None, None)
