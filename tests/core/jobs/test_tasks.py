"""Tasks: definitions as data, stages enqueued in the completing transaction, status, labels."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from photojobs.core.jobs import queries
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.labels import humanise, job_label, task_label
from photojobs.core.jobs.model import JobRecord, JobStatus, NewJob
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.jobs.tasks import TASKS, UnknownTaskType, task_definition
from photojobs.core.library import Library, ProjectInfo

T0 = 1_700_000_000.0

Rows = Callable[..., list[dict[str, Any]]]  # the `rows` fixture: jobs read with sqlite3


def statuses_of(store: JobStore, task_id: str) -> list[tuple[str, str, int]]:
    task = queries.get_task(store.db, task_id)
    return [(j.type, j.status.value, j.priority) for j in task.jobs]


def test_the_issue_s_task_definitions_are_there() -> None:
    commit = task_definition("change_commit")
    assert commit.user_facing
    assert [[(s.job_type, s.priority, s.source) for s in stage] for stage in commit.stages] == [
        [("file_removal", 100, "user")],
        [
            ("manifest_check", 95, "maintenance"),
            ("folder_check", 95, "maintenance"),
            ("manifest_cleaning", 80, "maintenance"),
        ],
    ]
    maintenance = task_definition("maintenance")
    assert not maintenance.user_facing
    steps = [s for stage in maintenance.stages for s in stage]
    assert [s.job_type for s in steps] == [
        "trash_maintenance",
        "manifest_check",
        "folder_check",
        "manifest_cleaning",
    ]
    assert {s.source for s in steps} == {"maintenance"}
    for user_task in ("upload_processing", "generate_derivatives"):
        steps = [s for stage in TASKS[user_task].stages for s in stage]
        assert steps and {s.source for s in steps} == {"user"}
    with pytest.raises(UnknownTaskType):
        task_definition("no_such_task")


def test_change_commit_starts_with_file_removal(
    store: JobStore, project: ProjectInfo, rows: Rows
) -> None:
    task_id, created = store.start_task("change_commit", project_id=project.id, now=T0)
    assert created
    (row,) = rows()
    assert (row["type"], row["priority"], row["source"]) == ("file_removal", 100, "user")
    assert (row["task_id"], row["task_type"], row["task_stage"]) == (task_id, "change_commit", 0)
    assert row["project_id"] == project.id and row["status"] == "queued"


def test_completing_file_removal_enqueues_the_checks_in_the_same_call(
    store: JobStore, project: ProjectInfo, rows: Rows
) -> None:
    task_id, _ = store.start_task("change_commit", project_id=project.id, payload={"n": 1}, now=T0)
    job = store.claim("w", now=T0)
    finished, *added = store.complete(job.id, "w", next_payload={"removed": 3}, now=T0 + 1)
    assert finished.id == job.id and finished.status == JobStatus.COMPLETED
    expected = [("manifest_check", 95), ("folder_check", 95), ("manifest_cleaning", 80)]
    assert [(j.type, j.priority) for j in added] == expected
    for j in added:
        assert (j.task_id, j.task_type, j.source) == (task_id, "change_commit", "maintenance")
        assert j.status == JobStatus.QUEUED and j.project_id == project.id
        assert j.payload == {"n": 1, "removed": 3}
        assert j.created_at == finished.finished_at == T0 + 1  # written together
    in_db = [(r["type"], r["priority"], r["source"], r["task_id"]) for r in rows("id > ?", job.id)]
    assert in_db == [(t, p, "maintenance", task_id) for t, p in expected]


def test_followups_carry_the_task_id_type_and_source(store: JobStore, project: ProjectInfo) -> None:
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    followups = [
        NewJob("thumbs", {"ids": [1]}, items=(("p1", None), ("p2", None))),
        NewJob("tidy", priority=5, source="maintenance", scope="photos"),
    ]
    _, thumbs, tidy, *stage = store.complete(job.id, "w", followups=followups, now=T0 + 1)
    assert (thumbs.type, thumbs.task_id, thumbs.task_type) == ("thumbs", task_id, "change_commit")
    assert (thumbs.source, thumbs.priority, thumbs.progress_total) == ("user", 100, 2)
    assert thumbs.payload == {"ids": [1]}
    assert (tidy.task_id, tidy.source, tidy.priority, tidy.scope) == (
        task_id,
        "maintenance",
        5,
        "photos",
    )
    assert len(stage) == 3
    assert {j.task_id for j in queries.get_task(store.db, task_id).jobs} == {task_id}


def test_a_handler_s_followup_goes_through_the_runner_with_the_task_id(
    store: JobStore, library: Library, project: ProjectInfo
) -> None:
    task_id, _ = store.start_task("generate_derivatives", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    registry = HandlerRegistry()
    registry.register(
        "generate_derivatives", lambda ctx, job: ctx.enqueue_followup(NewJob("extra"))
    )
    ctx = JobContext(library, store, job, lambda e: None)
    finished, extra = run_job(ctx, registry, "w", clock=lambda: T0 + 1)
    assert finished.status == JobStatus.COMPLETED
    assert (extra.type, extra.task_id, extra.source) == ("extra", task_id, "user")
    assert queries.get_task(store.db, task_id).status == JobStatus.RUNNING  # not completed


def assert_not_completed_early(store: JobStore, task_id: str, last_steps: int) -> None:
    """The task's view, by both readers, is completed only when its last stage is."""
    task = queries.get_task(store.db, task_id)
    listed = {
        t.task_id: t
        for t in queries.list_tasks(store.db, store.config, show_maintenance=True)
        + queries.list_tasks(store.db, store.config, show_maintenance=False)
    }
    definition = task_definition(task.task_type)
    last_stage = len(definition.stages) - 1
    finals = [j for j in task.jobs if j.task_stage == last_stage]
    really_done = len(finals) == last_steps and all(
        j.status == JobStatus.COMPLETED for j in task.jobs
    )
    for view in (task, listed.get(task_id, task)):
        assert (view.status == JobStatus.COMPLETED) == really_done, (view.status, task.jobs)
        assert (view.finished_at is not None) == really_done


