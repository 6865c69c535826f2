"""Job commands: run the worker loop headless, list jobs and tasks, cancel, retry."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Collection
from typing import Any

from photojobs.cli.output import CliError, emit, iso
from photojobs.core.jobs import queries
from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import ACTIVE_STATUSES, JobRecord, TaskRecord
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

COMMANDS = ("run", "jobs", "tasks", "cancel", "retry")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    run = sub.add_parser("run", parents=[common], help="run queued jobs (headless worker)")
    run.add_argument("--until-idle", action="store_true", help="stop when no job is left")
    run.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    for name in ("jobs", "tasks"):
        p = sub.add_parser(name, parents=[common], help=f"list {name}")
        p.add_argument("--all", action="store_true", help="finished ones too")
        p.add_argument("--show-maintenance", action="store_true", default=None)
    sub.add_parser("cancel", parents=[common], help="cancel a task").add_argument("task_id")
    sub.add_parser("retry", parents=[common], help="retry a failed job").add_argument(
        "job_id", type=int
    )


def job_json(job: JobRecord, projects: dict[str, str]) -> dict[str, Any]:
    return {
        "id": job.id,
        "type": job.type,
        "label": job_label(job.type),
        "status": job.status.value,
        "priority": job.priority,
        "source": job.source,
        "task_id": job.task_id,
        "task_type": job.task_type,
        "project": projects.get(job.project_id or "", job.project_id),
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "attempts": job.attempts,
        "error": job.error,
    }


def task_json(task: TaskRecord, projects: dict[str, str]) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "task_type": task.task_type,
        "label": task.label,
        "source": task.source,
        "status": task.status.value,
        "progress_done": task.progress_done,
        "progress_total": task.progress_total,
        "total_known": task.total_known,
        "step": task.step,
        "steps": task.steps,
        "project": projects.get(task.project_id or "", task.project_id),
        "created_at": iso(task.created_at),
        "finished_at": iso(task.finished_at),
        "jobs": [job_json(j, projects) for j in task.jobs],
    }


def task_progress(task: TaskRecord) -> str:
    """As the Processes dock reads it: the step, and no total while later steps may add."""
    total = task.progress_total if task.total_known else "…"
    step = (
        f"step {task.step} of {task.steps} "
        if task.steps > 1 and task.status in ACTIVE_STATUSES
        else ""
    )
    return f"{step}({task.progress_done}/{total})"


def run(lib: Library, args: argparse.Namespace) -> int:
    projects = {p.id: p.name for p in lib.list_projects()}
    store = JobStore(lib.db, lib.config)
    if args.command == "run":
        return run_worker(lib, until_idle=args.until_idle, timeout=args.timeout)
    if args.command == "jobs":
        statuses = None if args.all else ACTIVE_STATUSES
        jobs = queries.list_jobs(
            lib.db, lib.config, statuses=statuses, show_maintenance=args.show_maintenance
        )
        emit(
            args,
            [job_json(j, projects) for j in jobs],
            [
                f"{j.id}\t{j.status.value}\t{job_label(j.type)}\t{j.progress_done}/"
                f"{j.progress_total}" + (f"\t{j.error}" if j.error else "")
                for j in jobs
            ],
        )
    elif args.command == "tasks":
        tasks = queries.list_tasks(
            lib.db, lib.config, active_only=not args.all, show_maintenance=args.show_maintenance
        )
        emit(
            args,
            [task_json(t, projects) for t in tasks],
            [f"{t.task_id}\t{t.status.value}\t{t.label}\t{task_progress(t)}" for t in tasks],
        )
    elif args.command == "cancel":
        if queries.get_task(lib.db, args.task_id) is None:
            raise CliError(f"no task {args.task_id}")
        jobs = store.cancel_task(args.task_id)
        emit(args, {"canceled": [j.id for j in jobs]}, f"{len(jobs)} job(s) canceled or stopping")
    else:
        job = store.retry(args.job_id)
        if job is None:
            raise CliError(f"job {args.job_id} is not a failed or canceled job")
        emit(args, {"id": job.id, "status": job.status.value}, f"job {job.id} queued again")
    return 0


def run_until_task_ends(lib: Library, task_id: str, timeout: float | None = None) -> str:
    """Run the worker loop until the task is finished; returns its final status."""
    from PySide6.QtCore import QCoreApplication

    def finished(event: TaskEvent) -> None:
        if event.task_id == task_id and event.finished:
            QCoreApplication.quit()

    run_worker(lib, until_idle=True, timeout=timeout, on_task=finished)
    task = queries.get_task(lib.db, task_id)
    return task.status.value if task else "missing"


def run_worker(
    lib: Library,
    *,
    until_idle: bool,
    timeout: float | None,
    on_task: Callable[[TaskEvent], None] | None = None,
) -> int:
    """The GUI's worker loop under QCoreApplication; returns 0 once idle or timed out."""
    from PySide6.QtCore import QCoreApplication, QTimer

    from photojobs.core.handlers import default_registry
    from photojobs.runtime.worker import WorkerLoop

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    loop = WorkerLoop(lib, default_registry())
    stalled: list[str] = []
    loop.stalled.connect(lambda message: (stalled.append(message), app.quit()))
    if on_task is not None:
        loop.signals.task_changed.connect(on_task)
    if until_idle:
        loop.idle.connect(app.quit)
    if timeout is not None:
        QTimer.singleShot(int(timeout * 1000), app.quit)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    # Let Python see signals while Qt's loop runs.
    tick = QTimer()
    tick.start(200)
    tick.timeout.connect(lambda: None)
    loop.start()
    app.exec()
    loop.stop()
    if stalled:
        raise CliError(
            f"jobs stopped: {stalled[0]}; then `photojobs-cli run --until-idle` resumes them"
        )
    return 0


def failed_items(lib: Library, task_id: str, job_types: Collection[str]) -> list[dict[str, Any]]:
    """Items a finished task could not do (a file not copied, moved or restored), so that a
    script is not told 'completed' alone when a file stayed where it was. `name` (the file
    or photo) and `reason` apart, and `message`, the sentence of the two, as before."""
    task = queries.get_task(lib.db, task_id)
    store = JobStore(lib.db, lib.config)
    return [
        {
            "job": job.type,
            "key": item.key,
            "name": item.name,
            "reason": item.reason,
            "message": item.message,
        }
        for job in (task.jobs if task else ())
        if job.type in job_types
        for item in store.items(job.id)
        if item.status == "failed"
    ]


def task_line(lib: Library, task_id: str, status: str) -> str:
    """`task ID: failed (why)`: the error of the task's failed job, so a refusal (a project
    folder that is a link, say) is said, not only that the task failed."""
    task = queries.get_task(lib.db, task_id)
    error = task.error if task else None
    return f"task {task_id}: {status}" + (f" ({error})" if error else "")


def failed_jobs(lib: Library, task_id: str) -> list[dict[str, Any]]:
    """Jobs of a task that failed for good, with why and how to run them again."""
    task = queries.get_task(lib.db, task_id)
    return [
        {"job": j.id, "type": j.type, "error": j.error}
        for j in (task.jobs if task else ())
        if j.status.value == "failed"
    ]


def failed_job_lines(failed: list[dict[str, Any]]) -> list[str]:
    return [
        f"failed: {job_label(f['type'])}: {f['error']} (photojobs-cli retry {f['job']})"
        for f in failed
    ]
