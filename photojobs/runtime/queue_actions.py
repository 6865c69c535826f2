"""The photographer's queue actions, shared by both ways of running jobs.

Each is a short database write in the caller's process, announced there at once; then the
runner is told (`poke`, `_cancel_running`). `WorkerLoop` runs jobs on this process's
threads; `WorkerProcess` runs them in a separate jobs process and only forwards the word.
"""

from __future__ import annotations

from typing import Any

from photojobs.core.jobs.events import Event
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.queries import get_task
from photojobs.core.jobs.runner import announce_jobs
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.runtime.signals import JobSignals


class QueueActions:
    library: Library
    store: JobStore
    signals: JobSignals

    def poke(self) -> None:
        raise NotImplementedError

    def _cancel_running(self, job_ids: set[int]) -> None:
        """Tell running jobs at once (the heartbeat would tell them within a beat)."""
        raise NotImplementedError

    def start_task(self, task_type: str, **kwargs: Any) -> str:
        task_id, created = self.store.start_task(task_type, **kwargs)
        if created:
            self.announce_task(task_id)
            self.poke()
        return task_id

    def enqueue(self, job_type: str, **kwargs: Any) -> JobRecord:
        job = self.store.enqueue(job_type, **kwargs)
        announce_jobs(self.store, self.relay_event, [job])
        self.poke()
        return job

    def cancel_task(self, task_id: str) -> None:
        jobs = self.store.cancel_task(task_id)
        self._cancel_running({j.id for j in jobs if j.cancel_requested})
        announce_jobs(self.store, self.relay_event, jobs)

    def cancel_job(self, job_id: int) -> None:
        job = self.store.cancel_job(job_id)
        if job is not None:
            self._cancel_running({job.id} if job.cancel_requested else set())
            announce_jobs(self.store, self.relay_event, [job])

    def retry(self, job_id: int) -> JobRecord | None:
        job = self.store.retry(job_id)
        if job is not None:
            announce_jobs(self.store, self.relay_event, [job])
            self.poke()
        return job

    def relay_event(self, event: Event) -> None:
        self.signals.relay(event)

    def announce_task(self, task_id: str) -> None:
        task = get_task(self.library.db, task_id)
        if task is not None:
            announce_jobs(self.store, self.relay_event, list(task.jobs))
