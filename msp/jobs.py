"""Background jobs: create a Job, let a Celery task report progress on it, finish it. See docs/decisions.md.

The page that enqueues the work creates the job (status queued) and enqueues the task with
`delay_on_commit`, passing the job's id; the task calls `job_start`, reports progress through a
`ProgressReporter` and ends with `job_succeed` or `job_fail`. Progress is written outside the task's
write transaction so the person on the job page sees it while the work runs.

Surviving a worker that dies (see docs/operations.md#background-jobs): tasks are acknowledged only once
they finish (`task_acks_late`), so a message whose worker died is delivered again; `job_start` takes a job
that is queued, or running with a heartbeat older than `JOB_STALE_AFTER` (its worker is gone), and counts
the attempt. Progress is the heartbeat. `jobs_sweep` (beat, every minute) sends the task of such a job
again, or fails it after `JOB_MAX_ATTEMPTS`. The work of a task is idempotent: a finished job is not
started again, and what a job makes is committed in the same transaction as its success.
Cancelling (`job_cancel`) revokes a queued job's message and marks it cancelled; a running job is asked to
stop and stops at its next progress report (`JobCancelled`).

A succeeded job's `result` is what people read on the job page (and the API shows), plus two keys the
page treats apart: `links` (buttons, e.g. to download the document the job made) and `records` (ids of
what the job made, by kind of record, for programs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .choices import JobStatus
from .models import RESULT_LINKS, RESULT_RECORDS, Job, Msp, User
from .tenancy import history

# Errors that may pass by themselves (the database or the broker restarting, a network hiccup): a task
# retries them with backoff (`autoretry_for=TRANSIENT_ERRORS`) after `job_retry_later` put its job back.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class JobCancelled(Exception):
    """Raised by `job_progress` when someone asked the running job to stop; the task then stops."""

# Length of `Job.message`; longer texts are cut.
_MESSAGE_LIMIT = Job._meta.get_field("message").max_length


def _message(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _send(job: Job) -> None:
    """Send the job's task once the current transaction commits. The Celery task id is the job's id, so a
    queued job's message can be revoked."""
    task = current_app.tasks[job.task]
    kwargs = {"job_id": str(job.pk), "msp_id": str(job.msp_id)}
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, task_id=str(job.pk)))


@transaction.atomic
def job_create(*, msp: Msp, kind: str, title: str, created_by: User | None, payload=None,
               subject_id=None, subject_label: str = "", subject_url: str = "",
               message: str = "Waiting for a worker to start…", task=None) -> Job:
    """A queued job. With `task` (a Celery task taking `job_id` and `msp_id`), the task is sent once the
    transaction commits, and sent again by `jobs_sweep` when the worker running it dies."""
    with history(created_by):
        job = Job(msp=msp, kind=kind, title=title, created_by=created_by, payload=payload,
                  subject_id=subject_id, subject_label=subject_label, subject_url=subject_url,
                  message=_message(message), task=task.name if task is not None else "")
        job.full_clean()
        job.save()
    if task is not None:
        _send(job)
    return job


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER)


def _stopped(attempts: int) -> str:
    return f"The worker stopped; tried {attempts} time{'s' if attempts != 1 else ''}."


@transaction.atomic
def job_start(*, job_id, message: str = "Started…") -> Job | None:
    """Mark a job running and return it; None when there is nothing to do.

    It takes a queued job, or a running one whose heartbeat is older than `JOB_STALE_AFTER` (the message
    came again because its worker died). A task delivered twice while the job runs or after it finished
    does nothing; the row lock makes two workers agree on which one runs it. A job asked to stop is
    cancelled here, and one that has used up `JOB_MAX_ATTEMPTS` fails.
    """
    job = Job.objects.select_for_update(no_key=True).filter(pk=job_id).first()
    if job is None:
        return None
    stale = job.status == JobStatus.RUNNING and (job.heartbeat_at is None or job.heartbeat_at < _stale_before())
    if job.status != JobStatus.QUEUED and not stale:
        return None
    if job.cancel_requested:
        _finish(job, status=JobStatus.CANCELLED, message="Cancelled before it finished.")
        return None
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        _finish(job, status=JobStatus.FAILED, message=_stopped(job.attempts))
        return None
    now = timezone.now()
    job.status = JobStatus.RUNNING
    job.started_at = now
    job.heartbeat_at = now
    job.attempts += 1
    job.message = _message(message)
    job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "message", "updated_at"])
    return job


def job_progress(*, job: Job, done: int, total: int, message: str) -> None:
    """Record how far the job is (and that its worker is alive). Call it outside a transaction that is
    still open, or nobody sees it. Raises JobCancelled when someone asked the job to stop."""
    job.progress_done = min(done, total) if total else done
    job.progress_total = total
    job.message = _message(message)
    now = timezone.now()
    # One statement: a job asked to stop is not updated, which is how its worker learns of it.
    if not Job.objects.filter(pk=job.pk, cancel_requested=False).update(
            progress_done=job.progress_done, progress_total=total, message=job.message, heartbeat_at=now,
            updated_at=now):
        raise JobCancelled(job.pk)
    if settings.JOB_STEP_DELAY:
        time.sleep(settings.JOB_STEP_DELAY)  # tests only: a slow job, to stop its worker in the middle


