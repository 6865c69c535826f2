"""What the Processes model reads from the database: its history at start, one task when
an event names a task it does not know, and which finished tasks fall out of the history."""

from __future__ import annotations

from collections.abc import Iterable

from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.queries import get_task, recent_tasks
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.ui.processes.rows import TaskRow


def load_history(
    library: Library, history: int, cleared_before: float | None, show_maintenance: bool = True
) -> list[TaskRow]:
    """Active tasks, and the newest `history` finished tasks of each source (so a season of
    maintenance does not push the photographer's own tasks out), newest first. Read with
    SQL limits: the first paint does not grow with the history kept."""
    kept: dict[str, int] = {}
    rows = []
    records = recent_tasks(
        library.db, library.config, per_source=history, finished_after=cleared_before
    )
    for record in records:
        task = TaskRow.of(record.task_id, list(record.jobs), show_maintenance)
        if not task.active:
            finished = record.finished_at or record.created_at
            if cleared_before is not None and finished <= cleared_before:
                continue
            kept[task.source] = kept.get(task.source, 0) + 1
            if kept[task.source] > history:
                continue
        rows.append(task)
    return rows


def read_jobs(library: Library, store: JobStore, key: str) -> list[JobRecord]:
    """The jobs of one task (a short read), or the one job of a `job-<id>` key."""
    if key.startswith("job-"):
        record = store.get(int(key[4:]))
        return [record] if record else []
    found = get_task(library.db, key)
    return list(found.jobs) if found else []


def beyond_history(tasks: Iterable[TaskRow], history: int) -> list[TaskRow]:
    """Finished tasks past the newest `history` of their source (`tasks` newest first)."""
    seen: dict[str, int] = {}
    excess = []
    for task in tasks:
        if not task.active:
            seen[task.source] = seen.get(task.source, 0) + 1
            if seen[task.source] > history:
                excess.append(task)
    return excess
