"""Portal requests are confined to their one client centrally (msp.confinement + portal.middleware).

Deliberately careless views (tests/portal/careless_urls.py, mounted in the test settings) read every tenant
table with no filter at all; a portal user still gets only their own client's rows, and nothing of the
tables that have no client (standards, jobs, notifications). Staff are not confined by it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_scopes import scope, scopes_disabled

from alignment import services as alignment_services
from budgets import services as budget_services
from clients import documents
from clients.models import Asset, Client, Document
from msp.activities import notification_create
from msp.confinement import bind_client, bound_client_id, confine
from msp.jobs import job_create
from msp.roles import Role
from portal import selectors as portal_selectors
from roadmaps import services as roadmap_services
from tests import factories as f
from tests.portal.careless_urls import confined_models

pytestmark = pytest.mark.django_db

# Tables of no client: a portal request sees none of their rows.
NO_CLIENT = {"standards.Category", "standards.Framework", "standards.Standard", "standards.StandardRevision",
             "msp.Job", "msp.Notification"}
# Tables the data below fills for both clients, so a leak of the other client's rows would show.
FILLED_FOR_BOTH = {"clients.Client", "clients.Contact", "clients.Asset", "clients.Document",
                   "alignment.Review", "alignment.Answer", "roadmaps.Initiative", "budgets.BudgetLine",
                   "msp.Activity"}


@pytest.fixture(autouse=True)
def _careless_routes(settings, tmp_path):
    settings.ROOT_URLCONF = "tests.portal.careless_urls"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def second_portal_user(tenant):
    """A decision maker of the second client."""
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[1], name="Second Boss", email="boss2@alpha.test")
        user = f.UserFactory(email="client2@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=user, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact, user=user)
    return user


@pytest.fixture
def rows(tenant, other_tenant, second_portal_user):
    """Rows of both clients of Alpha in every kind of table, and some of Bravo's."""
    vcio = tenant.users[Role.VCIO]
    with scopes_disabled():
        category = f.CategoryFactory(msp=tenant.msp, name="Backup")
        f.StandardFactory(category=category, name="Offsite copy", question="Is a copy kept off site?")
        f.AssetFactory(client=tenant.clients[1])
    made = {}
    with scope(msp=tenant.msp):
        for n, client in enumerate(tenant.clients):
            client = Client.objects.get(pk=client.pk)
            for published in (True, False):
                doc = documents.document_create(client=client, kind="roadmap", title=f"Doc {n} {published}",
                                                content=b"%PDF-1.4", content_type="application/pdf", actor=vcio)
                if published:
                    documents.document_publish(document=doc, actor=vcio)
            assets = list(Asset.objects.filter(client=client))
            initiative = roadmap_services.initiative_create(
                client=client, actor=vcio, title=f"Initiative {n}", status="proposed",
                proposal_amount=Decimal("100.00"), assets=assets)
            budget_services.budget_line_create(client=client, actor=vcio, initiative=initiative,
                                               description=f"Linked {n}", kind="one_time",
                                               start_quarter=dt.date(2027, 1, 1), unit_cost=Decimal("10"))
            budget_services.budget_line_create(client=client, actor=vcio, description=f"Unlinked {n}",
                                               kind="one_time", start_quarter=dt.date(2027, 1, 1),
                                               unit_cost=Decimal("20"))
            alignment_services.review_schedule(client=client, actor=vcio, tam=tenant.users[Role.TAM],
                                               title=f"Review {n}", scheduled_for=dt.date(2027, 2, 1))
            made[n] = client
        job_create(msp=tenant.msp, kind="asset_import", title="Import", created_by=vcio)
        notification_create(msp=tenant.msp, user=vcio, title="For the vCIO")
    with scope(msp=other_tenant.msp):
        roadmap_services.initiative_create(client=other_tenant.clients[0], actor=other_tenant.users[Role.VCIO],
                                           title="Bravo initiative", status="proposed")
    return made


def own_rows(msp, client) -> dict[str, list[str]]:
    """What a request bound to `client` may see: per table, the rows on the model's client path."""
    out = {}
    with scopes_disabled():
        for model in confined_models():
            path = model.client_path
            qs = model._base_manager.filter(msp=msp)
            ids = [] if path is None else qs.filter(**{path: client.pk}).values_list("pk", flat=True)
            out[model._meta.label] = sorted(str(pk) for pk in ids)
    return out