def job_run(*, job_id, start: str, body: Callable[[Job], Job], unexpected: Callable[[Job], str]) -> Job | None:
    """Start the job and run `body(job)`, which returns the finished job; None when there was nothing to
    start. Shared by every task: a cancel request ends it cancelled, a transient error puts it back in the
    queue and re-raises (the task retries), any other error fails it with `unexpected(job)` and re-raises."""
    job = job_start(job_id=job_id, message=start)
    if job is None:
        return None
    try:
        return body(job)
    except JobCancelled:
        return job_cancelled(job=job)
    except TRANSIENT_ERRORS as exc:
        job_retry_later(job=job, error=exc)
        raise
    except Exception:
        job_fail(job=job, message=unexpected(job))
        raise


def job_cancelled(*, job: Job) -> Job:
    """Finish a job that stopped on JobCancelled."""
    return _finish(job, status=JobStatus.CANCELLED, message="Cancelled; nothing was changed.")


def job_retry_later(*, job: Job, error: BaseException) -> None:
    """Put a job back in the queue after a transient error; its task then retries with backoff."""
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, heartbeat_at=timezone.now(), updated_at=timezone.now(),
        message=_message(f"A temporary problem ({type(error).__name__}); trying again shortly…"))


@transaction.atomic
def job_cancel(*, job: Job, actor: User | None) -> Job:
    """Stop a job: a queued one is revoked and cancelled at once, a running one at its next step. A
    finished job is left as it is."""
    job = Job.objects.select_for_update(no_key=True).get(pk=job.pk)
    if job.is_finished:
        return job
    who = f" by {actor}" if actor is not None else ""
    with history(actor):
        if job.status == JobStatus.QUEUED:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested", "updated_at"])
            _finish(job, status=JobStatus.CANCELLED, message=f"Cancelled{who} before it started.")
            if not current_app.conf.task_always_eager:
                job_id = str(job.pk)
                transaction.on_commit(lambda: current_app.control.revoke(job_id))
        else:
            job.cancel_requested = True
            job.message = _message(f"Stopping (asked{who})…")
            job.save(update_fields=["cancel_requested", "message", "updated_at"])
    return job


def jobs_sweep(*, msp_id) -> dict[str, int]:
    """Jobs of one MSP whose worker stopped reporting for `JOB_STALE_AFTER` seconds (running, or put back
    after a temporary error and never taken again): send their task again, or fail them after
    `JOB_MAX_ATTEMPTS`. Run inside the tenant's scope (the beat fans out one task per MSP)."""
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        stale = (Job.objects.select_for_update(no_key=True, skip_locked=True)
                 .filter(msp_id=msp_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
                         heartbeat_at__lt=_stale_before()))
        for job in stale:
            if job.cancel_requested:
                _finish(job, status=JobStatus.CANCELLED, message="Cancelled; nothing was changed.")
            elif job.attempts >= settings.JOB_MAX_ATTEMPTS or not job.task:
                _finish(job, status=JobStatus.FAILED, message=_stopped(job.attempts))
                counts["failed"] += 1
            else:
                job.status = JobStatus.QUEUED
                job.heartbeat_at = timezone.now()
                job.message = _message(f"The worker stopped; queued again (attempt {job.attempts + 1} of "
                                       f"{settings.JOB_MAX_ATTEMPTS})…")
                job.save(update_fields=["status", "heartbeat_at", "message", "updated_at"])
                _send(job)
                counts["requeued"] += 1
    return counts


def _finish(job: Job, *, status: str, message: str, result: dict | None = None, errors=()) -> Job:
    job.status = status
    job.finished_at = timezone.now()
    job.message = _message(message)
    job.result = result or {}
    job.error = "\n".join(str(e) for e in errors)
    job.payload = None  # the input has been used; do not keep a second copy of it
    if status == JobStatus.SUCCEEDED and job.progress_total:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "finished_at", "message", "result", "error", "payload",
                            "progress_done", "updated_at"])
    return job


def job_succeed(*, job: Job, message: str, result: dict | None = None,
                links: Iterable[tuple[str, str]] = (), records: Mapping[str, str] | None = None) -> Job:
    """Mark the job done. `links` are (label, url) pairs shown as buttons on the job page; `records` names
    what it made by id (e.g. {"document": "<uuid>"})."""
    result = dict(result or {})
    if links:
        result[RESULT_LINKS] = [{"label": label, "url": url} for label, url in links]
    if records:
        result[RESULT_RECORDS] = {key: str(value) for key, value in records.items()}
    return _finish(job, status=JobStatus.SUCCEEDED, message=message, result=result)


def job_fail(*, job: Job, message: str, errors=()) -> Job:
    """Mark the job failed with a summary and the specific problems (each shown on its own line)."""
    return _finish(job, status=JobStatus.FAILED, message=message, errors=errors)


class ProgressReporter:
    """`reporter(done, total)` writes the job's progress at most every `interval` seconds (and always at
    the end), so a file of ten thousand rows costs a few dozen small updates, not ten thousand."""

    def __init__(self, job: Job, *, message: Callable[[int, int], str], interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic):
        self.job = job
        self.message = message
        self.interval = interval
        self.clock = clock
        self._last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        job_progress(job=self.job, done=done, total=total, message=self.message(done, total))
