"""The SQLite job queue: enqueue, claim order, backoff, ownership, cancel, retry, recovery."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from photojobs.core.config import Config
from photojobs.core.jobs import queries
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import Event, JobEvent
from photojobs.core.jobs.model import JobStatus, NewJob
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library, ProjectInfo

T0 = 1_700_000_000.0
Rows = Callable[..., list[dict[str, Any]]]  # the `rows` fixture: jobs read with sqlite3
ELSEWHERE = "other-host:4242:abcdef"  # a worker on another machine: only its heartbeat counts


def test_enqueue_persists_every_field(
    store: JobStore, project: ProjectInfo, rows: Rows, library: Library
) -> None:
    job = store.enqueue(
        "generate_derivatives",
        project_id=project.id,
        payload={"photo_ids": [1, 2], "size": "thumb"},
        priority=77,
        scope="photos",
        source="user",
        task_id="task-1",
        task_type="generate_derivatives",
        now=T0,
    )
    (row,) = rows("id = ?", job.id)
    assert row["type"] == "generate_derivatives"
    assert row["project_id"] == project.id
    assert row["priority"] == 77
    assert row["scope"] == "photos"
    assert row["source"] == "user"
    assert row["task_id"] == "task-1"
    assert row["task_type"] == "generate_derivatives"
    assert row["status"] == "queued"
    assert row["created_at"] == row["available_at"] == T0
    assert row["attempts"] == 0
    assert row["max_attempts"] == library.config.get("pipeline.max_attempts_default")

    got = store.get(job.id)
    assert got is not None
    assert got.payload == {"photo_ids": [1, 2], "size": "thumb"}
    assert (got.source, got.task_id, got.task_type) == ("user", "task-1", "generate_derivatives")
    (listed,) = queries.list_jobs(library.db, library.config, show_maintenance=True)
    assert listed == got and listed.payload == got.payload


def test_enqueue_with_items_counts_them(store: JobStore, rows: Rows) -> None:
    job = store.enqueue_with_items("diagnostic_wait", [("a", None), ("b", None)], now=T0)
    assert job.progress_total == 2
    items = rows("job_id = ?", job.id, table="job_items")
    assert [(i["key"], i["status"]) for i in items] == [("a", "pending"), ("b", "pending")]


def test_source_defaults_to_maintenance_and_a_bad_source_is_refused(
    store: JobStore, rows: Rows
) -> None:
    job = store.enqueue("trash_maintenance", now=T0)
    assert job.source == "maintenance"
    assert rows("id = ?", job.id)[0]["source"] == "maintenance"
    with pytest.raises(ValueError, match="source"):
        store.enqueue("trash_maintenance", source="system", now=T0)
    assert len(rows()) == 1  # the refused job left nothing behind


def test_claim_takes_highest_priority_then_oldest(store: JobStore) -> None:
    low = store.enqueue("a", priority=10, now=T0)
    old = store.enqueue("b", priority=50, now=T0 + 1)
    new = store.enqueue("c", priority=50, now=T0 + 2)
    urgent = store.enqueue("d", priority=100, now=T0 + 3)
    order = [store.claim("w", now=T0 + 10) for _ in range(5)]
    assert [j.id if j else None for j in order] == [urgent.id, old.id, new.id, low.id, None]
    claimed = store.get(urgent.id)
    assert claimed.status == JobStatus.RUNNING and claimed.worker_id == "w"
    assert claimed.attempts == 1 and claimed.started_at == claimed.heartbeat_at == T0 + 10


def test_claim_honours_available_at_and_min_priority(store: JobStore) -> None:
    job = store.enqueue("a", priority=50, now=T0)
    assert store.claim("w", now=T0 - 0.5) is None
    assert store.claim("w", min_priority=90, now=T0) is None
    assert store.get(job.id).status == JobStatus.QUEUED
    assert store.claim("w", now=T0).id == job.id


@pytest.mark.parametrize("base", [2.0, 3.5])
def test_fail_backs_off_exponentially_then_fails_for_good(
    tmp_path: Path, config: Config, base: float
) -> None:
    cfg = config.with_overrides(
        {
            "pipeline.backoff_base_seconds": base,
            "pipeline.backoff_max_seconds": 10_000.0,
            "pipeline.max_attempts_default": 4,
        }
    )
    lib = Library.open(tmp_path / "lib", cfg)
    try:
        store = JobStore(lib.db, cfg)
        job = store.enqueue("flaky", now=T0)
        now = T0
        for attempt in (1, 2, 3):
            claimed = store.claim("w", now=now)
            assert claimed is not None and claimed.attempts == attempt
            failed = store.fail(job.id, "w", f"boom {attempt}", now=now + 1)
            assert failed.status == JobStatus.QUEUED
            assert failed.worker_id is None
            assert failed.error == f"boom {attempt}"
            assert failed.available_at == pytest.approx(now + 1 + base * 2 ** (attempt - 1))
            # Not a moment before the backoff is over.
            assert store.claim("w", now=failed.available_at - 0.01) is None
            now = failed.available_at
        assert store.claim("w", now=now).attempts == 4
        final = store.fail(job.id, "w", "disk on fire", now=now + 1)
        assert final.status == JobStatus.FAILED
        assert final.error == "disk on fire"
        assert final.finished_at == now + 1
        assert store.claim("w", now=now + 100_000) is None
        assert store.get(job.id).error == "disk on fire"
    finally:
        lib.close()


def test_backoff_is_capped(tmp_path: Path, config: Config) -> None:
    cfg = config.with_overrides(
        {"pipeline.backoff_base_seconds": 2.0, "pipeline.backoff_max_seconds": 60.0}
    )
    store = JobStore(None, cfg)  # backoff reads only the config
    assert [store.backoff(n) for n in (1, 2, 3, 5, 6, 7)] == [2, 4, 8, 32, 60, 60]


def test_fail_without_retry_ends_failed_at_once(store: JobStore) -> None:
    job = store.enqueue("a", now=T0)
    store.claim("w", now=T0)
    failed = store.fail(job.id, "w", "bad payload", retry=False, now=T0 + 1)
    assert failed.status == JobStatus.FAILED and failed.attempts == 1
    assert failed.error == "bad payload"


def test_a_job_held_by_worker_a_cannot_be_finished_by_worker_b(store: JobStore) -> None:
    job = store.enqueue("a", now=T0)
    store.claim("A", now=T0)
    assert store.complete(job.id, "B", now=T0 + 1) == []
    assert store.fail(job.id, "B", "nope", now=T0 + 1) is None
    assert store.cancel_finished(job.id, "B", now=T0 + 1) is None
    assert store.release(job.id, "B", now=T0 + 1) is None
    assert store.heartbeat([job.id], "B", now=T0 + 5) == set()
    still = store.get(job.id)
    assert still.status == JobStatus.RUNNING and still.worker_id == "A"
    assert still.heartbeat_at == T0 and still.error is None
    (done, *added) = store.complete(job.id, "A", now=T0 + 2)
    assert done.status == JobStatus.COMPLETED and added == []


def test_cancel_of_a_queued_job_is_immediate(store: JobStore) -> None:
    job = store.enqueue("a", now=T0)
    canceled = store.cancel_job(job.id, now=T0 + 1)
    assert canceled.status == JobStatus.CANCELED and canceled.finished_at == T0 + 1
    assert store.claim("w", now=T0 + 2) is None
    assert store.cancel_job(999_999) is None


def test_cancel_of_a_running_job_asks_it_to_stop_and_it_never_completes(
    store: JobStore, project: ProjectInfo
) -> None:
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    asked = store.cancel_job(job.id, now=T0 + 1)
    assert asked.status == JobStatus.RUNNING and asked.cancel_requested
    assert store.is_cancel_requested(job.id)
    assert store.heartbeat([job.id], "w", now=T0 + 2) == {job.id}
    records = store.complete(job.id, "w", followups=[NewJob("extra")], now=T0 + 3)
    assert [(r.id, r.status) for r in records] == [(job.id, JobStatus.CANCELED)]
    after = store.get(job.id)
    assert after.status == JobStatus.CANCELED and after.finished_at == T0 + 3
    # No next stage and no follow-up: a canceled step stops its task.
    assert [j.id for j in queries.get_task(store.db, task_id).jobs] == [job.id]
    assert queries.get_task(store.db, task_id).status == JobStatus.CANCELED


@pytest.mark.parametrize("ending", ["fail", "release"])
def test_a_running_job_asked_to_cancel_ends_canceled_however_it_stops(
    store: JobStore, ending: str
) -> None:
    job = store.enqueue("a", now=T0)
    store.claim("w", now=T0)
    store.cancel_job(job.id, now=T0 + 1)
    if ending == "fail":
        store.fail(job.id, "w", "interrupted", now=T0 + 2)
    else:
        store.release(job.id, "w", now=T0 + 2)
    assert store.get(job.id).status == JobStatus.CANCELED


def test_cancel_task_cancels_queued_jobs_and_asks_running_ones(store: JobStore) -> None:
    done = store.enqueue("a", task_id="T", now=T0)
    store.claim("w", now=T0)
    store.complete(done.id, "w", now=T0)
    running = store.enqueue("b", task_id="T", now=T0)
    store.claim("w", now=T0)
    queued = store.enqueue("c", task_id="T", now=T0)
    other = store.enqueue("d", task_id="U", now=T0)
    touched = store.cancel_task("T", now=T0 + 1)
    assert sorted(j.id for j in touched) == [running.id, queued.id]
    assert store.get(done.id).status == JobStatus.COMPLETED
    assert store.get(queued.id).status == JobStatus.CANCELED
    assert store.get(running.id).status == JobStatus.RUNNING
    assert store.get(running.id).cancel_requested
    assert store.get(other.id).status == JobStatus.QUEUED
    assert store.complete(running.id, "w", now=T0 + 2)[0].status == JobStatus.CANCELED
    assert queries.get_task(store.db, "T").status == JobStatus.CANCELED


def test_retry_of_a_failed_job_queues_it_with_fresh_attempts(store: JobStore, rows: Rows) -> None:
    job = store.enqueue_with_items("a", [("x", None), ("y", None)], max_attempts=1, now=T0)
    store.claim("w", now=T0)
    store.set_item(job.id, "x", "done", now=T0)
    store.set_item(job.id, "y", "failed", "corrupt", now=T0)
    store.fail(job.id, "w", "one item failed", now=T0 + 1)
    assert store.get(job.id).status == JobStatus.FAILED
    assert store.retry(job.id + 1) is None

    again = store.retry(job.id, now=T0 + 5)
    assert again.status == JobStatus.QUEUED
    assert (again.attempts, again.error, again.finished_at) == (0, None, None)
    assert again.available_at == T0 + 5 and again.progress_done == 1
    items = rows("job_id = ?", job.id, table="job_items")
    assert [(i["key"], i["status"]) for i in items] == [("x", "done"), ("y", "pending")]
    assert store.pending_items(job.id) == [("y", None)]
    assert store.claim("w", now=T0 + 5).id == job.id
    assert store.complete(job.id, "w", now=T0 + 6)[0].status == JobStatus.COMPLETED
    assert store.retry(job.id) is None  # a completed job is not retried


def test_recover_requeues_a_stale_job_and_its_running_items(
    store: JobStore, library: Library, rows: Rows
) -> None:
    stale = float(library.config.get("pipeline.stale_seconds"))
    items = [("a", None), ("b", None), ("c", None)]
    job = store.enqueue_with_items("diagnostic_wait", items, now=T0)
    store.claim(ELSEWHERE, now=T0)
    store.set_item(job.id, "a", "done", now=T0)
    store.set_item(job.id, "b", "running", now=T0)
    store.heartbeat([job.id], ELSEWHERE, now=T0 + 10)

    assert store.recover(now=T0 + 10 + stale - 1) == []
    assert store.get(job.id).status == JobStatus.RUNNING

    (recovered,) = store.recover(now=T0 + 10 + stale + 1)
    assert recovered.id == job.id and recovered.status == JobStatus.QUEUED
    assert recovered.worker_id is None and recovered.attempts == 1  # the attempt counted
    assert "interrupted" in recovered.error
    statuses = [(i["key"], i["status"]) for i in rows("job_id = ?", job.id, table="job_items")]
    assert statuses == [("a", "done"), ("b", "pending"), ("c", "pending")]
    # The old worker has lost it: its late completion changes nothing.
    assert store.complete(job.id, ELSEWHERE, now=T0 + 100) == []
    assert store.claim("new", now=T0 + 100).attempts == 2


def test_a_job_that_keeps_killing_its_worker_ends_failed(store: JobStore, library: Library) -> None:
    stale = float(library.config.get("pipeline.stale_seconds"))
    job = store.enqueue("crashy", now=T0)
    max_attempts = store.get(job.id).max_attempts
    now, cycles = T0, 0
    while (claimed := store.claim(ELSEWHERE, now=now)) is not None:
        cycles += 1
        assert cycles <= max_attempts, "recovery keeps requeueing a job that always crashes"
        now += stale + 1
        store.recover(now=now)
        assert claimed.id == job.id
    final = store.get(job.id)
    assert cycles == max_attempts
    assert final.status == JobStatus.FAILED and final.finished_at == now
    assert final.attempts == max_attempts and "not retried again" in final.error


def test_a_live_worker_with_a_fresh_heartbeat_is_left_alone(
    store: JobStore, library: Library
) -> None:
    stale = float(library.config.get("pipeline.stale_seconds"))
    me = new_worker_id()  # this very process: alive
    job = store.enqueue("a", now=T0)
    store.claim(me, now=T0)
    store.heartbeat([job.id], me, now=T0 + stale)
    assert store.recover(now=T0 + stale + stale / 2) == []
    running = store.get(job.id)
    assert running.status == JobStatus.RUNNING and running.worker_id == me
    assert running.heartbeat_at == T0 + stale
    # The same job, once its heartbeat is stale, is recovered.
    assert [j.id for j in store.recover(now=T0 + 3 * stale)] == [job.id]


HOLDER = r"""
import sys, time
from pathlib import Path
from photojobs.core.jobs.liveness import WorkerLock
lock = WorkerLock(Path(sys.argv[1]), sys.argv[2])
lock.acquire()
assert lock.held
print("ready", flush=True)
time.sleep(float(sys.argv[3]))
"""


def worker_process(store: JobStore, worker: str, seconds: float) -> subprocess.Popen[str]:
    """A real process that holds `worker`'s lock for `seconds`, as a worker loop does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.workers_dir), worker, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def test_a_job_of_a_dead_local_process_is_recovered_at_once(store: JobStore) -> None:
    dead = new_worker_id().rpartition(":")[0] + ":0123456789ab"
    worker_process(store, dead, 0).wait()  # held its lock, then died without a word
    job = store.enqueue("a", now=T0)
    store.claim(dead, now=T0)
    (recovered,) = store.recover(now=T0 + 1)  # heartbeat is fresh, but its process is gone
    assert recovered.id == job.id and recovered.status == JobStatus.QUEUED
    assert not (store.workers_dir / "0123456789ab.lock").exists()


