"""Tenancy core: the tenant model base, the scope middleware, the Celery task base and helpers.

Every tenant-owned row carries `msp`; its default manager refuses to query outside a scope
(django-scopes). The middleware opens `scope(msp=...)` for the request's active MSP; routes without
a tenant open none, so a tenant query there raises instead of leaking. Underneath, PostgreSQL's
row-level security (msp/rls.py) is the second wall: each request runs in one transaction as the app
role with the tenant set, so even a query that slipped past the scope sees only that tenant's rows.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import ClassVar

import pghistory
from celery import Task
from django.conf import settings
from django.db import OperationalError, models, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django_scopes import ScopedManager, scope, scopes_disabled

from .confinement import ClientConfinedManager
from .models import ApiToken, Membership, Msp, hash_secret
from .rls import db_no_tenant, db_tenant, task_db_tenant

SESSION_KEY = "active_msp"


class TenantModel(models.Model):
    """Base of every tenant-owned model: UUID key, `msp`, timestamps and a scoped manager.

    The manager also confines queries to one client while a portal request is bound to it
    (msp.confinement): each model says how it reaches its client in `client_path` (None: no rows while
    bound, unless `portal_readable`).
    """

    client_path: ClassVar[str | None] = None
    portal_readable: ClassVar[bool] = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(_manager_class=ClientConfinedManager, msp="msp")

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Records that people edit carry a version: a stale save is refused, never silently applied."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class StaleVersionError(Exception):
    """Someone else saved the record since this edit started."""

    def __init__(self, current: int):
        super().__init__(f"This record was changed by someone else (now version {current}).")
        self.current = current


def check_version(obj: VersionedModel, expected: int | None) -> None:
    """Lock the row and refuse the write when `expected` is not its current version.

    FOR NO KEY UPDATE: the write changes no key, and this lock does not wait for the key-share locks
    that inserts pointing at the row hold (an import adding a client's assets does not hold up an edit
    of the client or of the MSP's settings)."""
    if expected is None:
        return
    current = type(obj)._base_manager.select_for_update(no_key=True).values_list("version", flat=True).get(pk=obj.pk)
    if int(expected) != current:
        raise StaleVersionError(current)


def bump_version(obj: VersionedModel) -> None:
    obj.version = (obj.version or 0) + 1


def api_token_from_header(header: str) -> ApiToken | None:
    if not header.startswith("Bearer "):
        return None
    raw = header[len("Bearer "):].strip()
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("membership__msp", "membership__user")
        .filter(key_hash=hash_secret(raw), revoked_at__isnull=True, membership__removed_at__isnull=True)
        .first()
    )
    if token is None or not token.membership.user.is_active:
        return None
    return token


def active_memberships(user) -> models.QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, removed_at__isnull=True)
        .select_related("msp")
        .defer("msp__logo_png")  # the logo's bytes are read only where they are sent (msp.brand)
        .order_by("msp__name")
    )


def resolve_membership(request) -> Membership | None:
    """The membership the request acts as: the API token's, else the session's chosen MSP."""
    if getattr(request, "api_token", None) is not None:
        return request.api_token.membership
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = list(active_memberships(user))
    request.memberships = memberships  # the workspace menu lists them (msp.context_processors)
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for m in memberships:
        if str(m.msp_id) == wanted:
            return m
    return memberships[0]


API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    """True for the paths where an API token is a credential."""
    return path.startswith(API_PREFIX)


# PostgreSQL's code for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"
TOO_LONG = ("This took longer than the server allows for one page, so it was stopped and nothing was changed. "
            "Try again in a moment, or narrow what you asked for (a shorter period, fewer items).")


