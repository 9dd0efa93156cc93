"""A real Celery worker consuming from the test Redis broker, for the tests that are about background work."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection, connections
from django_scopes import scope

from msp.celery import app
from msp.rls import db_tenant

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def celery_worker() -> Iterator[None]:
    """Tasks go through the broker to a worker thread while this is open (eager again afterwards)."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll `predicate` until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def url_of_test_database(database: str | None = None) -> str:
    """A libpq URL of the test database (or another `database` on its server), as the tests' login role."""
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    port = db.get("PORT") or db.get("OPTIONS", {}).get("port", "")
    where = (f"host={host}" + (f"&port={port}" if port else "")) if host.startswith("/") else ""
    netloc = "" if where or not host else f"{host}:{port or 5432}"
    return f"postgresql://{auth}@{netloc}/{database or db['NAME']}" + (f"?{where}" if where else "")




@contextmanager
def worker_process(*, step_delay: float = 0, media_root=None) -> Iterator[subprocess.Popen]:
    """A real worker in its own process (`celery -A msp worker`, one task at a time) on the test database,
    so a test can SIGKILL it in the middle of a job. `step_delay` seconds are slept after each progress
    report (JOB_STEP_DELAY). Stopped (killed) when the block ends if the test has not killed it."""
    env = {**os.environ, "DATABASE_AS_OWNER": "1", "JOB_STEP_DELAY": str(step_delay),
           "DATABASE_OWNER_URL": url_of_test_database(), "DATABASE_APP_ROLE": settings.DATABASE_APP_ROLE}
    if media_root is not None:
        env["MEDIA_ROOT"] = str(media_root)
    log = tempfile.NamedTemporaryFile(prefix="worker-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "msp", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name  # read it (inside the block) when a test fails
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        log.close()
        os.unlink(log.name)


def seconds_meanwhile(msp_id, writes: Callable[[], None]) -> float:
    """Run `writes` (writes of the MSP `msp_id`) on a second connection, in a thread, while the caller holds
    its transaction open, each statement allowed to wait 1 s for a lock (a longer wait fails with the
    database's lock timeout). Returns how long they took; re-raises what they raised."""
    outcome: list = []

    def run() -> None:
        try:
            with db_tenant(msp_id), scope(msp=msp_id):
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                started = time.monotonic()
                writes()
                outcome.append(time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 - raised again in the test's thread
            outcome.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=run)
    writer.start()
    writer.join(30)
    assert outcome, "the writes did not finish within 30 seconds"
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]
