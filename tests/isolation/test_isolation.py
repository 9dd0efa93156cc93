"""The isolation harness: every page route and every API route, tried by every role of another MSP
and by the portal user of another client, with the first MSP's ids. Each must answer 404 (or send to
the login page) and leak nothing; writes carrying the first MSP's ids must change nothing.

A route whose URL parameters the harness does not know fails the suite until it is mapped below or
listed as public.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from drf_spectacular.generators import SchemaGenerator

from alignment.models import Answer, Evidence, Recommendation, Review
from budgets.models import BudgetLine, BudgetVersion
from clients.models import Asset, Client, Contact, Document
from msp.jobs import job_create
from msp.models import ApiToken, Membership, Notification
from msp.roles import Role
from msp.services import api_token_create, invitation_create
from roadmaps.models import Initiative
from standards.models import StandardRevision
from tests import factories as f
from tests.conftest import build_tenant, confirm_password

pytestmark = pytest.mark.django_db

# Routes any visitor may reach; they hold no tenant data (sign-in pages, health, API description).
PUBLIC_ROUTE_PREFIXES = ("accounts/", "healthz", "readyz", "api/schema/", "api/docs/", "invitations/<str:token>/",
                         "static/", "media/")
# Routes answering for the visitor's own account or workspace; they take no other tenant's id.
ATTACKER_ALLOWED_STATUSES = {200, 302, 403, 404, 405}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def page_routes():
    routes = []
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            continue  # covered from the OpenAPI schema below
        if route.startswith(PUBLIC_ROUTE_PREFIXES) or route == "":
            continue
        routes.append((route, pattern.name))
    return routes


class Victim:
    """Alpha's objects whose ids the attackers try, and text that must never show up for them."""

    def __init__(self, tenant, other_client_portal_user):
        self.t = tenant
        owner = tenant.users[Role.OWNER]
        with scope(msp=tenant.msp):
            self.invitation, _ = invitation_create(msp=tenant.msp, email="pending@alpha.test", role="tam",
                                                   actor=owner)
            self.token, _ = api_token_create(membership=Membership.objects.get(user=owner), name="Alpha sync")
            client = tenant.clients[0]
            self.job = job_create(msp=tenant.msp, kind="asset_import", title="Import alpha-assets.csv",
                                  created_by=owner, payload={"text": "name\nAlpha secret asset\n"},
                                  subject_id=client.pk, subject_label=client.name,
                                  subject_url=f"/clients/{client.pk}/#assets")
        with scopes_disabled():
            self.category = f.CategoryFactory(msp=tenant.msp, name="Alpha Firewalls")
            self.framework = f.FrameworkFactory(msp=tenant.msp, code="ALPHAFW", name="Alpha framework")
            self.standard = f.StandardFactory(category=self.category, name="Alpha secret standard",
                                              question="Is the Alpha vault locked?")
            self.standard.frameworks.add(self.framework, through_defaults={"msp": tenant.msp})
            revision = StandardRevision.objects.get(standard=self.standard)
            self.review = Review.objects.create(msp=tenant.msp, client=client, title="Alpha review 2026",
                                                tam=tenant.users[Role.TAM], status="in_progress")
            self.answer = Answer.objects.create(msp=tenant.msp, review=self.review, standard=self.standard,
                                                revision=revision, category=self.category, priority="high",
                                                response="misaligned", note="Alpha vault open")
            self.evidence = Evidence.objects.create(
                msp=tenant.msp, answer=self.answer, content_type="image/png", size=4, original_name="alpha.png",
                image=ContentFile(b"\x89PNG", name="alpha.png"))
            self.recommendation = Recommendation.objects.create(msp=tenant.msp, client=client, review=self.review,
                                                                title="Alpha recommendation")
            self.recommendation.findings.add(self.answer, through_defaults={"msp": tenant.msp})
            self.document = Document.objects.create(
                msp=tenant.msp, client=client, kind="alignment_report", title="Alpha report", checksum="0" * 64,
                size=8, file=ContentFile(b"%PDF-1.4", name="alpha.pdf"))
            self.initiative = Initiative.objects.create(msp=tenant.msp, client=client, title="Alpha initiative",
                                                        start_quarter=dt.date(2027, 1, 1))
            self.initiative.recommendations.add(self.recommendation, through_defaults={"msp": tenant.msp})
            self.budget_line = BudgetLine.objects.create(
                msp=tenant.msp, client=client, initiative=self.initiative, description="Alpha budget line",
                start_quarter=dt.date(2027, 1, 1), unit_cost=Decimal("1234.00"))
            self.budget_version = BudgetVersion.objects.create(
                msp=tenant.msp, client=client, number=1, snapshot={"lines": [{"description": "Alpha budget line"}]},
                presented_at=timezone.now())
            self.notification = Notification.objects.create(msp=tenant.msp, user=tenant.users[Role.VCIO],
                                                            title="Alpha review completed")
        self.ids = {
            "client_id": tenant.clients[0].pk,
            "contact_id": tenant.contact.pk,
            "objective_id": tenant.objective.pk,
            "asset_id": tenant.asset.pk,
            "access_id": tenant.access.pk,
            "membership_id": Membership.objects.get(user=tenant.users[Role.VCIO]).pk,
            "invitation_id": self.invitation.pk,
            "token_id": self.token.pk,
            "job_id": self.job.pk,
            "category_id": self.category.pk,
            "framework_id": self.framework.pk,
            "standard_id": self.standard.pk,
            "review_id": self.review.pk,
            "answer_id": self.answer.pk,
            "evidence_id": self.evidence.pk,
            "recommendation_id": self.recommendation.pk,
            "document_id": self.document.pk,
            "notification_id": self.notification.pk,
            "initiative_id": self.initiative.pk,
            "line_id": self.budget_line.pk,
            "budget_line_id": self.budget_line.pk,
            "version_id": self.budget_version.pk,
        }
        self.markers = ["Alpha Dental", tenant.contact.name, tenant.asset.serial, "Alpha: open a second office",
                        "pending@alpha.test", "Alpha sync", str(tenant.clients[0].pk),
                        "Import alpha-assets.csv", "Alpha secret asset", "Alpha Firewalls", "ALPHAFW",
                        "Alpha secret standard", "Alpha vault", "Alpha review 2026", "Alpha recommendation",
                        "Alpha report", "Alpha review completed", "Alpha initiative", "Alpha budget line"]
        self.other_client_portal_user = other_client_portal_user

    def snapshot(self):
        """Every column of every row that belongs to the victim MSP (history tables included)."""
        with scopes_disabled():
            rows = []
            for model in apps.get_models():
                names = {f.name for f in model._meta.concrete_fields}
                if "msp" not in names or model._meta.proxy:
                    continue
                columns = sorted(f.attname for f in model._meta.concrete_fields)
                qs = model._base_manager.filter(msp=self.t.msp).order_by("pk").values_list(*columns)
                rows.append((model._meta.label, list(qs)))
            rows.append(("tokens", list(ApiToken.objects.filter(membership__msp=self.t.msp).order_by("pk")
                                        .values_list("pk", "revoked_at", "name"))))
            return rows

    def assert_no_leak(self, response, where):
        body = response.content.decode(errors="replace")
        for marker in self.markers:
            assert marker not in body, f"{where} leaked {marker!r}"


