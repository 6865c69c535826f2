"""Listings for people: jobs filtered by source, and tasks aggregated from their jobs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job
from photojobs.core.jobs.labels import task_label
from photojobs.core.jobs.model import (
    ACTIVE_STATUSES,
    MAINTENANCE,
    USER,
    JobRecord,
    JobStatus,
    TaskRecord,
)
from photojobs.core.jobs.steps import task_steps
from photojobs.core.jobs.tasks import TASKS


def show_maintenance_default(config: Config, show_maintenance: bool | None) -> bool:
    if show_maintenance is None:
        return bool(config.get("ui.include_maintenance_jobs"))
    return show_maintenance


def list_jobs(
    db: Database,
    config: Config,
    *,
    project_id: str | None = None,
    statuses: Collection[str] | None = None,
    show_maintenance: bool | None = None,
    limit: int | None = None,
) -> list[JobRecord]:
    """Jobs newest first; maintenance jobs only when asked (default: the config's choice)."""
    query = select(Job).order_by(Job.id.desc())
    if project_id is not None:
        query = query.where(Job.project_id == project_id)
    if statuses:
        query = query.where(Job.status.in_(list(statuses)))
    if not show_maintenance_default(config, show_maintenance):
        query = query.where(Job.source != MAINTENANCE)
    if limit:
        query = query.limit(limit)
    with db.read() as s:
        return [JobRecord.of(r) for r in s.scalars(query)]


def task_status(jobs: Sequence[JobRecord]) -> JobStatus:
    statuses = {j.status for j in jobs}
    if JobStatus.FAILED in statuses:
        return JobStatus.FAILED
    if JobStatus.RUNNING in statuses:
        return JobStatus.RUNNING
    if JobStatus.QUEUED in statuses:
        started = JobStatus.COMPLETED in statuses or JobStatus.CANCELED in statuses
        return JobStatus.RUNNING if started else JobStatus.QUEUED
    if JobStatus.CANCELED in statuses:
        return JobStatus.CANCELED
    return JobStatus.COMPLETED


def aggregate(task_id: str, jobs: Sequence[JobRecord], show_maintenance: bool = True) -> TaskRecord:
    """A task's status, progress and times, derived from its jobs (oldest first). Its
    progress counts the jobs shown: without maintenance, the user's jobs only."""
    first = jobs[0]
    definition = TASKS.get(first.task_type or "")
    user = any(j.source == USER for j in jobs) or bool(definition and definition.user_facing)
    steps = task_steps(first.task_type, jobs, show_maintenance or not user)
    status = task_status(jobs)
    if status == JobStatus.COMPLETED and not steps.last_stage_reached:
        status = JobStatus.RUNNING  # its next stage is on its way, not yet seen
    finished = [j.finished_at for j in jobs if j.finished_at is not None]
    started = [j.started_at for j in jobs if j.started_at is not None]
    return TaskRecord(
        task_id=task_id,
        task_type=first.task_type or first.type,
        label=task_label(first.task_type, first.type),
        source=USER if user else MAINTENANCE,
        status=status,
        progress_done=steps.done,
        progress_total=steps.total,
        project_id=first.project_id,
        created_at=first.created_at,
        started_at=min(started) if started else None,
        finished_at=max(finished) if finished and status not in ACTIVE_STATUSES else None,
        jobs=tuple(jobs),
        step=steps.step,
        steps=steps.steps,
        total_known=steps.total_known,
    )


def task_key(job: JobRecord) -> str:
    """A job with no task is a task of its own."""
    return job.task_id or f"job-{job.id}"


def list_tasks(
    db: Database,
    config: Config,
    *,
    active_only: bool = False,
    show_maintenance: bool | None = None,
    project_id: str | None = None,
    limit: int | None = None,
) -> list[TaskRecord]:
    """Tasks newest first. A user task stays listed with its maintenance jobs hidden (unless
    shown); a task of maintenance jobs only is hidden entirely."""
    show = show_maintenance_default(config, show_maintenance)
    query = select(Job).order_by(Job.id)
    if project_id is not None:
        query = query.where(Job.project_id == project_id)
    with db.read() as s:
        if active_only:
            active = select(Job.task_id).where(
                Job.status.in_(ACTIVE_STATUSES), Job.task_id.is_not(None)
            )
            query = query.where(
                Job.task_id.in_(active) | (Job.task_id.is_(None) & Job.status.in_(ACTIVE_STATUSES))
            )
        jobs = [JobRecord.of(r) for r in s.scalars(query)]
    groups: dict[str, list[JobRecord]] = {}
    for job in jobs:
        groups.setdefault(task_key(job), []).append(job)
    tasks = []
    for key, members in groups.items():
        task = aggregate(key, members, show)
        if not show:
            if task.source == MAINTENANCE:
                continue
            task = replace(task, jobs=tuple(j for j in task.jobs if j.source != MAINTENANCE))
        tasks.append(task)
    tasks.sort(key=lambda t: t.created_at, reverse=True)
    return tasks[:limit] if limit else tasks


WALK = 256  # jobs read per step of the walk back through one source's history


def recent_tasks(
    db: Database,
    config: Config,
    *,
    per_source: int,
    finished_after: float | None = None,
) -> list[TaskRecord]:
    """Every active task, and the newest `per_source` finished tasks of each source
    (finished after `finished_after`, when given), newest first, with all their jobs.

    The Processes dock's first paint: it walks back from the newest job of each source
    (index `jobs_source`) and stops once it has enough, so it reads about as many rows as
    it shows, however long the history."""
    found: dict[str, TaskRecord] = {}
    with db.read() as s:
        active = s.execute(select(Job.task_id, Job.id).where(Job.status.in_(ACTIVE_STATUSES))).all()
        _load(s, [t or f"job-{i}" for t, i in active], found)
        for source in (USER, MAINTENANCE):
            _walk(s, source, per_source, finished_after, found)
    return sorted(found.values(), key=lambda t: (t.created_at, t.task_id), reverse=True)


def _walk(
    s: Session,
    source: str,
    per_source: int,
    finished_after: float | None,
    found: dict[str, TaskRecord],
) -> None:
    kept = sum(1 for t in found.values() if t.source == source and not _active(t))
    before: int | None = None
    while kept < per_source:
        query = select(Job.id, Job.task_id).where(Job.source == source)
        if before is not None:
            query = query.where(Job.id < before)
        # A task has a few jobs of a source: read about twice as many as still wanted.
        step = min(WALK, max(16, 2 * (per_source - kept)))
        batch = s.execute(query.order_by(Job.id.desc()).limit(step)).all()
        if not batch:
            return
        before = batch[-1][0]
        keys = [t or f"job-{i}" for i, t in batch]
        fresh: dict[str, TaskRecord] = {}
        _load(s, [k for k in dict.fromkeys(keys) if k not in found], fresh)
        for key in dict.fromkeys(keys):  # newest first
            task = fresh.get(key)
            if task is None or task.source != source or kept >= per_source:
                continue
            finished = task.finished_at or task.created_at
            if finished_after is not None and finished <= finished_after:
                continue
            found[key] = task
            kept += 1


def _active(task: TaskRecord) -> bool:
    return task.status in ACTIVE_STATUSES


def _load(s: Session, keys: Sequence[str], into: dict[str, TaskRecord]) -> None:
    """The tasks of these keys, aggregated from all their jobs (two indexed reads)."""
    task_ids = [k for k in keys if not k.startswith("job-")]
    job_ids = [int(k[4:]) for k in keys if k.startswith("job-")]
    groups: dict[str, list[JobRecord]] = {}
    for chunk in range(0, len(task_ids), 500):
        query = select(Job).where(Job.task_id.in_(task_ids[chunk : chunk + 500]))
        for row in s.scalars(query.order_by(Job.id)):
            groups.setdefault(row.task_id or "", []).append(JobRecord.of(row))
    for chunk in range(0, len(job_ids), 500):
        query = select(Job).where(Job.id.in_(job_ids[chunk : chunk + 500]))
        for row in s.scalars(query.where(Job.task_id.is_(None))):
            groups[f"job-{row.id}"] = [JobRecord.of(row)]
    for key, jobs in groups.items():
        into[key] = aggregate(key, jobs)


def get_task(db: Database, task_id: str) -> TaskRecord | None:
    with db.read() as s:
        jobs = [
            JobRecord.of(r)
            for r in s.scalars(select(Job).where(Job.task_id == task_id).order_by(Job.id))
        ]
    return aggregate(task_id, jobs) if jobs else None


def has_unfinished_jobs(db: Database) -> bool:
    """A job queued or running anywhere in the library: the worker loop is not idle yet."""
    with db.read() as s:
        return s.scalar(select(Job.id).where(Job.status.in_(ACTIVE_STATUSES)).limit(1)) is not None
