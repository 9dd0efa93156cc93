"""/api/v1/initiatives/: CRUD with ETag / If-Match, archive on DELETE, quarters as ISO dates with labels, links
validated in scope and for the same client, filters, roles."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.models import Activity, Membership
from msp.roles import Role
from msp.services import api_token_create
from roadmaps.choices import RoadmapActivity
from roadmaps.models import Initiative
from tests.roadmaps.conftest import create, d, recommendation, reload

pytestmark = pytest.mark.django_db

API = "/api/v1/initiatives/"
JSON = "application/json"


@pytest.fixture
def api(tenant):
    def _api(role=Role.VCIO, t=None) -> HttpClient:
        t = t or tenant
        with scopes_disabled():
            membership = Membership.objects.get(user=t.users[role], msp=t.msp)
            _, raw = api_token_create(membership=membership, name="tests")
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _api


def send(client, method, url, data=None, **headers):
    return getattr(client, method)(url, json.dumps(data) if data is not None else None, content_type=JSON, **headers)


def test_create_read_update_archive(tenant, july, api):
    rec = recommendation(tenant, "Offsite backups")
    c = api()
    response = send(c, "post", API, {
        "client": str(july.pk), "title": "Backup overhaul", "category": "continuity", "priority": "high",
        "start_quarter": "2026-10-01", "end_quarter": "2027-01-01", "owner": tenant.users[Role.VCIO].pk,
        "estimated_hours": "12.5", "recommendations": [str(rec.pk)], "objectives": [str(tenant.objective.pk)],
        "assets": [str(tenant.asset.pk)]})
    assert response.status_code == 201, response.content
    body = response.json()
    with scopes_disabled():
        initiative = Initiative.objects.get()
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/api/v1/initiatives/{initiative.pk}/")
    assert {k: body[k] for k in ("title", "status", "start_quarter", "start_quarter_label", "end_quarter",
                                 "end_quarter_label", "estimated_hours", "recommendations", "objectives", "assets",
                                 "version", "decided_at")} == {
        "title": "Backup overhaul", "status": "idea", "start_quarter": "2026-10-01",
        "start_quarter_label": "FY2027 Q2", "end_quarter": "2027-01-01", "end_quarter_label": "FY2027 Q3",
        "estimated_hours": "12.5", "recommendations": [str(rec.pk)], "objectives": [str(tenant.objective.pk)],
        "assets": [str(tenant.asset.pk)], "version": 1, "decided_at": None}

    got = c.get(f"{API}{initiative.pk}/")
    assert (got.status_code, got["ETag"], got.json()["title"]) == (200, '"1"', "Backup overhaul")

    url = f"{API}{initiative.pk}/"
    assert send(c, "patch", url, {"title": "x"}).status_code == 428
    assert send(c, "patch", url, {"title": "x"}, HTTP_IF_MATCH='"7"').status_code == 412
    response = send(c, "patch", url, {"status": "proposed", "proposal_amount": "4800.00", "assets": []},
                    HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert (response["ETag"], response.json()["status"], response.json()["assets"],
            response.json()["recommendations"]) == ('"2"', "proposed", [], [str(rec.pk)])
    with scopes_disabled():
        assert list(Activity.objects.filter(kind=RoadmapActivity.PROPOSAL_SENT).values_list("subject_id", flat=True)) \
            == [initiative.pk]

    # The start quarter alone: a one-quarter initiative has no end, and its end label is its start's.
    response = send(c, "patch", url, {"start_quarter": "2027-04-01", "end_quarter": None}, HTTP_IF_MATCH='"2"')
    assert (response.json()["start_quarter_label"], response.json()["end_quarter"],
            response.json()["end_quarter_label"]) == ("FY2027 Q4", None, "FY2027 Q4")

    assert c.delete(url, HTTP_IF_MATCH='"3"').status_code == 204
    assert reload(initiative).archived_at is not None
    assert c.get(API).json()["count"] == 0
    assert c.get(API, {"archived": "true"}).json()["count"] == 1


def test_quarters_and_links_are_checked(tenant, other_tenant, july, api):
    c = api()
    odd = send(c, "post", API, {"client": str(july.pk), "title": "Odd", "start_quarter": "2026-11-01"})
    assert odd.status_code == 400
    assert odd.json() == {"start_quarter": [
        "2026-11-01 is not the first day of a quarter of Alpha Dental’s fiscal year (which starts in July). "
        "Pick a quarter from the list."]}
    backwards = send(c, "post", API, {"client": str(july.pk), "title": "Backwards", "start_quarter": "2027-04-01",
                                      "end_quarter": "2027-01-01"})
    assert backwards.json() == {"end_quarter": ["The end quarter cannot come before the start quarter."]}
    sibling = recommendation(tenant, "Other client's", client=tenant.clients[1])
    wrong_client = send(c, "post", API, {"client": str(july.pk), "title": "x", "recommendations": [str(sibling.pk)]})
    assert wrong_client.status_code == 400
    assert wrong_client.json() == {"recommendations": [f"Recommendation {sibling.pk} belongs to another client."]}
    foreign = send(c, "post", API, {"client": str(july.pk), "title": "x", "assets": [str(other_tenant.asset.pk)],
                                    "owner": other_tenant.users[Role.VCIO].pk})
    assert foreign.status_code == 400
    assert foreign.json() == {
        "owner": [f"User {other_tenant.users[Role.VCIO].pk} is not an active staff member of your MSP."],
        "assets": [f'Invalid pk "{other_tenant.asset.pk}" - object does not exist.']}
    other_client = send(c, "post", API, {"client": str(other_tenant.clients[0].pk), "title": "x"})
    assert other_client.json() == {"client": [f'Invalid pk "{other_tenant.clients[0].pk}" - object does not exist.']}
    with scopes_disabled():
        assert not Initiative.objects.exists()


def test_an_initiative_stays_with_its_client(tenant, july, api):
    initiative = create(tenant, title="Backup overhaul")
    response = send(api(), "patch", f"{API}{initiative.pk}/", {"client": str(tenant.clients[1].pk)},
                    HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert response.json() == {"client": ["An initiative cannot move to another client."]}


def test_filters(tenant, july, api):
    create(tenant, title="Backlog idea")
    create(tenant, title="Q2 security", category="security", status="proposed", start_quarter=d("2026-10-01"),
           end_quarter=d("2027-01-01"))
    create(tenant, title="FY2028 cloud", category="cloud", start_quarter=d("2027-07-01"))
    create(tenant, title="Other client", client=tenant.clients[1], start_quarter=d("2027-01-01"))
    c = api(Role.VIEWER)

    def titles(**params):
        response = c.get(API, params)
        assert response.status_code == 200, response.content
        return [r["title"] for r in response.json()["results"]]

    assert titles(client=str(july.pk)) == ["Q2 security", "FY2028 cloud", "Backlog idea"]
    assert titles(status="proposed") == ["Q2 security"]
    assert titles(category=["security", "cloud"]) == ["Q2 security", "FY2028 cloud"]
    assert titles(backlog="true") == ["Backlog idea"]
    assert titles(client=str(july.pk), quarter_from="2027-02-15") == ["Q2 security", "FY2028 cloud"]
    assert titles(client=str(july.pk), quarter_from="2027-04-01") == ["FY2028 cloud"]
    assert titles(client=str(july.pk), quarter_to="2027-06-30") == ["Q2 security"]
    assert titles(quarter_from="2027-01-01", quarter_to="2027-03-31") == ["Q2 security", "Other client"]


def test_roles(tenant, july, api):
    initiative = create(tenant, title="Backup overhaul")
    for role in (Role.TAM, Role.VIEWER):
        c = api(role)
        assert c.get(f"{API}{initiative.pk}/").status_code == 200
        assert send(c, "post", API, {"client": str(july.pk), "title": "x"}).status_code == 403
        assert send(c, "patch", f"{API}{initiative.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1"').status_code == 403
        assert c.delete(f"{API}{initiative.pk}/").status_code == 403
    assert send(api(Role.OWNER), "patch", f"{API}{initiative.pk}/", {"title": "Owner's"},
                HTTP_IF_MATCH='"1"').status_code == 200
    portal = HttpClient()
    portal.force_login(tenant.users[Role.CLIENT], backend="django.contrib.auth.backends.ModelBackend")
    assert portal.get(API).status_code == 404


def test_another_msps_initiative_is_not_found(tenant, other_tenant, july, api):
    initiative = create(tenant, title="Backup overhaul")
    c = api(Role.OWNER, t=other_tenant)
    for method in ("get", "patch", "delete"):
        response = send(c, method, f"{API}{initiative.pk}/", {"title": "x"} if method == "patch" else None,
                        HTTP_IF_MATCH='"1"')
        assert response.status_code == 404, method
    assert c.get(f"{API}{uuid.uuid4()}/").status_code == 404
    assert c.get(API).json()["count"] == 0
    assert reload(initiative).title == "Backup overhaul"
