"""The library import's bounded writes: new records checked before the write transaction and inserted in
batches (the same number of queries for 10 rows or 300), history for every insert, refusals of what changed
meanwhile named by row and column, a large file through the API and a real worker, and the MSP's other
writes not waiting while the import's transaction is open."""

from __future__ import annotations

import time

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from clients.models import Client
from clients.services import client_update
from msp.csvimport import ImportRefused, csv_import_parse, csv_import_write
from msp.models import Job, Membership, Msp
from msp.rls import db_tenant
from msp.roles import Role
from msp.services import api_token_create, msp_update
from standards import csv_io, services
from standards.models import Category, Framework, Standard, StandardRevision
from tests.conftest import build_tenant
from tests.workers import celery_worker, seconds_meanwhile, wait_for

from .conftest import API, build_library, make_answer

HEAD = "category,name,question,why,how,priority,frequency,tags,frameworks,status\n"


def _library(n: int, prefix: str = "Std", *, categories: int = 20) -> str:
    """`n` new standards over `categories` categories, each mapped to HIPAA (in the test library) and to
    one of three new frameworks."""
    return HEAD + "".join(
        f"Cat {i % categories},{prefix} {i},Is {prefix} {i} in place?,Why {i}.,How {i}.,high,yearly,"
        f"t{i % 3};shared,HIPAA;{prefix}-FW-{i % 3},active\n" for i in range(1, n + 1))


def _write(tenant, text: str, *, existing=None, finish=None):
    actor = tenant.users[Role.OWNER]
    existing = existing or csv_io.LIBRARY_IMPORT.load(tenant.msp)
    preview = csv_import_parse(csv_io.LIBRARY_IMPORT, text, existing=existing)
    assert preview.errors == []
    return csv_import_write(csv_io.LIBRARY_IMPORT, target=tenant.msp, actor=actor, rows=preview.rows,
                            existing=existing, finish=finish)


@pytest.mark.django_db
def test_new_records_are_inserted_in_batches_with_revisions_mappings_and_history(tenant, library, login):
    owner = tenant.users[Role.OWNER]
    writes = []
    with scope(msp=tenant.msp):
        for n, prefix in ((10, "Small"), (300, "Large")):
            with CaptureQueriesContext(connection) as queries:
                summary = _write(tenant, _library(n, prefix, categories=5 if n == 10 else 20))
            writes.append(len(queries))
            assert summary.as_dict()["created"] == n
        assert summary.as_dict() == {"created": 300, "updated": 0, "unchanged": 0, "categories_created": 15,
                                     "frameworks_created": 3}
        standard = Standard.objects.get(name="Large 7")
        assert (standard.category.name, standard.revision, standard.tags, standard.status, standard.retired_at) == (
            "Cat 7", 1, ["shared", "t1"], "active", None)
        assert sorted(fw.code for fw in standard.frameworks.all()) == ["HIPAA", "Large-FW-1"]
        revision = StandardRevision.objects.get(standard=standard)
        assert (revision.number, revision.question, revision.why, revision.how, revision.created_by) == (
            1, "Is Large 7 in place?", "Why 7.", "How 7.", owner)
        # New categories go last, in the order the file first names them (Cat 1..4, Cat 0; then Cat 5..19).
        assert list(Category.objects.order_by("position").values_list("name", flat=True)) == [
            "Backup", "Firewalls", "Cat 1", "Cat 2", "Cat 3", "Cat 4", "Cat 0",
            *(f"Cat {i}" for i in range(5, 20))]
        assert Framework.objects.filter(code__contains="-FW-").count() == 6
        assert Standard.objects.count() == 4 + 310
        events = apps.get_model("standards", "StandardEvent").objects.filter(pgh_label="insert",
                                                                             name__startswith="Large ")
        assert events.count() == 300
        assert {e.pgh_context.metadata["user"] for e in events.select_related("pgh_context")} == {str(owner.pk)}
    assert writes[0] == writes[1]  # whatever the number of rows
    # The audit log lists the imported standards as created by the person who imported them.
    entries = login(owner).get("/workspace/audit/", {"record_id": str(standard.pk)}).context["entries"]
    assert [(e["verb"], e["noun"], e["name"], e["actor"]) for e in entries] == [
        ("created", "standard", "Large 7", owner.display_name)]


