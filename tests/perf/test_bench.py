"""`make bench`: figures and query counts at a realistic scale (one MSP, 5 vCIOs x 40 clients).

Run with `make bench`; these are skipped by `make test` (marker `bench`). Times are printed, never
asserted; query counts are asserted because they must not grow with the data.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from clients.models import Asset, Client, Contact
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from tests import factories as f

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

VCIOS, CLIENTS_PER_VCIO, ASSETS_PER_CLIENT, CONTACTS_PER_CLIENT = 5, 40, 25, 3


@pytest.fixture
def big_msp():
    with scopes_disabled():
        msp = f.MspFactory(name="Scale MSP", slug="scale")
        owner = f.UserFactory(email="owner@scale.test")
        f.MembershipFactory(msp=msp, user=owner, role=Role.OWNER)
        vcios = []
        for i in range(VCIOS):
            u = f.UserFactory(email=f"vcio{i}@scale.test")
            f.MembershipFactory(msp=msp, user=u, role=Role.VCIO)
            vcios.append(u)
        clients = Client.objects.bulk_create([
            Client(msp=msp, name=f"Client {i:04d}", status="active", mrr=Decimal("3000.00"), user_count=24,
                   complexity=5, vcio=vcios[i % VCIOS])
            for i in range(VCIOS * CLIENTS_PER_VCIO)
        ])
        Asset.objects.bulk_create([
            Asset(msp=msp, client=c, kind="laptop", name=f"LT-{j}", serial=f"{c.name}-{j}")
            for c in clients for j in range(ASSETS_PER_CLIENT)
        ])
        Contact.objects.bulk_create([
            Contact(msp=msp, client=c, name=f"Person {j}", email=f"p{j}@{i}.test")
            for i, c in enumerate(clients) for j in range(CONTACTS_PER_CLIENT)
        ])
        _, token = api_token_create(membership=Membership.objects.get(user=owner), name="bench")
    return owner, clients, token


def measure(fn, runs=10):
    fn()  # warm up
    times = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), queries


def report(name, median, worst, queries):
    print(f"\nBENCH {name:<38} median {median:7.1f} ms  max {worst:7.1f} ms  queries {queries}")


def test_bench_client_pages_and_api(big_msp):
    owner, clients, token = big_msp
    web = HttpClient()
    web.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    cases = {
        "GET /clients/ (200 clients, page 1)": lambda: web.get("/clients/"),
        "GET /clients/?search=Client 01": lambda: web.get("/clients/", {"search": "Client 01"}),
        f"GET /clients/<id>/ ({ASSETS_PER_CLIENT} assets)": lambda: web.get(f"/clients/{clients[0].pk}/"),
        "GET /api/v1/clients/ (page of 50)": lambda: api.get("/api/v1/clients/"),
        "GET /api/v1/assets/?client=<id>": lambda: api.get("/api/v1/assets/", {"client": str(clients[0].pk)}),
    }
    for name, fn in cases.items():
        assert fn().status_code == 200, name
        median, worst, queries = measure(fn)
        report(name, median, worst, queries)
        assert queries <= 20, f"{name}: {queries} queries"
