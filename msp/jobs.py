"""Background jobs: create a Job, let a Celery task report progress on it, finish it. See docs/decisions.md.

The page that enqueues the work creates the job (status queued) and enqueues the task with
`delay_on_commit`, passing the job's id; the task calls `job_start`, reports progress through a
`ProgressReporter` and ends with `job_succeed` or `job_fail`. Progress is written outside the task's
write transaction so the person on the job page sees it while the work runs.

A succeeded job's `result` is what people read on the job page (and the API shows), plus two keys the
page treats apart: `links` (buttons, e.g. to download the document the job made) and `records` (ids of
what the job made, by kind of record, for programs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from .choices import JobStatus
from .models import RESULT_LINKS, RESULT_RECORDS, Job, Msp, User
from .tenancy import history

# Length of `Job.message`; longer texts are cut.
_MESSAGE_LIMIT = Job._meta.get_field("message").max_length


def _message(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


@transaction.atomic
def job_create(*, msp: Msp, kind: str, title: str, created_by: User | None, payload=None,
               subject_id=None, subject_label: str = "", subject_url: str = "",
               message: str = "Waiting for a worker to start…") -> Job:
    """A queued job. Enqueue its task with `delay_on_commit` in the same transaction."""
    with history(created_by):
        job = Job(msp=msp, kind=kind, title=title, created_by=created_by, payload=payload,
                  subject_id=subject_id, subject_label=subject_label, subject_url=subject_url,
                  message=_message(message))
        job.full_clean()
        job.save()
    return job


@transaction.atomic
def job_start(*, job_id, message: str = "Started…") -> Job | None:
    """Mark a queued job running and return it; None when it is not queued any more.

    A task delivered twice (a worker lost after taking it) must not run its work twice, so only the
    first start wins; the row lock makes two workers agree on which one that is.
    """
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return None
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.message = _message(message)
    job.save(update_fields=["status", "started_at", "message", "updated_at"])
    return job


def job_progress(*, job: Job, done: int, total: int, message: str) -> None:
    """Record how far the job is. Call it outside a transaction that is still open, or nobody sees it."""
    job.progress_done = min(done, total) if total else done
    job.progress_total = total
    job.message = _message(message)
    Job.objects.filter(pk=job.pk).update(progress_done=job.progress_done, progress_total=total,
                                         message=job.message, updated_at=timezone.now())


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