@pytest.mark.django_db
def test_what_changed_since_the_check_is_refused_by_row_and_column(tenant, library):
    text = HEAD + ("Backup,Kept,Is it kept?,W.,H.,high,yearly,,,active\n"
                   "New cat,Fresh,Is it fresh?,W.,H.,high,yearly,,NEW,active\n"
                   "Backup,Taken later,Is it taken?,W.,H.,high,yearly,,,retired\n")
    owner = tenant.users[Role.OWNER]
    with scope(msp=tenant.msp):
        existing = csv_io.LIBRARY_IMPORT.load(tenant.msp)
        services.category_create(msp=tenant.msp, actor=owner, name="NEW CAT")
        with pytest.raises(ImportRefused) as refused:
            _write(tenant, text, existing=existing)
        assert [str(e) for e in refused.value.errors] == [
            "row 3, column category: A category with this name already exists."]
        existing = csv_io.LIBRARY_IMPORT.load(tenant.msp)
        services.standard_create(msp=tenant.msp, actor=owner, category=library.backup, name="taken LATER",
                                 question="Is it?", why="W.", how="H.")
        with pytest.raises(ImportRefused) as refused:
            _write(tenant, text.replace("New cat", "NEW CAT"), existing=existing)
        assert [str(e) for e in refused.value.errors] == [
            "row 4, column name: A standard with this name already exists."]
        assert not Standard.objects.filter(name__in=["Kept", "Fresh"]).exists()
        assert not Framework.objects.filter(code="NEW").exists()


def _api_client(tenant):
    from django.test import Client as HttpClient

    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[Role.OWNER]), name="t")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")
def test_a_large_file_through_the_api_runs_as_a_job_on_a_worker(transactional_db):
    from msp.celery import app

    tenant = build_tenant("Large", "large")
    library = build_library(tenant)
    # 2,000 new standards and two updates of the library (one of them retires its standard).
    text = _library(2000) + (
        "Backup,Offsite backup,Is a copy of every backup kept offsite?,A fire takes the server and the backup.,"
        "Check the offsite job history.,low,quarterly,backup;offsite,HIPAA,active\n"
        "Backup,Restore test,Was a restore tested in the last year?,Untested backups fail when needed.,"
        "Restore a file and open it.,medium,yearly,backup,,retired\n")
    api = _api_client(tenant)
    app.conf.task_always_eager = False
    try:
        started = time.monotonic()
        response = api.post(f"{API}/standards/import/", text, content_type="text/csv")
        checked = time.monotonic() - started
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        assert response.json()["status"] == "queued"
        with celery_worker():
            assert wait_for(lambda: api.get(response["Location"]).json()["status"] == "succeeded", 120)
        took = time.monotonic() - started
    finally:
        app.conf.task_always_eager = True
    job = api.get(f"{API}/jobs/{job_id}/").json()
    assert (job["kind"], job["message"], job["result"], job["errors"]) == (
        "library_import", "Imported 2002 standards: 2000 created, 2 updated, 0 unchanged.",
        {"created": 2000, "updated": 2, "unchanged": 0, "categories_created": 20, "frameworks_created": 3}, [])
    with scopes_disabled():
        assert Standard.objects.filter(msp=tenant.msp).count() == 2004
        assert StandardRevision.objects.filter(msp=tenant.msp, number=1).count() == 2004
        assert Standard.objects.get(pk=library.offsite.pk).priority == "low"
        assert Standard.objects.get(pk=library.restore.pk).status == "retired"
        assert Job.objects.get(pk=job_id).payload is None
    assert checked < 10, checked  # the request checks the whole file
    assert took < 60, took


def _other_writes(msp_id, ids: dict) -> None:
    client = Client.objects.get(pk=ids["client"])
    client_update(client=client, actor=None, expected_version=client.version, notes="Edited meanwhile")
    standard = Standard.objects.select_related("category").get(pk=ids["standard"])
    services.standard_update(standard=standard, actor=None, expected_version=standard.version,
                             why="Edited meanwhile.")
    category = Category.objects.get(pk=ids["category"])  # new standards of the import point at it
    services.category_update(category=category, actor=None, expected_version=category.version,
                             description="Edited meanwhile.")
    services.category_create(msp=Msp.objects.get(pk=msp_id), actor=None, name="Made meanwhile")
    msp = Msp.objects.get(pk=msp_id)
    msp_update(msp=msp, actor=None, expected_version=msp.version, name="Renamed meanwhile")


def test_the_import_transaction_does_not_hold_up_the_msps_other_writes(transactional_db):
    tenant = build_tenant("Locks", "locks")
    library = build_library(tenant)
    # New standards in an existing category and in new ones, and an update of another standard.
    text = _library(1000).replace("Cat 0,", "Backup,") + (
        "Firewalls,Firewall firmware,Is the firewall firmware current?,Old firmware has holes.,"
        "Compare with the vendor's release list.,low,monthly,network,PCI DSS,active\n")
    ids = {"client": tenant.clients[0].pk, "standard": library.offsite.pk, "category": library.backup.pk}
    took: list = []

    def meanwhile(summary) -> None:
        # Every row is written and nothing is committed yet: the import's locks are all held now.
        took.append(seconds_meanwhile(tenant.msp.pk, lambda: _other_writes(tenant.msp.pk, ids)))

    with db_tenant(tenant.msp.pk), scope(msp=tenant.msp):
        summary = _write(tenant, text, finish=meanwhile)
    assert (summary.created, summary.updated) == (1000, 1)
    assert took[0] < 1.0
    with scopes_disabled():
        assert Standard.objects.get(pk=library.offsite.pk).why == "Edited meanwhile."
        assert Standard.objects.get(pk=library.firmware.pk).priority == "low"
        assert Category.objects.filter(msp=tenant.msp, name="Made meanwhile").count() == 1
        assert Msp.objects.get(pk=tenant.msp.pk).name == "Renamed meanwhile"
        assert Standard.objects.filter(msp=tenant.msp, category=library.backup).count() == 2 + 50


