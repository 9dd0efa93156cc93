"""Bounded imports: the row cap refuses a large file whole, checking a file costs the same few queries however many
rows it has, and while an import's write transaction is open the MSP's other writes do not wait on it (they
run on a second connection with lock_timeout = 1 s)."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from clients.imports import ASSET_IMPORT, asset_import_preview
from clients.models import Asset, Client, Contact
from clients.services import client_update, contact_create
from msp.csvimport import csv_import_parse, csv_import_write
from msp.models import Msp
from msp.rls import db_tenant
from msp.roles import Role
from msp.services import msp_update
from tests.conftest import build_tenant
from tests.workers import seconds_meanwhile


def _assets(n: int, prefix: str = "LT") -> str:
    return "name,serial,kind\n" + "".join(f"Laptop {i},{prefix}-{i},laptop\n" for i in range(1, n + 1))


def test_the_row_cap_refuses_a_large_file_naming_the_cap_and_its_rows(tenant, settings):
    settings.CSV_IMPORT_MAX_ROWS = 50
    with scope(msp=tenant.msp):
        preview = asset_import_preview(client=tenant.clients[0], content=_assets(51))
        assert len(asset_import_preview(client=tenant.clients[0], content=_assets(50)).rows) == 50
    assert [str(e) for e in preview.errors] == [
        "The file has 51 rows after the header; an import takes at most 50. Split it into files of at most 50 "
        "rows. Nothing was changed."]
    assert preview.rows == []


def test_checking_and_writing_a_file_need_no_query_per_row(tenant):
    checks, writes = [], []
    with scope(msp=tenant.msp):
        for client, n in zip(tenant.clients, (10, 300), strict=True):
            existing = ASSET_IMPORT.load(client)
            with CaptureQueriesContext(connection) as queries:
                preview = csv_import_parse(ASSET_IMPORT, _assets(n, prefix=f"N{n}"), existing=existing)
            assert len(preview.rows) == n
            checks.append(len(queries))
            with CaptureQueriesContext(connection) as queries:
                summary = csv_import_write(ASSET_IMPORT, target=client, actor=tenant.users[Role.TAM],
                                           rows=preview.rows, existing=existing)
            assert summary.created == n
            writes.append(len(queries))
    assert checks == [0, 0]
    assert writes[0] == writes[1]  # the new rows are written in one batch, whatever their number
    with scopes_disabled():
        assert Asset.objects.filter(client=tenant.clients[1], serial__startswith="N300-").count() == 300


def _other_writes(msp_id, client_id, other_client_id) -> None:
    client = Client.objects.get(pk=client_id)
    client_update(client=client, actor=None, expected_version=client.version, notes="Edited meanwhile")
    contact_create(client=client, actor=None, name="Meanwhile Contact", email="meanwhile@alpha.test")
    other = Client.objects.get(pk=other_client_id)
    client_update(client=other, actor=None, expected_version=other.version, notes="Other edited")
    msp = Msp.objects.get(pk=msp_id)
    msp_update(msp=msp, actor=None, expected_version=msp.version, name="Alpha renamed meanwhile")


def test_an_import_commit_does_not_hold_up_the_msps_other_writes(transactional_db):
    tenant = build_tenant("Locks", "locks")
    client, other = tenant.clients
    with scope(msp=tenant.msp):
        preview = asset_import_preview(client=client, content=_assets(400))
    assert preview.ok
    with transaction.atomic(), db_tenant(tenant.msp.pk), scope(msp=tenant.msp):
        summary = csv_import_write(ASSET_IMPORT, target=client, actor=tenant.users[Role.TAM], rows=preview.rows,
                                   existing=ASSET_IMPORT.load(client))
        # The import's 400 rows are written and not committed yet: its locks are all held now.
        took = seconds_meanwhile(tenant.msp.pk, lambda: _other_writes(tenant.msp.pk, client.pk, other.pk))
    assert summary.created == 400
    assert took < 1.0
    with scopes_disabled():
        assert Asset.objects.filter(client=client).count() == 401  # the tenant's own asset and the 400
        assert Contact.objects.filter(name="Meanwhile Contact").count() == 1
        assert Msp.objects.get(pk=tenant.msp.pk).name == "Alpha renamed meanwhile"
