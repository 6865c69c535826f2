"""Plain, frozen records of jobs, tasks and their items: what crosses threads instead of
ORM rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import PurePath
from typing import Any

from photojobs.core.db.models import Job


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"


# The one definition of finished and of not finished. Events say it as `event.finished`;
# SQL filters (`Job.status.in_`) and checks use these sets. Nothing else spells the words.
FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELED})
ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})

USER = "user"
MAINTENANCE = "maintenance"


@dataclass(frozen=True)
class JobRecord:
    id: int
    type: str
    status: JobStatus
    priority: int
    scope: str | None
    project_id: str | None
    source: str
    task_id: str | None
    task_type: str | None
    task_stage: int | None
    payload_json: str = field(compare=False, repr=False)
    progress_done: int
    progress_total: int
    attempts: int
    max_attempts: int
    available_at: float
    worker_id: str | None
    heartbeat_at: float | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    error: str | None
    cancel_requested: bool

    @staticmethod
    def of(row: Job) -> JobRecord:
        return JobRecord(
            id=row.id,
            type=row.type,
            status=JobStatus(row.status),
            priority=row.priority,
            scope=row.scope,
            project_id=row.project_id,
            source=row.source,
            task_id=row.task_id,
            task_type=row.task_type,
            task_stage=row.task_stage,
            payload_json=row.payload_json or "{}",
            progress_done=row.progress_done,
            progress_total=row.progress_total,
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            available_at=row.available_at,
            worker_id=row.worker_id,
            heartbeat_at=row.heartbeat_at,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            error=row.error,
            cancel_requested=bool(row.cancel_requested),
        )

    @cached_property
    def payload(self) -> dict[str, Any]:
        """Decoded when first read: a commit's payload holds its whole workset (50k photo
        ids at 100k photos, tens of ms to decode), and the Processes dock reads jobs on
        the GUI thread without ever needing it."""
        return dict(json.loads(self.payload_json))

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class TaskRecord:
    """A task as derived from its jobs; a job with no task_id is a task of its own."""

    task_id: str
    task_type: str
    label: str
    source: str
    status: JobStatus
    progress_done: int
    progress_total: int
    project_id: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    jobs: tuple[JobRecord, ...]
    step: int = 1  # of `steps` a person sees (stages of maintenance only are not counted
    steps: int = 1  # when maintenance is hidden)
    total_known: bool = True  # False while later work may still be added to the total

    @property
    def error(self) -> str | None:
        return next((j.error for j in self.jobs if j.status == JobStatus.FAILED), None)


@dataclass(frozen=True)
class NewJob:
    """What a handler asks to be enqueued when its job completes (same task, same txn)."""

    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    priority: int | None = None
    source: str | None = None
    scope: str | None = None
    items: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class JobSpec:
    """Everything a job is made of when it enters the queue, however it got there (a direct
    enqueue, a task's stage, a handler's follow-up): the store adds it as one queued row."""

    type: str
    project_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    priority: int = 50
    scope: str | None = None
    source: str = MAINTENANCE
    task_id: str | None = None
    task_type: str | None = None
    task_stage: int | None = None
    items: Sequence[tuple[str, int | None]] = ()  # (key, photo_id), tracked and resumable
    max_attempts: int | None = None  # None: the config's pipeline.max_attempts_default


def item_name(key: str) -> str:
    """What an item is called when its handler names nothing else: a source path names its
    file; a base, a file name or a word ("trash") stays as it is."""
    return PurePath(key).name or key


@dataclass(frozen=True)
class ItemReport:
    """One item's result as a handler reports it: what it is about (`name`: a file or a
    photo, as people call it) apart from why (`reason`), so no reader parses one out of
    the other."""

    key: str
    status: str  # running | done | failed | skipped
    reason: str | None = None
    name: str | None = None  # None: what the key names (`item_name`)
    photo_id: int | None = None

    @property
    def shown_name(self) -> str:
        return self.name if self.name is not None else item_name(self.key)


@dataclass(frozen=True)
class ItemRecord:
    """An item as read back, rows from before schema v9 and after alike (`item_parts`)."""

    key: str
    photo_id: int | None
    status: str
    name: str
    reason: str

    @property
    def message(self) -> str:
        """The sentence people read: "b.jpg: not a photo"."""
        return f"{self.name}: {self.reason}" if self.reason else self.name


def item_parts(key: str, name: str | None, message: str | None) -> tuple[str, str]:
    """(name, reason) of a stored item: the one reader of the `job_items` columns. Rows
    from before schema v9 have no name, and their message may begin with it ("b.jpg: not
    a photo"); a leading "X: " is split off only when X names the item (its file, its
    photo, one of the photo's files), so a reason such as "not deleted: …" stays whole."""
    if name is not None:
        return name, message or ""
    reason = (message or "").strip()
    head, colon, rest = reason.partition(": ")
    if not colon or not _names_item(head, key):
        return item_name(key), reason
    rest = rest.strip()
    if rest.startswith(f"{head}: "):  # a failed copy was named twice by imports before v9
        rest = rest[len(head) + 2 :].strip()
    return head, rest


def _names_item(head: str, key: str) -> bool:
    own = item_name(key)
    photo = key.rpartition(":")[0] if key.endswith((":thumbnail", ":preview")) else key
    return (
        head in (own, photo, f"commit {key}")  # its file or photo; a commit asked for
        or head.startswith((f"{own}.", f"{photo}."))  # one of the photo's files
        or key == f".{head}.importing"  # the leftover copy of an interrupted import
    )