@pytest.mark.parametrize("task_type", ["change_commit", "maintenance", "restore"])
def test_a_task_is_never_seen_completed_before_its_last_step(
    store: JobStore, library: Library, project: ProjectInfo, task_type: str
) -> None:
    definition = task_definition(task_type)
    task_id, _ = store.start_task(task_type, project_id=project.id, now=T0)
    check = lambda: assert_not_completed_early(store, task_id, len(definition.stages[-1]))  # noqa: E731
    check()
    now, walked = T0, []
    while True:
        now += 1
        job = store.claim("w", now=now)
        check()
        if job is None:
            break
        store.heartbeat([job.id], "w", now=now)
        check()
        store.set_progress(job.id, 1, 2)
        check()
        store.complete(job.id, "w", now=now + 0.5)
        check()
        walked.append(job.type)
    assert walked == [s.job_type for stage in definition.stages for s in stage]
    task = queries.get_task(store.db, task_id)
    assert task.status == JobStatus.COMPLETED and task.finished_at == now - 0.5


def test_parallel_steps_completed_in_any_order_finish_the_task_only_at_the_last(
    store: JobStore,
) -> None:
    # No project: the three checks may run at once, and finish in reverse order.
    task_id, _ = store.start_task("change_commit", now=T0)
    first = store.claim("w0", now=T0)
    store.complete(first.id, "w0", now=T0 + 1)
    assert_not_completed_early(store, task_id, 3)
    held = [(w, store.claim(w, now=T0 + 2)) for w in ("a", "b", "c")]
    assert all(job is not None for _, job in held)
    assert store.claim("d", now=T0 + 2) is None
    for worker, job in reversed(held):
        assert_not_completed_early(store, task_id, 3)
        store.complete(job.id, worker, now=T0 + 3)
    assert queries.get_task(store.db, task_id).status == JobStatus.COMPLETED
    assert_not_completed_early(store, task_id, 3)


def test_a_one_per_project_task_started_twice_is_the_same_task(
    store: JobStore, project: ProjectInfo, other_project: ProjectInfo
) -> None:
    first, created = store.start_task("change_commit", project_id=project.id, now=T0)
    again, created_again = store.start_task("change_commit", project_id=project.id, now=T0 + 1)
    elsewhere, _ = store.start_task("change_commit", project_id=other_project.id, now=T0 + 2)
    assert created and not created_again and again == first
    assert elsewhere != first
    # Also while its second stage runs.
    job = store.claim("w", now=T0 + 3)
    store.complete(job.id, "w", now=T0 + 3)
    assert store.start_task("change_commit", project_id=project.id, now=T0 + 4) == (first, False)
    # Once it is over, a new one starts.
    store.cancel_task(first, now=T0 + 5)
    later, created_later = store.start_task("change_commit", project_id=project.id, now=T0 + 6)
    assert created_later and later != first
    # A task that is not one-per-project stacks.
    a, _ = store.start_task("generate_derivatives", project_id=project.id, now=T0)
    b, _ = store.start_task("generate_derivatives", project_id=project.id, now=T0)
    assert a != b


