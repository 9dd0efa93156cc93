"""Row-level security through a real PgBouncer in transaction mode (Debian's `pgbouncer`).

Web requests set the tenant with `set_config(..., true)` (SET LOCAL) inside their transaction, so it ends
with the transaction and a pooled server connection carries nothing over to the next client. Two web
processes' requests for two tenants, interleaved over one shared server connection, each see only their
own tenant's rows, and a request with no tenant sees none.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from clients.models import Client
from msp.rls import db_no_tenant, db_tenant
from tests.conftest import build_tenant

PGBOUNCER = shutil.which("pgbouncer")
pytestmark = pytest.mark.skipif(PGBOUNCER is None, reason="needs pgbouncer (Debian: apt-get install pgbouncer)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bouncer(transactional_db, tmp_path, settings):
    """A PgBouncer in front of the test database, one server connection in transaction pooling, and a Django
    connection alias `bouncer` that logs in through it as the app role (as web processes do)."""
    target = connection.settings_dict
    port = _free_port()
    workdir = tmp_path / "pgbouncer"
    workdir.mkdir()
    app_role = settings.DATABASE_APP_ROLE
    (workdir / "users.txt").write_text(f'"{app_role}" ""\n')
    options = dict(target.get("OPTIONS", {}))
    host = target["HOST"] or options.pop("host", "") or "127.0.0.1"  # the embedded default's socket directory
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{target['NAME']} = host={host} port={target['PORT'] or 5432} dbname={target['NAME']}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {workdir / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 20\n"
        "ignore_startup_parameters = extra_float_digits,options\n")
    for path in (tmp_path, workdir, *workdir.iterdir()):
        path.chmod(0o755)
    command = [PGBOUNCER, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer will not run as root: run it as the owner of the database's socket
        command[1:1] = ["-u", pwd.getpwuid(Path(host).stat().st_uid).pw_name if host.startswith("/") else "postgres"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.05)
    bouncer_settings = {
        **target, "HOST": "127.0.0.1", "PORT": str(port), "USER": app_role, "PASSWORD": "",
        # Behind transaction pooling: no server-side cursors and no prepared statements.
        "DISABLE_SERVER_SIDE_CURSORS": True, "OPTIONS": {**options, "prepare_threshold": None},
    }
    yield lambda: load_backend(target["ENGINE"]).DatabaseWrapper(dict(bouncer_settings), "bouncer")
    proc.terminate()
    proc.wait(10)


def test_two_tenants_interleaved_through_one_pooled_connection_see_only_their_rows(bouncer):
    alpha, bravo = build_tenant("Alpha", "alpha"), build_tenant("Bravo", "bravo")
    turns = threading.Barrier(2)
    seen: dict[str, list] = {"Alpha": [], "Bravo": []}
    errors: list[BaseException] = []

    def web_process(tenant, name):
        # Each web process has its own connection to the pooler (a connection made here, not a configured
        # database, so the test database's guards do not apply to it).
        connections["bouncer"] = own = bouncer()
        try:
            for _ in range(5):
                turns.wait(10)
                with db_tenant(tenant.msp.pk, using="bouncer"):
                    names = sorted(Client._base_manager.using("bouncer").values_list("name", flat=True))
                    with connections["bouncer"].cursor() as cursor:
                        cursor.execute("SELECT pg_backend_pid(), current_user")
                        pid, user = cursor.fetchone()
                with db_no_tenant(using="bouncer"):
                    outside = Client._base_manager.using("bouncer").count()
                seen[name].append((tuple(names), pid, user, outside))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=web_process, args=(t, t.msp.name)) for t in (alpha, bravo)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert {row[0] for row in seen["Alpha"]} == {("Alpha Dental", "Alpha Logistics")}
    assert {row[0] for row in seen["Bravo"]} == {("Bravo Dental", "Bravo Logistics")}
    assert {row[3] for rows in seen.values() for row in rows} == {0}  # no tenant: no rows
    assert {row[2] for rows in seen.values() for row in rows} == {"vcio_app"}
    # Both web processes were served by the one server connection of the pool, turn by turn.
    assert len({row[1] for rows in seen.values() for row in rows}) == 1
