"""The MSP's own export: every row of every tenant table of one MSP, and its files, as one zip. See
docs/operations.md#the-msps-export.

An owner asks for it from the workspace settings; a job (`export_msp_data`) writes
`exports/<msp>/<job>.zip` to the default storage and links it from the job page, where only owners of
that MSP download it. The tables are found, not listed: every concrete model of the project with an `msp`
field (history tables and link tables included), so a new tenant table is exported without a change here.
The task runs as the app role with the job's tenant set, so row-level security confines what it reads to
that MSP besides the `msp` filter (which the few tables read before a tenant is known rely on).

The zip holds `manifest.json` (the MSP, when, the row count of each table and the files), `people.json`
(the MSP's members: id, email and name, which the rows refer to), one `tables/<app>.<Model>.json` per
model (a list of rows, each field by name, as Django's serializers write them) and `files/<name>` for each
file a row refers to (documents, evidence photos). Secret digests (columns ending in `_hash`) are left
out.
"""

from __future__ import annotations

import json
import tempfile
import zipfile

from celery import shared_task
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .jobs import TRANSIENT_ERRORS, job_create, job_progress, job_run, job_succeed
from .models import Job, Msp, User
from .tenancy import TenantTask

KIND = "msp_export"
_PROJECT_APPS = ("msp", "clients", "standards", "alignment", "roadmaps", "budgets", "meetings", "surveys",
                 "playbook", "portal")


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model of the project with an `msp` field, by app and name."""
    found = [m for m in apps.get_models(include_auto_created=True)
             if m._meta.app_label in _PROJECT_APPS and not m._meta.proxy
             and any(f.name == "msp" and f.concrete for f in m._meta.get_fields())]
    return sorted(found, key=lambda m: m._meta.label)


def export_path(job: Job) -> str:
    return f"exports/{job.msp_id}/{job.pk}.zip"


def msp_export_enqueue(*, msp: Msp, actor: User) -> Job:
    """Queue the export of the MSP's data; the job page follows it and links the zip."""
    return job_create(msp=msp, kind=KIND, title=f"Export of {msp.name}"[:200], created_by=actor,
                      subject_label="Workspace settings", subject_url=reverse("workspace_settings"),
                      message="Waiting for a worker to export the data…", task=export_msp_data)


def _fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.name.endswith("_hash") and not f.primary_key]


def _write_table(archive: zipfile.ZipFile, model, msp_id, files: set[str]) -> int:
    rows = model._base_manager.filter(msp_id=msp_id).order_by("pk")
    file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    data = serializers.serialize("python", rows.iterator(chunk_size=500), fields=_fields(model))
    for row in data:
        for name in file_fields:
            if row["fields"].get(name):
                files.add(row["fields"][name])
    archive.writestr(f"tables/{model._meta.label}.json", json.dumps(data, cls=DjangoJSONEncoder, indent=1))
    return len(data)


def msp_export_run(*, job_id) -> Job | None:
    """The job's body: write the zip, store it and link it. None when the job was not queued."""
    return job_run(job_id=job_id, start="Reading the data…", body=_export_job,
                   unexpected=lambda job: "The export stopped on an unexpected error.")


def _export_job(job: Job) -> Job:
    msp = Msp.objects.get(pk=job.msp_id)
    tables = tenant_models()
    counts: dict[str, int] = {}
    files: set[str] = set()
    missing: list[str] = []
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, model in enumerate(tables):
                job_progress(job=job, done=done, total=len(tables) + 1,
                             message=f"Exporting {model._meta.verbose_name_plural}…")
                counts[model._meta.label] = _write_table(archive, model, msp.pk, files)
            job_progress(job=job, done=len(tables), total=len(tables) + 1, message="Adding the files…")
            for name in sorted(files):
                if default_storage.exists(name):
                    with default_storage.open(name, "rb") as source:
                        archive.writestr(f"files/{name}", source.read())
                else:
                    missing.append(name)
            people = (User.objects.filter(memberships__msp=msp).distinct().order_by("email")
                      .values("id", "email", "first_name", "last_name"))
            archive.writestr("people.json", json.dumps(list(people), indent=1))
            archive.writestr("manifest.json", json.dumps({
                "msp": {"id": str(msp.pk), "name": msp.name}, "exported_at": timezone.now().isoformat(),
                "tables": counts, "files": sorted(files - set(missing)), "files_missing": missing,
            }, indent=1))
        handle.seek(0)
        default_storage.delete(export_path(job))
        stored = default_storage.save(export_path(job), File(handle))
    rows = sum(counts.values())
    return job_succeed(job=job, message=f"Exported {rows} rows of {len(tables)} tables and {len(files)} files.",
                       result={"tables": len(tables), "rows": rows, "files": len(files) - len(missing)},
                       links=[("Download the export (zip)", reverse("job_download", kwargs={"job_id": job.pk}))],
                       records={"export": stored})


@shared_task(base=TenantTask, bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3)
def export_msp_data(self, *, job_id: str, msp_id: str) -> None:
    """Export one MSP's data to a zip; progress and the download link are on the job."""
    msp_export_run(job_id=job_id)


__all__ = ["KIND", "export_msp_data", "export_path", "msp_export_enqueue", "tenant_models"]