@pytest.fixture
def world(db):
    alpha = build_tenant("Alpha", "alpha")
    bravo = build_tenant("Bravo", "bravo")
    with scopes_disabled():
        # The portal user of Alpha's *second* client must not reach the first client's data.
        contact = f.ContactFactory(client=alpha.clients[1], name="Second Client Boss", email="boss2@alpha.test")
        portal2 = f.UserFactory(email="client2@alpha.test")
        f.MembershipFactory(msp=alpha.msp, user=portal2, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact, user=portal2)
    victim = Victim(alpha, portal2)
    attackers = {f"bravo-{role}": user for role, user in bravo.users.items()}
    attackers["alpha-second-client-portal"] = portal2
    return victim, bravo, attackers


def sessions(attackers):
    out = {"anonymous": HttpClient()}
    for name, user in attackers.items():
        c = HttpClient()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        confirm_password(c, user)  # the strongest attacker: a session that just re-entered its password
        out[name] = c
    return out


def fill(route: str, ids: dict) -> str:
    def sub(match):
        name = match.group(2)
        if name not in ids:
            pytest.fail(f"isolation harness: route {route!r} has parameter {name!r} it does not know; "
                        f"map it in tests/isolation/test_isolation.py")
        return str(ids[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def test_every_page_route_is_closed_to_other_tenants(world):
    victim, _, attackers = world
    before = victim.snapshot()
    clients = sessions(attackers)
    nowhere = {name: uuid.uuid4() for name in victim.ids}
    checked = 0
    for route, name in page_routes():
        url = fill(route, victim.ids)
        has_ids = "<" in route
        for who, c in clients.items():
            for method in ("get", "post"):
                response = getattr(c, method)(url, {})
                where = f"{method.upper()} {url} ({name}) as {who}"
                victim.assert_no_leak(response, where)
                if who == "anonymous":
                    assert response.status_code in {302, 404, 405}, where
                    if response.status_code == 302:
                        assert response["Location"].startswith("/accounts/login/"), where
                elif has_ids:
                    # 403 is allowed only where the role may not do this at all: the same request with
                    # ids that exist nowhere must get the same answer, so nothing can be detected.
                    assert response.status_code in {403, 404, 405}, f"{where}: {response.status_code}"
                    if response.status_code == 403:
                        probe = getattr(c, method)(fill(route, nowhere), {})
                        assert probe.status_code == 403, f"{where}: 403 here but {probe.status_code} for no id"
                else:
                    assert response.status_code in ATTACKER_ALLOWED_STATUSES, f"{where}: {response.status_code}"
                checked += 1
    assert victim.snapshot() == before
    assert checked >= 20


def api_paths():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema["paths"]


# Which of the victim's objects an API path's {id} stands for, by the path's resource segment.
API_RESOURCES = {
    "standard-categories": "category_id",
    "frameworks": "framework_id",
    "standards": "standard_id",
    "reviews": "review_id",
    "answers": "answer_id",
    "recommendations": "recommendation_id",
    "documents": "document_id",
    "initiatives": "initiative_id",
    "budget-lines": "budget_line_id",
    "budget-versions": "version_id",
    "clients": "client_id",
    "contacts": "contact_id",
    "objectives": "objective_id",
    "assets": "asset_id",
    "jobs": "job_id",
}


def api_url(path: str, ids: dict) -> str:
    match = re.match(r"^/api/v1/([\w-]+)/", path)
    assert match, path
    resource = match.group(1)
    if "{" not in path:
        return path
    if resource not in API_RESOURCES:
        pytest.fail(f"isolation harness: API path {path!r} is not mapped; add it to API_RESOURCES")
    return re.sub(r"\{\w+\}", str(ids[API_RESOURCES[resource]]), path)


def api_clients(bravo, attackers):
    out = {"anonymous": HttpClient()}
    with scopes_disabled():
        for role in (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER):
            _, raw = api_token_create(membership=Membership.objects.get(user=bravo.users[role]), name="attack")
            out[f"bravo-{role}-token"] = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for name, c in sessions(attackers).items():
        if name != "anonymous":
            out[f"{name}-session"] = c
    return out


def foreign_payload(client_id, vcio_id, tam_id) -> dict:
    """A body that points at given rows wherever a foreign key may appear."""
    return {"client": str(client_id), "name": "Injected", "title": "Injected", "email": "i@x.test",
            "vcio": str(vcio_id), "tam": str(tam_id), "kind": "server", "status": "active"}


def test_every_api_route_is_closed_to_other_tenants(world):
    victim, bravo, attackers = world
    before = victim.snapshot()
    paths = api_paths()
    assert paths, "the API schema lists no paths"
    checked = 0
    t = victim.t
    victim_ids = (t.clients[0].pk, t.users[Role.VCIO].pk, t.users[Role.TAM].pk)
    nowhere_ids = (uuid.uuid4(), 987654321, 987654322)  # users have integer ids
    body = json.dumps(foreign_payload(*victim_ids))
    probe_body = json.dumps(foreign_payload(*nowhere_ids))
    for path, operations in paths.items():
        url = api_url(path, victim.ids)
        for who, c in api_clients(bravo, attackers).items():
            for method in operations:
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                kwargs = {"content_type": "application/json", "HTTP_IF_MATCH": '"1"'}
                response = getattr(c, method)(url, body if method != "get" else None, **kwargs) \
                    if method != "get" else c.get(url)
                where = f"{method.upper()} {url} as {who}"
                if method != "get" and "{" not in path:
                    # An error may echo the ids the caller sent; it must read exactly as it does for
                    # ids that exist nowhere, so the victim's rows cannot be detected.
                    probe = getattr(c, method)(url, probe_body, **kwargs)
                    echoed = response.content.decode()
                    for mine, other in zip(victim_ids, nowhere_ids, strict=True):
                        # Whole tokens only: a small user id may also occur inside a UUID's text.
                        echoed = re.sub(rf"(?<![0-9a-f-]){mine}(?![0-9a-f-])", str(other), echoed)
                    assert (response.status_code, echoed) == (probe.status_code, probe.content.decode()), where
                else:
                    victim.assert_no_leak(response, where)
                if who == "anonymous":
                    assert response.status_code in {401, 403, 404}, f"{where}: {response.status_code}"
                elif "{" in path:
                    assert response.status_code in {403, 404}, f"{where}: {response.status_code}"
                    if response.status_code == 403:  # a role refusal, the same for any id
                        probe = getattr(c, method)(re.sub(r"\{\w+\}", str(uuid.uuid4()), path),
                                                   probe_body, **kwargs)
                        assert probe.status_code == 403, f"{where}: 403 here but {probe.status_code} for no id"
                else:
                    assert response.status_code in {200, 400, 403, 404}, f"{where}: {response.status_code}"
                    if response.status_code == 200 and method == "get":
                        assert str(victim.t.clients[0].pk) not in response.content.decode()
                checked += 1
    assert victim.snapshot() == before
    # Nothing was created in either tenant from the injected bodies.
    with scopes_disabled():
        assert not Contact.objects.filter(name="Injected").exists()
        assert not Client.objects.filter(name="Injected").exists()
        assert not Asset.objects.filter(name="Injected").exists()
    assert checked >= 40
