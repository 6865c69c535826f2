"""A job's state changes, each applied to its row inside the caller's write transaction.

queued -> running -> completed | failed | canceled, and back to queued for another
attempt. The queue, a task's stages and recovery all change jobs through these, so a
status means the same whichever of them set it.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import update
from sqlalchemy.orm import Session

from photojobs.core.config import Config
from photojobs.core.db.models import Job, JobItem
from photojobs.core.jobs.model import JobSpec, JobStatus


def clock(now: float | None) -> float:
    """`now=` is a parameter everywhere so tests never patch the clock."""
    return time.time() if now is None else now


def add(s: Session, config: Config, spec: JobSpec, now: float) -> Job:
    """A new queued job with its items pending."""
    if spec.source not in ("user", "maintenance"):
        raise ValueError(f"source must be 'user' or 'maintenance', not {spec.source!r}")
    row = Job(
        type=spec.type,
        status=JobStatus.QUEUED.value,
        priority=spec.priority,
        scope=spec.scope,
        project_id=spec.project_id,
        payload_json=json.dumps(spec.payload or {}),
        source=spec.source,
        task_id=spec.task_id,
        task_type=spec.task_type,
        task_stage=spec.task_stage,
        progress_done=0,
        progress_total=len(spec.items),
        attempts=0,
        max_attempts=spec.max_attempts or int(config.get("pipeline.max_attempts_default")),
        available_at=now,
        created_at=now,
        cancel_requested=False,
    )
    s.add(row)
    s.flush()
    if spec.items:
        s.add_all(
            JobItem(job_id=row.id, key=k, photo_id=p, status="pending") for k, p in spec.items
        )
    return row


def held(s: Session, job_id: int, worker_id: str) -> Job | None:
    """The job if this worker still holds it (recovery may have taken it away)."""
    row = s.get(Job, job_id)
    if row is None or row.status != JobStatus.RUNNING.value or row.worker_id != worker_id:
        return None
    return row


def finish(row: Job, status: JobStatus, now: float, error: str | None) -> None:
    row.status, row.finished_at, row.heartbeat_at = status.value, now, None
    row.worker_id = None  # held by no one: worker_id is set exactly while running
    row.error = error


def requeue(s: Session, row: Job, available_at: float, error: str | None) -> None:
    """Back to queued; the items it was working on are pending again."""
    row.status, row.worker_id, row.heartbeat_at = JobStatus.QUEUED.value, None, None
    row.available_at, row.error = available_at, error
    s.execute(
        update(JobItem)
        .where(JobItem.job_id == row.id, JobItem.status == "running")
        .values(status="pending")
    )


def request_cancel(row: Job, now: float) -> None:
    """Queued: canceled at once. Running: asked to stop (the handler checks between items)."""
    if row.status == JobStatus.QUEUED.value:
        finish(row, JobStatus.CANCELED, now, "canceled")
    elif row.status == JobStatus.RUNNING.value:
        row.cancel_requested = True
