"""Events the job system announces: frozen, id-only payloads that may cross threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from photojobs.core.jobs.model import FINAL_STATUSES, JobRecord, TaskRecord

PROGRESS_ONLY = ""  # the status of a progress event: it says nothing about the status


@dataclass(frozen=True)
class JobEvent:
    """A job's status and progress. A progress event (`progress_only`) carries no status:
    the heartbeat thread may deliver it after the job's "completed", and a receiver must
    never read it as "running" again."""

    job_id: int
    job_type: str
    status: str
    progress_done: int
    progress_total: int
    project_id: str | None
    source: str
    task_id: str | None
    task_type: str | None
    attempts: int = 0
    error: str | None = None

    @staticmethod
    def of(job: JobRecord, done: int | None = None, total: int | None = None) -> JobEvent:
        return JobEvent(
            job.id,
            job.type,
            job.status.value,
            job.progress_done if done is None else done,
            job.progress_total if total is None else total,
            job.project_id,
            job.source,
            job.task_id,
            job.task_type,
            job.attempts,
            job.error,
        )

    @staticmethod
    def progress(job: JobRecord, done: int, total: int) -> JobEvent:
        """Progress of a running job, with no status (see the class docstring)."""
        return replace(JobEvent.of(job, done, total), status=PROGRESS_ONLY, error=None)

    @property
    def progress_only(self) -> bool:
        return self.status == PROGRESS_ONLY

    @property
    def finished(self) -> bool:
        """Completed, failed or canceled: the job will not run again unless retried."""
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class ItemEvent:
    """One item's result: `name` is the file or photo it is about, `message` the reason."""

    job_id: int
    key: str
    photo_id: int | None
    status: str
    message: str | None
    project_id: str | None
    source: str
    task_id: str | None
    task_type: str | None
    name: str | None = None


@dataclass(frozen=True)
class TaskEvent:
    task_id: str
    task_type: str
    label: str
    status: str
    progress_done: int
    progress_total: int
    project_id: str | None
    source: str
    error: str | None = None

    @staticmethod
    def of(task: TaskRecord) -> TaskEvent:
        return TaskEvent(
            task.task_id,
            task.task_type,
            task.label,
            task.status.value,
            task.progress_done,
            task.progress_total,
            task.project_id,
            task.source,
            task.error,
        )

    @property
    def finished(self) -> bool:
        """Completed, failed or canceled: every job of the task has ended."""
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class PhotosChanged:
    """Photos of a project were added, changed or removed; views decide whether to refresh."""

    project_id: str
    photo_ids: tuple[int, ...] = ()
    removed: bool = False


Event = JobEvent | ItemEvent | TaskEvent | PhotosChanged
EventSink = Callable[[Event], None]


def discard(_event: Event) -> None:
    """A sink for callers that do not listen."""
