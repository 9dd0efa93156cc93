"""Under the Content-Security-Policy (no inline script or style), Chromium reports no violation on the pages
before signing in (the walk, tests/e2e/test_walk.py, checks every signed-in page of every role), the recorder
sees a violation when there is one, and the behaviour moved to static/js still works (a confirm before
archiving, a progress bar width, the roadmap board's grid)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from alignment import services as alignment_services
from msp.roles import Role
from roadmaps import services as roadmap_services
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation is reported on the console ("Refused to apply inline style ...") and as an event.
RECORD = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture
def world(tenant):
    with scopes_disabled():
        backup = f.CategoryFactory(msp=tenant.msp, name="Backup", position=1)
        f.StandardFactory(category=backup, name="Offsite copy", priority="high",
                          question="Is a copy of every backup kept off site?")
    client = tenant.clients[0]
    with scope(msp=tenant.msp):
        review = alignment_services.review_schedule(
            client=client, actor=tenant.users[Role.VCIO], title="Spring review", scheduled_for=dt.date(2026, 4, 2),
            tam=tenant.users[Role.TAM])
        today = dt.datetime.now(tz=dt.UTC).date()
        start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = dt.date(start.year + start.month // 10, (start.month + 2) % 12 + 1, 1)
        roadmap_services.initiative_create(client=client, actor=tenant.users[Role.VCIO], title="Backup overhaul",
                                           start_quarter=start, end_quarter=end)
    return {"client": client, "review": review}


# Every signed-in page of every role is walked under the policy by tests/e2e/test_walk.py; these are the
# pages before signing in.
SIGNED_OUT = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/api/docs/"]


def open_as(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 850})
    context.set_default_timeout(15000)
    if user is not None:
        c = HttpClient()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": c.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    context.add_init_script(RECORD)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{page.url}: {m.text}") if (
        "Content Security Policy" in m.text or "Content-Security-Policy" in m.text) else None)
    return context, page, messages


def test_no_signed_out_page_violates_the_policy(browser, live_server, db):
    violations = []
    context, page, messages = open_as(browser, live_server, None)
    for url in SIGNED_OUT:
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        violations += [f"{url}: {e}" for e in page.evaluate("window.__csp")]
    violations += messages
    context.close()
    assert violations == []


def test_the_recorder_sees_a_violation(browser, live_server, db):
    context, page, messages = open_as(browser, live_server, None)
    page.goto("/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    for _ in range(50):  # the event is queued; poll from here (a polling predicate would need eval)
        if page.evaluate("window.__csp.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__csp")[0].startswith("style-src-attr inline")
    assert any("Applying inline style violates the following Content Security Policy" in m for m in messages)
    context.close()


def test_moved_behaviour_still_works(browser, live_server, tenant, world):
    context, page, messages = open_as(browser, live_server, tenant.users[Role.VCIO])
    page.goto(f"/roadmaps/client/{world['client'].pk}/")
    card = page.locator("article.rm-card", has_text="Backup overhaul")
    assert card.evaluate("e => getComputedStyle(e).gridColumnEnd") == "span 2"
    columns = page.locator(".rm-grid").evaluate("e => getComputedStyle(e).getPropertyValue('--rm-quarters')")
    assert columns.strip() == "12"

    page.goto(f"/clients/{world['client'].pk}/")
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator(f"form[data-confirm^='Archive {world['client'].name}?'] button").click()
    page.wait_for_load_state("networkidle")
    assert asked == [f"Archive {world['client'].name}? It leaves the client list; you can restore it later."]
    assert page.url.endswith(f"/clients/{world['client'].pk}/")  # dismissed: nothing was archived
    with scopes_disabled():
        world["client"].refresh_from_db()
        assert world["client"].archived_at is None
    assert messages == []
    context.close()
