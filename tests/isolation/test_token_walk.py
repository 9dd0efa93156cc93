"""A personal API token is an API credential and nothing more (docs/architecture.md, "API tokens").

Every route outside /api/ (pages, the portal, sign-in and account pages, the email, token and member
pages among them) is sent GET and POST, the POST with the body the owner's own form would send, with
the owner's valid token as `Authorization: Bearer` and no session. Each answer must be the anonymous
one (the sign-in page, 404, 405 or the same public page), and nothing in the database may change.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

from .harness import Report, page_body, victim_visit
from .routes import all_routes, fill
from .snapshot import changed, database_snapshot

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb"\b[A-Za-z0-9]{64}\b")  # a CSRF token (a form field, the htmx header): per visitor


def answer(response) -> tuple:
    """What a visitor learns from a response: status, where it sends them, and the page (CSRF aside)."""
    body = b"" if response.streaming else CSRF.sub(b"", response.content)
    return response.status_code, response.get("Location", ""), body


def test_an_api_token_is_anonymous_outside_the_api(world):
    routes = [r for r in all_routes() if not r.is_api]
    report = Report()
    visit = victim_visit(world, routes, report, public=True)
    assert report.problems == []
    assert "/accounts/email/" in visit.forms
    assert "/account/api-tokens/" in visit.forms
    assert "/workspace/members/" in visit.forms
    before = database_snapshot()
    token = HttpClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {world.owner_token}")
    anonymous = HttpClient(raise_request_exception=False)
    problems, checked = [], 0
    for route in routes:
        filled = fill(route, world)
        assert not filled.problem, filled.problem
        for method in ("get", "post"):
            body = page_body(route, filled.url, visit, world) if method == "post" else None
            args = (filled.url, body) if method == "post" else (filled.url,)
            with_token = getattr(token, method)(*args)
            without = getattr(anonymous, method)(*args)
            checked += 1
            if answer(with_token) != answer(without):
                problems.append(f"{method.upper()} {filled.url} ({route.name}): {with_token.status_code} "
                                f"{with_token.get('Location', '')} with the token, {without.status_code} "
                                f"{without.get('Location', '')} without")
            if with_token.status_code == 200 and method == "post" and not route.is_public:
                problems.append(f"POST {filled.url} ({route.name}): 200 with only a token")
    problems += [f"table changed: {t}" for t in changed(before, database_snapshot())]
    assert problems == [], "\n".join(problems)
    assert checked > 200