class TenantMiddleware:
    """Sets request.msp / request.membership / request.role and opens the tenant scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        request.api_token_rejected = False
        header = request.META.get("HTTP_AUTHORIZATION", "")
        # An API token is an API credential and nothing more: anywhere but under /api/ the header is
        # ignored, so a token can never act as a web login (change the email, mint tokens, invite people).
        if header.startswith("Bearer ") and is_api_path(request.path_info):
            token = api_token_from_header(header)
            request.api_token = token
            request.api_token_rejected = token is None
            if token is not None:
                request.user = token.membership.user
                # Bearer requests carry no cookies of ours, so CSRF does not apply to them.
                request._dont_enforce_csrf_checks = True
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        membership = resolve_membership(request)
        request.membership = membership
        request.msp = membership.msp if membership else None
        request.role = membership.role if membership else None
        # A tenant's request runs in one transaction as the app role with its tenant set, so row-level
        # security holds even a login as the owner role. Without a tenant (sign-in, signup, invitation
        # links) it runs as the app role with no tenant, and opens no transaction.
        if request.msp is None:
            with db_no_tenant():
                return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(request.msp.time_zone))
        try:
            with (db_tenant(request.msp.pk, statement_timeout_ms=settings.DATABASE_STATEMENT_TIMEOUT_MS),
                  scope(msp=request.msp), pghistory.context(msp=str(request.msp.pk))):
                return self._respond(request)
        finally:
            timezone.deactivate()

    def process_exception(self, request, exception):
        """A statement the database cancelled for running past DATABASE_STATEMENT_TIMEOUT_MS: a 503 that
        says so (the request's transaction is rolled back, as for any answer of 500 or more)."""
        if not (isinstance(exception, OperationalError)
                and getattr(exception.__cause__, "sqlstate", None) == QUERY_CANCELED):
            return None
        if is_api_path(request.path_info):
            response = JsonResponse({"detail": TOO_LONG}, status=503)
        else:
            # Without the request: its transaction is aborted, so nothing may read the database now.
            response = HttpResponse(render_to_string("503.html", {"message": TOO_LONG}), status=503)
        response["Retry-After"] = "30"
        return response

    def _respond(self, request):
        response = self.get_response(request)
        # A view's exception arrives here already turned into a 500 response: a failed request keeps
        # nothing of what it wrote.
        if response.status_code >= 500:
            transaction.set_rollback(True)
        return response


def get_in_scope(queryset_or_model, **lookup):
    """Fetch one object inside the active scope, or 404 (another tenant's id is simply not found)."""
    qs = queryset_or_model.objects.all() if isinstance(queryset_or_model, type) else queryset_or_model
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    except Exception as exc:  # a malformed UUID raises ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404 from exc
        raise


def history(actor=None):
    """Context for pghistory so every change records who made it."""
    if actor is None:
        return nullcontext()
    return pghistory.context(user=str(actor.pk))


class TenantTask(Task):
    """Celery task base: takes `msp_id` and runs the body inside that tenant's scope (and, like a request,
    with the tenant in the history context)."""

    abstract = True

    def __call__(self, *args, msp_id, **kwargs):
        # Session-level tenant for the whole run (the task's several transactions and the job progress
        # written between them), put back in `finally`; see task_db_tenant and docs/decisions.md.
        with task_db_tenant(msp_id), scope(msp=msp_id), pghistory.context(msp=str(msp_id)):
            return super().__call__(*args, msp_id=msp_id, **kwargs)


@contextmanager
def tenant_scope(msp) -> Iterator[None]:
    """Both walls for one tenant outside a request's own (a link that names its MSP, a command): the
    django-scopes scope and, in a transaction, the database tenant. Nests inside a request of another
    tenant and puts that one back afterwards."""
    with db_tenant(getattr(msp, "pk", msp)), scope(msp=msp):
        yield


def delay_on_commit(task, *args, **kwargs) -> None:
    """Enqueue a task once the current transaction has committed."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


__all__ = [
    "TenantModel",
    "VersionedModel",
    "StaleVersionError",
    "TenantTask",
    "TenantMiddleware",
    "check_version",
    "bump_version",
    "delay_on_commit",
    "get_in_scope",
    "history",
    "scope",
    "scopes_disabled",
    "tenant_scope",
]
