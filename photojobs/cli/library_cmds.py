"""Library, project and photo commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from photojobs.cli.output import CliError, emit
from photojobs.core import photos
from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.library import Library
from photojobs.core.paths import DATA_DIR
from photojobs.core.photos import KeepDecision
from photojobs.core.rebuild import rebuild_database
from photojobs.core.storage_errors import damaged_message


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    lib = sub.add_parser("library", help="the library itself").add_subparsers(
        dest="action", required=True
    )
    lib.add_parser("init", parents=[common], help="create the library folder and database")
    lib.add_parser("check", parents=[common], help="check the database for damage")
    lib.add_parser(
        "rebuild",
        parents=[common],
        help="rebuild a damaged database from the project folders (the damaged one is kept)",
    )

    proj = sub.add_parser("project", help="create, list, rename, delete projects")
    acts = proj.add_subparsers(dest="action", required=True)
    acts.add_parser("create", parents=[common]).add_argument("name")
    acts.add_parser("list", parents=[common])
    rename = acts.add_parser("rename", parents=[common])
    rename.add_argument("project")
    rename.add_argument("new_name")
    acts.add_parser("delete", parents=[common]).add_argument("project")

    sub.add_parser("scan", parents=[common], help="re-read a project folder").add_argument(
        "project"
    )
    ph = sub.add_parser("photos", parents=[common], help="list a project's photos")
    ph.add_argument("project")
    ph.add_argument("--pending", action="store_true", help="only photos pending deletion")

    keep = sub.add_parser("keep", parents=[common], help="decide what to keep")
    keep.add_argument("project")
    keep.add_argument("bases", nargs="+", metavar="BASE")
    which = keep.add_mutually_exclusive_group(required=True)
    for flag, decision in (
        ("--jpg-only", KeepDecision.JPG_ONLY),
        ("--raw-only", KeepDecision.RAW_ONLY),
        ("--both", KeepDecision.BOTH),
        ("--none", KeepDecision.NONE),
    ):
        which.add_argument(flag, dest="decision", action="store_const", const=decision)

    sub.add_parser("revert", parents=[common], help="keep everything again").add_argument("project")


WITHOUT_OPENING = ("check", "rebuild")  # they must work when opening would fail


def run_unopened(root: Path, config: Config, args: argparse.Namespace) -> int:
    """`library check` and `library rebuild`, on a database that may not open."""
    if args.action == "rebuild":
        report = rebuild_database(root, config)
        s = report.salvaged
        emit(
            args,
            report.as_json(),
            [
                f"Rebuilt from the folders: {report.projects} project(s), {report.photos} photo(s)",
                f"kept from the damaged copy: {s.get('photos', 0)} photo row(s) with their "
                f"decisions, {s.get('trash_entries', 0)} trash record(s)",
                f"the damaged database is kept at {report.kept_at}",
            ],
        )
        return 0
    path = root / DATA_DIR / "library.db"
    if not path.is_file():
        raise CliError(f"{root}: no library database here")
    db = Database(path)
    try:
        damage = db.damage()
    finally:
        db.dispose()
    if damage is not None:
        raise CliError(f"{damaged_message(path)} (found: {damage})")
    emit(args, {"path": str(path), "ok": True}, f"{path}: no damage found")
    return 0


def run(lib: Library, args: argparse.Namespace) -> int:
    handler = {
        "library": _library,
        "project": _project,
        "scan": _scan,
        "photos": _photos,
        "keep": _keep,
        "revert": _revert,
    }[args.command]
    return handler(lib, args)


def _library(lib: Library, args: argparse.Namespace) -> int:
    emit(args, {"path": str(lib.root)}, f"Library ready at {lib.root}")
    return 0


def _project(lib: Library, args: argparse.Namespace) -> int:
    if args.action == "create":
        p = lib.create_project(args.name)
        emit(args, p.as_json(), f"Created project '{p.name}' in {p.path}")
    elif args.action == "list":
        projects = lib.list_projects()
        emit(
            args,
            [p.as_json(counts=True) for p in projects],
            [
                f"{p.name}\t{p.photo_count} photos\t{p.pending_count} pending"
                + (f"\t({p.manifest_error})" if p.manifest_error else "")
                for p in projects
            ]
            or "No projects yet: photojobs-cli project create NAME",
        )
    elif args.action == "rename":
        p = lib.rename_project(args.project, args.new_name)
        emit(args, p.as_json(), f"Renamed to '{p.name}' ({p.folder})")
    else:
        target = lib.delete_project(args.project)
        emit(args, {"moved_to": str(target)}, f"Project moved to the library trash: {target}")
    return 0


def _scan(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    if not p.path.is_dir():
        raise CliError(f"{p.path}: the project folder is missing")
    with lib.db.write() as s:
        result = photos.scan_project(s, p.id, p.path)
    data = {
        "added": result.added,
        "updated": result.updated,
        "removed": result.removed,
        "unknown": result.unknown,
    }
    lines = [
        f"{len(result.added)} added, {len(result.updated)} updated, {len(result.removed)} removed"
    ]
    lines += [f"left in place (not a photo): {name}" for name in result.unknown]
    emit(args, data, lines)
    return 0


def _photos(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    with lib.db.read() as s:
        rows = photos.photos_of(s, p.id, pending_only=args.pending)
    emit(
        args,
        [r.as_json() for r in rows],
        [f"{r.base}\t{' '.join(r.files)}\t{'pending' if r.pending else ''}" for r in rows],
    )
    return 0


def _keep(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    with lib.db.write() as s:
        errors = photos.set_keep(s, p.id, args.bases, args.decision)
    if errors:
        raise CliError("; ".join(errors))
    emit(args, {"updated": args.bases}, f"{len(args.bases)} photo(s): {args.decision.value}")
    return 0


def _revert(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    with lib.db.write() as s:
        n = photos.revert(s, p.id)
    emit(args, {"reverted": n}, f"{n} photo(s) back to keep everything")
    return 0
