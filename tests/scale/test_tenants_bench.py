"""A bench of 100 small tenants (docs/scaling.md): the main pages cost the same for the first, the middle and
the last tenant (time and queries do not grow with the number of other tenants), and how ready the schema
and the queries are for sharding tenants by `msp_id` (Citus).

Run: `.venv/bin/python bin/testenv.py .venv/bin/python -m pytest tests/scale -m bench -s -q`.
Times are printed, never asserted; query counts and the schema facts are asserted.
"""

from __future__ import annotations

import re
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from clients.models import Asset, Client, Contact
from msp.models import Membership, Msp, User
from msp.roles import Role

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

TENANTS, CLIENTS, ASSETS, CONTACTS = 100, 5, 10, 2
PAGES = ("/clients/", "/clients/{client}/", "/scorecard/", "/playbook/", "/reviews/", "/meetings/")


@pytest.fixture
def tenants():
    with scopes_disabled():
        msps = Msp.objects.bulk_create([Msp(name=f"Tenant {i:03d}", slug=f"tenant-{i:03d}") for i in range(TENANTS)])
        owners = User.objects.bulk_create([User(email=f"owner@t{i:03d}.test", full_name=f"Owner {i}")
                                           for i in range(TENANTS)])
        Membership.objects.bulk_create([Membership(msp=m, user=u, role=Role.OWNER) for m, u in zip(msps, owners,
                                                                                               strict=True)])
        clients = Client.objects.bulk_create([
            Client(msp=m, name=f"{m.name} client {j}", status="active", mrr=Decimal("2500.00"), user_count=20,
                   complexity=4, vcio=u) for m, u in zip(msps, owners, strict=True) for j in range(CLIENTS)])
        Asset.objects.bulk_create([Asset(msp_id=c.msp_id, client=c, kind="laptop", name=f"LT-{k}",
                                         serial=f"{c.pk}-{k}") for c in clients for k in range(ASSETS)])
        Contact.objects.bulk_create([Contact(msp_id=c.msp_id, client=c, name=f"Person {k}", email=f"p{k}@x.test")
                                     for c in clients for k in range(CONTACTS)])
    return list(zip(msps, owners, strict=True))


def _page(browser: HttpClient, url: str, runs: int = 5) -> tuple[float, int, list[str]]:
    assert browser.get(url).status_code == 200  # warm up
    statements: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        browser.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        browser.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(statements), statements


TENANT_TABLE = re.compile(r'FROM "(\w+)"')


def test_pages_cost_the_same_for_every_tenant(tenants):
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'msp_id' "
                       "AND table_schema = 'public'")
        tenant_tables = {row[0] for row in cursor.fetchall()}
    figures: dict[str, list] = {}
    routed = total = 0
    for index in (0, TENANTS // 2, TENANTS - 1):
        msp, owner = tenants[index]
        with scopes_disabled():
            client = Client.objects.filter(msp=msp).order_by("name").first()
        browser = HttpClient()
        browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
        for page in PAGES:
            ms, queries, sqls = _page(browser, page.format(client=client.pk))
            figures.setdefault(page, []).append((ms, queries))
            for sql in sqls:
                tables = set(TENANT_TABLE.findall(sql)) & tenant_tables
                if sql.lstrip().upper().startswith("SELECT") and tables:
                    total += 1
                    routed += '"msp_id" = ' in sql or "msp_id = " in sql
    print(f"\n{TENANTS} tenants x {CLIENTS} clients; median ms (queries) for tenants 1, {TENANTS // 2 + 1}, "
          f"{TENANTS}:")
    for page, rows in figures.items():
        print(f"  {page:<22} " + "  ".join(f"{ms:7.1f} ms ({q})" for ms, q in rows))
        assert len({q for _, q in rows}) == 1, page  # the same queries whoever the tenant is
    print(f"  SELECTs on tenant tables naming msp_id (routable to one shard): {routed} of {total}")
    assert total > 0


def test_schema_facts_for_distributing_by_msp_id(db):
    """What Citus would need: every unique constraint and foreign key between tenant tables to include msp_id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'msp_id' "
                       "AND table_schema = 'public'")
        tenant_tables = {row[0] for row in cursor.fetchall()}
        cursor.execute("""
            SELECT c.conrelid::regclass::text, c.contype, c.confrelid::regclass::text,
                   bool_or(a.attname = 'msp_id')
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype IN ('p', 'u', 'f') AND c.connamespace = 'public'::regnamespace
            GROUP BY c.oid, c.conrelid, c.contype, c.confrelid""")
        rows = cursor.fetchall()
        cursor.execute("""SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%%UNIQUE%%'
                          AND tablename = ANY(%s) AND indexdef NOT LIKE '%%msp_id%%'""", [list(tenant_tables)])
        unique_indexes_without = cursor.fetchone()[0]
    tenant_rows = [r for r in rows if r[0] in tenant_tables]
    pks = [r for r in tenant_rows if r[1] == "p"]
    uniques = [r for r in tenant_rows if r[1] == "u"]
    fks_tenant = [r for r in tenant_rows if r[1] == "f" and r[2] in tenant_tables and r[2] != "msp_msp"]
    fks_global = [r for r in tenant_rows if r[1] == "f" and (r[2] not in tenant_tables or r[2] == "msp_msp")]
    print(f"\ntenant tables: {len(tenant_tables)}; primary keys with msp_id: {sum(r[3] for r in pks)} of {len(pks)}; "
          f"unique constraints with msp_id: {sum(r[3] for r in uniques)} of {len(uniques)}; unique indexes "
          f"without msp_id: {unique_indexes_without}; foreign keys between tenant tables: {len(fks_tenant)} "
          f"(with msp_id: {sum(r[3] for r in fks_tenant)}); to global tables: {len(fks_global)}")
    assert tenant_tables
    assert all(r[1] for r in pks)
