"""/api/v1/ for the standards library: categories, frameworks, standards with revisions, CSV in and out."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from msp.models import Job
from msp.roles import Role
from standards import csv_io
from standards.models import Category, Standard
from standards.validators import EXAMPLE

from .conftest import API, JSON, build_library, make_answer, reload

pytestmark = pytest.mark.django_db


def test_standard_list_and_filters(tenant, other_tenant, library, api):
    build_library(other_tenant)
    c = api(Role.VIEWER)
    body = c.get(f"{API}/standards/").json()
    assert body["count"] == 3
    assert [s["name"] for s in body["results"]] == ["Offsite backup", "Restore test", "Firewall firmware"]
    offsite = body["results"][0]
    assert offsite == {
        "id": str(library.offsite.pk), "category": str(library.backup.pk), "name": "Offsite backup",
        "question": "Is a copy of every backup kept offsite?", "why": "A fire takes the server and the backup.",
        "how": "Check the offsite job history.", "reference_url": "https://www.cisa.gov/resources-tools",
        "priority": "high", "frequency": "quarterly", "tags": ["backup", "offsite"],
        "frameworks": [str(library.hipaa.pk)], "status": "active", "retired_at": None, "last_reviewed_on": None,
        "revision": 1, "revisions": [{
            "number": 1, "question": "Is a copy of every backup kept offsite?",
            "why": "A fire takes the server and the backup.", "how": "Check the offsite job history.",
            "reference_url": "https://www.cisa.gov/resources-tools", "created_by": tenant.users[Role.OWNER].pk,
            "created_at": offsite["revisions"][0]["created_at"], "updated_at": offsite["revisions"][0]["updated_at"],
        }],
        "version": 1, "created_at": offsite["created_at"], "updated_at": offsite["updated_at"],
    }

    def names(**params):
        return [s["name"] for s in c.get(f"{API}/standards/", params).json()["results"]]

    assert names(status="retired") == ["Old rule"]
    assert names(status="all") == ["Offsite backup", "Restore test", "Firewall firmware", "Old rule"]
    assert names(tag="network") == ["Firewall firmware"]
    assert names(framework=str(library.hipaa.pk)) == ["Offsite backup"]
    assert names(category=str(library.firewalls.pk), status="all") == ["Firewall firmware", "Old rule"]
    assert names(priority="high", frequency="monthly") == ["Firewall firmware"]
    assert names(search="restore") == ["Restore test"]
    assert names(due="true") == ["Offsite backup", "Restore test", "Firewall firmware"]
    assert c.get(f"{API}/standards/", {"status": "gone"}).status_code == 400


def test_create_update_with_if_match_and_revisions(tenant, library, api):
    c = api(Role.TAM)
    response = c.post(f"{API}/standards/", {
        "category": str(library.backup.pk), "name": "Backup alerts", "question": "How are failures reported?",
        "why": "w", "how": "h"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"question": [
        f"“How are failures reported?” is an open question. Phrase it so it can only be answered yes or no, "
        f"with yes as the healthy answer: {EXAMPLE}."]}
    response = c.post(f"{API}/standards/", {
        "category": str(library.backup.pk), "name": "Backup alerts", "question": "Do failed backups alert the NOC?",
        "why": "Silent failures.", "how": "Fail a job on purpose.", "tags": ["NOC", "backup", "noc"],
        "frameworks": [str(library.pci.pk)], "priority": "high"}, content_type=JSON)
    assert response.status_code == 201
    assert response["ETag"] == '"1"'
    created = response.json()
    assert (created["tags"], created["frequency"], created["revision"], len(created["revisions"])) == (
        ["backup", "noc"], "yearly", 1, 1)
    url = f"{API}/standards/{created['id']}/"
    assert c.patch(url, {"priority": "low"}, content_type=JSON).status_code == 428
    assert c.patch(url, {"priority": "low"}, content_type=JSON, headers={"If-Match": '"7"'}).status_code == 412
    with scope(msp=tenant.msp):
        standard = Standard.objects.get(pk=created["id"])
    make_answer(tenant, standard)
    response = c.patch(url, {"question": "Do failed backups page the NOC?", "frameworks": []}, content_type=JSON,
                       headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["revision"], body["frameworks"]) == (2, [])
    assert [(r["number"], r["question"]) for r in body["revisions"]] == [
        (1, "Do failed backups alert the NOC?"), (2, "Do failed backups page the NOC?")]
    assert c.get(url).json()["question"] == "Do failed backups page the NOC?"
    assert c.get(url, headers={"If-None-Match": '"2"'}).status_code == 304


def test_unknown_and_read_only_fields(tenant, library, api):
    c = api(Role.VCIO)
    response = c.post(f"{API}/standard-categories/", {"name": "Power", "colour": "red"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unknown field: colour. The fields are: name, description, "
                                                    "position."]}
    response = c.patch(f"{API}/standards/{library.restore.pk}/", {"status": "retired", "revision": 9},
                       content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200  # read-only fields are ignored, never applied
    assert (reload(library.restore).status, reload(library.restore).revision) == ("active", 1)


def test_delete_retires_and_reactivate(tenant, library, api):
    c = api(Role.OWNER)
    assert c.delete(f"{API}/standards/{library.firmware.pk}/").status_code == 204
    firmware = reload(library.firmware)
    assert (firmware.status, firmware.version) == ("retired", 2)
    response = c.post(f"{API}/standards/{library.firmware.pk}/reactivate/")
    assert response.status_code == 200
    assert (response.json()["status"], response["ETag"]) == ("active", '"3"')
    response = c.post(f"{API}/standards/{library.firmware.pk}/mark-reviewed/")
    assert response.json()["last_reviewed_on"] is not None


def test_mark_many_reviewed(tenant, other_tenant, library, api):
    other = build_library(other_tenant)
    c = api(Role.VCIO)
    response = c.post(f"{API}/standards/mark-reviewed/",
                      {"standards": [str(library.offsite.pk), str(library.restore.pk)]}, content_type=JSON)
    assert response.status_code == 200
    with scope(msp=tenant.msp):
        from standards.services import msp_today

        today = msp_today(tenant.msp)
    assert response.json() == {"marked": 2, "last_reviewed_on": today.isoformat()}
    response = c.post(f"{API}/standards/mark-reviewed/", {"standards": [str(other.offsite.pk)]}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"standards": [f'Invalid pk "{other.offsite.pk}" - object does not exist.']}
    assert reload(other.offsite).last_reviewed_on is None


def test_categories_and_frameworks(tenant, library, api):
    c = api(Role.OWNER)
    body = c.get(f"{API}/standard-categories/").json()
    assert [(x["name"], x["position"], x["active_standards"]) for x in body["results"]] == [
        ("Backup", 1, 2), ("Firewalls", 2, 1)]
    response = c.post(f"{API}/standard-categories/", {"name": "Power"}, content_type=JSON)
    assert (response.status_code, response.json()["position"]) == (201, 3)
    power = response.json()["id"]
    response = c.patch(f"{API}/standard-categories/{power}/", {"position": 0}, content_type=JSON,
                       headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert [x["name"] for x in c.get(f"{API}/standard-categories/").json()["results"]] == [
        "Power", "Backup", "Firewalls"]
    response = c.delete(f"{API}/standard-categories/{library.backup.pk}/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "“Backup” still has 2 active standards; move them to another category or retire them first."]}
    assert c.delete(f"{API}/standard-categories/{power}/").status_code == 204
    assert [x["name"] for x in c.get(f"{API}/standard-categories/", {"archived": "true"}).json()["results"]] == [
        "Power"]
    assert c.post(f"{API}/standard-categories/{power}/restore/").status_code == 200

    response = c.post(f"{API}/frameworks/", {"code": "CMMC"}, content_type=JSON)
    assert (response.status_code, response.json()["name"], response["ETag"]) == (201, "CMMC", '"1"')
    response = c.post(f"{API}/frameworks/", {"code": "hipaa"}, content_type=JSON)
    assert response.json() == {"code": ["A framework with this code already exists."]}
    response = c.put(f"{API}/frameworks/{library.pci.pk}/", {"code": "PCI DSS 4", "name": "PCI DSS v4.0.1"},
                     content_type=JSON, headers={"If-Match": '"1"'})
    assert (response.status_code, response["ETag"]) == (200, '"2"')


def test_export_and_import(tenant, other_tenant, library, api, login, django_capture_on_commit_callbacks, settings):
    response = api(Role.VIEWER).get(f"{API}/standards/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    exported = response.content
    with scope(msp=tenant.msp):
        assert exported.decode() == csv_io.export_csv()

    bravo = api_for(other_tenant)
    # The file is checked in the request; the job it queues runs once the request commits (a worker runs
    # it; here the task runs eagerly on commit).
    with django_capture_on_commit_callbacks(execute=True):
        response = bravo.post(f"{API}/standards/import/", exported, content_type="text/csv")
    assert response.status_code == 202
    job = response.json()
    assert (job["kind"], job["title"], job["status"]) == ("library_import", "Import library CSV (API)", "queued")
    assert response["Location"] == job["status_url"] == f"http://testserver{API}/jobs/{job['id']}/"
    done = bravo.get(response["Location"]).json()
    assert (done["status"], done["message"], done["result"], done["errors"]) == (
        "succeeded", "Imported 4 standards: 4 created, 0 updated, 0 unchanged.",
        {"created": 4, "updated": 0, "unchanged": 0, "categories_created": 2, "frameworks_created": 2}, [])
    assert bravo.get(f"{API}/standards/export/").content == exported
    # The person's jobs list shows it, as for an import started on the page.
    assert "Import library CSV (API)" in login(other_tenant.users[Role.OWNER]).get("/jobs/").content.decode()

    bad = exported.decode().replace("high,quarterly", "urgent,quarterly").replace("Look.", "")
    response = bravo.post(f"{API}/standards/import/",
                          {"file": SimpleUploadedFile("lib.csv", bad.encode(), "text/csv")})
    assert response.status_code == 400
    assert response.json() == {"detail": "Nothing was imported: 2 problems.", "errors": [
        {"row": 2, "column": "priority", "message": "“urgent” is not a priority; use one of: high, medium, low.",
         "text": "row 2, column priority: “urgent” is not a priority; use one of: high, medium, low."},
        {"row": 5, "column": "how", "message": "is required.", "text": "row 5, column how: is required."},
    ]}
    settings.CSV_IMPORT_MAX_ROWS = 3
    response = bravo.post(f"{API}/standards/import/", exported, content_type="text/csv")
    assert (response.status_code, response.json()["errors"][0]["message"]) == (400, (
        "The file has 4 rows after the header; an import takes at most 3. Split it into files of at most 3 rows. "
        "Nothing was changed."))
    with scope(msp=other_tenant.msp):
        assert list(Job.objects.values_list("status", flat=True)) == ["succeeded"]  # nothing else was queued
    response = bravo.post(f"{API}/standards/import/", {"name": "x"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "Send the CSV as a text/csv request body or as the “file” of a multipart/form-data form.")
    assert api(Role.VIEWER).post(f"{API}/standards/import/", exported, content_type="text/csv").status_code == 403


def api_for(tenant):
    from django.test import Client as HttpClient
    from django_scopes import scopes_disabled

    from msp.models import Membership
    from msp.services import api_token_create

    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[Role.OWNER]), name="t")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_roles_and_other_tenants(tenant, other_tenant, library, api):
    other = build_library(other_tenant)
    viewer = api(Role.VIEWER)
    assert viewer.get(f"{API}/standards/{library.offsite.pk}/").status_code == 200
    assert viewer.patch(f"{API}/standards/{library.offsite.pk}/", {"priority": "low"}, content_type=JSON,
                        headers={"If-Match": '"1"'}).status_code == 403
    assert viewer.post(f"{API}/standard-categories/", {"name": "X"}, content_type=JSON).status_code == 403
    assert viewer.delete(f"{API}/frameworks/{library.hipaa.pk}/").status_code == 403
    owner = api(Role.OWNER)
    for path in (f"standards/{other.offsite.pk}/", f"standard-categories/{other.backup.pk}/",
                 f"frameworks/{other.hipaa.pk}/"):
        assert owner.get(f"{API}/{path}").status_code == 404
        assert owner.delete(f"{API}/{path}").status_code == 404
    response = owner.post(f"{API}/standards/", {"category": str(other.backup.pk), "name": "X", "question": "Is it?",
                                                "why": "w", "how": "h"}, content_type=JSON)
    assert response.json() == {"category": [f'Invalid pk "{other.backup.pk}" - object does not exist.']}
    with scope(msp=other_tenant.msp):
        assert Category.objects.count() == 2
    assert reload(other.offsite).status == "active"


def test_list_queries_do_not_grow_with_the_library(tenant, library, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from standards import services

    c = api(Role.VIEWER)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"{API}/standards/", {"status": "all"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    with scope(msp=tenant.msp):
        for i in range(10):
            services.standard_create(msp=tenant.msp, actor=None, category=library.firewalls, name=f"Rule {i}",
                                     question=f"Is rule {i} in place?", why="w", how="h",
                                     frameworks=[library.hipaa, library.pci])
    assert count() == before
