"""Every statement of a tenant's request is bounded by DATABASE_STATEMENT_TIMEOUT_MS: the database cancels a
statement that runs past it and the request answers 503 with the reason, having changed nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from clients.models import Client
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create


def _slow_before(table: str, seconds: float):
    """An execute wrapper that runs `pg_sleep` on the same connection just before the first statement that
    reads `table`: a query that takes long, inside the request's own transaction."""
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        if not state["done"] and table in sql:
            state["done"] = True
            execute(f"SELECT pg_sleep({seconds})", None, False, context)
        return execute(sql, params, many, context)

    return wrapper


def _bearer(tenant, role=Role.VCIO) -> HttpClient:
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[role], msp=tenant.msp)
        _token, raw = api_token_create(membership=membership, name="timeout test")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_a_page_whose_statement_runs_too_long_answers_503_and_changes_nothing(tenant, login, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 150
    c = login(tenant.users[Role.OWNER])
    client = tenant.clients[0]
    with connection.execute_wrapper(_slow_before('"clients_client"', 2)):
        response = c.post(f"/clients/{client.pk}/edit/", {"name": "Renamed while slow"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "That took too long" in response.content.decode()
    assert "nothing was changed" in response.content.decode()
    with scopes_disabled():
        assert Client.objects.get(pk=client.pk).name == "Alpha Dental"


@pytest.mark.django_db
def test_an_api_statement_that_runs_too_long_answers_503_json(tenant, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 150
    api = _bearer(tenant)
    with connection.execute_wrapper(_slow_before('"clients_client"', 2)):
        response = api.get("/api/v1/clients/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("This took longer than the server allows")


@pytest.mark.django_db
def test_within_the_bound_the_same_slow_statement_is_answered(tenant, login, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 5000
    c = login(tenant.users[Role.OWNER])
    with connection.execute_wrapper(_slow_before('"clients_client"', 0.3)):
        response = c.get("/clients/")
    assert response.status_code == 200
    assert b"Alpha Dental" in response.content


@pytest.mark.django_db
def test_the_bound_is_set_in_the_tenant_statement_of_the_request(tenant, login, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 1234
    c = login(tenant.users[Role.OWNER])
    seen = []

    def record(execute, sql, params, many, context):
        if "set_config('vcio.msp'" in sql:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert c.get("/clients/").status_code == 200
    # The first is the request's own (the second, inside this test's transaction, puts the test's back).
    assert "set_config('statement_timeout', %s, true)" in seen[0][0]
    assert seen[0][1][-1] == "1234ms"
