"""Where uploaded and generated files live: an S3-compatible object store when one is configured, the local
disk (MEDIA_ROOT) only in the embedded default.

Every file (client documents, photo evidence) is written and read through Django's storage API, never by a
path, so the same code works on both. The bucket stays private: objects are written with a private ACL,
nothing is ever linked by its public URL, and downloads go through the application's own views, which check
the permission and the tenant and then stream the bytes. Should a URL ever be asked of the storage, it is a
signed one that expires after `SIGNED_URL_SECONDS`. See docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Mapping

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
SIGNED_URL_SECONDS = 60


def default_storage_from_env(env: Mapping[str, str]) -> dict:
    """The `STORAGES["default"]` entry for these environment variables (see docs/operations.md)."""
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {"BACKEND": LOCAL_BACKEND}
    endpoint = env.get("AWS_S3_ENDPOINT_URL", "").strip()
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        "file_overwrite": False,
        "signature_version": "s3v4",
        # Object stores of one's own (MinIO and the like) answer on one host name, not one per bucket.
        "addressing_style": env.get("AWS_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
        "location": env.get("AWS_LOCATION", "").strip("/"),
    }
    for option, variable in (("endpoint_url", "AWS_S3_ENDPOINT_URL"), ("region_name", "AWS_S3_REGION_NAME"),
                             ("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY")):
        if env.get(variable, "").strip():
            options[option] = env[variable].strip()
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