def test_a_dead_worker_whose_pid_now_names_a_live_process_is_recovered(
    store: JobStore,
) -> None:
    """After a reboot the dead worker's pid belongs to an unrelated live process: the pid
    proves nothing, the free lock proves the worker is gone."""
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = f"{socket.gethostname()}:{unrelated.pid}:0123456789ab"
        worker_process(store, dead, 0).wait()
        job = store.enqueue("a", now=T0)
        store.claim(dead, now=T0)
        (recovered,) = store.recover(now=T0 + 1)
        assert recovered.id == job.id and recovered.status == JobStatus.QUEUED
        assert unrelated.poll() is None  # nobody signalled the unrelated process
    finally:
        unrelated.kill()
        unrelated.wait()


def test_a_live_process_keeps_its_job_even_with_a_stale_heartbeat(store: JobStore) -> None:
    """A laptop that slept: the other process's heartbeat is old, but it still runs the
    job. Taking it would run it twice; only a dead process loses its job."""
    worker = new_worker_id().rpartition(":")[0] + ":0123456789ab"
    alive = worker_process(store, worker, 30)
    try:
        job = store.enqueue("a", now=T0)
        store.claim(worker, now=T0)
        assert store.recover(now=T0 + 10_000) == []
        assert store.claim("someone-else", now=T0 + 10_000) is None
        assert store.owned([job.id], worker) == {job.id}
    finally:
        alive.kill()
        alive.wait()
    (recovered,) = store.recover(now=T0 + 10_001)
    assert recovered.id == job.id and store.owned([job.id], worker) == set()


