"""The worker loop on a real QThreadPool, offscreen: signals, poking, lanes, cancel,
coalesced progress, shutdown, pause, idle, and the maintenance scheduler."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from pytestqt.qtbot import QtBot

from photojobs.core.config import Config
from photojobs.core.handlers import diagnostic
from photojobs.core.jobs import queries
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import ItemEvent, JobEvent, TaskEvent
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.library import Library
from photojobs.runtime.scheduler import MaintenanceScheduler
from photojobs.runtime.worker import WorkerLoop

WAIT_MS = 10_000


class Handlers:
    """Test handlers: `block` holds its slot until the gate opens (or it is cancelled)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls: list[tuple[str, int]] = []

    def registry(self) -> HandlerRegistry:
        registry = HandlerRegistry()
        for name in ("block", "noop", "fail", "flaky", "chatty", "itemised"):
            registry.register(name, getattr(self, name))
        diagnostic.register(registry)
        return registry

    def block(self, ctx: JobContext, job: JobRecord) -> None:
        self.calls.append(("block", job.id))
        while not self.gate.wait(0.01):
            ctx.check_cancelled()

    def noop(self, ctx: JobContext, job: JobRecord) -> None:
        self.calls.append(("noop", job.id))

    def fail(self, ctx: JobContext, job: JobRecord) -> None:
        raise RuntimeError("the disk is full")

    def flaky(self, ctx: JobContext, job: JobRecord) -> None:
        if ctx.job.attempts == 1:
            raise RuntimeError("first try fails")

    def chatty(self, ctx: JobContext, job: JobRecord) -> None:
        total = 5_000
        for done in range(1, total + 1):
            ctx.progress(done, total)
            if ctx.cancelled():
                return

    def itemised(self, ctx: JobContext, job: JobRecord) -> None:
        """First item done, second started, then it waits: a job stopped mid-way."""
        ctx.item("a", "running")
        ctx.item("a", "done")
        ctx.item("b", "running")
        ctx.progress(1, 3)
        self.block(ctx, job)


@pytest.fixture
def handlers() -> Iterator[Handlers]:
    h = Handlers()
    yield h
    h.gate.set()


class Engines:
    """Loops (and schedulers) over fresh libraries, all stopped at the end of the test."""

    def __init__(self, tmp_path: Path, config: Config, handlers: Handlers) -> None:
        self.tmp_path, self.config, self.handlers = tmp_path, config, handlers
        self.loops: list[WorkerLoop] = []
        self.schedulers: list[MaintenanceScheduler] = []

    def loop(self, overrides: dict[str, Any] | None = None) -> WorkerLoop:
        cfg = self.config.with_overrides({"pipeline.poll_ms": 60_000, **(overrides or {})})
        lib = Library.open(self.tmp_path / f"lib{len(self.loops)}", cfg)
        loop = WorkerLoop(lib, self.handlers.registry())
        self.loops.append(loop)
        return loop

    def scheduler(self, loop: WorkerLoop) -> MaintenanceScheduler:
        scheduler = MaintenanceScheduler(loop)
        self.schedulers.append(scheduler)
        return scheduler

    def shut_down(self) -> list[str]:
        """Stop everything; returns what was still running afterwards."""
        self.handlers.gate.set()
        left: list[str] = []
        for scheduler in self.schedulers:
            scheduler.stop()
            left += ["scheduler timer" for t in scheduler.findChildren(QTimer) if t.isActive()]
        for loop in self.loops:
            if not loop.stop(timeout_ms=WAIT_MS):
                left.append("jobs still running after stop()")
            QCoreApplication.processEvents()  # deliver the slots' last "finished" signals
            if loop.pool.activeThreadCount():
                left.append(f"{loop.pool.activeThreadCount()} pool thread(s)")
            if loop.active_slots():
                left.append(f"{loop.active_slots()} slot(s) counted active")
            left += ["loop timer" for t in loop.findChildren(QTimer) if t.isActive()]
            if loop.heartbeat._thread is not None:
                left.append("heartbeat thread")
            loop.library.close()
        if QThreadPool.globalInstance().activeThreadCount():
            left.append("global pool threads")
        return left


@pytest.fixture
def engines(tmp_path: Path, config: Config, handlers: Handlers) -> Iterator[Engines]:
    """Fails the test if a pool thread, a timer or the heartbeat is left running."""
    made = Engines(tmp_path, config, handlers)
    yield made
    left = made.shut_down()
    assert not left, f"left running: {left}"


def status_of(loop: WorkerLoop, job_id: int) -> str:
    job = loop.store.get(job_id)
    assert job is not None
    return job.status.value


def is_(
    status: str, job_type: str | None = None, job_id: int | None = None
) -> Callable[[JobEvent], bool]:
    def check(event: JobEvent) -> bool:
        return (
            event.status == status
            and (job_type is None or event.job_type == job_type)
            and (job_id is None or event.job_id == job_id)
        )

    return check


