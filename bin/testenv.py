"""Run a command with a throwaway PostgreSQL and Redis on loopback, then stop them.

`make test` uses this. The database gets the two roles of msp.dbroles, created from the cluster's
superuser (or from DATABASE_ADMIN_URL, a superuser URL of a server you provide). The tests log in as
the owner role, which creates the test database and runs the migrations; requests and tasks switch to
the app role, so row-level security holds them as in production. With DATABASE_OWNER_URL and
DATABASE_URL already set, those are used as they are. With REDIS_URL set, that Redis is used.
The exit code is the command's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (Debian: apt-get install redis-server).")
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start.")


def start_postgres(workdir: Path):
    from msp.embedded import database_url

    pgdata = workdir / "pg"
    url = database_url(pgdata)
    return pgdata, url


def database_env(admin_url: str) -> dict[str, str]:
    from msp.dbroles import DATABASE, ensure_roles

    urls = ensure_roles(admin_url, database=DATABASE)
    return {"DATABASE_URL": urls.app, "DATABASE_OWNER_URL": urls.owner}


def stop_postgres(pgdata: Path) -> None:
    from msp.embedded import stop

    stop(pgdata)


def main() -> int:
    cmd = sys.argv[1:] or [sys.executable, "-m", "pytest"]
    env = dict(os.environ)
    cleanups = []
    workdir = Path(tempfile.mkdtemp(prefix="vcio-test-", dir=ROOT / "var" if (ROOT / "var").exists() else None))
    os.chmod(workdir, 0o755)  # noqa: S103 - the embedded server runs as its own user
    try:
        if env.get("DATABASE_ADMIN_URL"):
            env.update(database_env(env["DATABASE_ADMIN_URL"]))
        elif not (env.get("DATABASE_URL") and env.get("DATABASE_OWNER_URL")):
            pgdata, url = start_postgres(workdir)
            cleanups.append(lambda: stop_postgres(pgdata))
            env.update(database_env(url))
        env["DATABASE_AS_OWNER"] = "1"
        if not env.get("REDIS_URL"):
            proc, url = start_redis()
            env["REDIS_URL"] = url
            cleanups.append(lambda: (proc.terminate(), proc.wait(10)))
        print(f"test services: DATABASE_OWNER_URL={env['DATABASE_OWNER_URL']} DATABASE_URL={env['DATABASE_URL']} "
              f"REDIS_URL={env['REDIS_URL']}", flush=True)
        return subprocess.call(cmd, env=env)  # noqa: S603
    finally:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as exc:  # noqa: BLE001
                print(f"cleanup failed: {exc}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
