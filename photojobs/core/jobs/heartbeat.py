"""A background thread that keeps running jobs alive, relays cancel requests, flushes
progress, and recovers jobs whose worker died, so no GUI thread ever does this I/O."""

from __future__ import annotations

import logging
import threading
import time

from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import EventSink
from photojobs.core.jobs.runner import announce_jobs
from photojobs.core.jobs.store import JobStore

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, store: JobStore, worker_id: str, emit: EventSink):
        self.store, self.worker_id, self.emit = store, worker_id, emit
        self.interval = int(store.config.get("pipeline.heartbeat_ms")) / 1000
        self.stale = float(store.config.get("pipeline.stale_seconds"))
        self._running: dict[int, JobContext] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_recovery = 0.0

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="photojobs-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def register(self, ctx: JobContext) -> None:
        with self._lock:
            self._running[ctx.job.id] = ctx

    def unregister(self, job_id: int) -> None:
        with self._lock:
            self._running.pop(job_id, None)

    def running(self) -> list[JobContext]:
        with self._lock:
            return list(self._running.values())

    def cancel_local(self, job_ids: set[int]) -> None:
        for ctx in self.running():
            if ctx.job.id in job_ids:
                ctx.request_cancel()

    def beat(self) -> None:
        contexts = self.running()
        if contexts:
            ids = [c.job.id for c in contexts]
            asked = self.store.heartbeat(ids, self.worker_id)
            held = self.store.owned(ids, self.worker_id)
            for ctx in contexts:
                if ctx.job.id in asked:
                    ctx.request_cancel()
                elif ctx.job.id not in held:
                    ctx.request_stop()  # recovered elsewhere while we slept: let it go
                ctx.flush_progress()
        if time.time() - self._last_recovery >= max(self.stale / 2, self.interval):
            self.recover()

    def recover(self) -> None:
        self._last_recovery = time.time()
        recovered = self.store.recover()
        if recovered:
            log.warning("recovered %d interrupted job(s)", len(recovered))
            announce_jobs(self.store, self.emit, recovered)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:  # a locked database must not kill the heartbeat
                log.exception("heartbeat failed")
