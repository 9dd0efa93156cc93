"""The frame around every page: styled 403, 404 and 500 pages with a way home, the favicon, a long MSP
name truncated in the top bar, and the searchable time-zone picker with the common zones first."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client as HttpClient

from msp.forms import COMMON_TIME_ZONES, time_zones_common_first
from msp.models import TIME_ZONES
from msp.roles import Role

pytestmark = pytest.mark.django_db


def test_403_is_a_page_of_the_product_with_a_way_home(tenant, login):
    response = login(tenant.users[Role.VCIO]).get("/workspace/settings/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1 class=\"h3\">This page is not open to you</h1>" in body
    assert "Your role in Alpha does not allow it." in body
    assert 'aria-label="Main"' in body  # the menu is there
    assert '<a class="btn btn-primary" href="/">' in body


def test_404_is_a_page_of_the_product(tenant, login):
    response = login(tenant.users[Role.VCIO]).get("/clients/00000000-0000-0000-0000-000000000000/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in body
    assert 'aria-label="Main"' in body
    anonymous = HttpClient().get("/no-such-page/")
    assert anonymous.status_code == 404
    assert "We could not find that page" in anonymous.content.decode()


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html


def test_favicon_on_every_page(tenant, login):
    body = login(tenant.users[Role.OWNER]).get("/clients/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg" type="image/svg\+xml">', body)


def test_a_long_msp_name_is_truncated_with_the_full_name_on_hover(tenant, login):
    long_name = "Northwind Managed Services and Strategic Technology Advisory Partners of the Greater Lakes " \
                "Region Inc"
    tenant.msp.name = long_name
    tenant.msp.save()
    body = login(tenant.users[Role.OWNER]).get("/clients/").content.decode()
    assert (f'<span class="navbar-text me-3 py-0 d-inline-block text-truncate msp-name" id="workspace-name" '
            f'title="{long_name}">{long_name}</span>') in body
    title = re.search(r"<title>(.*?)</title>", body).group(1)
    assert title == f"Clients · {long_name[:59]}…"


def test_time_zone_picker_offers_the_common_zones_first_and_refuses_unknown_ones(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    body = owner.get("/workspace/settings/").content.decode()
    assert 'list="time-zone-options"' in body
    offered = re.findall(r'<option value="([^"]+)"></option>', body.split('<datalist id="time-zone-options">')[1])
    assert offered[:len(COMMON_TIME_ZONES)] == COMMON_TIME_ZONES
    assert offered == time_zones_common_first()
    assert len(offered) == len(TIME_ZONES)
    data = {"name": "Alpha", "currency": "USD", "time_zone": "Mars/Olympus", "fiscal_year_start_month": 1,
            "version": tenant.msp.version}
    bad = owner.post("/workspace/settings/", data)
    assert bad.status_code == 200
    assert "“Mars/Olympus” is not a time zone we know" in bad.content.decode()
    tenant.msp.refresh_from_db()
    assert tenant.msp.time_zone == "UTC"
    assert owner.post("/workspace/settings/", {**data, "time_zone": "America/Chicago"}).status_code == 302
    tenant.msp.refresh_from_db()
    assert tenant.msp.time_zone == "America/Chicago"
