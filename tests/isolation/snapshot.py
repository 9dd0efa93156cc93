"""Before/after pictures of the database: a row count and a content hash per table.

`victim_snapshot` covers every table with an `msp_id` column (tenant tables, their many-to-many link
tables and the pghistory event tables) for the victim MSP, plus the victim's rows in the tables that
have no `msp_id`: the MSP itself, its people (without `last_login`, which signing in an attacker of the
same MSP updates), their API tokens, email addresses and MFA authenticators.
`database_snapshot` covers every table of the database (sessions aside).
`foreign_references` finds rows of other tenants that point at the victim's rows or people.
"""

from __future__ import annotations

from django.db import connection

# Sessions change whenever anyone signs in; they hold no tenant data.
UNWATCHED_TABLES = {"django_session"}


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names(include_views=False) if t not in UNWATCHED_TABLES)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _digest(cursor, table: str, where: str, params, *, drop: tuple[str, ...] = ()) -> tuple[int, str]:
    row = "to_jsonb(t)" + "".join(f" - '{c}'" for c in drop)
    cursor.execute(
        f'SELECT count(*), md5(coalesce(string_agg(({row})::text, \'|\' ORDER BY ({row})::text), \'\')) '  # noqa: S608
        f'FROM "{table}" t WHERE {where}', params)
    return cursor.fetchone()


def victim_snapshot(world) -> dict[str, tuple[int, str]]:
    msp_id = world.victim.msp.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM msp_membership WHERE msp_id = %s", [msp_id])
        users = [r[0] for r in cursor.fetchall()]
        # The second client's portal user is an attacker: what it does to its own account is its own.
        own = [u for u in users if u != world.portal_b.pk]
        cursor.execute("SELECT id FROM msp_membership WHERE msp_id = %s", [msp_id])
        memberships = [r[0] for r in cursor.fetchall()]
        out = {}
        for table in _tables():
            columns = _columns(table)
            if "msp_id" in columns:
                out[table] = _digest(cursor, table, "t.msp_id = %s", [msp_id])
        out["msp_msp"] = _digest(cursor, "msp_msp", "t.id = %s", [msp_id])
        out["msp_user"] = _digest(cursor, "msp_user", "t.id = ANY(%s)", [users], drop=("last_login",))
        # When a token was last used changes with the victim's own calls in the walk.
        out["msp_apitoken"] = _digest(cursor, "msp_apitoken", "t.membership_id = ANY(%s)", [memberships],
                                      drop=("last_used_at",))
        for table in ("account_emailaddress", "mfa_authenticator"):
            out[table] = _digest(cursor, table, "t.user_id = ANY(%s)", [own])
    return out


def database_snapshot() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        return {table: _digest(cursor, table, "true", []) for table in _tables()}


def changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


def foreign_references(world) -> list[str]:
    """Rows outside the victim MSP holding a victim row's id or a victim staff member's user id."""
    victim_ids = list(world.ids)
    staff = list(world.staff_user_ids)
    others = [world.victim.msp.pk, *world.bystander_msp_ids]
    problems = []
    with connection.cursor() as cursor:
        for table in _tables():
            description = {c.name: c for c in connection.introspection.get_table_description(cursor, table)}
            if "msp_id" not in description:
                continue
            for name in description:
                if name in {"msp_id", "id"}:
                    continue
                cursor.execute(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                    [table, name])
                kind = cursor.fetchone()[0]
                if kind == "uuid":
                    cursor.execute(f'SELECT count(*) FROM "{table}" WHERE NOT msp_id = ANY(%s) '  # noqa: S608
                                   f'AND "{name}"::text = ANY(%s)', [others, victim_ids])
                elif kind in {"integer", "bigint"} and name.endswith(("_by_id", "user_id", "vcio_id", "tam_id",
                                                                        "owner_id", "actor_id")):
                    cursor.execute(f'SELECT count(*) FROM "{table}" WHERE NOT msp_id = ANY(%s) '  # noqa: S608
                                   f'AND "{name}" = ANY(%s)', [others, staff])
                else:
                    continue
                count = cursor.fetchone()[0]
                if count:
                    problems.append(f"{table}.{name}: {count} row(s) of another MSP point at the victim's")
    return problems
