"""Files in an S3-compatible object store (msp/storage.py), against a real S3 server started here.

moto's S3 server stands in for MinIO (no MinIO server build ships in a package registry the project can
use; docs/decisions.md). A Celery worker renders a roadmap PDF into the bucket; the web download streams
the bytes from there after the permission check; no one else gets them, and the object itself is not
readable without a signature.
"""

from __future__ import annotations

import hashlib
import socket
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled
from moto.server import ThreadedMotoServer

from clients import document_jobs
from clients.models import Client, Document
from msp.choices import JobStatus
from msp.models import Job
from msp.roles import Role
from msp.storage import S3_BACKEND, default_storage_from_env
from tests.conftest import build_tenant
from tests.workers import celery_worker, wait_for

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    env = {"AWS_STORAGE_BUCKET_NAME": f"vcio-{uuid.uuid4().hex[:12]}", "AWS_S3_ENDPOINT_URL": s3_endpoint,
           "AWS_ACCESS_KEY_ID": "vcio-test", "AWS_SECRET_ACCESS_KEY": "vcio-test-secret",
           "AWS_S3_REGION_NAME": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    s3.create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_env(env)}
    return s3, env["AWS_STORAGE_BUCKET_NAME"]


def _status(job: Job) -> str:
    with scopes_disabled():
        return Job.objects.get(pk=job.pk).status


def test_settings_choose_the_object_store_only_when_a_bucket_is_named():
    assert default_storage_from_env({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    config = default_storage_from_env({"AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_ENDPOINT_URL": "http://minio:9000",
                                       "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})
    assert config == {"BACKEND": S3_BACKEND, "OPTIONS": {
        "bucket_name": "media", "default_acl": "private", "querystring_auth": True, "querystring_expire": 60,
        "file_overwrite": False, "signature_version": "s3v4", "addressing_style": "path", "location": "",
        "endpoint_url": "http://minio:9000", "access_key": "a", "secret_key": "b"}}


def test_a_worker_renders_into_the_bucket_and_only_the_tenant_downloads_it(transactional_db, bucket, login):
    s3, name = bucket
    tenant, other = build_tenant("Alpha", "alpha"), build_tenant("Bravo", "bravo")
    with celery_worker():
        with scope(msp=tenant.msp), transaction.atomic():
            client = Client.objects.select_related("msp").get(pk=tenant.clients[0].pk)
            job = document_jobs.document_job_enqueue(kind="roadmap_report", client=client, source=client,
                                                     actor=tenant.users[Role.VCIO], publish=True)
        assert wait_for(lambda: _status(job) == JobStatus.SUCCEEDED, 60)
    with scopes_disabled():
        document = Document.objects.get(client_id=client.pk, kind="roadmap")
    # The worker wrote the PDF to the bucket, under the document's own key, with a private ACL.
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [document.file.name]
    assert document.file.name.startswith(f"documents/{tenant.msp.pk}/{client.pk}/")
    stored = s3.get_object(Bucket=name, Key=document.file.name)["Body"].read()
    assert stored.startswith(b"%PDF-")
    assert (len(stored), hashlib.sha256(stored).hexdigest()) == (document.size, document.checksum)
    grants = s3.get_object_acl(Bucket=name, Key=document.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in grants)

    # The web download streams exactly those bytes, to the MSP's staff and the client's portal user.
    url = f"/clients/{client.pk}/documents/{document.pk}/download/"
    download = login(tenant.users[Role.VIEWER]).get(url)
    assert download.status_code == 200
    assert download.content == stored
    portal = login(tenant.users[Role.CLIENT]).get(f"/portal/documents/{document.pk}/download/")
    assert portal.content == stored

    # Nobody else: not signed in, or another MSP's staff.
    anonymous = HttpClient().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert login(other.users[Role.OWNER]).get(url).status_code == 404

    # The object itself: an unsigned GET is refused; the storage only ever hands out signed, 60-second URLs.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.meta.endpoint_url}/{name}/{document.file.name}")  # noqa: S310
    assert refused.value.code == 403
    signed = default_storage.url(document.file.name)
    assert "X-Amz-Expires=60" in signed
    assert "X-Amz-Signature=" in signed
