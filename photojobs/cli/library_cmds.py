"""Library, project and photo commands."""

from __future__ import annotations

import argparse
from typing import Any

from photojobs.cli.output import CliError, emit
from photojobs.core import photos
from photojobs.core.library import Library
from photojobs.core.marks import MarkError, parse_flag, parse_label, parse_rating, parse_tag
from photojobs.core.marks.filters import PhotoFilter, find_photos
from photojobs.core.photos import KeepDecision
from photojobs.core.xmp.sync import read_sidecars


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    lib = sub.add_parser("library", help="the library itself").add_subparsers(
        dest="action", required=True
    )
    lib.add_parser("init", parents=[common], help="create the library folder and database")

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
    ph.add_argument("--min-rating", metavar="N", help="rated N stars or more")
    ph.add_argument("--flag", metavar="F", help="pick, reject or none")
    ph.add_argument("--label", metavar="L", help="a colour, or none")
    ph.add_argument("--tag", metavar="T", help="tagged T (or a tag nested under T)")

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
    bad = [o.message for o in read_sidecars(lib.db, p.id, p.path) if o.status == "failed"]
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
    lines += [f"sidecar not read: {message}" for message in bad]
    data["sidecars_failed"] = bad
    emit(args, data, lines)
    return 0


def _photos(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    try:
        wanted = PhotoFilter(
            min_rating=None if args.min_rating is None else parse_rating(args.min_rating),
            flag=None if args.flag is None else parse_flag(args.flag),
            label=None if args.label is None else parse_label(args.label),
            tag=None if args.tag is None else parse_tag(args.tag),
            pending_only=args.pending,
        )
    except MarkError as e:
        raise CliError(str(e)) from None
    with lib.db.read() as s:
        rows = find_photos(s, p.id, wanted)
    emit(
        args,
        [r.as_json() for r in rows],
        [
            f"{r.base}\t{' '.join(r.files)}\t{'pending' if r.pending else ''}"
            f"\t{r.rating}\t{r.flag}\t{r.label}\t{', '.join(r.tags)}"
            for r in rows
        ]
        or ("No photo matches: " + ", ".join(wanted.describe()) if wanted.active else []),
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
