"""make backup / make restore (bin/backup.py): a dump of the test database restored into a new database has the
same rows in every tenant table, and its row-level security policies and the app role's grants."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from psycopg import sql

from tests.conftest import build_tenant
from tests.workers import url_of_test_database

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bin"))
import backup  # noqa: E402  (bin/backup.py)

RESTORED = "vcio_backup_restored"


def tenant_tables() -> list[str]:
    """Every table with an msp_id: the tenant data set (derived from the models, history tables included)."""
    return sorted({m._meta.db_table for m in apps.get_models()
                   if any(f.name == "msp" and f.concrete for f in m._meta.get_fields())})


def _facts(url: str, tables: list[str]) -> dict:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        counts = {}
        for table in tables:
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cur.fetchone()[0]
        cur.execute("SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public' ORDER BY 1")
        policies = cur.fetchall()
        cur.execute("SELECT relname FROM pg_class WHERE relforcerowsecurity AND relkind = 'r' ORDER BY 1")
        forced = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                    "WHERE grantee = 'vcio_app' ORDER BY 1, 2")
        grants = cur.fetchall()
    return {"counts": counts, "policies": policies, "forced": forced, "grants": grants}


@pytest.fixture
def restored_database(transactional_db):
    yield RESTORED
    connection.close()
    with psycopg.connect(url_of_test_database("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(RESTORED)))


def test_backup_and_restore_round_trip(restored_database, tmp_path):
    build_tenant("Alpha", "alpha")
    build_tenant("Bravo", "bravo")
    url = url_of_test_database()
    path = backup.backup(url, tmp_path, now=datetime(2026, 12, 4, 18, 5, 0, tzinfo=UTC))
    assert path.name == f"{connection.settings_dict['NAME']}-20261204T180500Z.dump"
    assert path.read_bytes()[:5] == b"PGDMP"
    assert list(tmp_path.iterdir()) == [path]

    target = backup.restore(url, path, database=restored_database)
    tables = tenant_tables()
    assert {"clients_client", "msp_job", "msp_idempotencykey", "clients_clientevent"} <= set(tables)
    before, after = _facts(url, tables), _facts(target, tables)
    assert after == before
    assert before["counts"]["clients_client"] == 4
    assert set(tables) - {"msp_membership", "msp_membershipevent", "msp_invitation", "msp_invitationevent",
                          "msp_apitoken", "msp_apitokenevent"} <= set(after["forced"])

    # A database that already holds tables is refused, and the command line names the target.
    with pytest.raises(SystemExit, match="is not empty"):
        backup.restore(url, path, database=restored_database)
    script = subprocess.run([sys.executable, str(ROOT / "bin" / "backup.py"), "restore", str(tmp_path / "none.dump")],
                            capture_output=True, text=True, env={"DATABASE_OWNER_URL": url, "PATH": "/usr/bin:/bin"})
    assert (script.returncode, script.stderr.strip()) == (1, f"No backup file at {tmp_path / 'none.dump'}.")
