"""Helpers for the Processes tests: history written to a real database, and a script that
moves real jobs through the real store and sends the events the worker would send."""

from __future__ import annotations

import uuid
from typing import Any

from photojobs.core.db.models import Job
from photojobs.core.jobs.events import Event, JobEvent, TaskEvent
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.runner import announce_jobs
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library
from photojobs.runtime.signals import JobSignals

# (task_type, [(job type, source, items)]) in rotation: what a season of shoots leaves behind
HISTORY_SHAPES: list[tuple[str, list[tuple[str, str, int]]]] = [
    (
        "change_commit",
        [
            ("file_removal", "user", 12),
            ("manifest_check", "maintenance", 0),
            ("folder_check", "maintenance", 0),
            ("manifest_cleaning", "maintenance", 0),
        ],
    ),
    ("upload_processing", [("import_files", "user", 40), ("upload_postprocess", "user", 80)]),
    (
        "maintenance",
        [
            ("trash_maintenance", "maintenance", 0),
            ("manifest_check", "maintenance", 0),
            ("folder_check", "maintenance", 0),
            ("manifest_cleaning", "maintenance", 0),
        ],
    ),
]


def add_history(
    library: Library, tasks: int, project_id: str | None = None, start: float = 1.7e9
) -> list[str]:
    """`tasks` finished tasks in one transaction; returns their ids, oldest first."""
    ids, rows = [], []
    for n in range(tasks):
        task_type, steps = HISTORY_SHAPES[n % len(HISTORY_SHAPES)]
        task_id, t0 = str(uuid.uuid4()), start + n * 60
        ids.append(task_id)
        for stage, (job_type, source, items) in enumerate(steps):
            rows.append(
                Job(
                    type=job_type,
                    status="completed",
                    priority=50,
                    project_id=project_id,
                    payload_json="{}",
                    source=source,
                    task_id=task_id,
                    task_type=task_type,
                    task_stage=stage,
                    progress_done=items,
                    progress_total=items,
                    attempts=1,
                    max_attempts=3,
                    available_at=t0,
                    created_at=t0,
                    started_at=t0 + stage,
                    finished_at=t0 + stage + 1,
                )
            )
    with library.db.write() as s:
        s.add_all(rows)
    return ids


class Script:
    """Drives real jobs through the store and delivers the events on the GUI thread."""

    def __init__(self, library: Library, signals: JobSignals):
        self.store = JobStore(library.db, library.config)
        self.signals = signals
        self.worker = new_worker_id()
        self.sent: list[Event] = []

    def emit(self, event: Event) -> None:
        self.sent.append(event)
        if isinstance(event, JobEvent):
            self.signals.job_changed.emit(event)
        elif isinstance(event, TaskEvent):
            self.signals.task_changed.emit(event)

    def announce(self, jobs: list[JobRecord | None]) -> list[JobRecord]:
        found = [j for j in jobs if j is not None]
        announce_jobs(self.store, self.emit, found)
        return found

    def start(self, task_type: str, **kwargs: Any) -> str:
        task_id, _ = self.store.start_task(task_type, **kwargs)
        self.announce(self.jobs(task_id))
        return task_id

    def jobs(self, task_id: str) -> list[JobRecord]:
        with self.store.db.read() as s:
            rows = s.query(Job).filter(Job.task_id == task_id).order_by(Job.id).all()
            return [JobRecord.of(r) for r in rows]

    def claim(self) -> JobRecord:
        job = self.store.claim(self.worker, now=4e9)
        assert job is not None
        self.announce([job])
        return job

    def progress(self, job: JobRecord, done: int, total: int) -> None:
        self.store.set_progress(job.id, done, total)
        self.emit(JobEvent.progress(job, done, total))

    def complete(self, job: JobRecord) -> list[JobRecord]:
        return self.announce(list(self.store.complete(job.id, self.worker)))

    def fail(self, job: JobRecord, error: str) -> JobRecord:
        return self.announce([self.store.fail(job.id, self.worker, error, retry=False)])[0]

    def cancel(self, task_id: str) -> list[JobRecord]:
        return self.announce(list(self.store.cancel_task(task_id)))

    def run_task(self, task_id: str) -> None:
        """Claim and complete every job of a task until it has none left."""
        while True:
            queued = [j for j in self.jobs(task_id) if j.status.value == "queued"]
            if not queued:
                return
            job = self.claim()
            self.complete(job)
