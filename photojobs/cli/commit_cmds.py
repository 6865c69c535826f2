"""Commit, restore, trash and maintenance commands."""

from __future__ import annotations

import argparse
from typing import Any

from photojobs.cli.jobs_cmds import failed_items, task_line
from photojobs.cli.output import emit, iso
from photojobs.core import library_trash
from photojobs.core.commits import start_commit, start_restore, trash_listing
from photojobs.core.jobs.model import JobStatus
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

COMMANDS = ("commit", "restore", "trash", "maintenance")
MOVING_JOBS = ("file_removal", "restore_files")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    c = sub.add_parser("commit", parents=[common], help="move what is not kept to the trash")
    c.add_argument("project")
    c.add_argument("--wait", action="store_true")
    r = sub.add_parser("restore", parents=[common], help="put trashed files back")
    r.add_argument("project")
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("--task", metavar="TASK_ID", help="everything one commit trashed")
    which.add_argument("--all", action="store_true", help="everything in the project's trash")
    which.add_argument("--file", nargs="+", metavar="NAME", help="these original file names")
    r.add_argument("--wait", action="store_true")
    sub.add_parser("trash", parents=[common], help="list a project's trash").add_argument("project")
    m = sub.add_parser("maintenance", parents=[common], help="reconcile projects with the disk")
    m.add_argument("project", nargs="?")
    m.add_argument("--wait", action="store_true")


def run(lib: Library, args: argparse.Namespace) -> int:
    store = JobStore(lib.db, lib.config)
    if args.command == "maintenance":
        projects = [lib.find_project(args.project)] if args.project else lib.list_projects()
        task_ids = [store.start_task("maintenance", project_id=p.id)[0] for p in projects]
        if not args.project and library_trash.pending_work(lib):
            task_ids.append(store.start_task("library_maintenance")[0])
        if not args.project:
            task_ids.append(store.start_task("history_cleaning")[0])
        return _finish(lib, args, task_ids, {"task_ids": task_ids}, f"{len(task_ids)} task(s)")
    project = lib.find_project(args.project)
    if args.command == "trash":
        entries = trash_listing(lib, project)
        for e in entries:
            e["trashed_at"] = iso(e["trashed_at"])
        emit(
            args,
            entries,
            [f"{e['original_name']}\t{e['trashed_at']}\t{e['task_id']}" for e in entries]
            or "The trash is empty.",
        )
        return 0
    if args.command == "commit":
        started = start_commit(lib, store, project)
        p = started.pending
        text = (
            f"Commit of {p.photos} photo(s) ({p.jpg} JPG, {p.raw} RAW) to the trash"
            if started.created
            else "A commit of this project is already running"
        )
        return _finish(lib, args, [started.task_id], started.as_json(), text)
    task_id = start_restore(
        store, project, commit_task_id=args.task, names=args.file, everything=args.all
    )
    return _finish(lib, args, [task_id], {"task_id": task_id}, "Restore queued")


def _finish(
    lib: Library, args: argparse.Namespace, task_ids: list[str], data: dict[str, Any], text: str
) -> int:
    if not args.wait:
        emit(args, data, text)
        return 0
    from photojobs.cli.jobs_cmds import run_until_task_ends

    statuses = [run_until_task_ends(lib, t) for t in task_ids]
    failed = [f for t in task_ids for f in failed_items(lib, t, MOVING_JOBS)]
    data["status"] = statuses[0] if len(statuses) == 1 else statuses
    data["failed"] = failed
    lines = [text, *(task_line(lib, t, s) for t, s in zip(task_ids, statuses, strict=True))]
    emit(args, data, lines + [f"failed: {f['message']}" for f in failed])
    completed = all(s == JobStatus.COMPLETED.value for s in statuses)
    return 0 if completed and not failed else 1
