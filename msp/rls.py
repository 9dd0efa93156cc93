"""Row-level security: the database's own tenancy wall, under django-scopes. See docs/decisions.md.

Every tenant table has a forced policy that shows and accepts only rows whose `msp_id` equals the
setting `vcio.msp`. The app connects as a role that owns no table and cannot bypass the policies; the
tenant (and the app role) are set per transaction with `set_config(..., true)`, the function form of
`SET LOCAL`, by `db_tenant` (requests, helpers) or for a task's duration by `task_db_tenant`.

A migration that creates a tenant table adds `EnableTenantRls("<table>")` right after it (the event
table of a tracked model too); tests/msp/test_rls.py fails for any table with an `msp_id` column that
has no forced policy and is not one of `RLS_EXEMPT_TABLES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pgtrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.migrations.operations.base import Operation

# The setting (a custom GUC) that carries the tenant's id for the policies.
TENANT_SETTING = "vcio.msp"
POLICY_NAME = "tenant_isolation"
# NULLIF: outside a tenant the setting is unset (NULL) or reset to '' -> NULL -> no row matches.
TENANT_EXPRESSION = f"msp_id = NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"

# Tables with an msp_id that are read before the tenant is known (resolving the request's membership,
# an API token or an invitation link) and so carry no policy. docs/decisions.md says how they are guarded.
RLS_EXEMPT_TABLES = frozenset({
    "msp_membership", "msp_membershipevent",
    "msp_invitation", "msp_invitationevent",
    "msp_apitoken", "msp_apitokenevent",
})

# The setting's name is written out in the statements (it is TENANT_SETTING); only values are parameters.
_SET = "SELECT set_config('role', %s, %s), set_config('vcio.msp', %s, %s)"
# The previous values are read in a CTE, which is evaluated before the outer select sets the new ones.
_SWAP = ("WITH previous AS MATERIALIZED (SELECT current_setting('role') AS role, "
         "coalesce(current_setting('vcio.msp', true), '') AS msp) "
         "SELECT previous.role, previous.msp, set_config('role', %s, %s), set_config('vcio.msp', %s, %s) "
         "FROM previous")


# A request's bound on each of its statements rides on the same statement (no extra round trip).
_TIMEOUT = ", set_config('statement_timeout', %s, true)"


def _with_timeout(sql: str, params: list, timeout_ms: int) -> tuple[str, list]:
    return (sql + _TIMEOUT, [*params, f"{int(timeout_ms)}ms"]) if timeout_ms else (sql, params)


def _set(cursor, role: str, tenant: str, *, local: bool, timeout_ms: int = 0) -> None:
    cursor.execute(*_with_timeout(_SET, [role, local, tenant, local], timeout_ms))


def _swap(cursor, role: str, tenant: str, *, local: bool, timeout_ms: int = 0) -> tuple[str, str]:
    """Set role and tenant; return the values they had."""
    cursor.execute(*_with_timeout(_SWAP, [role, local, tenant, local], timeout_ms))
    return tuple(cursor.fetchone()[:2])


def _tenant_value(msp_id) -> str:
    return "" if msp_id is None else str(getattr(msp_id, "pk", msp_id))


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


@contextmanager
def db_tenant(msp_id, *, using: str = "default", statement_timeout_ms: int = 0) -> Iterator[None]:
    """Run the block in a transaction as the app role with the tenant `msp_id` set (None: no tenant, so
    every tenant table looks empty and refuses writes). With `statement_timeout_ms` the database cancels
    any statement of the transaction that runs longer (a request's bound; 0 leaves the server's).

    Inside an outer transaction (a request's, a test's) the block is a savepoint and the previous role
    and tenant are put back afterwards, so nesting (a portal link of another MSP looked up during a
    request) and many requests in one test transaction work.
    """
    connection = connections[using]
    tenant = _tenant_value(msp_id)
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if nested:
                previous = _swap(cursor, app_role(), tenant, local=True, timeout_ms=statement_timeout_ms)
            else:  # the transaction ends with the block, and the local settings with it
                _set(cursor, app_role(), tenant, local=True, timeout_ms=statement_timeout_ms)
                previous = None
        yield
        # A failed block rolls back its savepoint, which restores the settings by itself.
        if previous is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                _set(cursor, *previous, local=True)


@contextmanager
def db_no_tenant(*, using: str = "default") -> Iterator[None]:
    """A request with no tenant (signing in, signup, an invitation link, health checks): no transaction is
    opened and a request that uses no database touches none. When the login is the app role (production),
    the policies already hold with no tenant set. When it is another role (the owner, as in the tests), the
    block's first statement is preceded by a switch to the app role with no tenant, at session level,
    and the previous values are put back at the end."""
    connection = connections[using]
    if connection.settings_dict.get("USER") == app_role():
        yield
        return
    state: dict = {}

    def switch(execute, sql, params, many, context):
        if "previous" not in state:
            state["previous"] = None  # the switch's own statement passes through here too
            with connection.cursor() as cursor:
                state["previous"] = _swap(cursor, app_role(), "", local=False)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(switch):
            yield
    finally:
        if state.get("previous") is not None:
            try:
                with connection.cursor() as cursor:
                    _set(cursor, *state["previous"], local=False)
            except DatabaseError:
                connection.close()


@contextmanager
def task_db_tenant(msp_id, *, using: str = "default") -> Iterator[None]:
    """Set the app role and tenant for a Celery task's whole run.

    A task opens several transactions and writes job progress outside its write transaction (so the
    job page sees it; msp/jobs.py), so the settings are session-level here and reset in `finally`.
    Called inside a transaction (an eager task run from a request or a test), they stay local to it.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        with db_tenant(msp_id, using=using):
            yield
        return
    with connection.cursor() as cursor:
        previous = _swap(cursor, app_role(), _tenant_value(msp_id), local=False)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                _set(cursor, *previous, local=False)
        except DatabaseError:
            # The settings could not be put back: never hand this session to the next task.
            connection.close()


