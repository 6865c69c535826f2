"""How long finished tasks are kept: the `history_cleaning` step of maintenance.

A finished task (no job queued or running) is deleted with its jobs and their items once
it is older than its retention, or beyond the newest `history_tasks_per_source` of its
source; a failed task has a retention of its own, longer by default, so a failure is still
there to read when someone looks for it. Deleting history never touches a file: the trash
journal (`trash_entries`) is not part of it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, text

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job
from photojobs.core.jobs.model import ACTIVE_STATUSES, MAINTENANCE, USER
from photojobs.core.jobs.tasks import TASKS

DAY = 86_400.0
CHUNK = 200  # tasks per write transaction: a long history never holds the lock long

_FINISHED_TASKS = text(
    """
    SELECT COALESCE(task_id, 'job-' || id) AS key,
           MAX(task_type),
           MAX(source = 'user'),
           MAX(status IN :active),
           MAX(status = 'failed'),
           MAX(COALESCE(finished_at, created_at))
    FROM jobs GROUP BY key
    """
).bindparams(bindparam("active", sorted(ACTIVE_STATUSES), expanding=True))


@dataclass(frozen=True)
class Retention:
    days: float
    failed_days: float
    per_source: int

    @staticmethod
    def of(config: Config) -> Retention:
        return Retention(
            float(config.get("maintenance.history_retention_days")),
            float(config.get("maintenance.failed_history_retention_days")),
            int(config.get("maintenance.history_tasks_per_source")),
        )


@dataclass(frozen=True)
class FinishedTask:
    key: str  # the task id, or `job-<id>` for a job of no task
    source: str
    failed: bool
    finished_at: float


def finished_tasks(db: Database) -> list[FinishedTask]:
    """Every task with no job queued or running, in one grouped read."""
    with db.read() as s:
        rows = s.execute(_FINISHED_TASKS).all()
    found = []
    for key, task_type, any_user, active, failed, finished in rows:
        if active:
            continue
        definition = TASKS.get(task_type or "")
        user = bool(any_user) or bool(definition and definition.user_facing)
        found.append(FinishedTask(key, USER if user else MAINTENANCE, bool(failed), finished))
    return found


def expired(tasks: Sequence[FinishedTask], retention: Retention, now: float) -> list[str]:
    """Keys of the tasks past their retention: older than their days, or beyond the newest
    `per_source` of their source (successes and failures counted apart)."""
    groups: dict[tuple[str, bool], list[FinishedTask]] = {}
    for task in tasks:
        groups.setdefault((task.source, task.failed), []).append(task)
    keys = []
    for (_, failed), members in groups.items():
        cutoff = now - (retention.failed_days if failed else retention.days) * DAY
        members.sort(key=lambda t: t.finished_at, reverse=True)
        for rank, task in enumerate(members):
            if rank >= retention.per_source or task.finished_at < cutoff:
                keys.append(task.key)
    return keys


def clean_history(db: Database, config: Config, *, now: float | None = None) -> int:
    """Delete the finished tasks past their retention; returns how many went. A task that
    became active again meanwhile (a retry) is left whole."""
    now = time.time() if now is None else now
    keys = expired(finished_tasks(db), Retention.of(config), now)
    for start in range(0, len(keys), CHUNK):
        _delete_tasks(db, keys[start : start + CHUNK])
    return len(keys)


def _delete_tasks(db: Database, keys: Sequence[str]) -> None:
    task_ids = [k for k in keys if not k.startswith("job-")]
    job_ids = [int(k[4:]) for k in keys if k.startswith("job-")]
    with db.write() as s:
        revived = select(Job.task_id).where(
            Job.task_id.in_(task_ids), Job.status.in_(ACTIVE_STATUSES)
        )
        s.execute(
            delete(Job).where(Job.task_id.in_(task_ids), Job.task_id.not_in(revived)),
            execution_options={"synchronize_session": False},
        )
        s.execute(
            delete(Job).where(
                Job.id.in_(job_ids), Job.task_id.is_(None), Job.status.not_in(ACTIVE_STATUSES)
            ),
            execution_options={"synchronize_session": False},
        )
