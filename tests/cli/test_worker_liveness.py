"""A crashed worker whose pid now belongs to another process (a reboot hands pids out
again) is recovered: liveness rests on the lock each worker holds, not on its pid."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from photojobs.core.config import default_config_path
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

DEADLINE = 30.0


def cli(library: Library, *args: str) -> list[str]:
    return [sys.executable, "-m", "photojobs.cli.main", "--library", str(library.root), *args]


def query(library: Library, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(library.db.path, timeout=30)
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def killed_worker(library: Library, job_id: int) -> str:
    """Runs the job in a real `photojobs-cli run`, SIGKILLs it mid-job; its worker id."""
    proc = subprocess.Popen(
        cli(library, "run", "--until-idle"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + DEADLINE
        sql = "SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'done'"
        while query(library, sql, job_id)[0][0] < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    ((status, worker),) = query(library, "SELECT status, worker_id FROM jobs WHERE id=?", job_id)
    assert status == "running" and worker
    return str(worker)


def test_a_dead_worker_whose_pid_was_handed_to_another_process_is_recovered(
    library: Library, tmp_path: Path
) -> None:
    # Heartbeats never go stale here: only knowing the worker is dead can free the job.
    user_config = default_config_path()
    user_config.parent.mkdir(parents=True, exist_ok=True)
    user_config.write_text(json.dumps({"pipeline": {"stale_seconds": 3600}}), "utf-8")
    store = JobStore(library.db, library.config)
    keys = [f"item-{n:02}" for n in range(8)]
    task_id, _ = store.start_task(
        "diagnostic", payload={"seconds": 0.2}, items=[(k, None) for k in keys]
    )
    ((job_id,),) = query(library, "SELECT id FROM jobs")
    worker = killed_worker(library, job_id)

    # After a "reboot", an unrelated process runs under the dead worker's pid.
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host, _, rest = worker.partition(":")
        reused = f"{host}:{unrelated.pid}:{rest.partition(':')[2]}"
        query(library, "UPDATE jobs SET worker_id = ? WHERE id = ?", reused, job_id)
        done = subprocess.run(
            cli(library, "run", "--until-idle", "--timeout", "20"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert unrelated.poll() is None, "the unrelated process was left alone"
    finally:
        unrelated.kill()
        unrelated.wait()
    ((status, attempts, error),) = query(
        library, "SELECT status, attempts, error FROM jobs WHERE id = ?", job_id
    )
    assert (status, attempts, error) == ("completed", 2, None)
    listed = subprocess.run(cli(library, "tasks", "--all", "--json"), capture_output=True)
    (task,) = json.loads(listed.stdout)
    assert (task["task_id"], task["status"]) == (task_id, "completed")
    # No lock file is left behind by the dead worker or by the clean second run.
    assert list((library.data_dir / "workers").glob("*.lock")) == []


def test_cancel_ends_the_job_of_a_dead_worker_with_a_reused_pid(library: Library) -> None:
    user_config = default_config_path()
    user_config.parent.mkdir(parents=True, exist_ok=True)
    user_config.write_text(json.dumps({"pipeline": {"stale_seconds": 3600}}), "utf-8")
    store = JobStore(library.db, library.config)
    task_id, _ = store.start_task(
        "diagnostic", payload={"seconds": 0.2}, items=[(f"i{n}", None) for n in range(8)]
    )
    ((job_id,),) = query(library, "SELECT id FROM jobs")
    worker = killed_worker(library, job_id)
    host, _, rest = worker.partition(":")
    reused = f"{host}:{os.getppid()}:{rest.partition(':')[2]}"  # a live process: our parent
    query(library, "UPDATE jobs SET worker_id = ? WHERE id = ?", reused, job_id)
    cancel = subprocess.run(cli(library, "cancel", task_id), capture_output=True, text=True)
    assert cancel.returncode == 0, cancel.stderr
    subprocess.run(cli(library, "run", "--until-idle", "--timeout", "20"), timeout=60, check=True)
    ((status,),) = query(library, "SELECT status FROM jobs WHERE id = ?", job_id)
    assert status == "canceled"
