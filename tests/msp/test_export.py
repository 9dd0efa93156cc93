"""The MSP's own export (msp.export): an owner queues it, the job's zip holds every tenant table (derived from the
models) with exactly that MSP's rows and files, and nothing of another MSP; only owners download it."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from clients.models import Document
from msp.export import tenant_models
from msp.models import Job
from msp.roles import Role
from tests import factories as f


def test_an_owner_exports_every_table_of_their_msp_and_nothing_else(tenant, other_tenant, login, settings, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        document = Document.objects.create(msp=tenant.msp, client=tenant.clients[0], kind="other", title="Alpha file",
                                           checksum="0" * 64, size=5, file=ContentFile(b"alpha", name="alpha.txt"))
        f.ContactFactory(client=other_tenant.clients[0], name="Bravo Secret", email="secret@bravo-client.test")
    owner = login(tenant.users[Role.OWNER])
    assert "Export all data" in owner.get("/workspace/settings/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/workspace/export/")
    with scopes_disabled():
        job = Job.objects.get(kind="msp_export")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded", job.error
    download = f"/jobs/{job.pk}/download/"
    assert job.links == [{"label": "Download the export (zip)", "url": download}]

    zipped = owner.get(download)
    assert zipped.status_code == 200
    assert zipped["Content-Type"] == "application/zip"
    assert zipped["Content-Disposition"].startswith('attachment; filename="alpha-export-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    models = tenant_models()
    assert {"clients.Client", "clients.ClientEvent", "msp.Job", "msp.IdempotencyKey", "standards.Standard"} <= {
        m._meta.label for m in models}
    # Every tenant model has its file, with exactly the MSP's row count.
    with scopes_disabled():
        expected = {m._meta.label: m._base_manager.filter(msp_id=tenant.msp.pk).count() for m in models}
    expected["msp.JobEvent"] -= 1  # the export's own "succeeded" event comes after it was written
    assert manifest["tables"] == expected
    assert {f"tables/{label}.json" for label in expected} <= names
    clients = json.loads(archive.read("tables/clients.Client.json"))
    assert sorted(row["fields"]["name"] for row in clients) == ["Alpha Dental", "Alpha Logistics"]
    assert manifest["files"] == [document.file.name]
    assert archive.read(f"files/{document.file.name}") == b"alpha"
    people = {p["email"] for p in json.loads(archive.read("people.json"))}
    assert people == {u.email for u in tenant.users.values()}
    # Nothing of the other MSP anywhere: not its id, names, clients or people.
    everything = b"".join(archive.read(n) for n in names)
    for text in (str(other_tenant.msp.pk), "Bravo", "bravo", "secret@bravo-client.test"):
        assert text.encode() not in everything, text
    assert b"token_hash" not in everything
    assert b"key_hash" not in everything

    # Only owners of this MSP download it (a vCIO following the job sees no download button); another MSP
    # does not even learn it exists.
    assert download in owner.get(f"/jobs/{job.pk}/").content.decode()
    assert download not in login(tenant.users[Role.VCIO]).get(f"/jobs/{job.pk}/").content.decode()
    assert login(tenant.users[Role.VCIO]).get(download).status_code == 403
    assert login(other_tenant.users[Role.OWNER]).get(download).status_code == 404
    assert login(tenant.users[Role.VCIO]).post("/workspace/export/").status_code == 403
