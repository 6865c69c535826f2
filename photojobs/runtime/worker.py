"""The worker loop: slots on a QThreadPool that claim and run jobs, in two lanes.

Slots claim in their pool thread, so the GUI thread never waits on the database for work.
`pipeline.priority_lane_slots` slots only take jobs at or above the threshold, so a commit
never waits behind a long thumbnail job; the other slots take the most urgent job of any.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from photojobs.core.config import Config
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import Event, EventSink
from photojobs.core.jobs.heartbeat import Heartbeat
from photojobs.core.jobs.liveness import WorkerLock
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.queries import has_unfinished_jobs
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.jobs.runner import announce_jobs, run_job
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library
from photojobs.core.storage_errors import stall_message
from photojobs.runtime.queue_actions import QueueActions
from photojobs.runtime.signals import JobSignals

log = logging.getLogger(__name__)

PRIORITY, NORMAL = "priority", "normal"


class _Slot(QRunnable):
    def __init__(self, body: Callable[[], None]):
        super().__init__()
        self._body = body
        self.setAutoDelete(True)

    def run(self) -> None:
        self._body()


class WorkerLoop(QueueActions, QObject):
    idle = Signal()
    slots_changed = Signal(int)  # slots running now
    paused_changed = Signal(bool)
    # The queue itself cannot be written (a full disk, a damaged or locked database): the
    # loop pauses and says why, instead of a slot dying unseen while the job reads running.
    stalled = Signal(str)
    _slot_finished = Signal(str)
    _job_finished = Signal()
    _slot_failed = Signal(str)

    def __init__(
        self,
        library: Library,
        registry: HandlerRegistry,
        parent: QObject | None = None,
        worker_id: str | None = None,
        relay: EventSink | None = None,
    ):
        super().__init__(parent)
        self.library, self.registry = library, registry
        self.store = JobStore(library.db, library.config)
        self.signals = JobSignals(self)
        # Where events go: this process's signals, or the jobs process's channel.
        self._relay: EventSink = relay or self.signals.relay
        self.worker_id = worker_id or new_worker_id()
        self.lock = WorkerLock(self.store.workers_dir, self.worker_id)
        cfg = library.config
        total = int(cfg.get("pipeline.max_parallel_jobs"))
        reserved = min(int(cfg.get("pipeline.priority_lane_slots")), total)
        self.capacity = {PRIORITY: reserved, NORMAL: total - reserved}
        self.threshold = int(cfg.get("pipeline.priority_threshold"))
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, total))
        self.heartbeat = Heartbeat(self.store, self.worker_id, self.relay_event)
        self._active = {PRIORITY: 0, NORMAL: 0}
        self._poked = {PRIORITY: False, NORMAL: False}
        self._stopping = threading.Event()
        self._paused = False
        self._started = False
        self._poll = QTimer(self)
        self._poll.setInterval(int(cfg.get("pipeline.poll_ms")))
        self._poll.timeout.connect(self.poke)
        self._slot_finished.connect(self._on_slot_finished)
        self._slot_failed.connect(self._on_slot_failed)
        self._unrecorded: set[int] = set()  # jobs whose end could not be written
        # A finished job may free its project for jobs another lane could not take yet.
        self._job_finished.connect(self.poke)

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        """Recover what a previous run left running, then start taking work."""
        self._stopping.clear()
        self.lock.acquire()  # before the first claim: other processes see this one alive
        self.heartbeat.recover()
        self.heartbeat.start()
        self._started = True
        self._poll.start()
        self.poke()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Ask running jobs to stop, wait for them; queued jobs stay for the next start."""
        self._stopping.set()
        self._poll.stop()
        for ctx in self.heartbeat.running():
            ctx.request_stop()
        done = self.pool.waitForDone(timeout_ms)
        self.heartbeat.stop()
        self._started = False
        if done:  # a job still running keeps the lock until this process ends
            # A job left `running` in the database (its end could not be written) keeps
            # the file, so the next process sees this worker dead and recovers it at once.
            self.lock.release(remove_file=not self._unrecorded)
        return bool(done)

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """Paused: running jobs finish, nothing new starts."""
        if paused != self._paused:
            self._paused = paused
            self.paused_changed.emit(paused)
            if not paused:
                self.poke()

    @Slot()
    def poke(self) -> None:
        """Start a slot for each lane with room; called on enqueue and on the poll timer."""
        if not self._started or self._paused or self._stopping.is_set():
            return
        for lane in (PRIORITY, NORMAL):
            if self._active[lane] >= self.capacity[lane]:
                self._poked[lane] = True
            while self._active[lane] < self.capacity[lane]:
                self._active[lane] += 1
                self.pool.start(_Slot(lambda lane=lane: self._slot_body(lane)))
                self.slots_changed.emit(self.active_slots())

    def active_slots(self) -> int:
        return sum(self._active.values())

    def apply_config(self, config: Config) -> None:
        self.library.config = self.store.config = config

    def _cancel_running(self, job_ids: set[int]) -> None:
        self.heartbeat.cancel_local(job_ids)

    def relay_event(self, event: Event) -> None:
        self._relay(event)

    # -- the slots (pool threads) -----------------------------------------------------------

    def _slot_body(self, lane: str) -> None:
        minimum = self.threshold if lane == PRIORITY else None
        try:
            while not self._stopping.is_set() and not self._paused:
                job = self.store.claim(self.worker_id, min_priority=minimum)
                if job is None:
                    break
                self._run(job)
                self._job_finished.emit()
        except Exception as e:
            log.exception("worker slot stopped on an error")
            self._slot_failed.emit(stall_message(e))
        finally:
            self._slot_finished.emit(lane)

    def _run(self, job: JobRecord) -> None:
        announce_jobs(self.store, self.relay_event, [job])
        ctx = JobContext(self.library, self.store, job, self.relay_event)
        self.heartbeat.register(ctx)
        if self._stopping.is_set():  # claimed as stop() began: it may not have seen this job
            ctx.request_stop()
        try:
            run_job(ctx, self.registry, self.worker_id)
        except BaseException:
            self._unrecorded.add(job.id)
            raise
        finally:
            self.heartbeat.unregister(job.id)

    @Slot(str)
    def _on_slot_failed(self, message: str) -> None:
        if not self._paused:
            log.error("jobs paused: %s", message)
            self.set_paused(True)
            self.stalled.emit(message)

    @Slot(str)
    def _on_slot_finished(self, lane: str) -> None:
        self._active[lane] -= 1
        self.slots_changed.emit(self.active_slots())
        if self._poked[lane]:
            self._poked[lane] = False
            self.poke()
        if self.active_slots() == 0 and not self._stopping.is_set() and self._nothing_left():
            self.idle.emit()

    def _nothing_left(self) -> bool:
        return not has_unfinished_jobs(self.library.db)
