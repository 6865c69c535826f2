"""Library, project and photo commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from photojobs.cli.output import CliError, emit, emit_each, iso
from photojobs.core import library_trash, photos
from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.library import Library
from photojobs.core.marks import MarkError, parse_flag, parse_label, parse_rating, parse_tag
from photojobs.core.marks.filters import PhotoFilter, iter_photos, parse_day
from photojobs.core.paths import DATA_DIR
from photojobs.core.photos import KeepDecision
from photojobs.core.rebuild import rebuild_database
from photojobs.core.storage_errors import damaged_message
from photojobs.core.xmp.sync import read_sidecars


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
    delete = acts.add_parser("delete", parents=[common], help="move it to the library trash")
    delete.add_argument("project")
    acts.add_parser("trash", parents=[common], help="list deleted projects")
    restore = acts.add_parser("restore", parents=[common], help="bring a deleted project back")
    restore.add_argument("project")
    purge = acts.add_parser("purge", parents=[common], help="delete deleted projects for ever")
    purge.add_argument("projects", nargs="*", metavar="PROJECT")
    purge.add_argument("--all", action="store_true", help="every project in the library trash")
    purge.add_argument("--yes", action="store_true", help="confirm: their photos are deleted")

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
    ph.add_argument("--camera", metavar="C", help="taken with camera model C")
    ph.add_argument("--lens", metavar="L", help="taken with lens L")
    ph.add_argument("--taken-from", metavar="DATE", help="taken on DATE (2023-06-15) or later")
    ph.add_argument("--taken-to", metavar="DATE", help="taken on DATE or earlier")

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
            + [f"(skipped folder '{n}': {why})" for n, why in lib.skipped_folders()]
            or "No projects yet: photojobs-cli project create NAME",
        )
    elif args.action == "rename":
        p = lib.rename_project(args.project, args.new_name)
        emit(args, p.as_json(), f"Renamed to '{p.name}' ({p.folder})")
    elif args.action == "delete":
        target = lib.delete_project(args.project)
        text = f"Project moved to the library trash: {target}" if target else "Project removed"
        emit(args, {"moved_to": str(target) if target else None}, text)
    else:
        return _library_trash(lib, args)
    return 0


def _library_trash(lib: Library, args: argparse.Namespace) -> int:
    """`project trash | restore | purge`: the deleted projects in `<library>/.trash/`."""
    if args.action == "restore":
        p = library_trash.restore_project(lib, args.project)
        emit(args, p.as_json(), f"Restored '{p.name}' to {p.path}")
        return 0
    days = float(lib.config.get("maintenance.trash_retention_days"))
    if args.action == "trash":
        deleted = library_trash.deleted_projects(lib)
        rows = [d.as_json() | {"deleted_at": iso(d.deleted_at)} for d in deleted]
        for row, d in zip(rows, deleted, strict=True):
            row["expires_at"] = iso(d.deleted_at + days * library_trash.DAY)
        lines = [
            f"{r['name']}\t{r['photo_count']} photos\tdeleted {r['deleted_at']}\t{r['folder']}"
            for r in rows
        ]
        emit(args, rows, lines or "The library trash is empty.")
        return 0
    if args.all == bool(args.projects):
        raise CliError("name the deleted projects to purge, or say --all")
    chosen = (
        library_trash.deleted_projects(lib)
        if args.all
        else [library_trash.find_deleted(lib, ref) for ref in args.projects]
    )
    if not args.yes:
        raise CliError(
            f"this deletes {len(chosen)} project(s) and every photo in them for ever; "
            "add --yes to confirm"
        )
    results = library_trash.purge(lib, [d.id for d in chosen])
    failed = [f"{name}: {error}" for name, error in results if error]
    data = {"purged": [n for n, e in results if not e], "failed": failed}
    emit(args, data, [f"Deleted for ever: {n}" for n in data["purged"]] + failed)
    return 1 if failed else 0


def _scan(lib: Library, args: argparse.Namespace) -> int:
    p = lib.find_project(args.project)
    path = lib.checked_path(p)
    listing = photos.list_folder(path)  # one listing for the photos and their sidecars
    with lib.db.write() as s:
        result = photos.scan_project(s, p.id, path, listing)
    read = read_sidecars(lib.db, p.id, path, listing=listing)
    bad = [o.message for o in read if o.status == "failed"]
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
            camera=args.camera,
            lens=args.lens,
            date_from=None if args.taken_from is None else parse_day(args.taken_from, "taken-from"),
            date_to=None if args.taken_to is None else parse_day(args.taken_to, "taken-to"),
            pending_only=args.pending,
        )
    except MarkError as e:
        raise CliError(str(e)) from None
    with lib.db.read() as s:  # written as read: one batch of rows in memory at a time
        emit_each(
            args,
            iter_photos(s, p.id, wanted),
            lambda r: r.as_json(),
            lambda r: (
                f"{r.base}\t{' '.join(r.files)}\t{'pending' if r.pending else ''}"
                f"\t{r.rating}\t{r.flag}\t{r.label}\t{', '.join(r.tags)}"
            ),
            "No photo matches: " + ", ".join(wanted.describe()) if wanted.active else None,
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
