"""Heavy read pages on a read replica, when one is configured (DATABASE_REPLICA_URL).

`replica_reads(msp_id)` runs a block whose reads go to the `replica` database: it opens a read-only
transaction there as the app role with the tenant set (exactly what `db_tenant` does on the primary, so
row-level security holds there too), and the router sends the block's reads to it. Writes always go to the
primary, and so does every read outside such a block (also of rows that were read from the replica). With no
replica configured the block changes nothing. Used by the owner's scorecard; see docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, router

from .rls import db_tenant

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads(msp_id) -> Iterator[str]:
    """Send the block's reads to the replica (yields the alias the reads use)."""
    if not replica_configured():
        yield "default"
        return
    with db_tenant(msp_id, using=REPLICA):
        token = _reading.set(True)
        try:
            yield REPLICA
        finally:
            _reading.reset(token)


class ReplicaRouter:
    """Reads inside `replica_reads` go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return REPLICA if _reading.get() else "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


def read_rows(sql: str, params: dict | list, *, model) -> list[dict]:
    """The rows of a hand-written read statement, as dicts by column name, on the database the router sends
    `model`'s reads to (the replica inside `replica_reads`). It runs in the request's tenant transaction like any
    query, so row-level security holds; every value is a parameter."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