def start_idle(qtbot: QtBot, loop: WorkerLoop) -> None:
    with qtbot.waitSignal(loop.idle, timeout=WAIT_MS):
        loop.start()


def test_signal_payloads_carry_source_and_task(qtbot: QtBot, engines: Engines) -> None:
    loop = engines.loop()
    project = loop.library.create_project("Wedding")
    start_idle(qtbot, loop)
    task: dict[str, str] = {}
    jobs: list[JobEvent] = []
    items: list[ItemEvent] = []
    tasks: list[TaskEvent] = []
    loop.signals.job_changed.connect(jobs.append)
    loop.signals.item_changed.connect(items.append)
    loop.signals.task_changed.connect(tasks.append)
    with qtbot.waitSignals(
        [loop.signals.job_changed, loop.signals.task_changed],
        check_params_cbs=[is_("completed", "diagnostic_wait"), lambda t: t.status == "completed"],
        timeout=WAIT_MS,
    ):
        task["id"] = loop.start_task(
            "diagnostic",
            project_id=project.id,
            payload={"seconds": 0.0},
            items=[("a", None), ("b", None)],
        )
    expected = ("user", task["id"], "diagnostic")
    # Progress events (two here) say nothing about the status: one may arrive late.
    assert [e.status for e in jobs] == ["queued", "running", "", "", "completed"]
    assert [e.progress_only for e in jobs] == [False, False, True, True, False]
    for e in jobs:
        assert (e.source, e.task_id, e.task_type, e.project_id) == (*expected, project.id)
    assert (jobs[-1].progress_done, jobs[-1].progress_total, jobs[-1].attempts) == (2, 2, 1)
    assert [(i.key, i.status) for i in items] == [
        ("a", "running"),
        ("a", "done"),
        ("b", "running"),
        ("b", "done"),
    ]
    for i in items:
        assert (i.source, i.task_id, i.task_type, i.project_id) == (*expected, project.id)
    assert tasks[0].status == "queued" and tasks[-1].status == "completed"
    for t in tasks:
        assert (t.task_id, t.task_type, t.source, t.project_id) == (
            task["id"],
            "diagnostic",
            "user",
            project.id,
        )
    assert (tasks[-1].progress_done, tasks[-1].progress_total) == (2, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        jobs[0].status = "failed"  # type: ignore[misc]

    # A job of no task, enqueued with the default source.
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("completed", "noop"), timeout=WAIT_MS
    ) as blocker:
        loop.enqueue("noop")
    event = blocker.args[0]
    assert (event.source, event.task_id, event.task_type) == ("maintenance", None, None)


def test_a_failing_handler_reports_its_error(qtbot: QtBot, engines: Engines) -> None:
    loop = engines.loop()
    start_idle(qtbot, loop)
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("failed", "fail"), timeout=WAIT_MS
    ) as blocker:
        job = loop.enqueue("fail", source="user", task_id="T", max_attempts=1)
    assert blocker.args[0].error == "the disk is full"
    assert blocker.args[0].task_id == "T" and blocker.args[0].source == "user"
    stored = loop.store.get(job.id)
    assert stored.status.value == "failed" and stored.error == "the disk is full"
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("failed", "nobody_handles_this")
    ) as blocker:
        loop.enqueue("nobody_handles_this")
    assert blocker.args[0].error == "unknown job type: nobody_handles_this"
    assert blocker.args[0].attempts == 1


def test_a_failed_attempt_is_retried_after_its_backoff(qtbot: QtBot, engines: Engines) -> None:
    loop = engines.loop({"pipeline.poll_ms": 50, "pipeline.backoff_base_seconds": 0.1})
    start_idle(qtbot, loop)
    events: list[JobEvent] = []
    loop.signals.job_changed.connect(events.append)
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("completed", "flaky"), timeout=WAIT_MS
    ):
        job = loop.enqueue("flaky")
    assert [e.status for e in events] == ["queued", "running", "queued", "running", "completed"]
    assert events[2].error == "first try fails"
    assert loop.store.get(job.id).attempts == 2


def test_a_new_job_starts_at_once_without_waiting_for_the_poll(
    qtbot: QtBot, engines: Engines
) -> None:
    loop = engines.loop({"pipeline.poll_ms": 60_000})
    start_idle(qtbot, loop)
    assert loop.active_slots() == 0
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("completed", "noop"), timeout=WAIT_MS
    ):
        loop.enqueue("noop", source="user")
    with qtbot.waitSignal(
        loop.signals.job_changed,
        check_params_cb=is_("completed", "diagnostic_wait"),
        timeout=WAIT_MS,
    ):
        loop.start_task("diagnostic", payload={"seconds": 0.0})


