"""Client confinement: while a request is bound to one client, tenant queries reach only that client's rows.

The tenant scope (django-scopes, `msp`) keeps one MSP from another. A client's decision maker is narrower
still: they may see their own client and nothing else of the MSP. Rather than trust every portal view to
filter `client=` by hand, the portal binds the request to the user's client (`bind_client`, done by
`portal.middleware.PortalConfinementMiddleware` for every request of a client-role user), and the default
manager of every tenant model adds the client filter to each query while that binding holds.

How a model reaches its client is declared on the model, `client_path`: a lookup path ending at the
client's primary key, e.g. ``"pk"`` for Client itself, ``"client"`` for rows with a client foreign key,
``"review__client"`` for rows reached through their parent. A model that declares no path returns no rows
at all while bound (deny by default), unless it is explicitly marked ``portal_readable = True`` (MSP-wide
rows that every client may read). Writes are unaffected: saving goes through the base manager, so a portal
request can still record a decision, a notification for the vCIO and its history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class ClientBinding:
    """The client a request is confined to; `client_id` None confines it to nothing at all."""

    client_id: uuid.UUID | None


_binding: ContextVar[ClientBinding | None] = ContextVar("client_binding", default=None)


@contextmanager
def bind_client(client_id: uuid.UUID | None) -> Iterator[ClientBinding]:
    """Confine every tenant query inside the block to `client_id`'s rows (None: to no rows).

    Bindings nest; an inner one cannot widen an outer one to another client, because a request that is
    confined stays confined (the inner binding to a different client sees nothing)."""
    outer = _binding.get()
    if outer is not None and outer.client_id != client_id:
        client_id = None
    binding = ClientBinding(client_id=client_id)
    token = _binding.set(binding)
    try:
        yield binding
    finally:
        _binding.reset(token)


def current_binding() -> ClientBinding | None:
    """The active binding, or None when queries are not confined to a client (staff, tasks, the shell)."""
    return _binding.get()


def bound_client_id() -> uuid.UUID | None:
    """The id of the client the active binding allows (None when unbound or bound to nothing)."""
    binding = _binding.get()
    return binding.client_id if binding is not None else None


def confine(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` narrowed to the bound client, by its model's `client_path`; unchanged when unbound."""
    binding = _binding.get()
    if binding is None:
        return queryset
    model = queryset.model
    if getattr(model, "portal_readable", False):
        return queryset
    path = getattr(model, "client_path", None)
    if not path or binding.client_id is None:
        return queryset.none()
    return queryset.filter(**{path: binding.client_id})


class ClientConfinedManager(models.Manager):
    """A manager whose every queryset is confined to the bound client (used under django-scopes'
    ScopedManager, which adds the MSP filter on top)."""

    def get_queryset(self) -> models.QuerySet:
        return confine(super().get_queryset())


__all__ = [
    "ClientBinding",
    "ClientConfinedManager",
    "bind_client",
    "bound_client_id",
    "confine",
    "current_binding",
]
