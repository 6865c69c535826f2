"""The job engine's crash test, and the CLI's job commands.

A `photojobs-cli run` process is killed with SIGKILL in the middle of a slow itemised job;
the next `run` recovers the job, finishes it, and does not redo the items already done.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from typing import Any

import pytest

from photojobs.cli.main import main
from photojobs.core.config import default_config_path, load_config
from photojobs.core.jobs import queries
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

ITEMS = 20
SECONDS_PER_ITEM = 0.2
DEADLINE = 30.0  # seconds any wait may take before the test fails instead of hanging

JOB_KEYS = {
    "id",
    "type",
    "status",
    "priority",
    "source",
    "task_id",
    "task_type",
    "project",
    "progress_done",
    "progress_total",
    "attempts",
    "error",
}
TASK_KEYS = {
    "task_id",
    "task_type",
    "label",
    "source",
    "status",
    "progress_done",
    "progress_total",
    "jobs",
}


def cli(library: Library, *args: str) -> list[str]:
    return [sys.executable, "-m", "photojobs.cli.main", "--library", str(library.root), *args]


def query(library: Library, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(library.db.path, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def items_of(library: Library, job_id: int) -> dict[str, tuple[str, float | None]]:
    rows = query(library, "SELECT key, status, updated_at FROM job_items WHERE job_id = ?", job_id)
    return {key: (status, updated) for key, status, updated in rows}


def test_a_killed_run_is_recovered_and_finished_without_redoing_items(library: Library) -> None:
    # Heartbeats never go stale during this test: only recovery at start-up (the worker's
    # process is gone) can bring the job back.
    user_config = default_config_path()
    user_config.parent.mkdir(parents=True, exist_ok=True)
    user_config.write_text(json.dumps({"pipeline": {"stale_seconds": 3600}}), "utf-8")
    assert load_config().get("pipeline.stale_seconds") == 3600
    store = JobStore(library.db, library.config)
    keys = [f"item-{n:02}" for n in range(ITEMS)]
    task_id, _ = store.start_task(
        "diagnostic", payload={"seconds": SECONDS_PER_ITEM}, items=[(k, None) for k in keys]
    )
    (job_id,) = [r[0] for r in query(library, "SELECT id FROM jobs")]

    first = subprocess.Popen(
        cli(library, "run", "--until-idle"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + DEADLINE
        while True:
            done = [k for k, (s, _) in items_of(library, job_id).items() if s == "done"]
            if len(done) >= 3:
                break
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=DEADLINE)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == -signal.SIGKILL

    # The database as the dead process left it: the job still running, part done.
    status, attempts, worker = query(
        library, "SELECT status, attempts, worker_id FROM jobs WHERE id = ?", job_id
    )[0]
    assert (status, attempts) == ("running", 1) and worker
    before = items_of(library, job_id)
    done_before = {k: at for k, (s, at) in before.items() if s == "done"}
    assert 3 <= len(done_before) < ITEMS
    assert {s for s, _ in before.values()} <= {"done", "running", "pending"}

    second = subprocess.run(
        cli(library, "run", "--until-idle", "--timeout", "60"),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert second.returncode == 0, second.stderr
    status, attempts, done_count, total, error = query(
        library,
        "SELECT status, attempts, progress_done, progress_total, error FROM jobs WHERE id = ?",
        job_id,
    )[0]
    assert (status, attempts) == ("completed", 2)  # recovered: the killed attempt counted
    assert (done_count, total, error) == (ITEMS, ITEMS, None)
    after = items_of(library, job_id)
    assert sorted(after) == keys and {s for s, _ in after.values()} == {"done"}
    # Items finished before the kill were not run again: they were never touched since.
    assert {k: after[k][1] for k in done_before} == done_before
    assert all(after[k][1] > max(done_before.values()) for k in after if k not in done_before)
    assert query(library, "SELECT count(*) FROM jobs")[0][0] == 1
    listed = subprocess.run(
        cli(library, "tasks", "--all", "--json"), capture_output=True, text=True, timeout=60
    )
    (task,) = json.loads(listed.stdout)
    assert (task["task_id"], task["status"]) == (task_id, "completed")
    assert (task["progress_done"], task["progress_total"]) == (ITEMS, ITEMS)


def test_sigterm_stops_a_run_cleanly_and_leaves_the_job_for_next_time(library: Library) -> None:
    store = JobStore(library.db, library.config)
    keys = [f"item-{n:02}" for n in range(ITEMS)]
    store.start_task("diagnostic", payload={"seconds": 0.1}, items=[(k, None) for k in keys])
    (job_id,) = [r[0] for r in query(library, "SELECT id FROM jobs")]
    proc = subprocess.Popen(cli(library, "run"), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + DEADLINE
        while sum(s == "done" for s, _ in items_of(library, job_id).values()) < 2:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    status, attempts, worker = query(
        library, "SELECT status, attempts, worker_id FROM jobs WHERE id = ?", job_id
    )[0]
    assert (status, attempts, worker) == ("queued", 0, None)  # released, attempt not counted
    items = items_of(library, job_id)
    assert 2 <= sum(s == "done" for s, _ in items.values()) < ITEMS
    assert "running" not in {s for s, _ in items.values()}


def run_cli(
    capsys: pytest.CaptureFixture[str], library: Library, *args: str
) -> tuple[int, str, str]:
    code = main(["--library", str(library.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_jobs_and_tasks_json_shapes(capsys: pytest.CaptureFixture[str], library: Library) -> None:
    store = JobStore(library.db, library.config)
    project = library.create_project("Wedding")
    task_id, _ = store.start_task("change_commit", project_id=project.id)
    job = store.claim("w")
    store.complete(job.id, "w")  # now: file_removal done, three maintenance checks queued
    lone = store.enqueue("generate_derivatives", source="user", project_id=project.id)

    code, out, err = run_cli(capsys, library, "jobs", "--json")
    assert (code, err) == (0, "")
    jobs = json.loads(out)
    assert [j["id"] for j in jobs] == [lone.id]  # active user jobs; maintenance hidden
    assert set(jobs[0]) >= JOB_KEYS
    assert jobs[0]["project"] == "Wedding" and jobs[0]["source"] == "user"
    assert (jobs[0]["status"], jobs[0]["attempts"], jobs[0]["error"]) == ("queued", 0, None)

    code, out, _ = run_cli(capsys, library, "jobs", "--all", "--show-maintenance", "--json")
    everything = json.loads(out)
    assert len(everything) == 5 and all(set(j) >= JOB_KEYS for j in everything)
    assert {j["type"] for j in everything if j["source"] == "maintenance"} == {
        "manifest_check",
        "folder_check",
        "manifest_cleaning",
    }
    assert {j["task_id"] for j in everything if j["task_type"] == "change_commit"} == {task_id}

    code, out, _ = run_cli(capsys, library, "tasks", "--json")
    tasks = json.loads(out)
    assert code == 0 and all(set(t) >= TASK_KEYS for t in tasks)
    by_id = {t["task_id"]: t for t in tasks}
    commit = by_id[task_id]
    assert (commit["task_type"], commit["label"], commit["source"], commit["status"]) == (
        "change_commit",
        "Commit changes",
        "user",
        "running",
    )
    assert [j["type"] for j in commit["jobs"]] == ["file_removal"]  # maintenance hidden
    assert all(set(j) >= JOB_KEYS for j in commit["jobs"])
    assert by_id[f"job-{lone.id}"]["jobs"][0]["id"] == lone.id


def test_cancel_and_retry_exit_codes(capsys: pytest.CaptureFixture[str], library: Library) -> None:
    store = JobStore(library.db, library.config)
    task_id, _ = store.start_task("generate_derivatives")
    code, out, err = run_cli(capsys, library, "cancel", task_id)
    assert (code, err) == (0, "") and out.strip()
    (job,) = queries.get_task(library.db, task_id).jobs
    assert job.status.value == "canceled"

    code, out, err = run_cli(capsys, library, "retry", str(job.id))
    assert (code, err) == (0, "")
    assert store.get(job.id).status.value == "queued"

    code, out, err = run_cli(capsys, library, "retry", str(job.id))  # queued: nothing to retry
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1

    code, out, err = run_cli(capsys, library, "--json", "cancel", task_id)
    assert code == 0 and json.loads(out) == {"canceled": [job.id]}


@pytest.mark.parametrize(("command", "ref"), [("cancel", "no-such-task"), ("retry", "999")])
def test_unknown_task_or_job_is_one_line_on_stderr(
    library: Library, command: str, ref: str
) -> None:
    done = subprocess.run(cli(library, command, ref), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ref in lines[0], done.stderr
    assert "Traceback" not in done.stderr
