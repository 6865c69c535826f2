"""Listing jobs and tasks for people: the show_maintenance filter and tasks of one job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from photojobs.core.config import Config
from photojobs.core.jobs import queries
from photojobs.core.jobs.model import JobStatus
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

T0 = 1_700_000_000.0


@pytest.fixture(params=[False, True], ids=["config-hides", "config-shows"])
def lib(request: pytest.FixtureRequest, tmp_path: Path, config: Config) -> Iterator[Library]:
    cfg = config.with_overrides({"ui.include_maintenance_jobs": request.param})
    library = Library.open(tmp_path / "lib", cfg)
    yield library
    library.close()


def jobs(lib: Library, show: bool | None, **kw: Any) -> list[str]:
    return [j.type for j in queries.list_jobs(lib.db, lib.config, show_maintenance=show, **kw)]


def tasks(lib: Library, show: bool | None, **kw: Any) -> dict[str, list[str]]:
    found = queries.list_tasks(lib.db, lib.config, show_maintenance=show, **kw)
    return {t.task_id: [j.type for j in t.jobs] for t in found}


def test_list_jobs_show_maintenance(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    store.enqueue("user_job", source="user", now=T0)
    store.enqueue("maint_job", now=T0 + 1)  # source defaults to maintenance
    assert jobs(lib, True) == ["maint_job", "user_job"]  # newest first
    assert jobs(lib, False) == ["user_job"]
    by_config = lib.config.get("ui.include_maintenance_jobs")
    assert jobs(lib, None) == (["maint_job", "user_job"] if by_config else ["user_job"])


def test_list_jobs_by_project_and_status(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    p = lib.create_project("P")
    q = lib.create_project("Q")
    a = store.enqueue("a", project_id=p.id, source="user", now=T0)
    store.enqueue("b", project_id=q.id, source="user", now=T0)
    store.enqueue("c", project_id=p.id, source="user", now=T0)
    store.cancel_job(a.id, now=T0)
    assert jobs(lib, False, project_id=p.id) == ["c", "a"]
    assert jobs(lib, False, project_id=p.id, statuses=["queued"]) == ["c"]
    assert jobs(lib, False, statuses=["canceled"]) == ["a"]
    assert jobs(lib, False, limit=1) == ["c"]


def test_a_user_task_with_only_maintenance_left_stays_listed(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    project = lib.create_project("P")
    task_id, _ = store.start_task("change_commit", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    store.complete(job.id, "w", now=T0 + 1)  # remaining: three maintenance checks

    hidden = queries.list_tasks(lib.db, lib.config, show_maintenance=False)
    assert [t.task_id for t in hidden] == [task_id]
    (task,) = hidden
    assert [j.type for j in task.jobs] == ["file_removal"]
    assert task.source == "user" and task.status == JobStatus.RUNNING  # not done yet
    assert (task.progress_done, task.progress_total) == (0, 0)

    assert tasks(lib, True)[task_id] == [
        "file_removal",
        "manifest_check",
        "folder_check",
        "manifest_cleaning",
    ]
    shown = lib.config.get("ui.include_maintenance_jobs")
    assert len(tasks(lib, None)[task_id]) == (4 if shown else 1)
    assert tasks(lib, False, active_only=True) == {task_id: ["file_removal"]}


def test_a_maintenance_only_task_is_hidden_entirely(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    project = lib.create_project("P")
    task_id, _ = store.start_task("maintenance", project_id=project.id, now=T0)
    job = store.claim("w", now=T0)
    store.complete(job.id, "w", now=T0 + 1)
    assert tasks(lib, False) == {}
    assert tasks(lib, True) == {task_id: ["trash_maintenance", "manifest_check"]}
    shown = lib.config.get("ui.include_maintenance_jobs")
    assert tasks(lib, None) == ({task_id: ["trash_maintenance", "manifest_check"]} if shown else {})
    (task,) = queries.list_tasks(lib.db, lib.config, show_maintenance=True)
    assert task.source == "maintenance" and task.label == "Maintenance"


def test_a_job_without_a_task_is_a_task_of_its_own(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    lone = store.enqueue("generate_derivatives", source="user", now=T0)
    quiet = store.enqueue("trash_maintenance", now=T0 + 1)
    assert tasks(lib, True) == {
        f"job-{quiet.id}": ["trash_maintenance"],
        f"job-{lone.id}": ["generate_derivatives"],
    }
    (task,) = queries.list_tasks(lib.db, lib.config, show_maintenance=False)
    assert task.task_id == f"job-{lone.id}" and task.task_type == "generate_derivatives"
    assert task.label == "Generating thumbnails and previews" and task.source == "user"


def test_active_only_lists_tasks_with_work_left_with_all_their_jobs(lib: Library) -> None:
    store = JobStore(lib.db, lib.config)
    done = store.enqueue("a", task_id="done", source="user", now=T0)
    store.claim("w", now=T0)
    store.complete(done.id, "w", now=T0)
    first = store.enqueue("b", task_id="busy", source="user", now=T0 + 1)
    store.claim("w", now=T0 + 1)
    store.complete(first.id, "w", now=T0 + 1)
    store.enqueue("c", task_id="busy", source="user", now=T0 + 2)
    lone_done = store.enqueue("d", source="user", now=T0 + 3)
    store.cancel_job(lone_done.id, now=T0 + 3)
    lone = store.enqueue("e", source="user", now=T0 + 4)
    assert tasks(lib, False, active_only=True) == {f"job-{lone.id}": ["e"], "busy": ["b", "c"]}
    assert set(tasks(lib, False)) == {"done", "busy", f"job-{lone_done.id}", f"job-{lone.id}"}
