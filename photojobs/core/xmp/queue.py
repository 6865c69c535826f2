"""Asking for sidecar writes: one queued `sidecar_sync` job per project, due a moment later.

A burst of key presses lands in the one queued job (its due time only moves earlier), so
it costs one write per photo. The request is made in the transaction that changes the
marks: a crash cannot leave a changed mark with no job on its way to its sidecar.
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Job
from photojobs.core.jobs.model import MAINTENANCE, JobStatus
from photojobs.core.jobs.tasks import PROJECT_SCOPE, task_definition

SIDECAR_SYNC = "sidecar_sync"
# Seconds between a mark and its sidecar write: long enough to gather a burst of keys,
# short enough that an editor opened next finds the decision.
WRITE_DELAY = 2.0


def request_sidecar_sync(
    session: Session, project_id: str, *, delay: float = WRITE_DELAY, now: float | None = None
) -> str:
    """The task id of the project's queued sync job, made (or brought forward) to run
    within `delay` seconds. A running one is not joined: it may have read its work already."""
    now = time.time() if now is None else now
    due = now + delay
    row = session.scalar(
        select(Job)
        .where(
            Job.type == SIDECAR_SYNC,
            Job.project_id == project_id,
            Job.status == JobStatus.QUEUED.value,
        )
        .limit(1)
    )
    if row is not None:
        row.available_at = min(row.available_at, due)
        return row.task_id or ""
    step = task_definition(SIDECAR_SYNC).stages[0][0]
    task_id = str(uuid.uuid4())
    session.add(
        Job(
            type=SIDECAR_SYNC,
            status=JobStatus.QUEUED.value,
            priority=step.priority,
            scope=PROJECT_SCOPE,  # never beside a commit moving the same sidecars
            project_id=project_id,
            payload_json="{}",
            source=MAINTENANCE,
            task_id=task_id,
            task_type=SIDECAR_SYNC,
            task_stage=0,
            progress_done=0,
            progress_total=0,
            attempts=0,
            max_attempts=3,
            available_at=due,
            created_at=now,
            cancel_requested=False,
        )
    )
    return task_id
