"""What the Processes model holds: a row per task with its job rows, and the ETA estimate.

Plain Python, no Qt: a task's status, progress and times are derived from its jobs by the
core's own `aggregate`, so the dock and the CLI never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import count

from photojobs.core.jobs.events import JobEvent
from photojobs.core.jobs.model import (
    ACTIVE_STATUSES,
    MAINTENANCE,
    JobRecord,
    JobStatus,
    TaskRecord,
)
from photojobs.core.jobs.queries import aggregate

_serials = count(1)


class EtaEstimate:
    """Time left from an exponential moving average of the progress rate.

    Shown only after WARMUP seconds and MIN_SAMPLES steps of progress, so the first guesses
    (usually wild) never reach the screen; a burst of quick items moves the finish time a
    little at a time; reset when the total changes (a new stage)."""

    WARMUP = 3.0
    MIN_SAMPLES = 3
    ALPHA = 0.25
    STEP = 0.15

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, total: int | None) -> None:
        self._total = total
        self._rate: float | None = None
        self._last: tuple[float, int] | None = None
        self._since: float | None = None
        self._samples = 0
        self._finish_at: float | None = None

    def update(self, done: int, total: int, now: float) -> None:
        if total <= 0 or done >= total:
            self.reset(total)
            return
        if total != self._total:
            self.reset(total)
        if self._last is None:
            self._last, self._since = (now, done), now
            return
        t0, d0 = self._last
        if done <= d0 or now <= t0:
            return
        rate = (done - d0) / (now - t0)
        self._rate = (
            rate if self._rate is None else self.ALPHA * rate + (1 - self.ALPHA) * self._rate
        )
        self._samples += 1
        self._last = (now, done)
        target = now + (total - done) / self._rate
        if self._finish_at is None:
            self._finish_at = target
        else:  # the shown finish moves at most STEP of what is left per update
            limit = self.STEP * max(1.0, self._finish_at - now) + 1.0
            self._finish_at += max(-limit, min(limit, target - self._finish_at))

    def seconds_left(self, now: float) -> float | None:
        if self._finish_at is None or self._since is None:
            return None
        if now - self._since < self.WARMUP or self._samples < self.MIN_SAMPLES:
            return None
        return max(0.0, self._finish_at - now)


@dataclass(eq=False)
class JobRow:
    job: JobRecord
    task: TaskRow

    def apply(self, e: JobEvent, now: float) -> bool:
        """Take an event's status and progress; False when nothing a person sees changed.
        A progress event carries no status: one arriving after the job finished (the
        heartbeat flushed it late) is dropped, never read as "running"."""
        if e.progress_only:
            if self.job.status != JobStatus.RUNNING:
                return False
            e = replace(e, status=JobStatus.RUNNING.value, error=self.job.error)
        old, status = self.job, JobStatus(e.status)
        done, total = e.progress_done, e.progress_total
        if status == old.status == JobStatus.RUNNING and total == old.progress_total:
            done = max(done, old.progress_done)  # a late, older progress event
        started, finished = old.started_at, old.finished_at
        if status == JobStatus.RUNNING and started is None:
            started = now
        if status in ACTIVE_STATUSES:
            finished = None
        elif finished is None:
            finished = now
        new = replace(
            old,
            status=status,
            progress_done=done,
            progress_total=total,
            attempts=e.attempts or old.attempts,
            error=e.error,
            started_at=started,
            finished_at=finished,
        )
        self.job = new
        return new != old


@dataclass(eq=False)
class TaskRow:
    """A task (or a job with no task) and its jobs, oldest first."""

    key: str
    jobs: list[JobRow] = field(default_factory=list)
    serial: int = field(default_factory=lambda: next(_serials))
    eta: EtaEstimate = field(default_factory=EtaEstimate)
    cancel_asked: bool = False
    show_maintenance: bool = True  # whether maintenance jobs count in the progress shown
    record: TaskRecord | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.refresh()

    @staticmethod
    def of(key: str, records: list[JobRecord], show_maintenance: bool = True) -> TaskRow:
        task = TaskRow(key, show_maintenance=show_maintenance)
        task.jobs = [JobRow(r, task) for r in sorted(records, key=lambda r: r.id)]
        task.refresh()
        return task

    def truth(self) -> TaskRecord | None:
        """The task as the database (and the worker's task events) tell it."""
        return aggregate(self.key, [j.job for j in self.jobs]) if self.jobs else None

    def refresh(self, now: float | None = None) -> None:
        """Derive status, progress and times from the jobs, and feed the ETA. A total that
        later stages may still add to is shown as not known (0): a busy bar, no jump."""
        if not self.jobs:
            self.record = None
            return
        record = aggregate(self.key, [j.job for j in self.jobs], self.show_maintenance)
        self.record = record if record.total_known else replace(record, progress_total=0)
        if now is not None and self.record.status == JobStatus.RUNNING:
            self.eta.update(self.record.progress_done, self.record.progress_total, now)
        elif not self.active:
            self.eta.reset(None)
            self.cancel_asked = False

    def job_row(self, job_id: int) -> JobRow | None:
        return next((j for j in self.jobs if j.job.id == job_id), None)

    def add(self, record: JobRecord) -> int:
        """Append a job (follow-ups have higher ids); returns its row."""
        self.jobs.append(JobRow(record, self))
        return len(self.jobs) - 1

    @property
    def status(self) -> JobStatus:
        return self.record.status if self.record else JobStatus.QUEUED

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def source(self) -> str:
        return self.record.source if self.record else MAINTENANCE

    @property
    def task_id(self) -> str | None:
        """The real task id, or None for a job shown as a task of its own."""
        return None if self.key.startswith("job-") else self.key


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_time_left(seconds: float) -> str:
    """Rounded up so the figure moves in calm steps: 5 s under a minute, then minutes."""
    if seconds < 5:
        return "a few seconds"
    if seconds < 60:
        return f"{int(-(-seconds // 5) * 5)} s left"
    minutes = int(-(-seconds // 60))
    if minutes < 60:
        return f"{minutes} min left"
    return f"{minutes // 60} h {minutes % 60:02d} min left"
