"""What each cell of the Processes model shows, and which cells an update touches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QLocale
from PySide6.QtGui import QBrush

from photojobs.core.catalog import Database
from photojobs.core.catalog.projects import project_names
from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import JobRecord, JobStatus, TaskRecord
from photojobs.ui.icons import ERROR, MUTED, status_icon
from photojobs.ui.processes.roles import (
    DEC,
    FG,
    TIP,
    Column,
    D,
    ErrorRole,
    IsTaskRole,
    JobRole,
    ProgressRole,
    ProjectRole,
    SourceRole,
    StatusRole,
    TaskRole,
)
from photojobs.ui.processes.rows import JobRow, TaskRow, format_duration, format_time_left

if TYPE_CHECKING:
    from photojobs.ui.processes.model import ProcessesModel

Record = JobRecord | TaskRecord
STATUS_WORDS = {
    JobStatus.QUEUED: "Waiting",
    JobStatus.RUNNING: "Running",
    JobStatus.COMPLETED: "Completed",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELED: "Canceled",
}


class ProjectNames:
    """Project id -> name, read once and again only when an unknown id turns up."""

    def __init__(self, db: Database):
        self.db = db
        self._names: dict[str, str] | None = None

    def get(self, project_id: str | None) -> str:
        if not project_id:
            return ""
        if self._names is None or project_id not in self._names:
            self._names = project_names(self.db)
            self._names.setdefault(project_id, "")  # deleted: do not read again for it
        return self._names[project_id]

    def forget(self) -> None:
        self._names = None


def snapshot(record: Record | None, cancel_asked: bool = False) -> tuple:
    if record is None:
        return ()
    return (
        record.status,
        record.progress_done,
        record.progress_total,
        record.started_at,
        record.finished_at,
        record.error,
        record.source,
        cancel_asked,
        record.step if isinstance(record, TaskRecord) else 1,
    )


def changed_columns(before: tuple, after: tuple) -> list[int]:
    if not before or not after:
        return list(Column)
    moved = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    columns: set[int] = set()
    if moved & {0, 5, 7, 8}:  # status, error, canceling, step
        columns |= {Column.STATUS, Column.PROGRESS, Column.DURATION, Column.ETA}
    if moved & {1, 2}:
        columns |= {Column.PROGRESS, Column.ETA}
    if 3 in moved:
        columns |= {Column.STARTED, Column.DURATION}
    if 4 in moved:
        columns.add(Column.DURATION)
    if 6 in moved:
        columns.add(Column.NAME)
    return sorted(columns)


def runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5] -> [(1, 3), (5, 5)]: one signal per stretch of cells or rows."""
    found: list[tuple[int, int]] = []
    for n in numbers:
        if found and found[-1][1] == n - 1:
            found[-1] = (found[-1][0], n)
        else:
            found.append((n, n))
    return found


def is_busy(record: Record | None) -> bool:
    return record is not None and record.status == JobStatus.RUNNING and not record.progress_total


def status_text(record: Record, canceling: bool = False) -> str:
    if record.status == JobStatus.RUNNING and canceling:
        return "Canceling…"
    if record.status == JobStatus.QUEUED and record.error and isinstance(record, JobRecord):
        return f"Retrying (attempt {record.attempts + 1} of {record.max_attempts})"
    if record.status == JobStatus.RUNNING and isinstance(record, TaskRecord) and record.steps > 1:
        return f"Step {record.step} of {record.steps}"
    return STATUS_WORDS[record.status]


def started_text(when: float | None) -> str:
    if when is None:
        return ""
    moment = QDateTime.fromSecsSinceEpoch(int(when))
    locale = QLocale()
    if moment.date() == QDateTime.currentDateTime().date():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def _display(model: ProcessesModel, task: TaskRow, job: JobRow | None, column: Column) -> Any:
    record: Record = job.job if job else task.record  # type: ignore[assignment]
    now = model.clock()
    if column == Column.NAME:
        if job is not None:
            return job_label(job.job.type)
        project = model.projects.get(record.project_id)
        return f"{task.record.label} · {project}" if project else task.record.label  # type: ignore[union-attr]
    if column == Column.STATUS:
        return status_text(record, task.cancel_asked)
    if column == Column.PROGRESS:
        return f"({record.progress_done}/{record.progress_total})" if record.progress_total else ""
    if column == Column.STARTED:
        return started_text(record.started_at)
    if column == Column.DURATION:
        if record.started_at is None:
            return ""
        end = record.finished_at if record.finished_at is not None else now
        return format_duration(end - record.started_at)
    if column == Column.ETA and job is None and record.status == JobStatus.RUNNING:
        left = task.eta.seconds_left(now)
        return "" if left is None else format_time_left(left)
    return ""


def _tooltip(model: ProcessesModel, task: TaskRow, job: JobRow | None, column: Column) -> Any:
    record: Record = job.job if job else task.record  # type: ignore[assignment]
    if column == Column.STATUS and record.error:
        return record.error
    if column == Column.STATUS and isinstance(record, TaskRecord) and record.steps > 1:
        return f"{STATUS_WORDS[record.status]}: step {record.step} of {record.steps}"
    if column == Column.NAME:
        kind = job.job.type if job else task.record.task_type  # type: ignore[union-attr]
        who = "started by you" if record.source == "user" else "maintenance"
        return f"{_display(model, task, job, column)}\n{kind} · {who}"
    return None


def value(
    model: ProcessesModel, task: TaskRow, job: JobRow | None, column: Column, role: int
) -> Any:
    record: Record = job.job if job else task.record  # type: ignore[assignment]
    if role == D:
        return _display(model, task, job, column)
    if role == DEC:
        return status_icon(record.status.value) if column == Column.STATUS else None
    if role == TIP:
        return _tooltip(model, task, job, column)
    if role == FG:
        if column == Column.STATUS and record.status == JobStatus.FAILED:
            return QBrush(ERROR)
        if column == Column.STATUS and record.status == JobStatus.CANCELED:
            return QBrush(MUTED)
        return None
    if role == TaskRole:
        return task.key
    if role == JobRole:
        return job.job.id if job else None
    if role == StatusRole:
        return record.status.value
    if role == ProgressRole:
        return (record.progress_done, record.progress_total)
    if role == SourceRole:
        return record.source
    if role == ErrorRole:
        return record.error
    if role == IsTaskRole:
        return job is None
    if role == ProjectRole:
        return record.project_id
    return None