def test_completing_twice_is_a_no_op(store: JobStore, project: ProjectInfo, rows: Rows) -> None:
    store.start_task("change_commit", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    assert len(store.complete(job.id, "w", now=T0 + 1)) == 4
    before = rows()
    assert store.complete(job.id, "w", now=T0 + 2) == []
    assert rows() == before


def jobs_in(store: JobStore, *statuses: str) -> list[JobRecord]:
    base = store.enqueue("x", now=T0)
    return [replace(base, status=JobStatus(s)) for s in statuses]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("completed", "failed", "running"), "failed"),
        (("canceled", "failed"), "failed"),
        (("completed", "running", "queued"), "running"),
        (("completed", "queued"), "running"),
        (("canceled", "queued"), "running"),
        (("queued", "queued"), "queued"),
        (("completed", "canceled"), "canceled"),
        (("completed", "completed"), "completed"),
    ],
)
def test_task_status_rules(store: JobStore, statuses: tuple[str, ...], expected: str) -> None:
    assert queries.task_status(jobs_in(store, *statuses)) == JobStatus(expected)


def test_task_progress_and_times_are_summed_from_its_jobs(
    store: JobStore, library: Library
) -> None:
    a = store.enqueue_with_items("a", [("1", None)] * 5, task_id="T", source="user", now=T0)
    b = store.enqueue_with_items("b", [("1", None)] * 4, task_id="T", now=T0 + 1)
    store.claim("w", now=T0 + 2)
    store.set_progress(a.id, 2, 5)
    task = queries.get_task(library.db, "T")
    assert (task.progress_done, task.progress_total) == (2, 9)
    assert task.status == JobStatus.RUNNING and task.source == "user"
    assert (task.created_at, task.started_at, task.finished_at) == (T0, T0 + 2, None)
    store.complete(a.id, "w", now=T0 + 3)
    store.claim("w", now=T0 + 4)
    store.set_progress(b.id, 3, 4)
    assert queries.get_task(library.db, "T").progress_done == 5 + 3
    store.fail(b.id, "w", "broken", retry=False, now=T0 + 5)
    task = queries.get_task(library.db, "T")
    assert task.status == JobStatus.FAILED and task.error == "broken"
    assert task.finished_at == T0 + 5
    assert queries.get_task(library.db, "no-such-task") is None


def test_labels() -> None:
    assert humanise("manifest_check") == "Manifest check"
    assert humanise("folder-check") == "Folder check"
    assert humanise("") == "Job"
    assert job_label("file_removal") == "Removing files"
    assert job_label("manifest_check") == "Manifest check"
    assert task_label("change_commit") == "Commit changes"
    assert task_label("brand_new_task") == "Brand new task"
    assert task_label(None, "diagnostic_noop") == "Diagnostic no-op"
    assert task_definition("maintenance").label == "Maintenance"


def test_a_task_s_label_comes_from_its_type(store: JobStore, project: ProjectInfo) -> None:
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=T0)
    assert queries.get_task(store.db, task_id).label == "Commit changes"
    lone = store.enqueue("manifest_check", now=T0)
    (task,) = [
        t
        for t in queries.list_tasks(store.db, store.config, show_maintenance=True)
        if t.task_id == f"job-{lone.id}"
    ]
    assert task.label == "Manifest check"


def test_completion_and_its_enqueues_are_one_transaction(
    store: JobStore, project: ProjectInfo, rows: Rows
) -> None:
    """If enqueueing a follow-up fails, the completion is rolled back with it."""
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    with pytest.raises(ValueError):
        store.complete(job.id, "w", followups=[NewJob("x", source="bogus")], now=T0 + 1)
    assert [(r["id"], r["status"]) for r in rows()] == [(job.id, "running")]
    assert queries.get_task(store.db, task_id).status == JobStatus.RUNNING
    assert len(store.complete(job.id, "w", now=T0 + 2)) == 4


def test_a_reader_in_another_thread_never_sees_a_task_completed_early(store: JobStore) -> None:
    """The next stage is committed with the completion: a concurrent reader finds no gap."""
    seen: list[tuple[str, JobStatus, int]] = []
    stop = threading.Event()
    current: list[str] = []

    def watch() -> None:
        while not stop.is_set():
            if current and (task := queries.get_task(store.db, current[-1])):
                seen.append((task.task_id, task.status, len(task.jobs)))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for n in range(15):
            task_id, created = store.start_task("maintenance", now=T0 + n)
            assert created
            current.append(task_id)
            while (job := store.claim("w", now=T0 + n)) is not None:
                store.complete(job.id, "w", now=T0 + n)
    finally:
        stop.set()
        watcher.join()
    steps = sum(len(stage) for stage in task_definition("maintenance").stages)
    assert len(seen) > 100, "the reader hardly ran"
    early = [s for s in seen if s[1] == JobStatus.COMPLETED and s[2] < steps]
    assert early == []