def grant_app_privileges(*, using: str = "default", **kwargs) -> None:
    """post_migrate: the app role gets DML on every table and sequence of the schema, now and (default
    privileges) on tables the owner creates later. It may read the migration table, not change it."""
    role = app_role()
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise ImproperlyConfigured(
                f"The database role {role!r} (DATABASE_APP_ROLE) does not exist; create both roles with "
                "`python -m msp.dbroles` (see docs/operations.md).")
        if row[0]:
            raise ImproperlyConfigured(f"The app role {role!r} must not be a superuser or bypass row-level "
                                       "security.")
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return  # the app role owns nothing and can grant nothing; migrations run as the owner
        quoted = connection.ops.quote_name(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {quoted}")
        cursor.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                       f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}")
        cursor.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                       f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}")


def _same_tenant_check(field: str, table: str) -> str:
    found = f"SELECT 1 FROM {table} WHERE id = NEW.{field}_id AND msp_id = NEW.msp_id"  # noqa: S608
    refuse = f"RAISE EXCEPTION 'The {field} of a % row must belong to the same MSP.', TG_TABLE_NAME"
    return f"IF NOT EXISTS ({found}) THEN {refuse} USING ERRCODE = 'check_violation'; END IF; "


def same_tenant_link(**ends) -> pgtrigger.Trigger:
    """A trigger for a link (through) model: each end (`field=Model`) must be a row of the link's own msp.

    Row-level security checks the link row's msp but not what its foreign keys point at (referential
    checks bypass the policies), so this makes a cross-tenant link impossible even for a buggy caller.
    Under the app role the other tenant's row is not even visible, which fails the check the same way.
    """
    checks = "".join(_same_tenant_check(field, model._meta.db_table) for field, model in ends.items())
    return pgtrigger.Trigger(name="link_same_tenant", when=pgtrigger.Before,
                             operation=pgtrigger.Insert | pgtrigger.Update, func=checks + "RETURN NEW;")


class EnableTenantRls(Operation):
    """Migration operation: enable and force row-level security on a tenant table, with the policy that
    confines it to the tenant in `vcio.msp`. Reversible (drops the policy, disables RLS)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state) -> None:
        pass  # the database changes; the models do not

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {})

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self.table)
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
        schema_editor.execute(f"CREATE POLICY {POLICY_NAME} ON {table} "
                              f"USING ({TENANT_EXPRESSION}) WITH CHECK ({TENANT_EXPRESSION})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self.table)
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Row-level security on {self.table}"

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.table}"
