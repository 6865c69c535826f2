"""Run one claimed job to its end: handler, then complete, retry, fail or cancel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from photojobs.core.jobs.context import JobCancelled, JobContext
from photojobs.core.jobs.events import EventSink, JobEvent, TaskEvent
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.queries import get_task
from photojobs.core.jobs.registry import HandlerRegistry, HandlerUnavailable
from photojobs.core.jobs.store import JobStore
from photojobs.core.storage_errors import DiskFullError, is_disk_full

log = logging.getLogger(__name__)


class PermanentJobError(Exception):
    """A failure that retrying cannot fix (bad payload, missing project)."""


def run_job(
    ctx: JobContext,
    registry: HandlerRegistry,
    worker_id: str,
    clock: Callable[[], float] = time.time,
) -> list[JobRecord]:
    """Returns the job as finished plus any jobs its completion enqueued."""
    job, store = ctx.job, ctx.store
    try:
        handler = registry.get(job.type)
    except HandlerUnavailable as e:  # a library it needs is missing: no retry can help
        log.error("job %s (%s): %s", job.id, job.type, e)
        message = f"the handler of {job.type} is not available: {e}"
        return _announce(ctx, [store.fail(job.id, worker_id, message, retry=False, now=clock())])
    if handler is None:
        return _announce(
            ctx,
            [
                store.fail(
                    job.id, worker_id, f"unknown job type: {job.type}", retry=False, now=clock()
                )
            ],
        )
    try:
        handler(ctx, job)
        ctx.flush_progress()
    except JobCancelled:
        return _announce(ctx, [_stopped(ctx, worker_id, clock())])
    except PermanentJobError as e:
        return _announce(ctx, [store.fail(job.id, worker_id, str(e), retry=False, now=clock())])
    except Exception as e:
        log.exception("job %s (%s) failed", job.id, job.type)
        if is_disk_full(e):  # retrying soon cannot help; `retry` once space is freed
            message = str(e if isinstance(e, DiskFullError) else DiskFullError())
            return _announce(
                ctx, [store.fail(job.id, worker_id, message, retry=False, now=clock())]
            )
        message = str(e) or type(e).__name__
        return _announce(ctx, [store.fail(job.id, worker_id, message, now=clock())])
    if ctx.cancelled():
        return _announce(ctx, [_stopped(ctx, worker_id, clock())])
    finished = store.complete(
        job.id, worker_id, followups=ctx.followups, next_payload=ctx.next_payload, now=clock()
    )
    return _announce(ctx, finished)


def _stopped(ctx: JobContext, worker_id: str, now: float) -> JobRecord | None:
    if ctx.stopping:
        return ctx.store.release(ctx.job.id, worker_id, now=now)
    return ctx.store.cancel_finished(ctx.job.id, worker_id, now=now, followups=ctx.followups)


def _announce(ctx: JobContext, records: Sequence[JobRecord | None]) -> list[JobRecord]:
    done = [r for r in records if r is not None]
    announce_jobs(ctx.store, ctx.emit, done)
    return done


def announce_jobs(store: JobStore, emit: EventSink, jobs: list[JobRecord]) -> None:
    """A JobEvent for each job, then one TaskEvent per task touched."""
    for job in jobs:
        emit(JobEvent.of(job))
    for task_id in dict.fromkeys(j.task_id for j in jobs if j.task_id):
        task = get_task(store.db, task_id)
        if task is not None:
            emit(TaskEvent.of(task))
