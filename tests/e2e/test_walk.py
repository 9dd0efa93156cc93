"""Every page of every role, on the demo data, at 1280, 1024 and 768 px: nothing sticks out sideways,
axe-core finds no serious or critical violation (docs/ui.md), and Chromium reports no violation of the
Content-Security-Policy (no inline script or style; docs/operations.md).

The pages come from the URL configuration (the isolation harness's route list), each placeholder filled
with a real row of the demo MSP, so a new page joins the walk by itself. A page route the walk cannot
open is named in SKIP with the reason, and a stale entry fails the test. Each route is requested once
with the Django test client first: downloads, feeds and other non-HTML answers leave the walk there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from alignment.models import Answer, Evidence, Review
from clients.demo import PORTAL_CLIENT, PORTAL_EMAIL
from clients.models import Asset, Client, Contact
from meetings.feeds import calendar_feed_create
from meetings.models import Meeting, QuestionnaireStatement
from msp.brand import logo_clean
from msp.models import ApiToken, Job, Membership, Msp, User
from msp.roles import Role
from msp.services import api_token_create, invitation_create, msp_update
from msp.tenancy import SESSION_KEY
from roadmaps.models import Initiative
from surveys.models import SurveyCampaign
from tests.brand_images import image_bytes
from tests.conftest import confirm_password
from tests.e2e.test_content_security_policy import RECORD as CSP_RECORD
from tests.isolation.routes import FIXED_PLACEHOLDERS, Route, all_routes, placeholder_label
from tests.isolation.world import PNG, client_path_of, project_models

WIDTHS = (1280, 1024, 768)
HEIGHT = 900
ROLES = (("owner", "owner@demo.test"), ("vcio", "vcio@demo.test"), ("tam", "tam@demo.test"),
         ("viewer", "viewer@demo.test"), ("portal", PORTAL_EMAIL))
SERIOUS = {"serious", "critical"}
AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']})"
# The elements that stick out of the window, inside no box that clips or scrolls them (an absolutely placed
# element escapes every such box up to its containing block).
STICKING_OUT = """() => [...document.querySelectorAll('body *')].filter(e => {
        if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
        let pos = getComputedStyle(e).position;
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            const escapes = pos === 'fixed' || (pos === 'absolute' && style.position === 'static');
            if (!escapes && style.overflowX !== 'visible') return false;
            if (!escapes) pos = style.position;
        }
        return true;
    }).slice(0, 6).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.id ? '#' + e.id : ''} `
                            + `right=${Math.round(e.getBoundingClientRect().right)}`)"""
# What axe reads of a page's own content: <main> without its per-request CSRF tokens. Two roles that get the
# very same main content (and the same base page around it) get the same findings, so axe runs once for it.
MAIN_MARKUP = """() => { const m = document.querySelector('main').cloneNode(true);
    m.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(i => i.remove()); return m.innerHTML; }"""

# Page routes the walk does not open, each with the reason. A name that is no page route fails the test.
SKIP: dict[str, str] = {
    "job_download": "a file download, not a page (tests/msp/test_export.py downloads an export)",
}
# Query strings a page needs to be more than a 404, by route name.
QUERY = {"survey_drilldown": lambda objects: f"?year={objects['surveys.SurveyCampaign'].year}"}

# Long names, so every list and detail page that shows them has to truncate or wrap them.
LONG_CLIENT = "Lakeshore Family Dental and Orthodontic Associates of the Greater Milwaukee Metropolitan Area"
LONG_ASSET = "LFD-RECEPTION-WORKSTATION-FRONT-DESK-LEFT-WINDOWS-11-PRO-DELL-OPTIPLEX-7090-MICRO-TOWER"
LONG_INITIATIVE = "Replace the end-of-support reception and operatory workstations with managed Windows 11 devices"
LONG_CONTACT = "Karen Elizabeth Whitfield-Montgomery-Abernathy"


@dataclass
class Walked:
    pages: int = 0
    failures: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    checked: set = field(default_factory=set)  # main content axe has already checked
    roles_checked: set = field(default_factory=set)


def _seed() -> tuple[Msp, Client]:
    """The demo, long names on the portal client, and one row of each kind the demo does not make."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        msp = Msp.objects.get(slug="demo")
        owner, vcio = User.objects.get(email="owner@demo.test"), User.objects.get(email="vcio@demo.test")
        client = Client.objects.get(msp=msp, name=PORTAL_CLIENT)
        Client.objects.filter(pk=client.pk).update(name=LONG_CLIENT)
        Asset.objects.filter(pk=Asset.objects.filter(client=client).order_by("name").first().pk).update(
            name=LONG_ASSET)
        Initiative.objects.filter(pk=Initiative.objects.filter(client=client).order_by("title").first().pk).update(
            title=LONG_INITIATIVE)
        Contact.objects.filter(client=client, email=PORTAL_EMAIL).update(name=LONG_CONTACT)
        client.refresh_from_db()
        invitation_create(msp=msp, email="new.tam@demo.test", role=Role.TAM, actor=owner)
        # The MSP's brand, so the portal's top bar, the logo routes and the accent are walked too.
        msp = msp_update(msp=msp, actor=owner, logo=logo_clean(image_bytes(240, 80)), accent_color="#7a2e8e")
        for user in (owner, vcio):
            api_token_create(membership=Membership.objects.get(msp=msp, user=user), name="PSA sync")
            calendar_feed_create(msp=msp, user=user, actor=user)
        Job.objects.create(msp=msp, kind="asset_import", title="Import lakeshore-assets.csv", created_by=owner,
                           payload={"text": "name\nFront desk\n"}, result={"created": 1}, message="Checked 1 of 1 rows",
                           subject_id=client.pk, subject_label=client.name, subject_url=f"/clients/{client.pk}/")
        answer = Answer.objects.filter(review__client=client, review__status="in_progress").order_by("pk").first()
        Evidence.objects.create(msp=msp, answer=answer, content_type="image/png", size=len(PNG),
                                original_name="rack.png", image=ContentFile(PNG, name="rack.png"))
        QuestionnaireStatement.objects.create(msp=msp, text="We test restoring our backups every quarter",
                                              service="Backup and recovery")
    return msp, client


def _order(model) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields}
    return [n for n in ("created_at", "name", "title") if n in names] + ["pk"]


def _objects(msp: Msp, client: Client) -> dict:
    """Model label -> the demo row a placeholder stands for: the portal client's own rows first."""
    out = {}
    with scopes_disabled():
        for model in project_models():
            if "msp" not in {f.name for f in model._meta.concrete_fields}:
                continue
            qs = model._base_manager.filter(msp=msp)
            path = client_path_of(model)
            own = qs.filter(**{path: client.pk}) if path else qs
            row = own.order_by(*_order(model)).first() or qs.order_by(*_order(model)).first()
            if row is not None:
                out[model._meta.label] = row
        vcio = User.objects.get(email="vcio@demo.test")
        out.update({
            "msp.ApiToken": ApiToken.objects.filter(membership__msp=msp, membership__user=vcio).first(),
            "msp.Msp": msp, "msp.User": vcio, "msp.Membership": Membership.objects.get(msp=msp, user=vcio),
            "alignment.Review": Review.objects.filter(client=client, status="in_progress").order_by("pk").first(),
            # The portal shows coming meetings only.
            "meetings.Meeting": Meeting.objects.filter(client=client, starts_at__gte=timezone.now()).exclude(
                status="cancelled").order_by("starts_at").first(),
            "surveys.SurveyCampaign": SurveyCampaign.objects.filter(msp=msp).order_by("-year").first(),
        })
    return out


def _url(route: Route, objects: dict) -> str | None:
    kwargs = {}
    for name in route.placeholders:
        if (route.name, name) in FIXED_PLACEHOLDERS:
            kwargs[name] = FIXED_PLACEHOLDERS[(route.name, name)]
            continue
        label = (placeholder_label(route, name) or "").split(":")[0]
        if label not in objects:
            return None
        kwargs[name] = str(objects[label].pk)
    return reverse(route.name, kwargs=kwargs) + (QUERY[route.name](objects) if route.name in QUERY else "")


def page_routes() -> list[Route]:
    return [r for r in all_routes() if not r.is_api and not r.is_public and "get" in r.methods()]


def _http(user: User, msp: Msp) -> HttpClient:
    c = HttpClient(raise_request_exception=False)
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    confirm_password(c, user)
    s = c.session
    s[SESSION_KEY] = str(msp.pk)
    s.save()
    return c


def _html_pages(http: HttpClient, routes: list[Route], objects: dict, walked: Walked, who: str) -> list[str]:
    """The routes that answer the owner (or the portal user) with a page; a route that answers 404 or
    500 to its rightful user is reported."""
    urls = []
    for route in routes:
        if route.name in SKIP:
            continue
        url = _url(route, objects)
        if url is None:
            walked.failures.append(f"{route.text} ({route.name}): a placeholder maps to no demo row; give the "
                                   f"walk a row in _seed() or list the route in SKIP with the reason")
            continue
        response = http.get(url)
        if response.streaming:
            response.close()
            continue
        if response.status_code == 404 or response.status_code >= 500:
            walked.failures.append(f"{who} GET {url} ({route.name}) answers {response.status_code}")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            urls.append(url)
    return urls


def _check(page, url: str, role: str, walked: Walked) -> None:
    started = time.monotonic()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if sizes[0] > sizes[1]:
            walked.failures.append(f"{role} {url} at {width} px is {sizes[0]} px wide: "
                                   f"{page.evaluate(STICKING_OUT)}")
        markup = page.evaluate(MAIN_MARKUP) if width == WIDTHS[0] else None
        if markup is not None and (markup not in walked.checked or role not in walked.roles_checked):
            walked.checked.add(markup)
            walked.roles_checked.add(role)  # the first page of a role is checked whole: its menu and header
            walked.timings["widths"] = walked.timings.get("widths", 0) + time.monotonic() - started
            started = time.monotonic()
            for v in page.evaluate(AXE_RUN)["violations"]:
                if v["impact"] in SERIOUS:
                    walked.failures.append(
                        f"{role} {url}: axe {v['impact']} {v['id']} on {len(v['nodes'])} node(s): "
                        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4]))
            walked.timings["axe"] = walked.timings.get("axe", 0) + time.monotonic() - started
            started = time.monotonic()


def _policy_messages(role: str, walked: Walked):
    """Chromium's console report of a Content-Security-Policy violation, as a failure of the walk."""
    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            walked.failures.append(f"{role} {message.location.get('url', '')}: {message.text}")
    return on_console


def stale_skips() -> list[str]:
    names = {r.name for r in page_routes()}
    return [f"SKIP names {n!r}, which is no page route" for n in SKIP if n not in names]


def test_every_skip_names_a_page_route():
    assert stale_skips() == []
    assert len(page_routes()) > 100  # the walk sees the whole product


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_fits_and_passes_axe(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    routes = page_routes()
    walked = Walked(failures=stale_skips())
    t0 = time.monotonic()
    msp, client = _seed()
    objects = _objects(msp, client)
    t1 = time.monotonic()
    with scopes_disabled():
        users = {role: User.objects.get(email=email) for role, email in ROLES}
    sessions = {role: _http(user, msp) for role, user in users.items()}
    staff = _html_pages(sessions["owner"], [r for r in routes if not r.is_portal], objects, walked, "owner")
    portal = _html_pages(sessions["portal"], [r for r in routes if r.is_portal], objects, walked, "portal")
    t2 = time.monotonic()
    for role, _ in ROLES:
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}, base_url=live_server.url)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": sessions[role].cookies[settings.SESSION_COOKIE_NAME].value}])
        context.add_init_script(script=Axe().axe_script)  # axe-core in every page, injected once per context
        context.add_init_script(script=CSP_RECORD)  # every Content-Security-Policy violation of the page
        page = context.new_page()
        page.on("console", _policy_messages(role, walked))
        for url in portal if role == "portal" else staff:
            started = time.monotonic()
            response = page.goto(url, wait_until="load")
            walked.timings["goto"] = walked.timings.get("goto", 0) + time.monotonic() - started
            if response.status >= 500:
                walked.failures.append(f"{role} GET {url} answers {response.status}")
            if response.status != 200:
                continue  # a page of another role
            walked.pages += 1
            walked.failures += [f"{role} {url}: CSP {e}" for e in page.evaluate("window.__csp")]
            _check(page, url, role, walked)
        context.close()
    t3 = time.monotonic()
    print(f"walk: demo {t1 - t0:.0f} s, first requests {t2 - t1:.0f} s, browser {t3 - t2:.0f} s, "
          f"{walked.pages} pages", {k: round(v) for k, v in walked.timings.items()})
    assert walked.failures == [], f"{len(walked.failures)} problems:\n" + "\n".join(walked.failures)
