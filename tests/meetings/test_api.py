"""The meetings API: meetings (filters, create, If-Match, move by PATCH, actions), action items and touches."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import ActionItem, Meeting, Touch
from meetings.services import action_item_create, meeting_create
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create

pytestmark = pytest.mark.django_db


def api(tenant, role=Role.VCIO) -> APIClient:
    with scopes_disabled():
        membership = Membership.objects.get(msp=tenant.msp, user=tenant.users[role])
        _, secret = api_token_create(membership=membership, name="t")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return c


def plan(tenant, *, days=7, kind=MeetingKind.CHECK_IN, client=None):
    with scope(msp=tenant.msp):
        return meeting_create(msp=tenant.msp, actor=tenant.users[Role.VCIO], kind=kind,
                              client=client or tenant.clients[0],
                              starts_at=timezone.now().replace(microsecond=0) + timedelta(days=days),
                              attendees=[tenant.contact] if client is None else [], send_invitations=False)


def test_meetings_list_filters(tenant):
    qbr = plan(tenant, days=3, kind=MeetingKind.QBR)
    check_in = plan(tenant, days=30)
    other = plan(tenant, days=5, client=tenant.clients[1])
    c = api(tenant, Role.VIEWER)

    def ids(query: str) -> list[str]:
        response = c.get(f"/api/v1/meetings/?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [str(qbr.pk), str(other.pk), str(check_in.pk)]
    assert ids(f"client={tenant.clients[1].pk}") == [str(other.pk)]
    assert ids("kind=qbr&kind=check_in&client=" + str(tenant.clients[0].pk)) == [str(qbr.pk), str(check_in.pk)]
    assert ids("status=held") == []
    day = check_in.starts_at.astimezone(ZoneInfo(tenant.msp.time_zone)).date()
    assert ids(f"starts_from={day}") == [str(check_in.pk)]
    assert ids(f"starts_to={day - timedelta(days=1)}") == [str(qbr.pk), str(other.pk)]
    row = c.get(f"/api/v1/meetings/{qbr.pk}/").json()
    assert (row["kind"], row["status"], row["attendees"], row["sequence"], row["version"]) == (
        "qbr", "planned", [str(tenant.contact.pk)], 0, 1)


def test_create_patch_with_if_match_and_move(tenant, django_capture_on_commit_callbacks):
    c = api(tenant)
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    created = c.post("/api/v1/meetings/", {"client": str(tenant.clients[0].pk), "kind": "check_in",
                                           "starts_at": start.isoformat(), "attendees": [str(tenant.contact.pk)]},
                     format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["title"], body["duration_minutes"], body["attendees"], created["ETag"]) == (
        "Check-in: Alpha Dental", 30, [str(tenant.contact.pk)], '"1"')
    url = f"/api/v1/meetings/{body['id']}/"
    assert c.patch(url, {"location": "Here"}, format="json").status_code == 428
    assert c.patch(url, {"location": "Here"}, format="json", HTTP_IF_MATCH='"7"').status_code == 412
    changed = c.patch(url, {"location": "Here"}, format="json", HTTP_IF_MATCH='"1"')
    assert (changed.status_code, changed.json()["location"], changed["ETag"]) == (200, "Here", '"2"')

    later = start + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        moved = c.patch(url, {"starts_at": later.isoformat()}, format="json", HTTP_IF_MATCH='"2"')
    assert moved.status_code == 200
    with scopes_disabled():
        meeting = Meeting.objects.get(pk=body["id"])
    assert (meeting.starts_at, meeting.sequence, meeting.version) == (later, 2, 3)
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@alpha-client.test", "vcio@alpha.test"]

    foreign = c.patch(url, {"attendees": [str(tenant.clients[1].pk)]}, format="json", HTTP_IF_MATCH='"3"')
    assert foreign.status_code == 400
    assert c.delete(url).status_code == 405

    cancelled = c.post(f"{url}cancel/", {"reason": "Holiday"}, format="json")
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "Holiday")
    assert c.post(f"{url}cancel/", {}, format="json").json() == {
        "status": ["A cancelled meeting cannot be cancelled."]}


def test_build_agenda_and_send(tenant, django_capture_on_commit_callbacks):
    meeting = plan(tenant)
    with scope(msp=tenant.msp):
        action_item_create(actor=None, client=tenant.clients[0], text="Renew the domain", source="other")
    c = api(tenant)
    built = c.post(f"/api/v1/meetings/{meeting.pk}/build-agenda/", {"source": "template"}, format="json")
    assert built.status_code == 200
    assert built.json()["agenda"] == "\n".join([
        "1. How things are going", "   - Service since our last meeting", "2. Anything new",
        "   - Plans, concerns, questions", "3. Open action items", "   - Renew the domain (no owner yet)"])
    assert c.post(f"/api/v1/meetings/{meeting.pk}/build-agenda/", {}, format="json",
                  HTTP_IF_MATCH='"1"').status_code == 412
    records = c.post(f"/api/v1/meetings/{meeting.pk}/build-agenda/", {}, format="json")
    assert records.json()["agenda"].startswith("1. Your business goals and their progress\n")
    with django_capture_on_commit_callbacks(execute=True):
        sent = c.post(f"/api/v1/meetings/{meeting.pk}/send/")
    assert sent.status_code == 200
    assert len(mail.outbox) == 2
    assert "Renew the domain" in mail.outbox[0].body
    assert api(tenant, Role.TAM).post(f"/api/v1/meetings/{meeting.pk}/send/").status_code == 403


def test_action_items_and_touches(tenant, other_tenant):
    meeting = plan(tenant)
    c = api(tenant)
    vcio = tenant.users[Role.VCIO]
    created = c.post("/api/v1/action-items/", {"meeting": str(meeting.pk), "text": "Order laptops",
                                               "owner": vcio.pk, "due_on": "2020-02-01"}, format="json")
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["client"], item["source"], item["status"], item["owner"]) == (
        str(tenant.clients[0].pk), "meeting", "open", vcio.pk)
    both = c.post("/api/v1/action-items/", {"meeting": str(meeting.pk), "text": "x", "owner": vcio.pk,
                                            "owner_contact": str(tenant.contact.pk)}, format="json")
    assert both.json() == {"owner": ["Choose one owner: a staff member or a client contact."]}
    assert [r["id"] for r in c.get("/api/v1/action-items/?overdue=true").json()["results"]] == [item["id"]]
    done = c.patch(f"/api/v1/action-items/{item['id']}/", {"status": "done"}, format="json", HTTP_IF_MATCH='"1"')
    assert (done.json()["status"], done.json()["done_at"] is not None) == ("done", True)
    assert c.get("/api/v1/action-items/?overdue=true").json()["results"] == []
    with scopes_disabled():
        assert ActionItem.objects.get(pk=item["id"]).version == 2

    at = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    touch = c.post("/api/v1/touches/", {"client": str(tenant.clients[0].pk), "kind": "call",
                                        "at": at.isoformat(), "note": "Quarter check"}, format="json")
    assert touch.status_code == 201, touch.json()
    assert (touch.json()["by"], touch.json()["kind"]) == (vcio.pk, "call")
    assert c.post("/api/v1/touches/", {"client": str(tenant.clients[0].pk), "kind": "call",
                                       "at": (timezone.now() + timedelta(days=1)).isoformat()},
                  format="json").json() == {"at": ["A touch is logged once it has happened."]}
    assert [r["note"] for r in c.get(f"/api/v1/touches/?client={tenant.clients[0].pk}").json()["results"]] == [
        "Quarter check"]
    with scopes_disabled():
        assert Touch.objects.filter(msp=tenant.msp).count() == 1

    theirs = plan(other_tenant)
    assert c.get(f"/api/v1/meetings/{theirs.pk}/").status_code == 404
    assert c.post(f"/api/v1/meetings/{theirs.pk}/build-agenda/", {}, format="json").status_code == 404
    assert c.post("/api/v1/action-items/", {"meeting": str(theirs.pk), "text": "x"},
                  format="json").status_code == 400
    with scopes_disabled():
        assert Meeting.objects.get(pk=theirs.pk).status == MeetingStatus.PLANNED
