"""The two database roles, created from one admin (superuser) URL.

- the **owner** role owns every table and runs the migrations. It has BYPASSRLS, so migrations and
  platform-admin commands (`seed_demo`) see every tenant, and CREATEDB, so the test runner can create
  its test database. It is a member of the app role, so a session logged in as the owner can still
  `SET ROLE` to the app role and fall under row-level security (that is how the tests run requests).
- the **app** role is what web, worker and beat log in as: it owns nothing, cannot bypass row-level
  security and has only SELECT/INSERT/UPDATE/DELETE on the tables (granted after each migrate, see
  `msp.rls.grant_app_privileges`).

`ensure_roles` is idempotent: run it on every start. It is plain psycopg (no Django), because settings
and bin/testenv.py call it before Django is set up, and docker-compose runs it as `python -m msp.dbroles`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import errors, sql

OWNER_ROLE = "vcio_owner"
APP_ROLE = "vcio_app"
DATABASE = "vcio"


@dataclass(frozen=True)
class DatabaseUrls:
    """Where each role connects: the same server and database, different credentials."""

    owner: str
    app: str


def url_with(url: str, *, user: str, password: str | None = None, database: str | None = None) -> str:
    """`url` with another user (and password, and database); host, port and query are kept."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address goes back in brackets
        host = f"[{host}]"
    netloc = quote(user, safe="")
    if password:
        netloc += ":" + quote(password, safe="")
    netloc += "@" + host
    if parts.port:
        netloc += f":{parts.port}"
    path = "/" + quote(database, safe="") if database else parts.path
    return urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def url_user(url: str) -> str:
    return unquote(urlsplit(url).username or "")


def url_database(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _ensure_role(cur, name: str, attributes: str, password: str | None) -> None:
    try:
        cur.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    except errors.DuplicateObject:
        pass  # it exists (or another process just made it); the ALTER below sets what matters
    cur.execute(sql.SQL("ALTER ROLE {} WITH " + attributes).format(sql.Identifier(name)))
    if password:
        cur.execute(sql.SQL("ALTER ROLE {} WITH PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))


def _adopt_objects(cur, owner: str) -> None:
    """Give the owner role what an older install created as another role (tables, sequences, functions
    of the public schema), so its migrations can alter them."""
    cur.execute(
        """SELECT c.oid::regclass::text, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             AND pg_get_userbyid(c.relowner) <> %s
             AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid
                                                   AND d.deptype IN ('a', 'i')))""",
        [owner],
    )
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for name, kind in cur.fetchall():
        cur.execute(sql.SQL("ALTER {} {} OWNER TO {}").format(
            sql.SQL(kinds[kind]), sql.SQL(name), sql.Identifier(owner)))
    cur.execute(
        """SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') AND pg_get_userbyid(p.proowner) <> %s""",
        [owner],
    )
    for (signature,) in cur.fetchall():
        cur.execute(sql.SQL("ALTER ROUTINE {} OWNER TO {}").format(sql.SQL(signature), sql.Identifier(owner)))


def ensure_roles(admin_url: str, *, database: str | None = None, owner: str = OWNER_ROLE, app: str = APP_ROLE,
                 owner_password: str | None = None, app_password: str | None = None) -> DatabaseUrls:
    """Create (or bring up to date) both roles and the database owned by the owner role; return the
    URLs each role connects with.

    `database` defaults to the admin URL's database. Passwords are set when given and left alone
    otherwise (a local cluster with trust authentication needs none).
    """
    database = database or url_database(admin_url) or DATABASE
    if owner == app:
        raise ValueError("The owner and the app role must be two different roles.")
    admin_password = unquote(urlsplit(admin_url).password or "") or None
    try:
        conn = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError:
        # The admin URL may name the database this creates; start from the maintenance database then.
        conn = psycopg.connect(url_with(admin_url, user=url_user(admin_url), password=admin_password,
                                        database="postgres"), autocommit=True)
    with conn, conn.cursor() as cur:
        # The owner may create databases (the test runner needs that) and bypasses row-level security, so
        # migrations and platform-admin commands see every tenant. The app role may do neither.
        _ensure_role(cur, owner, "LOGIN NOSUPERUSER NOCREATEROLE CREATEDB BYPASSRLS NOREPLICATION", owner_password)
        _ensure_role(cur, app, "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION", app_password)
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(app), sql.Identifier(owner)))
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cur.fetchone() is None:
            try:
                cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database),
                                                                          sql.Identifier(owner)))
            except errors.DuplicateDatabase:
                pass
        cur.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database),
                                                                   sql.Identifier(owner)))
    with psycopg.connect(url_with(admin_url, user=url_user(admin_url), password=admin_password, database=database),
                         autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(owner)))
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(app)))
        _adopt_objects(cur, owner)
    return DatabaseUrls(
        owner=url_with(admin_url, user=owner, password=owner_password, database=database),
        app=url_with(admin_url, user=app, password=app_password, database=database),
    )


def main() -> int:
    """`python -m msp.dbroles`: create the roles from DATABASE_ADMIN_URL (docker-compose's init step).

    Role names and passwords come from DATABASE_OWNER_URL and DATABASE_URL when those are set, so the
    URLs the services use are the single source of their credentials.
    """
    admin_url = os.environ.get("DATABASE_ADMIN_URL", "")
    if not admin_url:
        print("Set DATABASE_ADMIN_URL to a superuser URL of the database server.", file=sys.stderr)
        return 2
    owner_url = os.environ.get("DATABASE_OWNER_URL", "")
    app_url = os.environ.get("DATABASE_URL", "")
    urls = ensure_roles(
        admin_url,
        database=url_database(owner_url or app_url) or None,
        owner=url_user(owner_url) or OWNER_ROLE,
        app=url_user(app_url) or APP_ROLE,
        owner_password=unquote(urlsplit(owner_url).password or "") or None,
        app_password=unquote(urlsplit(app_url).password or "") or None,
    )
    print(f"database roles ready: owner {url_user(urls.owner)}, app {url_user(urls.app)} "
          f"on database {url_database(urls.app)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
