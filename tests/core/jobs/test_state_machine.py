"""A property test of the queue: random enqueue/claim/complete/fail/cancel/recover/retry
sequences with an injected clock, checking the invariants against the database each step."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete

from photojobs.core.config import Config
from photojobs.core.db.models import Job, JobItem
from photojobs.core.jobs import queries
from photojobs.core.jobs.model import FINAL_STATUSES, JobRecord, JobStatus, NewJob
from photojobs.core.jobs.store import JobStore
from photojobs.core.jobs.tasks import task_definition
from photojobs.core.library import Library

T0 = 1_700_000_000.0
STATUSES = set(JobStatus)
WORKERS = st.sampled_from(["A", "B", "C"])
PICK = st.integers(min_value=0, max_value=10_000)  # an index into the jobs so far
JOB_SPEC = st.tuples(
    st.sampled_from([10, 50, 95]),  # priority
    st.sampled_from([1, 1, 2, 3]),  # max_attempts
    st.sampled_from([None, 0, 1]),  # project
    st.sampled_from([None, "project", "photos"]),  # scope
    st.sampled_from([None, "t1", "t2"]),  # task_id
)
JobSpec = tuple[int, int, int | None, str | None, str | None]
HOLDER = st.sampled_from([True, True, True, False])  # mostly the holder, sometimes another


def make_machine(library: Library, seen: set[str]) -> type[RuleBasedStateMachine]:
    """Each run starts from an empty queue in one library; `seen` collects what the runs
    reached, so the test can tell it explored enough."""
    store = JobStore(library.db, library.config)
    projects = [library.create_project(n).id for n in ("P", "Q")]

    class JobQueueMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            with library.db.write() as s:
                s.execute(delete(JobItem))
                s.execute(delete(Job))
            self.lib, self.store, self.projects = library, store, projects
            self.stale = float(library.config.get("pipeline.stale_seconds"))
            self.now = T0
            self.cancel_marked: set[int] = set()  # asked to cancel since its last retry

        def rows(self) -> list[dict[str, Any]]:
            conn = sqlite3.connect(self.lib.db.path)
            conn.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in conn.execute("SELECT * FROM jobs ORDER BY id")]
            finally:
                conn.close()

        def row(self, job_id: int) -> dict[str, Any]:
            return next(r for r in self.rows() if r["id"] == job_id)

        def pick(self, index: int, among: tuple[str, ...] = ()) -> int | None:
            """Any job, or preferably one in the given statuses."""
            rows = self.rows()
            rows = [r for r in rows if r["status"] in among] or rows
            return rows[index % len(rows)]["id"] if rows else None

        def _enqueue(
            self,
            priority: int,
            max_attempts: int,
            project: int | None,
            scope: str | None,
            task: str | None,
        ) -> None:
            self.store.enqueue(
                "job",
                priority=priority,
                max_attempts=max_attempts,
                project_id=None if project is None else self.projects[project],
                scope=scope,
                task_id=task,
                task_type=None if task is None else "adhoc",
                items=[("a", None), ("b", None)],
                now=self.now,
            )

        @initialize(specs=st.lists(JOB_SPEC, min_size=2, max_size=4))
        def some_jobs(self, specs: list[JobSpec]) -> None:
            for spec in specs:
                self._enqueue(*spec)

        @rule(spec=JOB_SPEC)
        def enqueue(self, spec: JobSpec) -> None:
            self._enqueue(*spec)

        @rule(task_type=st.sampled_from(["change_commit", "maintenance", "diagnostic"]))
        def start_task(self, task_type: str) -> None:
            self.store.start_task(task_type, project_id=self.projects[0], now=self.now)

        @rule(worker=WORKERS)
        def claim(self, worker: str) -> None:
            self._claim(worker)

        def _claim(self, worker: str) -> JobRecord | None:
            before = {r["id"]: r for r in self.rows()}
            job = self.store.claim(worker, now=self.now)
            if job is None:
                # Nothing was claimable: every available queued job was blocked by its scope.
                for r in before.values():
                    if r["status"] == "queued" and r["available_at"] <= self.now:
                        assert r["scope"] == "project" and r["project_id"] is not None
                return None
            was = before[job.id]
            assert was["status"] == "queued", "claimed a job that was not queued"
            assert was["available_at"] <= self.now
            after = self.row(job.id)
            assert (after["status"], after["worker_id"]) == ("running", worker)
            assert after["attempts"] == was["attempts"] + 1
            self.store.set_item(job.id, "a", "running", now=self.now)  # its handler began
            return job

        @rule(
            worker=WORKERS,
            cancel=st.booleans(),
            outcome=st.sampled_from(["complete", "fail", "fail_final", "release", "keep"]),
        )
        def work(self, worker: str, cancel: bool, outcome: str) -> None:
            """A whole turn of a worker: claim, maybe be asked to cancel, then stop somehow."""
            job = self._claim(worker)
            if job is None:
                return
            if cancel:
                self.store.cancel_job(job.id, now=self.now)
            if outcome == "complete":
                self.store.complete(job.id, worker, followups=[NewJob("f")], now=self.now)
            elif outcome in ("fail", "fail_final"):
                retry = outcome == "fail"
                self.store.fail(job.id, worker, "boom", retry=retry, now=self.now)
            elif outcome == "release":
                self.store.release(job.id, worker, now=self.now)
            if cancel and outcome != "keep":
                assert self.row(job.id)["status"] == "canceled"

        def _by(self, index: int, by_holder: bool, action: Callable[[int, str], object]) -> None:
            """Act on a running job (any job when none runs) as its holder or as another."""
            if not any(r["status"] == "running" for r in self.rows()):
                self._claim("C")  # nothing runs: someone takes a job first
            rows = self.rows()
            if not rows:
                return
            running = [r for r in rows if r["status"] == "running"] or rows
            before = running[index % len(running)]
            holder = before["worker_id"]
            worker = holder if by_holder and holder else ("B" if holder == "A" else "A")
            action(before["id"], worker)
            if not (before["status"] == "running" and holder == worker):
                assert self.row(before["id"]) == before, "a worker changed a job it does not hold"

        @rule(index=PICK, by_holder=HOLDER)
        def complete(self, index: int, by_holder: bool) -> None:
            self._by(index, by_holder, lambda j, w: self.store.complete(j, w, now=self.now))

        @rule(index=PICK, by_holder=HOLDER, retry=st.booleans())
        def fail(self, index: int, by_holder: bool, retry: bool) -> None:
            self._by(
                index,
                by_holder,
                lambda j, w: self.store.fail(j, w, "boom", retry=retry, now=self.now),
            )

        @rule(index=PICK, by_holder=HOLDER)
        def release(self, index: int, by_holder: bool) -> None:
            self._by(index, by_holder, lambda j, w: self.store.release(j, w, now=self.now))

        @rule(index=PICK, running=st.booleans())
        def cancel_job(self, index: int, running: bool) -> None:
            job_id = self.pick(index, ("running",) if running else ())
            if job_id is not None:
                self.store.cancel_job(job_id, now=self.now)

        @rule(index=PICK, running=st.booleans())
        def cancel_task(self, index: int, running: bool) -> None:
            job_id = self.pick(index, ("running",) if running else ())
            if job_id is not None and (task_id := self.row(job_id)["task_id"]):
                self.store.cancel_task(task_id, now=self.now)

        @rule(index=PICK, finished=st.booleans())
        def retry(self, index: int, finished: bool) -> None:
            job_id = self.pick(index, ("failed", "canceled") if finished else ())
            if job_id is not None and self.store.retry(job_id, now=self.now) is not None:
                seen.add("retried")
                self.cancel_marked.discard(job_id)
                assert self.row(job_id)["status"] == "queued"

        @rule(worker=WORKERS)
        def heartbeat(self, worker: str) -> None:
            running = [r["id"] for r in self.rows() if r["worker_id"] == worker]
            self.store.heartbeat(running, worker, now=self.now)

        @rule(seconds=st.sampled_from([0.5, 3.0, 10.0, 31.0, 120.0]))
        def tick(self, seconds: float) -> None:
            self.now += seconds

        @rule(seconds=st.sampled_from([0.0, 10.0, 31.0, 120.0]), crashes=st.integers(0, 3))
        def recover(self, seconds: float, crashes: int) -> None:
            """A worker may take a job and die, again and again; time passes; recovery runs."""
            for _ in range(crashes):
                self._claim("D")
                self._recover(self.stale + 1)
            self._recover(seconds)

        def _recover(self, seconds: float) -> None:
            self.now += seconds
            before = {r["id"]: r for r in self.rows()}
            recovered = self.store.recover(now=self.now)
            seen.update(f"recovered-{j.status.value}" for j in recovered)
            for job in recovered:
                was = before[job.id]
                assert was["status"] == "running"
                assert was["heartbeat_at"] < self.now - self.stale
                if job.status == JobStatus.QUEUED:
                    assert job.attempts < job.max_attempts
            for r in self.rows():
                if r["status"] == "running":
                    assert r["heartbeat_at"] >= self.now - self.stale

        @invariant()
        def jobs_are_consistent(self) -> None:
            held: dict[str, set[str]] = {}
            for r in self.rows():
                status = r["status"]
                seen.add(status)
                assert status in STATUSES
                assert (status == "running") == (r["worker_id"] is not None), r
                assert (status == "running") == (r["heartbeat_at"] is not None), r
                assert (status in FINAL_STATUSES) == (r["finished_at"] is not None), r
                assert 0 <= r["attempts"] <= r["max_attempts"], r
                if status == "queued":
                    assert r["available_at"] is not None
                if r["cancel_requested"]:
                    assert status in ("running", "canceled"), r
                if r["cancel_requested"] or status == "canceled":
                    self.cancel_marked.add(r["id"])
                if r["id"] in self.cancel_marked:
                    assert status != "completed", "a canceled job became completed"
                if status == "running" and r["scope"] == "project" and r["project_id"]:
                    owners = held.setdefault(r["project_id"], set())
                    assert not owners, "two project-scope jobs of one project run at once"
                    owners.add(r["worker_id"])

        @invariant()
        def tasks_complete_only_at_their_last_stage(self) -> None:
            for task in queries.list_tasks(self.lib.db, self.lib.config, show_maintenance=True):
                if task.status != JobStatus.COMPLETED:
                    continue
                assert all(j.status == JobStatus.COMPLETED for j in task.jobs)
                if task.task_type in ("change_commit", "maintenance", "diagnostic"):
                    last = len(task_definition(task.task_type).stages) - 1
                    assert any(j.task_stage == last for j in task.jobs), task

        @invariant()
        def items_run_only_in_running_jobs(self) -> None:
            conn = sqlite3.connect(self.lib.db.path)
            try:
                stray = conn.execute(
                    "SELECT count(*) FROM job_items i JOIN jobs j ON j.id = i.job_id "
                    "WHERE i.status = 'running' AND j.status = 'queued'"
                ).fetchone()[0]
            finally:
                conn.close()
            assert stray == 0, "a queued job kept an item marked running"

    return JobQueueMachine


def test_the_queue_keeps_its_invariants(tmp_path: Path, config: Config) -> None:
    cfg = config.with_overrides(
        {"pipeline.stale_seconds": 30, "pipeline.backoff_base_seconds": 2.0}
    )
    library = Library.open(tmp_path / "lib", cfg)
    seen: set[str] = set()
    try:
        run_state_machine_as_test(
            make_machine(library, seen),
            settings=settings(
                max_examples=50,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
                database=None,
                # Shrinking replays thousands of database runs (minutes); a failure prints
                # its unshrunk steps, which is enough to replay it.
                phases=[Phase.explicit, Phase.generate],
            ),
        )
    finally:
        library.close()
    # The runs reached every status and both ends of recovery, so the checks meant something.
    assert STATUSES | {"retried", "recovered-queued", "recovered-failed"} <= seen, seen
