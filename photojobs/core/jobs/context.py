"""What a handler gets: the library, progress and item reports, cancellation, follow-ups."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from photojobs.core.jobs.events import EventSink, ItemEvent, JobEvent
from photojobs.core.jobs.model import ItemReport, JobRecord, NewJob

if TYPE_CHECKING:
    from photojobs.core.config import Config
    from photojobs.core.db import Database
    from photojobs.core.jobs.store import JobStore
    from photojobs.core.library import Library

PROGRESS_INTERVAL = 0.1  # seconds: at most ~10 progress events a second per job


class JobCancelled(Exception):
    """Raised by `context.check_cancelled()`; the runner ends the job canceled."""


@dataclass
class JobContext:
    library: Library
    store: JobStore
    job: JobRecord
    emit: EventSink
    clock: Callable[[], float] = time.time
    followups: list[NewJob] = field(default_factory=list)
    next_payload: dict[str, Any] = field(default_factory=dict)
    _cancel: threading.Event = field(default_factory=threading.Event)
    stopping: bool = False  # the app is shutting down: release the job, do not cancel it
    _progress: tuple[int, int] = (0, 0)
    _progress_sent: float = 0.0
    _progress_dirty: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def db(self) -> Database:
        return self.library.db

    @property
    def config(self) -> Config:
        return self.library.config

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()

    def request_cancel(self) -> None:
        self._cancel.set()

    def request_stop(self) -> None:
        """Shutdown: stop like a cancel, but the job goes back to the queue for next start."""
        self.stopping = True
        self._cancel.set()

    def progress(self, done: int, total: int) -> None:
        """Record progress; written and announced at most every PROGRESS_INTERVAL."""
        with self._lock:
            self._progress, self._progress_dirty = (done, total), True
            due = self.clock() - self._progress_sent >= PROGRESS_INTERVAL or done >= total
        if due:
            self.flush_progress()

    def flush_progress(self) -> None:
        """Write and announce the latest progress if it changed (the heartbeat calls this)."""
        with self._lock:
            if not self._progress_dirty:
                return
            self._progress_dirty, self._progress_sent = False, self.clock()
            done, total = self._progress
        self.store.set_progress(self.job.id, done, total)
        self.emit(JobEvent.progress(self.job, done, total))  # no status: it may come late

    @property
    def current_progress(self) -> tuple[int, int]:
        return self._progress

    def item(
        self,
        key: str,
        status: str,
        reason: str | None = None,
        photo_id: int | None = None,
        *,
        name: str | None = None,
    ) -> None:
        """Report one item's result ('running', 'done', 'failed', 'skipped'): `name` is the
        file or photo it is about (default: what the key names), `reason` what happened."""
        self.report_items([ItemReport(key, status, reason, name, photo_id)])

    def report_items(self, reports: Sequence[ItemReport]) -> None:
        """Many results in one transaction."""
        if not reports:
            return
        self.store.set_items(self.job.id, reports)
        j = self.job
        for r in reports:
            self.emit(
                ItemEvent(
                    j.id,
                    r.key,
                    r.photo_id,
                    r.status,
                    r.reason,
                    j.project_id,
                    j.source,
                    j.task_id,
                    j.task_type,
                    r.shown_name,
                )
            )

    def pending_items(self) -> list[tuple[str, int | None]]:
        """Items not yet done: after a crash, a job picks up where it stopped."""
        return self.store.pending_items(self.job.id)

    def enqueue_followup(self, job: NewJob) -> None:
        """Enqueued with this job's task_id in the transaction that completes this job."""
        self.followups.append(job)
