"""The SQLite job queue: enqueue, claim, heartbeat, finish, cancel, recover.

Every state change is one BEGIN IMMEDIATE transaction, so a job is claimed by exactly one
worker even with two processes on one library. Time is a parameter (`now=`) for tests.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job, JobItem
from photojobs.core.jobs.liveness import ALIVE_ELSEWHERE, DEAD, WORKERS_DIR, worker_state
from photojobs.core.jobs.liveness import new_worker_id as new_worker_id
from photojobs.core.jobs.model import ACTIVE_STATUSES, JobRecord, JobSpec, JobStatus, NewJob
from photojobs.core.jobs.tasks import PROJECT_SCOPE, TaskDefinition, task_definition


def _clock(now: float | None) -> float:
    return time.time() if now is None else now


class JobStore:
    def __init__(self, db: Database, config: Config):
        self.db = db
        self.config = config

    @property
    def workers_dir(self) -> Path:
        """Where each live worker holds its lock file (see liveness)."""
        return self.db.path.parent / WORKERS_DIR

    # -- enqueue ----------------------------------------------------------------------------

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
            return JobRecord.of(self._add(s, spec, _clock(now)))

    def enqueue_with_items(
        self, job_type: str, items: Sequence[tuple[str, int | None]], **kwargs: Any
    ) -> JobRecord:
        """A job whose work is a list of items (key, photo_id), tracked and resumable."""
        return self.enqueue(job_type, items=items, **kwargs)

    def _add(self, s: Session, spec: JobSpec, now: float) -> Job:
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
            max_attempts=spec.max_attempts or int(self.config.get("pipeline.max_attempts_default")),
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
        now = _clock(now)
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
            self._enqueue_stage(s, definition, 0, task_id, project_id, payload or {}, items, now)
            return task_id, True

    def _enqueue_stage(
        self,
        s: Session,
        definition: TaskDefinition,
        stage: int,
        task_id: str,
        project_id: str | None,
        payload: dict[str, Any],
        items: Sequence[tuple[str, int | None]],
        now: float,
    ) -> list[Job]:
        return [
            self._add(
                s,
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

    # -- claim and run ------------------------------------------------------------------------

    def claim(
        self, worker_id: str, *, min_priority: int | None = None, now: float | None = None
    ) -> JobRecord | None:
        """Take the most urgent available job, or None. One write transaction."""
        now = _clock(now)
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
                .values(heartbeat_at=_clock(now))
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

    # -- finish -------------------------------------------------------------------------------

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
        now = _clock(now)
        with self.db.write() as s:
            row = self._own(s, job_id, worker_id)
            if row is None:
                return []
            if row.cancel_requested:
                _finish(row, JobStatus.CANCELED, now, "canceled")
                return [JobRecord.of(row)]
            _finish(row, JobStatus.COMPLETED, now, None)
            if row.progress_total and row.progress_done < row.progress_total:
                row.progress_done = row.progress_total
            added = [self._followup(s, row, f, now) for f in followups]
            added += self._advance(s, row, next_payload, now)
            return [JobRecord.of(row)] + [JobRecord.of(a) for a in added]

    def _followup(self, s: Session, parent: Job, f: NewJob, now: float) -> Job:
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
        return self._add(s, spec, now)

    def _advance(
        self, s: Session, row: Job, next_payload: dict[str, Any] | None, now: float
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
        return self._enqueue_stage(
            s, definition, nxt, row.task_id, row.project_id, payload, (), now
        )

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
        now = _clock(now)
        with self.db.write() as s:
            row = self._own(s, job_id, worker_id)
            if row is None:
                return None
            if row.cancel_requested:
                _finish(row, JobStatus.CANCELED, now, "canceled")
            elif retry and row.attempts < row.max_attempts:
                self._requeue(s, row, now + self.backoff(row.attempts), error)
            else:
                _finish(row, JobStatus.FAILED, now, error)
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
        now = _clock(now)
        with self.db.write() as s:
            row = self._own(s, job_id, worker_id)
            if row is None:
                return None
            _finish(row, JobStatus.CANCELED, now, "canceled")
            for f in followups:
                self._followup(s, row, f, now)
            return JobRecord.of(row)

    def release(self, job_id: int, worker_id: str, now: float | None = None) -> JobRecord | None:
        """A job stopped by shutdown goes back to the queue; the attempt does not count."""
        with self.db.write() as s:
            row = self._own(s, job_id, worker_id)
            if row is None:
                return None
            if row.cancel_requested:
                _finish(row, JobStatus.CANCELED, _clock(now), "canceled")
            else:
                row.attempts = max(0, row.attempts - 1)
                self._requeue(s, row, _clock(now), None)
            return JobRecord.of(row)

    def backoff(self, attempts: int) -> float:
        base = float(self.config.get("pipeline.backoff_base_seconds"))
        cap = float(self.config.get("pipeline.backoff_max_seconds"))
        return float(min(cap, base * 2 ** max(0, attempts - 1)))

    def _own(self, s: Session, job_id: int, worker_id: str) -> Job | None:
        """The job if this worker still holds it (recovery may have taken it away)."""
        row = s.get(Job, job_id)
        if row is None or row.status != JobStatus.RUNNING.value or row.worker_id != worker_id:
            return None
        return row

    def _requeue(self, s: Session, row: Job, available_at: float, error: str | None) -> None:
        row.status, row.worker_id, row.heartbeat_at = JobStatus.QUEUED.value, None, None
        row.available_at, row.error = available_at, error
        s.execute(
            update(JobItem)
            .where(JobItem.job_id == row.id, JobItem.status == "running")
            .values(status="pending")
        )

    # -- cancel, retry, recover -----------------------------------------------------------------

    def cancel_job(self, job_id: int, now: float | None = None) -> JobRecord | None:
        """Queued: canceled at once. Running: asked to stop (the handler checks between items)."""
        with self.db.write() as s:
            row = s.get(Job, job_id)
            if row is None:
                return None
            _cancel_row(row, _clock(now))
            return JobRecord.of(row)

    def cancel_task(self, task_id: str, now: float | None = None) -> list[JobRecord]:
        with self.db.write() as s:
            rows = list(
                s.scalars(
                    select(Job).where(Job.task_id == task_id, Job.status.in_(ACTIVE_STATUSES))
                )
            )
            for row in rows:
                _cancel_row(row, _clock(now))
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
                .values(status="pending", message=None)
            )
            self._requeue(s, row, _clock(now), None)
            return JobRecord.of(row)

    def recover(
        self, *, now: float | None = None, stale_seconds: float | None = None
    ) -> list[JobRecord]:
        """Jobs whose worker died: back to queued, or failed when they keep killing it."""
        now = _clock(now)
        stale = float(
            stale_seconds
            if stale_seconds is not None
            else self.config.get("pipeline.stale_seconds")
        )
        with self.db.read() as s:  # nothing running (an idle app): no write transaction
            if (
                s.scalar(select(Job.id).where(Job.status == JobStatus.RUNNING.value).limit(1))
                is None
            ):
                return []
        with self.db.write() as s:
            running = s.scalars(select(Job).where(Job.status == JobStatus.RUNNING.value)).all()
            recovered = []
            for row in running:
                hb = row.heartbeat_at or row.started_at or 0.0
                state = worker_state(self.workers_dir, row.worker_id)
                if state == ALIVE_ELSEWHERE:
                    continue  # another live process here (one that slept, say): still its job
                if hb >= now - stale and state != DEAD:
                    continue
                if row.cancel_requested:
                    _finish(row, JobStatus.CANCELED, now, "canceled")
                elif row.attempts >= row.max_attempts:
                    _finish(
                        row,
                        JobStatus.FAILED,
                        now,
                        f"stopped {row.attempts} times while running (the app quit or "
                        "crashed); not retried again",
                    )
                else:
                    self._requeue(s, row, now, "interrupted: the app stopped while it ran")
                recovered.append(JobRecord.of(row))
            return recovered

    # -- items ------------------------------------------------------------------------------

    def set_item(
        self,
        job_id: int,
        key: str,
        status: str,
        message: str | None = None,
        photo_id: int | None = None,
        now: float | None = None,
    ) -> None:
        self.set_items(job_id, [(key, status, message, photo_id)], now)

    def set_items(
        self,
        job_id: int,
        items: Sequence[tuple[str, str, str | None, int | None]],
        now: float | None = None,
    ) -> None:
        """(key, status, message, photo_id) for many items, in one write transaction."""
        now = _clock(now)
        with self.db.write() as s:
            keys = [k for k, *_ in items]
            existing = {
                i.key: i
                for i in s.scalars(
                    select(JobItem).where(JobItem.job_id == job_id, JobItem.key.in_(keys))
                )
            }
            new = [
                {
                    "job_id": job_id,
                    "key": key,
                    "photo_id": photo_id,
                    "status": status,
                    "message": message,
                    "updated_at": now,
                }
                for key, status, message, photo_id in items
                if key not in existing
            ]
            if new:  # one bulk insert: a commit reports 128 photos at a time
                s.execute(insert(JobItem), new)
            for key, status, message, _ in items:
                if (item := existing.get(key)) is not None:
                    item.status, item.message, item.updated_at = status, message, now

    def pending_items(self, job_id: int) -> list[tuple[str, int | None]]:
        with self.db.read() as s:
            rows = s.execute(
                select(JobItem.key, JobItem.photo_id)
                .where(JobItem.job_id == job_id, JobItem.status.in_(("pending", "running")))
                .order_by(JobItem.id)
            ).all()
            return [(k, p) for k, p in rows]

    def items(self, job_id: int) -> list[dict[str, Any]]:
        with self.db.read() as s:
            rows = s.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.id))
            return [
                {"key": r.key, "photo_id": r.photo_id, "status": r.status, "message": r.message}
                for r in rows
            ]

    def get(self, job_id: int) -> JobRecord | None:
        with self.db.read() as s:
            row = s.get(Job, job_id)
            return None if row is None else JobRecord.of(row)


def _finish(row: Job, status: JobStatus, now: float, error: str | None) -> None:
    row.status, row.finished_at, row.heartbeat_at = status.value, now, None
    row.worker_id = None  # held by no one: worker_id is set exactly while running
    row.error = error


def _cancel_row(row: Job, now: float) -> None:
    if row.status == JobStatus.QUEUED.value:
        _finish(row, JobStatus.CANCELED, now, "canceled")
    elif row.status == JobStatus.RUNNING.value:
        row.cancel_requested = True
