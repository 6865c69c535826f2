"""The job queue: enqueue, claim, heartbeat, then finish (complete, fail, release), cancel
or retry.

Every state change is one BEGIN IMMEDIATE transaction, so a job is claimed by exactly one
worker even with two processes on one library. Time is a parameter (`now=`) for tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job, JobItem
from photojobs.core.jobs import transitions
from photojobs.core.jobs.model import ACTIVE_STATUSES, JobRecord, JobSpec, JobStatus, NewJob
from photojobs.core.jobs.stages import enqueue_followup, enqueue_next_stage
from photojobs.core.jobs.tasks import PROJECT_SCOPE


class JobQueue:
    """The part of JobStore that moves jobs through their states."""

    db: Database
    config: Config

    def enqueue(
        self,
        job_type: str,
        *,
        project_id: str | None = None,
        payload: dict[str, Any] | None = None,
        priority: int = 50,
        scope: str | None = None,
        source: str = "maintenance",
        task_id: str | None = None,
        task_type: str | None = None,
        items: Sequence[tuple[str, int | None]] = (),
        max_attempts: int | None = None,
        now: float | None = None,
    ) -> JobRecord:
        with self.db.write() as s:
            spec = JobSpec(
                job_type,
                project_id=project_id,
                payload=payload or {},
                priority=priority,
                scope=scope,
                source=source,
                task_id=task_id,
                task_type=task_type,
                items=items,
                max_attempts=max_attempts,
            )
            return JobRecord.of(transitions.add(s, self.config, spec, transitions.clock(now)))

    def enqueue_with_items(
        self, job_type: str, items: Sequence[tuple[str, int | None]], **kwargs: Any
    ) -> JobRecord:
        """A job whose work is a list of items (key, photo_id), tracked and resumable."""
        return self.enqueue(job_type, items=items, **kwargs)

    def claim(
        self, worker_id: str, *, min_priority: int | None = None, now: float | None = None
    ) -> JobRecord | None:
        """Take the most urgent available job, or None. One write transaction."""
        now = transitions.clock(now)
        running = aliased(Job)
        busy_project = exists().where(
            running.status == JobStatus.RUNNING.value,
            running.scope == PROJECT_SCOPE,
            running.project_id == Job.project_id,
        )
        query = (
            select(Job)
            .where(Job.status == JobStatus.QUEUED.value, Job.available_at <= now)
            .where(
                (Job.scope != PROJECT_SCOPE)
                | Job.scope.is_(None)
                | Job.project_id.is_(None)
                | ~busy_project
            )
            .order_by(Job.priority.desc(), Job.id)
            .limit(1)
        )
        if min_priority is not None:
            query = query.where(Job.priority >= min_priority)
        # Anything to claim? A read first (it takes no lock), so an idle loop polling every
        # slot stays idle instead of opening a write transaction each time (as huey does).
        with self.db.read() as s:
            if s.scalar(query.with_only_columns(Job.id)) is None:
                return None
        with self.db.write() as s:
            row = s.scalar(query)
            if row is None:
                return None
            row.status, row.worker_id = JobStatus.RUNNING.value, worker_id
            row.attempts += 1
            row.started_at = row.started_at or now
            row.heartbeat_at = now
            row.error = None
            return JobRecord.of(row)

    def heartbeat(
        self, job_ids: Iterable[int], worker_id: str, now: float | None = None
    ) -> set[int]:
        """Mark jobs alive; returns the ids whose cancellation was asked for."""
        ids = list(job_ids)
        if not ids:
            return set()
        with self.db.write() as s:
            s.execute(
                update(Job)
                .where(
                    Job.id.in_(ids),
                    Job.worker_id == worker_id,
                    Job.status == JobStatus.RUNNING.value,
                )
                .values(heartbeat_at=transitions.clock(now))
            )
            return set(s.scalars(select(Job.id).where(Job.id.in_(ids), Job.cancel_requested)))

    def owned(self, job_ids: Iterable[int], worker_id: str) -> set[int]:
        """The jobs among these that this worker still holds (recovery elsewhere may have
        taken one away: its handler must then stop)."""
        ids = list(job_ids)
        with self.db.read() as s:
            return set(
                s.scalars(
                    select(Job.id).where(
                        Job.id.in_(ids),
                        Job.worker_id == worker_id,
                        Job.status == JobStatus.RUNNING.value,
                    )
                )
            )

    def set_progress(self, job_id: int, done: int, total: int) -> None:
        with self.db.write() as s:
            s.execute(
                update(Job).where(Job.id == job_id).values(progress_done=done, progress_total=total)
            )

    def is_cancel_requested(self, job_id: int) -> bool:
        with self.db.read() as s:
            return bool(s.scalar(select(Job.cancel_requested).where(Job.id == job_id)))

    def complete(
        self,
        job_id: int,
        worker_id: str,
        *,
        followups: Sequence[NewJob] = (),
        next_payload: dict[str, Any] | None = None,
        now: float | None = None,
    ) -> list[JobRecord]:
        """Finish a job; in the same transaction enqueue its follow-ups and the next stage.

        A job whose cancellation was asked for ends canceled, never completed. Returns the
        finished job first, then every job enqueued.
        """
        now = transitions.clock(now)
        with self.db.write() as s:
            row = transitions.held(s, job_id, worker_id)
            if row is None:
                return []
            if row.cancel_requested:
                transitions.finish(row, JobStatus.CANCELED, now, "canceled")
                return [JobRecord.of(row)]
            transitions.finish(row, JobStatus.COMPLETED, now, None)
            if row.progress_total and row.progress_done < row.progress_total:
                row.progress_done = row.progress_total
            added = [enqueue_followup(s, self.config, row, f, now) for f in followups]
            added += enqueue_next_stage(s, self.config, row, next_payload, now)
            return [JobRecord.of(row)] + [JobRecord.of(a) for a in added]

    def fail(
        self,
        job_id: int,
        worker_id: str,
        error: str,
        *,
        retry: bool = True,
        now: float | None = None,
    ) -> JobRecord | None:
        """A failed attempt: back to queued with exponential backoff, or failed for good."""
        now = transitions.clock(now)
        with self.db.write() as s:
            row = transitions.held(s, job_id, worker_id)
            if row is None:
                return None
            if row.cancel_requested:
                transitions.finish(row, JobStatus.CANCELED, now, "canceled")
            elif retry and row.attempts < row.max_attempts:
                transitions.requeue(s, row, now + self.backoff(row.attempts), error)
            else:
                transitions.finish(row, JobStatus.FAILED, now, error)
            return JobRecord.of(row)

    def cancel_finished(
        self,
        job_id: int,
        worker_id: str,
        now: float | None = None,
        followups: Sequence[NewJob] = (),
    ) -> JobRecord | None:
        """A running job that stopped because it was asked to. Follow-ups it asked for
        (repairs of what it already did, like thumbnails to remake) are still enqueued, in
        the same transaction; the task's next stage is not."""
        now = transitions.clock(now)
        with self.db.write() as s:
            row = transitions.held(s, job_id, worker_id)
            if row is None:
                return None
            transitions.finish(row, JobStatus.CANCELED, now, "canceled")
            for f in followups:
                enqueue_followup(s, self.config, row, f, now)
            return JobRecord.of(row)

    def release(self, job_id: int, worker_id: str, now: float | None = None) -> JobRecord | None:
        """A job stopped by shutdown goes back to the queue; the attempt does not count."""
        with self.db.write() as s:
            row = transitions.held(s, job_id, worker_id)
            if row is None:
                return None
            if row.cancel_requested:
                transitions.finish(row, JobStatus.CANCELED, transitions.clock(now), "canceled")
            else:
                row.attempts = max(0, row.attempts - 1)
                transitions.requeue(s, row, transitions.clock(now), None)
            return JobRecord.of(row)

    def backoff(self, attempts: int) -> float:
        base = float(self.config.get("pipeline.backoff_base_seconds"))
        cap = float(self.config.get("pipeline.backoff_max_seconds"))
        return float(min(cap, base * 2 ** max(0, attempts - 1)))

    def cancel_job(self, job_id: int, now: float | None = None) -> JobRecord | None:
        """Queued: canceled at once. Running: asked to stop (the handler checks between items)."""
        with self.db.write() as s:
            row = s.get(Job, job_id)
            if row is None:
                return None
            transitions.request_cancel(row, transitions.clock(now))
            return JobRecord.of(row)

    def cancel_task(self, task_id: str, now: float | None = None) -> list[JobRecord]:
        with self.db.write() as s:
            rows = list(
                s.scalars(
                    select(Job).where(Job.task_id == task_id, Job.status.in_(ACTIVE_STATUSES))
                )
            )
            for row in rows:
                transitions.request_cancel(row, transitions.clock(now))
            return [JobRecord.of(r) for r in rows]

    def retry(self, job_id: int, now: float | None = None) -> JobRecord | None:
        """A failed or canceled job queued again with fresh attempts."""
        with self.db.write() as s:
            row = s.get(Job, job_id)
            if row is None or row.status not in (JobStatus.FAILED.value, JobStatus.CANCELED.value):
                return None
            row.attempts, row.cancel_requested, row.finished_at = 0, False, None
            row.progress_done = (
                s.scalar(
                    select(func.count()).where(JobItem.job_id == row.id, JobItem.status == "done")
                )
                or 0
            )
            s.execute(
                update(JobItem)
                .where(JobItem.job_id == row.id, JobItem.status.in_(("failed", "running")))
                .values(status="pending", name=None, message=None)
            )
            transitions.requeue(s, row, transitions.clock(now), None)
            return JobRecord.of(row)

    def get(self, job_id: int) -> JobRecord | None:
        with self.db.read() as s:
            row = s.get(Job, job_id)
            return None if row is None else JobRecord.of(row)
