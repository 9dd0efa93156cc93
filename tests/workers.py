"""A real Celery worker consuming from the test Redis broker, for the tests that are about background work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from msp.celery import app


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