def test_a_worker_without_a_lock_file_is_judged_by_its_heartbeat(store: JobStore) -> None:
    """An id from an older version (no lock file): alive while its heartbeat is fresh."""
    old = f"{socket.gethostname()}:1:abcdef"
    job = store.enqueue("a", now=T0)
    store.claim(old, now=T0)
    assert store.recover(now=T0 + 1) == []
    stale = float(store.config.get("pipeline.stale_seconds"))
    assert [j.id for j in store.recover(now=T0 + stale + 1)] == [job.id]


def test_recover_ends_a_job_asked_to_cancel_canceled(store: JobStore, library: Library) -> None:
    job = store.enqueue("a", now=T0)
    store.claim(ELSEWHERE, now=T0)
    store.cancel_job(job.id, now=T0 + 1)
    store.recover(now=T0 + 1000)
    assert store.get(job.id).status == JobStatus.CANCELED


def test_project_scope_jobs_of_one_project_never_run_at_once(
    store: JobStore, project: ProjectInfo, other_project: ProjectInfo
) -> None:
    p1 = store.enqueue("a", project_id=project.id, scope="project", priority=60, now=T0)
    p2 = store.enqueue("b", project_id=project.id, scope="project", priority=55, now=T0)
    q1 = store.enqueue("c", project_id=other_project.id, scope="project", priority=50, now=T0)
    ph1 = store.enqueue("d", project_id=project.id, scope="photos", priority=45, now=T0)
    ph2 = store.enqueue("e", project_id=project.id, scope="photos", priority=45, now=T0)
    claims = [store.claim(w, now=T0) for w in ("A", "B", "C", "D", "E")]
    assert [c.id if c else None for c in claims] == [p1.id, q1.id, ph1.id, ph2.id, None]
    assert store.get(p2.id).status == JobStatus.QUEUED
    store.complete(p1.id, "A", now=T0 + 1)
    assert store.claim("F", now=T0 + 1).id == p2.id