def test_a_priority_job_starts_while_the_normal_lane_is_busy(
    qtbot: QtBot, engines: Engines, handlers: Handlers
) -> None:
    loop = engines.loop(
        {
            "pipeline.max_parallel_jobs": 3,
            "pipeline.priority_lane_slots": 1,
            "pipeline.priority_threshold": 90,
        }
    )
    start_idle(qtbot, loop)
    with qtbot.waitSignals(
        [loop.signals.job_changed, loop.signals.job_changed],
        check_params_cbs=[is_("running", job_id=1), is_("running", job_id=2)],
        timeout=WAIT_MS,
    ):
        first = loop.enqueue("block", priority=50)
        second = loop.enqueue("block", priority=50)
    assert (first.id, second.id) == (1, 2)
    waiting = loop.enqueue("block", priority=50)
    qtbot.wait(300)  # it has every chance to start, and must not: the normal lane is full
    assert status_of(loop, waiting.id) == "queued"

    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("completed", "noop"), timeout=WAIT_MS
    ) as blocker:
        urgent = loop.enqueue("noop", priority=95, source="user")
    assert blocker.args[0].job_id == urgent.id
    assert [status_of(loop, j.id) for j in (first, second, waiting)] == [
        "running",
        "running",
        "queued",
    ]
    with qtbot.waitSignal(loop.idle, timeout=WAIT_MS):
        handlers.gate.set()
    assert {status_of(loop, j) for j in (1, 2, 3, 4)} == {"completed"}


def test_cancel_task_ends_a_running_job_canceled(
    qtbot: QtBot, engines: Engines, handlers: Handlers
) -> None:
    loop = engines.loop()
    start_idle(qtbot, loop)
    later = time.time() + 3600  # queued, not yet due: it stays queued until canceled
    queued = loop.store.enqueue("noop", task_id="T", source="user", now=later)
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("running", "block"), timeout=WAIT_MS
    ):
        job = loop.enqueue("block", task_id="T", source="user")
    with qtbot.waitSignals(
        [loop.signals.job_changed, loop.signals.task_changed],
        check_params_cbs=[
            is_("canceled", job_id=job.id),
            lambda t: t.task_id == "T" and t.status == "canceled",
        ],
        timeout=WAIT_MS,
    ):
        loop.cancel_task("T")
    stored = loop.store.get(job.id)
    assert stored.status.value == "canceled" and stored.finished_at is not None
    assert status_of(loop, queued.id) == "canceled"
    handlers.gate.set()
    with qtbot.waitSignal(loop.idle, timeout=WAIT_MS):
        loop.poke()
    assert status_of(loop, job.id) == "canceled"  # never turned into completed
    assert handlers.calls == [("block", job.id)]


def test_progress_events_are_coalesced(qtbot: QtBot, engines: Engines) -> None:
    loop = engines.loop()
    start_idle(qtbot, loop)
    events: list[JobEvent] = []
    loop.signals.job_changed.connect(events.append)
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("completed", "chatty"), timeout=WAIT_MS
    ):
        job = loop.enqueue("chatty")
    progress = [e for e in events if e.progress_only and e.progress_total == 5_000]
    assert 1 <= len(progress) < 100, len(progress)
    assert (progress[-1].progress_done, events[-1].progress_done) == (5_000, 5_000)
    stored = loop.store.get(job.id)
    assert (stored.progress_done, stored.progress_total) == (5_000, 5_000)


def test_stop_leaves_queued_jobs_queued_and_releases_the_running_one(
    qtbot: QtBot, engines: Engines
) -> None:
    loop = engines.loop({"pipeline.max_parallel_jobs": 1, "pipeline.priority_lane_slots": 0})
    start_idle(qtbot, loop)
    with qtbot.waitSignal(
        loop.signals.item_changed, check_params_cb=lambda i: (i.key, i.status) == ("b", "running")
    ):
        running = loop.enqueue("itemised", items=[("a", None), ("b", None), ("c", None)])
        waiting = loop.enqueue("noop")
    assert status_of(loop, waiting.id) == "queued"
    with qtbot.waitSignal(
        loop.signals.job_changed, check_params_cb=is_("queued", job_id=running.id), timeout=WAIT_MS
    ):
        assert loop.stop(timeout_ms=WAIT_MS)
    released = loop.store.get(running.id)
    assert released.status.value == "queued" and released.worker_id is None
    assert released.attempts == 0  # stopping the app does not use up an attempt
    assert [(i.key, i.status) for i in loop.store.items(running.id)] == [
        ("a", "done"),
        ("b", "pending"),
        ("c", "pending"),
    ]
    assert status_of(loop, waiting.id) == "queued"
    assert loop.store.get(waiting.id).attempts == 0


