"""A task moves stage by stage: its first stage when it starts, each next one in the
transaction that completes the last job of the stage before, so a task is never seen
finished early. A handler's follow-ups join its task in that same transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job
from photojobs.core.jobs import transitions
from photojobs.core.jobs.model import ACTIVE_STATUSES, JobSpec, JobStatus, NewJob
from photojobs.core.jobs.tasks import TaskDefinition, task_definition


class TaskStages:
    """The part of JobStore that starts tasks."""

    db: Database
    config: Config

    def start_task(
        self,
        task_type: str,
        *,
        project_id: str | None = None,
        payload: dict[str, Any] | None = None,
        items: Sequence[tuple[str, int | None]] = (),
        now: float | None = None,
    ) -> tuple[str, bool]:
        """Create a task and its first stage; returns (task_id, created).

        For a one-per-project task already queued or running, returns that task instead.
        """
        definition = task_definition(task_type)
        now = transitions.clock(now)
        with self.db.write() as s:
            if definition.one_per_project:
                existing = s.scalar(
                    select(Job.task_id)
                    .where(
                        Job.task_type == task_type,
                        Job.project_id == project_id,
                        Job.status.in_(ACTIVE_STATUSES),
                    )
                    .limit(1)
                )
                if existing:
                    return existing, False
            task_id = str(uuid.uuid4())
            enqueue_stage(
                s, self.config, definition, 0, task_id, project_id, payload or {}, items, now
            )
            return task_id, True


def enqueue_stage(
    s: Session,
    config: Config,
    definition: TaskDefinition,
    stage: int,
    task_id: str,
    project_id: str | None,
    payload: dict[str, Any],
    items: Sequence[tuple[str, int | None]],
    now: float,
) -> list[Job]:
    return [
        transitions.add(
            s,
            config,
            JobSpec(
                step.job_type,
                project_id=project_id,
                payload=payload,
                priority=step.priority,
                scope=step.scope,
                source=step.source,
                task_id=task_id,
                task_type=definition.task_type,
                task_stage=stage,
                items=items,
            ),
            now,
        )
        for step in definition.stage(stage)
    ]


def enqueue_next_stage(
    s: Session, config: Config, row: Job, next_payload: dict[str, Any] | None, now: float
) -> list[Job]:
    """Enqueue the next stage once every job of this stage has completed."""
    if row.task_id is None or row.task_stage is None or row.task_type is None:
        return []
    try:
        definition = task_definition(row.task_type)
    except KeyError:
        return []
    siblings = s.scalars(
        select(Job.status).where(Job.task_id == row.task_id, Job.task_stage == row.task_stage)
    ).all()
    if any(st != JobStatus.COMPLETED.value for st in siblings):
        return []
    nxt = row.task_stage + 1
    if s.scalar(select(Job.id).where(Job.task_id == row.task_id, Job.task_stage == nxt)):
        return []  # already enqueued: completing again is a no-op
    payload = json.loads(row.payload_json or "{}") | (next_payload or {})
    return enqueue_stage(s, config, definition, nxt, row.task_id, row.project_id, payload, (), now)


def enqueue_followup(s: Session, config: Config, parent: Job, f: NewJob, now: float) -> Job:
    """What a handler asked for, in its job's task, project and (unless it says) source."""
    spec = JobSpec(
        f.type,
        project_id=parent.project_id,
        payload=f.payload,
        priority=f.priority if f.priority is not None else parent.priority,
        scope=f.scope,
        source=f.source or parent.source,
        task_id=parent.task_id,
        task_type=parent.task_type,
        items=f.items,
    )
    return transitions.add(s, config, spec, now)
