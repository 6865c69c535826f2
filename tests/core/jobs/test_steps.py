"""A task's step and progress as the worker's events reveal it, one job at a time: never
completed before its last stage, no total until no more work can be added to it."""

from __future__ import annotations

from photojobs.core.jobs import queries
from photojobs.core.jobs.model import JobRecord, JobStatus
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import ProjectInfo


def run(store: JobStore, done: int, total: int) -> list[JobRecord]:
    """Claim the next job, report progress, complete it: the finished job, then the next stage."""
    job = store.claim("w")
    assert job is not None
    store.set_progress(job.id, done, total)
    return store.complete(job.id, "w")


def test_an_import_seen_as_the_dock_sees_it(store: JobStore, project: ProjectInfo) -> None:
    items = [(f"/card/{n}.JPG", None) for n in range(3)]
    task_id, _ = store.start_task("upload_processing", project_id=project.id, items=items)
    (copy,) = queries.get_task(store.db, task_id).jobs
    task = queries.aggregate(task_id, [copy])
    assert (task.status, task.step, task.steps, task.total_known) == (
        JobStatus.QUEUED,
        1,
        2,
        False,
    )

    copied, thumbnails = run(store, 3, 3)
    # The copy's "completed" arrives before the next stage's job is known: still running.
    early = queries.aggregate(task_id, [copied])
    assert (early.status, early.step, early.total_known) == (JobStatus.RUNNING, 1, False)
    task = queries.aggregate(task_id, [copied, thumbnails])
    assert (task.status, task.step, task.total_known) == (JobStatus.RUNNING, 2, False)
    assert (task.progress_done, task.progress_total) == (3, 3)

    store.claim("w")
    store.set_progress(thumbnails.id, 1, 6)
    task = queries.get_task(store.db, task_id)
    assert (task.status, task.total_known, task.progress_done, task.progress_total) == (
        JobStatus.RUNNING,
        True,
        4,
        9,
    )
    store.complete(thumbnails.id, "w")
    task = queries.get_task(store.db, task_id)
    assert (task.status, task.progress_done, task.progress_total) == (JobStatus.COMPLETED, 9, 9)


def test_hidden_maintenance_neither_counts_nor_makes_a_step(
    store: JobStore, project: ProjectInfo
) -> None:
    task_id, _ = store.start_task("change_commit", project_id=project.id)
    _, *checks = run(store, 4, 4)
    for n, _ in enumerate(checks):
        run(store, 10 + n, 10 + n)
    jobs = list(queries.get_task(store.db, task_id).jobs)

    hidden = queries.aggregate(task_id, jobs, show_maintenance=False)
    assert (hidden.step, hidden.steps, hidden.progress_done, hidden.progress_total) == (1, 1, 4, 4)
    shown = queries.aggregate(task_id, jobs)
    assert (shown.step, shown.steps, shown.progress_done, shown.progress_total) == (
        2,
        2,
        37,
        37,
    )
    (listed,) = queries.list_tasks(store.db, store.config, active_only=False)
    assert listed.jobs == (jobs[0],) and (listed.progress_done, listed.progress_total) == (4, 4)
