"""Idempotent API writes: the `Idempotency-Key` header on POST, PUT and PATCH under /api/. See docs/api.md.

A client that is not sure its write arrived (a timeout, a dropped connection) sends it again with the same
key; the API answers with the first answer and changes nothing. Keys belong to the signed-in person in the
request's MSP and last `IDEMPOTENCY_TTL` (24 hours):

- a replay of the same request (method, path, query and body) within that time gets the stored status,
  body, Content-Type, ETag and Location, plus `Idempotent-Replayed: true`;
- the same key with another request is a 422, and nothing is done;
- a key must be 1-255 printable ASCII characters, or the request is a 400 naming the header.

Requests with the same key wait for each other: the first takes a transaction-level advisory lock on the
key (the request's tenant transaction, msp.tenancy.TenantMiddleware, holds it until its answer is
committed with the row), the others then find the stored answer. A request that fails with a 5xx is
rolled back, key and all, so it can be sent again. `idempotency_keys_expire` (beat, hourly) deletes
keys older than the TTL.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.db import connection
from django.http import HttpResponse, JsonResponse, RawPostDataException
from django.utils import timezone

from .models import IdempotencyKey
from .tenancy import is_api_path

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH")
IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length
_KEY = re.compile("[\\x21-\\x7e]{1," + str(MAX_KEY_LENGTH) + "}")
_KEPT_HEADERS = ("ETag", "Location")


def _problem(status: int, message: str) -> JsonResponse:
    return JsonResponse({HEADER: [message]} if status == 400 else {"detail": message}, status=status)


def _lock_id(msp_id, user_id, key: str) -> int:
    """A signed 64-bit number for pg_advisory_xact_lock, from the key's owner and the key."""
    digest = hashlib.sha256(f"idempotency:{msp_id}:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status_code, content_type=stored.content_type or None)
    for name, value in stored.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Replays the first answer to an API write sent again with the same `Idempotency-Key`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS or not is_api_path(request.path_info):
            return self.get_response(request)
        if not _KEY.fullmatch(key):
            return _problem(400, f"An {HEADER} is 1 to {MAX_KEY_LENGTH} visible ASCII characters (letters, digits, "
                                 "punctuation), such as a UUID.")
        # Keys are kept per person and MSP; without both (anonymous, no workspace) the API refuses the request
        # itself, so there is nothing to remember.
        if getattr(request, "msp", None) is None or not request.user.is_authenticated:
            return self.get_response(request)
        try:
            request_hash = _request_hash(request)
        except RawPostDataException:
            return self.get_response(request)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(request.msp.pk, request.user.pk, key)])
        mine = IdempotencyKey.objects.filter(msp=request.msp, user=request.user, key=key)
        stored = mine.first()
        if stored is not None and stored.created_at < timezone.now() - IDEMPOTENCY_TTL:
            mine.delete()
            stored = None
        if stored is not None:
            if stored.request_hash != request_hash:
                return _problem(422, f"This {HEADER} was used with another request in the last 24 hours; use a new "
                                     "key for a new request.")
            return _replay(stored)
        response = self.get_response(request)
        if response.status_code < 500 and not getattr(response, "streaming", False):
            IdempotencyKey.objects.create(
                msp=request.msp, user=request.user, key=key, request_hash=request_hash,
                status_code=response.status_code, content_type=response.get("Content-Type", ""),
                headers={name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
                body=response.content.decode("utf-8", errors="replace"))
        return response


def idempotency_keys_expire(*, msp_id) -> int:
    """Delete the MSP's keys older than the TTL (inside the tenant's scope); returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(msp_id=msp_id,
                                               created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    return deleted


def add_header_to_schema(result, generator, request, public):
    """drf-spectacular postprocessing hook: every POST, PUT and PATCH of the API documents the header."""
    parameter = {
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
        "description": "Send the same key again to repeat a write safely: within 24 hours the first answer is "
                       "returned and nothing is changed; the same key with another request is a 422.",
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() in METHODS:
                operation.setdefault("parameters", []).append(dict(parameter))
    return result


__all__ = ["HEADER", "IDEMPOTENCY_TTL", "IdempotencyMiddleware", "add_header_to_schema", "idempotency_keys_expire"]
