"""Schemathesis over the whole API, with real tokens of the four staff roles: bounded, derandomized examples of
every operation (valid and invalid input) and every check on. No answer may be a server error, break the
schema, or carry a status code the schema does not list.

`positive_data_acceptance` expects a schema-valid request to be accepted. The API's rules go past what a
schema states (a client id must be one of your MSP's clients, names are unique, a question ends with a
question mark; a write needs a current If-Match; an Idempotency-Key is bound to its first body), so besides
its default statuses a schema-valid request may also be refused with the documented 400, 412, 422 or 428,
each with the field and the reason (with the default statuses alone, 17 of the 129 operations fail it here:
15 with a 400 naming a rule the schema cannot state, 2 with a 412 for an If-Match that is not current)."""

from __future__ import annotations

import itertools
import json
import uuid

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from msp.roles import Role

from .conftest import api_for

CONFIG = schemathesis.config.SchemathesisConfig.from_dict({
    "seed": 20260401,
    "generation": {"max-examples": 3, "mode": "all"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428", "429"]}},
})
ROLES = (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER)
# Each example goes out with the next role's token in turn, so every operation meets several roles.
_NEXT_ROLE = itertools.cycle(ROLES)


def served_schema():
    """The schema /api/schema/ serves, generated in-process (no request or database needed)."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(spec)), config=CONFIG)
    loaded.app = get_wsgi_application()  # requests go straight into Django's WSGI handler
    return loaded


schema = served_schema()


@pytest.fixture
def tokens(tenant):
    """The Authorization header of a real token of each staff role of the seeded MSP. As in Django's test
    client, a finished request does not close the connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {role: api_for(tenant.users[role], tenant.msp).defaults["HTTP_AUTHORIZATION"] for role in ROLES}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(tenant):
    """Ids of the seeded MSP's records by collection, so that part of the examples reach real records."""
    return {"clients": tenant.clients[0].pk, "contacts": tenant.contact.pk, "objectives": tenant.objective.pk,
            "assets": tenant.asset.pk}


def with_seeded_ids(case, seeded) -> None:
    """Every other generated UUID in the path (by its parity, so derandomized runs stay the same) becomes
    the id of a seeded record of that collection; the rest stay random and meet a 404."""
    collection = case.path.split("/")[3]
    for name, value in (case.path_parameters or {}).items():
        try:
            even = uuid.UUID(str(value)).int % 2 == 0
        except ValueError:
            continue
        target = "clients" if name == "client_id" else collection
        if even and target in seeded:
            case.path_parameters[name] = str(seeded[target])


@schema.parametrize()
@hypothesis_settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema(case, tokens, seeded):
    with_seeded_ids(case, seeded)
    case.call_and_validate(headers={"Authorization": tokens[next(_NEXT_ROLE)]})
