"""Job history: cleaning past the retention (days and tasks per source, failures kept
longer) and the Processes dock's history read with SQL limits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from photojobs.core.config import Config, load_config
from photojobs.core.db.models import Job
from photojobs.core.handlers import default_registry
from photojobs.core.jobs import queries
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.history import clean_history
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo

DAY = 86_400.0
NOW = 1_800_000_000.0


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "config.json"
    path.write_text(
        '{"maintenance": {"history_retention_days": 30, "failed_history_retention_days": 90,'
        ' "history_tasks_per_source": 1000}}'
    )
    return load_config(path)


def finished_task(
    store: JobStore,
    *,
    age_days: float,
    source: str = "maintenance",
    failed: bool = False,
    project: ProjectInfo | None = None,
    items: int = 0,
) -> str:
    """A one-job task that finished `age_days` before NOW."""
    at = NOW - age_days * DAY
    task_id = f"{source}-{'failed' if failed else 'done'}-{age_days}"
    job = store.enqueue(
        "diagnostic_noop",
        source=source,
        task_id=task_id,
        task_type="diagnostic",
        project_id=project.id if project else None,
        items=[(f"k{i}", None) for i in range(items)],
        priority=10_000,  # claimed before any other queued job
        now=at,
    )
    claimed = store.claim("w", now=at)
    assert claimed is not None and claimed.id == job.id
    if failed:
        store.fail(job.id, "w", "broken", retry=False, now=at)
    else:
        store.complete(job.id, "w", now=at)
    return task_id


def task_ids(library: Library) -> set[str]:
    conn = sqlite3.connect(library.db.path)
    try:
        return {r[0] for r in conn.execute("SELECT DISTINCT task_id FROM jobs")}
    finally:
        conn.close()


def count(library: Library, table: str) -> int:
    conn = sqlite3.connect(library.db.path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_successes_go_after_their_days_failures_are_kept_longer(
    library: Library, project: ProjectInfo
) -> None:
    store = JobStore(library.db, library.config)
    recent = finished_task(store, age_days=10, project=project)
    old = finished_task(store, age_days=40, project=project, items=3)
    old_user = finished_task(store, age_days=40, source="user", project=project)
    failed = finished_task(store, age_days=40, failed=True)
    failed_long_ago = finished_task(store, age_days=100, failed=True)

    assert clean_history(library.db, library.config, now=NOW) == 3

    assert task_ids(library) == {recent, failed}
    assert old not in task_ids(library) and old_user not in task_ids(library)
    assert failed_long_ago not in task_ids(library)
    assert count(library, "job_items") == 0, "items go with their job"
    assert clean_history(library.db, library.config, now=NOW) == 0, "idempotent"


def test_a_task_with_a_job_still_to_run_is_never_cleaned(
    library: Library, project: ProjectInfo
) -> None:
    store = JobStore(library.db, library.config)
    at = NOW - 400 * DAY
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=at)
    job = store.claim("w", now=at)
    assert job is not None
    store.complete(job.id, "w", now=at)  # its checks are queued, a year later still
    retried = finished_task(store, age_days=200, failed=True)
    (failed_job,) = queries.get_task(library.db, retried).jobs  # type: ignore[union-attr]
    store.retry(failed_job.id, now=NOW)

    assert clean_history(library.db, library.config, now=NOW) == 0
    assert task_ids(library) == {task_id, retried}


def test_beyond_the_newest_tasks_of_a_source_they_go(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    path.write_text('{"maintenance": {"history_tasks_per_source": 2}}')
    library = Library.open(tmp_path / "lib", load_config(path))
    try:
        store = JobStore(library.db, library.config)
        user = [finished_task(store, age_days=d, source="user") for d in (1, 2, 3)]
        chores = [finished_task(store, age_days=d) for d in (1, 2, 3, 4)]
        failures = [finished_task(store, age_days=d, failed=True) for d in (1, 2, 3)]

        assert clean_history(library.db, library.config, now=NOW) == 4

        # The newest two of each source, successes and failures counted apart.
        assert task_ids(library) == set(user[:2] + chores[:2] + failures[:2])
    finally:
        library.close()


def test_history_cleaning_runs_as_a_maintenance_task_and_says_what_it_did(
    library: Library,
) -> None:
    store = JobStore(library.db, library.config)
    old = finished_task(store, age_days=45)
    task_id, created = store.start_task("history_cleaning", now=NOW)
    assert created
    job = store.claim("w", now=NOW)
    assert job is not None and job.type == "history_cleaning" and job.source == "maintenance"

    ctx = JobContext(library, store, job, lambda e: None, clock=lambda: NOW)
    run_job(ctx, default_registry(), "w")

    assert old not in task_ids(library)
    assert [i.reason for i in store.items(job.id)] == [
        "1 finished task(s) past their retention deleted"
    ]
    assert queries.get_task(library.db, task_id).status.value == "completed"  # type: ignore[union-attr]


@pytest.fixture
def jobs_loaded() -> Iterator[list[int]]:
    """How many job rows the ORM builds: the work a history read does."""
    loaded: list[int] = []

    def on_load(target: Job, _context: object) -> None:
        loaded.append(target.id)

    event.listen(Job, "load", on_load)
    yield loaded
    event.remove(Job, "load", on_load)


def test_the_dock_s_history_reads_what_it_shows_not_the_whole_history(
    library: Library, project: ProjectInfo, jobs_loaded: list[int]
) -> None:
    store = JobStore(library.db, library.config)
    # Oldest first, as time goes; each list then newest first.
    user = [finished_task(store, age_days=d / 10, source="user") for d in range(40, 0, -1)][::-1]
    chores = [finished_task(store, age_days=d / 10) for d in range(400, 0, -1)][::-1]
    running, _ = store.start_task("change_commit", project_id=project.id, now=NOW - 500 * DAY)
    jobs_loaded.clear()

    found = queries.recent_tasks(library.db, library.config, per_source=5)

    expected = [running, *chores[:5], *user[:5]]
    assert {t.task_id for t in found} == set(expected)
    assert [t.created_at for t in found] == sorted((t.created_at for t in found), reverse=True)
    assert len(jobs_loaded) < 60, "read about what it shows (10 tasks), not 440"
    # The same tasks as reading every job and keeping the newest of each source.
    every = queries.list_tasks(library.db, library.config, show_maintenance=True)
    newest = [t for t in every if t.source == "user"][:5] + [
        t for t in every if t.source == "maintenance" and t.task_id != running
    ][:5]
    assert {t.task_id for t in found} == {t.task_id for t in newest} | {running}


def test_the_history_leaves_out_what_the_person_cleared(library: Library) -> None:
    store = JobStore(library.db, library.config)
    cleared = finished_task(store, age_days=3)
    kept = finished_task(store, age_days=1)
    found = queries.recent_tasks(
        library.db, library.config, per_source=5, finished_after=NOW - 2 * DAY
    )
    assert [t.task_id for t in found] == [kept]
    assert cleared in {
        t.task_id for t in queries.recent_tasks(library.db, library.config, per_source=5)
    }
