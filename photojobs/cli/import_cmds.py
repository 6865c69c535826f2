"""Import and derivative commands: analyse, copy in, process, show one photo."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from photojobs.cli.output import CliError, emit
from photojobs.core.db.models import Photo
from photojobs.core.importing import REJECTED
from photojobs.core.jobs.model import JobStatus
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.core.paths import derivative_path
from photojobs.core.photos import METADATA_COLUMNS, PhotoRecord
from photojobs.core.project_import import analyse_for_project

COMMANDS = ("import", "process", "show")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common], help="copy photos into a project")
    imp.add_argument("project")
    imp.add_argument("paths", nargs="+", metavar="PATH")  # checked as text, then Path
    imp.add_argument("--on-duplicate", choices=("skip", "overwrite", "rename"))
    imp.add_argument("--wait", action="store_true", help="run the jobs until the task ends")
    proc = sub.add_parser("process", parents=[common], help="make thumbnails and previews")
    proc.add_argument("project")
    proc.add_argument("bases", nargs="*", metavar="BASE")
    proc.add_argument("--force", action="store_true", help="make them again even if current")
    proc.add_argument("--wait", action="store_true")
    show = sub.add_parser("show", parents=[common], help="one photo with its metadata")
    show.add_argument("project")
    show.add_argument("base")


def run(lib: Library, args: argparse.Namespace) -> int:
    project = lib.find_project(args.project)
    store = JobStore(lib.db, lib.config)
    if args.command == "show":
        return _show(lib, project.id, project.path, args)
    if args.command == "import":
        policy = args.on_duplicate or lib.config.get("importing.on_duplicate")
        # Absolute, so that a worker started from another folder finds the same files.
        analysis = analyse_for_project(lib, project, [Path(p).absolute() for p in args.paths])
        to_copy = analysis.to_copy(policy)
        data: dict[str, Any] = analysis.as_json() | {"on_duplicate": policy, "task_id": None}
        lines = [f"{k}: {v}" for k, v in analysis.counts().items()]
        lines += [f"rejected {c.name}: {c.reason}" for c in analysis.by_verdict(REJECTED)]
        if not to_copy:
            emit(args, data, [*lines, "Nothing to import."])
            return 0
        task_id, _ = store.start_task(
            "upload_processing",
            project_id=project.id,
            payload={"on_duplicate": policy, "verdicts": {c.source: c.verdict for c in to_copy}},
            items=[(c.source, None) for c in to_copy],
        )
        data["task_id"] = task_id
    else:
        _check_bases(lib, project.id, project.name, args.bases)
        task_id, _ = store.start_task(
            "generate_derivatives",
            project_id=project.id,
            payload={"bases": args.bases, "force": args.force},
        )
        data, lines = {"task_id": task_id}, []
    if args.wait:
        from photojobs.cli.jobs_cmds import (
            failed_items,
            failed_job_lines,
            failed_jobs,
            run_until_task_ends,
            task_line,
        )

        status = run_until_task_ends(lib, task_id)
        not_copied = failed_items(lib, task_id, ("import_files",))
        not_shown = failed_items(lib, task_id, ("upload_postprocess", "generate_derivatives"))
        jobs = failed_jobs(lib, task_id)
        data |= {
            "status": status,
            "failed": not_copied,
            "derivatives_failed": not_shown,
            "failed_jobs": jobs,
        }
        lines.append(task_line(lib, task_id, status))
        lines += failed_job_lines(jobs)
        lines += [f"not imported: {f['message']}" for f in not_copied]
        # One line per photo: its thumbnail and preview failed for the same reason.
        lines += [f"no thumbnail: {m}" for m in dict.fromkeys(f["message"] for f in not_shown)]
        emit(args, data, lines)
        return 0 if status == JobStatus.COMPLETED.value and not not_copied else 1
    emit(args, data, [*lines, f"task {task_id} queued (photojobs-cli run --until-idle)"])
    return 0


def _check_bases(lib: Library, project_id: str, project_name: str, bases: list[str]) -> None:
    """A misspelt name is an error, not a task that quietly does nothing for it."""
    if not bases:
        return
    with lib.db.read() as s:
        known = set(
            s.scalars(
                select(Photo.base).where(Photo.project_id == project_id, Photo.base.in_(bases))
            )
        )
    unknown = [b for b in dict.fromkeys(bases) if b not in known]
    if unknown:
        raise CliError(f"no photo {', '.join(unknown)} in project {project_name}")


def _show(lib: Library, project_id: str, project_dir: Path, args: argparse.Namespace) -> int:
    with lib.db.read() as s:
        row = s.scalar(select(Photo).where(Photo.project_id == project_id, Photo.base == args.base))
        if row is None:
            raise CliError(f"{args.base}: no such photo in this project")
        record = PhotoRecord.of(row)
        columns = (*METADATA_COLUMNS[1:], "thumbnail_error", "preview_error")
        meta = {c: getattr(row, c) for c in columns}
        extra = json.loads(row.metadata_json or "{}")
    data = record.as_json() | meta | {"metadata": extra}
    for kind in ("thumbnail", "preview"):
        path = derivative_path(project_dir, kind, record.base)
        data[f"{kind}_path"] = str(path) if path.exists() else None
    emit(args, data, [f"{k}: {v}" for k, v in data.items()])
    return 0