def _snapshot(tenant) -> dict:
    """Each standard of the tenant as the import's updates leave it: fields, version, mappings, revisions,
    and how many history events it and its revisions have."""
    events = apps.get_model("standards", "StandardEvent").objects
    revision_events = apps.get_model("standards", "StandardRevisionEvent").objects
    with scope(msp=tenant.msp):
        return {s.name: (s.version, s.revision, s.status, s.retired_at is None, s.priority, s.tags, s.how,
                         sorted(f.code for f in s.frameworks.all()),
                         list(s.revisions.order_by("number").values_list("number", "question", "how")),
                         events.filter(pgh_obj_id=s.pk).count(),
                         revision_events.filter(standard_id=s.pk).count())
                for s in Standard.objects.order_by("name")}


def _edited(text: str) -> str:
    return (text.replace("Firewalls,Old rule", "Firewalls,OLD RULE").replace(",retired,", ",active,")
            .replace("Is a copy of every backup kept offsite?", "Is an encrypted copy kept offsite?")
            .replace("backup;offsite,HIPAA,active", "backup;offsite,HIPAA;PCI DSS,retired")
            .replace("Restore a file and open it.,,medium", "Restore two files.,,low")
            .replace("network,PCI DSS,active", "edge;network,,active"))


@pytest.mark.django_db
def test_updates_written_at_once_leave_what_the_services_leave_one_by_one(tenant, other_tenant):
    """The reference is the services, row by row, as the import used to write its updates."""
    at_once, one_by_one = build_library(tenant), build_library(other_tenant)
    make_answer(tenant, at_once.offsite)
    make_answer(other_tenant, one_by_one.offsite)
    with scope(msp=tenant.msp):
        text = _edited(csv_io.export_csv())
    assert text.count("\r\n") == 5

    with scope(msp=tenant.msp):
        summary = _write(tenant, text)
    assert (summary.updated, summary.created, summary.unchanged) == (4, 0, 0)

    actor = other_tenant.users[Role.OWNER]
    with scope(msp=other_tenant.msp):
        for row in csv_io.library_import_preview(msp=other_tenant.msp, content=text).rows:
            values = dict(row.values)
            values["category"] = Category.objects.get(name__iexact=values["category"])
            values["frameworks"] = list(Framework.objects.filter(code__in=values["frameworks"]))
            status = values.pop("status")
            fields = {c: values[c] for c in row.changes if c != "status"}
            standard = Standard.objects.select_related("category").get(pk=row.match_id)
            if fields:
                standard = services.standard_update(standard=standard, actor=actor,
                                                    expected_version=row.match_version, **fields)
            if status == "retired":
                services.standard_retire(standard=standard, actor=actor)
            elif status == "active":
                services.standard_reactivate(standard=standard, actor=actor)

    assert _snapshot(tenant) == _snapshot(other_tenant)
    offsite = _snapshot(tenant)["Offsite backup"]
    assert offsite[:4] == (3, 2, "retired", False)  # text and frameworks, then retired: two saves
    assert offsite[7:9] == (["HIPAA", "PCI DSS"], [(1, "Is a copy of every backup kept offsite?",
                                                     "Check the offsite job history."),
                                                    (2, "Is an encrypted copy kept offsite?",
                                                     "Check the offsite job history.")])
    assert _snapshot(tenant)["OLD RULE"][:4] == (4, 1, "active", True)


@pytest.mark.django_db
def test_an_update_refused_at_the_write_names_its_row(tenant, library):
    with scope(msp=tenant.msp):
        text = csv_io.export_csv().replace("Restore a file and open it.", "Restore two files.")
        existing = csv_io.LIBRARY_IMPORT.load(tenant.msp)
        preview = csv_import_parse(csv_io.LIBRARY_IMPORT, text, existing=existing)
        # Saved by someone else after the rows were checked, before the write transaction.
        services.standard_update(standard=Standard.objects.get(pk=library.restore.pk), actor=None, priority="low")
        with pytest.raises(ImportRefused) as refused:
            csv_import_write(csv_io.LIBRARY_IMPORT, target=tenant.msp, actor=None, rows=preview.rows,
                             existing=existing)
        assert [str(e) for e in refused.value.errors] == [
            "row 3, column name: the standard “Restore test” was changed by someone else after the preview."]
        assert Standard.objects.get(pk=library.restore.pk).how == "Restore a file and open it."
