"""Jobs whose worker died go back to the queue, or end failed when they keep killing it.

Whether a worker is alive is `liveness`'s question (its lock file); a worker of another
machine or an older version is judged by the age of its heartbeat.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.db.models import Job
from photojobs.core.jobs import transitions
from photojobs.core.jobs.liveness import ALIVE_ELSEWHERE, DEAD, WORKERS_DIR, worker_state
from photojobs.core.jobs.model import JobRecord, JobStatus


class Recovery:
    """The part of JobStore that recovers the jobs of dead workers."""

    db: Database
    config: Config

    @property
    def workers_dir(self) -> Path:
        """Where each live worker holds its lock file (see liveness)."""
        return self.db.path.parent / WORKERS_DIR

    def recover(
        self, *, now: float | None = None, stale_seconds: float | None = None
    ) -> list[JobRecord]:
        """Jobs whose worker died: back to queued, or failed when they keep killing it."""
        now = transitions.clock(now)
        stale = float(
            stale_seconds
            if stale_seconds is not None
            else self.config.get("pipeline.stale_seconds")
        )
        with self.db.read() as s:  # nothing running (an idle app): no write transaction
            if (
                s.scalar(select(Job.id).where(Job.status == JobStatus.RUNNING.value).limit(1))
                is None
            ):
                return []
        with self.db.write() as s:
            running = s.scalars(select(Job).where(Job.status == JobStatus.RUNNING.value)).all()
            recovered = []
            for row in running:
                hb = row.heartbeat_at or row.started_at or 0.0
                state = worker_state(self.workers_dir, row.worker_id)
                if state == ALIVE_ELSEWHERE:
                    continue  # another live process here (one that slept, say): still its job
                if hb >= now - stale and state != DEAD:
                    continue
                if row.cancel_requested:
                    transitions.finish(row, JobStatus.CANCELED, now, "canceled")
                elif row.attempts >= row.max_attempts:
                    transitions.finish(
                        row,
                        JobStatus.FAILED,
                        now,
                        f"stopped {row.attempts} times while running (the app quit or "
                        "crashed); not retried again",
                    )
                else:
                    transitions.requeue(s, row, now, "interrupted: the app stopped while it ran")
                recovered.append(JobRecord.of(row))
            return recovered