def all_rows(msp) -> dict[str, list[str]]:
    with scopes_disabled():
        return {m._meta.label: sorted(str(pk) for pk in m._base_manager.filter(msp=msp).values_list("pk", flat=True))
                for m in confined_models()}


@pytest.mark.parametrize("route", ["/careless/portal/", "/careless/any/"])
def test_a_careless_view_returns_only_the_portal_users_client(tenant, rows, login, second_portal_user, route):
    everything = all_rows(tenant.msp)
    for label in FILLED_FOR_BOTH:  # the other client's rows are there to be leaked
        assert len(everything[label]) > len(own_rows(tenant.msp, rows[0])[label]) > 0, label
    for user, client, other in ((tenant.users[Role.CLIENT], rows[0], rows[1]),
                                (second_portal_user, rows[1], rows[0])):
        data = login(user).get(route).json()
        assert data["tables"] == own_rows(tenant.msp, client)
        assert data["tables"]["clients.Client"] == [str(client.pk)]
        for label in NO_CLIENT:
            assert data["tables"][label] == [], label
        with scopes_disabled():
            theirs = {str(pk) for pk in Document.objects.filter(client=other).values_list("pk", flat=True)}
            mine = sorted(str(pk) for pk in Document.objects.filter(client=client).values_list("pk", flat=True))
            initiatives = sorted(str(pk) for pk in client.initiatives.values_list("pk", flat=True))
            assets = sorted(str(pk) for pk in client.assets.values_list("pk", flat=True))
        assert not theirs & set(data["tables"]["clients.Document"])
        # Related managers reached from every client row (around the managers) are confined too.
        assert data["related"]["documents"] == mine
        assert data["related"]["initiatives"] == initiatives
        assert data["related"]["assets"] == assets


def test_staff_are_not_confined_by_it(tenant, rows, login):
    data = login(tenant.users[Role.VCIO]).get("/careless/any/").json()
    assert data["tables"] == all_rows(tenant.msp)
    assert len(data["tables"]["clients.Client"]) == 2
    # The portal view itself stays closed to staff.
    assert login(tenant.users[Role.VCIO]).get("/careless/portal/").status_code == 404


def test_a_client_member_without_a_live_access_sees_nothing(tenant, rows, login):
    with scopes_disabled():
        stranded = f.UserFactory(email="stranded@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=stranded, role=Role.CLIENT)
    c = login(stranded)
    data = c.get("/careless/any/").json()
    assert all(ids == [] for ids in data["tables"].values())
    assert all(ids == [] for ids in data["related"].values())
    assert c.get("/careless/portal/").status_code == 404
    assert c.get("/portal/").status_code == 404


def test_every_tenant_model_says_how_it_reaches_its_client(tenant):
    """A new tenant table must declare `client_path` (None to be invisible to portal requests), and the path
    must lead to a client's id."""
    models = confined_models()
    assert {m._meta.label for m in models} >= FILLED_FOR_BOTH | NO_CLIENT
    for model in models:
        assert "client_path" in vars(model), f"{model._meta.label} declares no client_path"
        path = model.client_path
        if path is None:
            continue
        with scope(msp=tenant.msp):
            model.objects.filter(**{path: uuid.uuid4()}).exists()  # a wrong path raises FieldError
        field = model._meta.pk if path == "pk" else None
        if field is None:
            last = model
            for part in path.split("__"):
                field = last._meta.get_field(part)
                last = field.related_model or last
        assert field.model is Client or field.related_model is Client or path == "client_id", model._meta.label


def test_bindings_cannot_be_widened(tenant):
    first, second = tenant.clients
    with scope(msp=tenant.msp), bind_client(first.pk):
        assert list(Client.objects.values_list("pk", flat=True)) == [first.pk]
        with bind_client(second.pk):  # an inner binding to another client sees nothing at all
            assert bound_client_id() is None
            assert list(Client.objects.all()) == []
        assert bound_client_id() == first.pk
    with scope(msp=tenant.msp):
        assert Client.objects.count() == 2
        assert confine(Client.objects.all()).count() == 2  # unbound: unchanged


def test_portal_selectors_refuse_a_client_they_are_not_bound_to(tenant):
    with scope(msp=tenant.msp):
        with pytest.raises(ImproperlyConfigured):
            portal_selectors.portal_proposals(client=tenant.clients[0])
        with bind_client(tenant.clients[0].pk), pytest.raises(ImproperlyConfigured):
            portal_selectors.portal_documents(client=tenant.clients[1])
