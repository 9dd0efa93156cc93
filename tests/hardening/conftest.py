"""Helpers of the hardening tests: API clients with real tokens."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create


def api_for(user, msp) -> HttpClient:
    """A test client sending a fresh personal API token of `user` in `msp`; a server error is answered
    as the 500 page (not raised), as a real client would see it."""
    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=user, msp=msp), name="hardening")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


@pytest.fixture
def api(tenant):
    return lambda role=Role.OWNER: api_for(tenant.users[role], tenant.msp)