def test_an_unknown_job_type_fails_without_retries(store: JobStore, library: Library) -> None:
    store.enqueue("no_such_type", task_id="T", now=T0)
    job = store.claim("w", now=T0)
    events: list[Event] = []
    ctx = JobContext(library, store, job, events.append)
    (failed,) = run_job(ctx, HandlerRegistry(), "w", clock=lambda: T0 + 1)
    assert failed.status == JobStatus.FAILED and failed.attempts == 1
    assert failed.error == "unknown job type: no_such_type"
    assert store.get(job.id).status == JobStatus.FAILED
    assert any(isinstance(e, JobEvent) and e.status == "failed" for e in events)


def test_an_idle_poll_opens_no_write_transaction(store: JobStore, library: Library) -> None:
    """An idle worker loop polls every slot each `poll_ms`, and the heartbeat recovers every
    few seconds: with nothing to claim or recover, neither may take the write lock."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(library.db.engine, "before_cursor_execute", seen)
    try:
        for _ in range(5):
            assert store.claim("w") is None
        assert store.claim("w", min_priority=90) is None
        assert store.recover() == []
        later = store.enqueue("x", now=2e9)  # not available yet: still nothing to claim
        statements.clear()
        assert store.claim("w") is None
    finally:
        event.remove(library.db.engine, "before_cursor_execute", seen)

    assert statements, "the checks did read"
    assert [s for s in statements if "IMMEDIATE" in s] == []
    claimed = store.claim("w", now=2e9)
    assert claimed is not None and claimed.id == later.id
