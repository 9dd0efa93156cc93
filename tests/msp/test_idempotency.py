"""Idempotency-Key on API writes (msp.idempotency): twenty parallel POSTs with one key against a real server make
one contact and twenty identical answers; the same key with another body is a 422; keys are bounded."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from django_scopes import scopes_disabled

from clients.models import Contact
from msp.idempotency import idempotency_keys_expire
from msp.models import IdempotencyKey, Membership
from msp.roles import Role
from msp.services import api_token_create
from msp.tenancy import tenant_scope
from tests.conftest import build_tenant

API = "/api/v1"


def token_for(user, msp) -> str:
    with scopes_disabled():
        membership = Membership.objects.get(user=user, msp=msp, removed_at__isnull=True)
        return api_token_create(membership=membership, name="idempotency")[1]


def _post(url: str, token: str, body: dict, key: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (the test server)
            return response.status, json.loads(response.read()), response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), ""


def test_twenty_parallel_posts_with_one_key_make_one_contact(live_server):
    tenant = build_tenant("Idem", "idem")
    token = token_for(tenant.users[Role.VCIO], tenant.msp)
    client = tenant.clients[1]
    body = {"client": str(client.pk), "name": "Pat Parallel", "email": "pat@idem.test"}
    url = f"{live_server.url}{API}/contacts/"
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: _post(url, token, body, "create-pat-1"), range(20)))

    with scopes_disabled():
        contacts = list(Contact.objects.filter(client=client, name="Pat Parallel"))
        stored = IdempotencyKey.objects.get(msp=tenant.msp, key="create-pat-1")
    assert len(contacts) == 1
    assert {status for status, _, _ in answers} == {201}
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][1]["id"] == str(contacts[0].pk)
    assert answers[0][2] == f"{live_server.url}/api/v1/contacts/{contacts[0].pk}/"
    assert (stored.user_id, stored.status_code) == (tenant.users[Role.VCIO].pk, 201)

    # The same key with another body: refused, nothing made.
    status, problem, _ = _post(url, token, {**body, "name": "Someone Else"}, "create-pat-1")
    assert (status, problem) == (422, {"detail": "This Idempotency-Key was used with another request in the last "
                                                 "24 hours; use a new key for a new request."})
    with scopes_disabled():
        assert not Contact.objects.filter(name="Someone Else").exists()


@pytest.fixture
def api(tenant):
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {token_for(tenant.users[Role.VCIO], tenant.msp)}")


def test_replays_keys_bounds_and_expiry(tenant, other_tenant, api):
    body = {"client": str(tenant.clients[0].pk), "name": "Rae Replay"}
    first = api.post(f"{API}/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(f"{API}/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (again["ETag"], again["Location"], again["Idempotent-Replayed"]) == (
        first["ETag"], first["Location"], "true")
    assert not first.has_header("Idempotent-Replayed")
    # A refused request is remembered too: the replay is the same 400.
    bad = {"client": str(tenant.clients[0].pk), "name": ""}
    refused = [api.post(f"{API}/contacts/", bad, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
               for _ in range(2)]
    assert [r.status_code for r in refused] == [400, 400]
    assert refused[0].json() == refused[1].json()
    # Bounds: 1-255 visible ASCII characters.
    for key in ("", "x" * 256, "has space", "é"):
        response = api.post(f"{API}/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400, key
        assert response.json() == {"Idempotency-Key": [
            "An Idempotency-Key is 1 to 255 visible ASCII characters (letters, digits, punctuation), such as a "
            "UUID."]}
    assert api.post(f"{API}/contacts/", {**body, "name": "Max Key"}, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="x" * 255).status_code == 201
    with scopes_disabled():
        assert Contact.objects.filter(name="Rae Replay").count() == 1
        # Another person's key of the same text is theirs.
        assert IdempotencyKey.objects.filter(key="k-1").count() == 1

    # After 24 hours the key is forgotten (the hourly cleanup deletes it; a late replay is a new request).
    with scopes_disabled():
        IdempotencyKey.objects.filter(key="k-1").update(created_at=timezone.now() - timedelta(hours=25))
    with tenant_scope(tenant.msp):
        assert idempotency_keys_expire(msp_id=tenant.msp.pk) == 1
    with tenant_scope(other_tenant.msp):
        assert idempotency_keys_expire(msp_id=other_tenant.msp.pk) == 0
    late = api.post(f"{API}/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert late.status_code == 201
    with scopes_disabled():
        assert Contact.objects.filter(name="Rae Replay").count() == 2


def test_the_schema_documents_the_header(client):
    schema = client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/contacts/"]["post"]
    assert {"in": "header", "name": "Idempotency-Key", "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255}} == {
        k: v for k, v in next(p for p in post["parameters"] if p["name"] == "Idempotency-Key").items()
        if k != "description"}
    assert not any(p["name"] == "Idempotency-Key" for p in schema["paths"]["/api/v1/contacts/"]["get"].get(
        "parameters", []))