def test_pause_stops_new_starts_and_resume_starts_them(
    qtbot: QtBot, engines: Engines, handlers: Handlers
) -> None:
    loop = engines.loop()
    start_idle(qtbot, loop)
    with qtbot.waitSignal(loop.paused_changed, check_params_cb=lambda p: p is True):
        loop.set_paused(True)
    job = loop.enqueue("noop", source="user")
    qtbot.wait(300)
    assert status_of(loop, job.id) == "queued" and handlers.calls == []
    with qtbot.waitSignals(
        [loop.paused_changed, loop.signals.job_changed],
        check_params_cbs=[lambda p: p is False, is_("completed", job_id=job.id)],
        timeout=WAIT_MS,
    ):
        loop.set_paused(False)
    assert handlers.calls == [("noop", job.id)]


def test_idle_fires_when_nothing_is_left(
    qtbot: QtBot, engines: Engines, handlers: Handlers
) -> None:
    loop = engines.loop()
    ids = [loop.store.enqueue("noop", priority=p).id for p in (10, 95, 50)]
    with qtbot.waitSignal(loop.idle, timeout=WAIT_MS):
        loop.start()
    assert [status_of(loop, i) for i in ids] == ["completed"] * 3
    assert sorted(i for _, i in handlers.calls) == sorted(ids)
    # Still busy: no idle while a job runs.
    with qtbot.waitSignal(loop.signals.job_changed, check_params_cb=is_("running", "block")):
        blocked = loop.enqueue("block")
    with qtbot.assertNotEmitted(loop.idle, wait=300):
        pass
    with qtbot.waitSignal(loop.idle, timeout=WAIT_MS):
        handlers.gate.set()
    assert status_of(loop, blocked.id) == "completed"


def test_maintenance_is_scheduled_once_per_project_and_never_stacked(
    qtbot: QtBot, engines: Engines
) -> None:
    loop = engines.loop({"maintenance.first_run_delay_seconds": 0})  # never started
    lib = loop.library
    projects = {lib.create_project(n).id for n in ("Wedding", "Portraits")}
    scheduler = engines.scheduler(loop)

    with qtbot.waitSignal(scheduler.scheduled, timeout=WAIT_MS) as first:
        scheduler.start()  # first run after the configured delay (0 here)
    with qtbot.waitSignal(scheduler.scheduled, timeout=WAIT_MS) as second:
        scheduler.run_now()
    # One maintenance task per project, and one history cleaning for the library.
    assert len(first.args[0]) == 3 and sorted(second.args[0]) == sorted(first.args[0])
    every = queries.list_tasks(lib.db, lib.config, show_maintenance=True)
    assert [t.task_type for t in every].count("history_cleaning") == 1
    maintenance = [
        t
        for t in queries.list_tasks(lib.db, lib.config, show_maintenance=True)
        if t.task_type == "maintenance"
    ]
    assert len(maintenance) == 2
    assert {t.project_id for t in maintenance} == projects
    assert all(t.source == "maintenance" and len(t.jobs) == 1 for t in maintenance)
    assert queries.list_tasks(lib.db, lib.config, show_maintenance=False) == []

    # Once those are over, the next round starts new ones.
    for t in maintenance:
        loop.store.cancel_task(t.task_id)
    with qtbot.waitSignal(scheduler.scheduled, timeout=WAIT_MS) as third:
        scheduler.run_now()
    (history,) = set(third.args[0]) & set(first.args[0])  # still queued: not stacked
    assert len(third.args[0]) == 3 and queries.get_task(lib.db, history).task_type == (
        "history_cleaning"
    )


def test_stop_reaches_a_job_claimed_while_stopping(
    qtbot: QtBot, engines: Engines, handlers: Handlers
) -> None:
    """stop() asks running jobs to stop; a job claimed just as stop() began (not yet known to
    the heartbeat) must be asked too, or shutdown waits for it to finish on its own."""
    loop = engines.loop({"pipeline.max_parallel_jobs": 1, "pipeline.priority_lane_slots": 0})
    start_idle(qtbot, loop)
    announced, go_on = threading.Event(), threading.Event()

    def hold_the_slot(event: object) -> None:  # runs in the pool thread, before the job runs
        if isinstance(event, JobEvent) and event.status == "running":
            announced.set()
            go_on.wait(WAIT_MS / 1000)

    loop.signals._incoming.connect(hold_the_slot, Qt.ConnectionType.DirectConnection)
    job = loop.enqueue("block")
    assert announced.wait(WAIT_MS / 1000)
    threading.Timer(0.3, go_on.set).start()  # the slot goes on while stop() is waiting
    assert loop.stop(timeout_ms=3_000), "stop() timed out on a job it never asked to stop"
    released = loop.store.get(job.id)
    assert released.status.value == "queued" and released.attempts == 0
