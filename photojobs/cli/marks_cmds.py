"""Marks and sidecars: rate, flag, label, tag, discard-rejected, sync-sidecars."""

from __future__ import annotations

import argparse
from typing import Any

from photojobs.cli.output import CliError, emit
from photojobs.core.library import Library
from photojobs.core.marks import (
    MarkError,
    MarksChange,
    change_tags,
    discard_rejected,
    parse_flag,
    parse_label,
    parse_rating,
    set_flag,
    set_label,
    set_rating,
)
from photojobs.core.xmp.queue import request_sidecar_sync

COMMANDS = ("rate", "flag", "label", "tag", "discard-rejected", "sync-sidecars")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    for name, value, text in (
        ("rate", "N", "set the star rating, 0 to 5"),
        ("flag", "pick|reject|none", "flag as pick or reject"),
        ("label", "COLOUR", "red, yellow, green, blue, purple or none"),
    ):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("project")
        p.add_argument("bases", nargs="+", metavar="BASE")
        p.add_argument("value", metavar=value)
    t = sub.add_parser("tag", parents=[common], help="add and remove keywords (Places|Paris)")
    t.add_argument("project")
    t.add_argument("bases", nargs="+", metavar="BASE")
    t.add_argument("--add", action="append", default=[], metavar="TAG")
    t.add_argument("--remove", action="append", default=[], metavar="TAG")
    sub.add_parser(
        "discard-rejected", parents=[common], help="keep neither file of every rejected photo"
    ).add_argument("project")
    s = sub.add_parser("sync-sidecars", parents=[common], help="write pending XMP sidecars")
    s.add_argument("project")
    s.add_argument("--wait", action="store_true", help="write them now and report")


def run(lib: Library, args: argparse.Namespace) -> int:
    project = lib.find_project(args.project)
    if args.command == "discard-rejected":
        with lib.db.write() as s:
            before, _ = discard_rejected(s, project.id)
        n = len(before)
        emit(args, {"discarded": n}, f"{n} rejected photo(s) set to keep neither; commit to trash")
        return 0
    if args.command == "sync-sidecars":
        return _sync(lib, args, project.id)
    try:
        change = _change(lib, args, project.id)
    except MarkError as e:
        raise CliError(str(e)) from None
    n = len(change.before)
    emit(
        args,
        {"changed": n, "photos": len(set(args.bases))},
        f"{n} of {len(set(args.bases))} photo(s) changed",
    )
    return 0


def _change(lib: Library, args: argparse.Namespace, project_id: str) -> MarksChange:
    """All or nothing: an unknown base changes no photo."""
    if args.command == "tag" and not (args.add or args.remove):
        raise MarkError("tag: say --add TAG or --remove TAG")
    with lib.db.write() as s:
        if args.command == "rate":
            change = set_rating(s, project_id, args.bases, parse_rating(args.value))
        elif args.command == "flag":
            change = set_flag(s, project_id, args.bases, parse_flag(args.value))
        elif args.command == "label":
            change = set_label(s, project_id, args.bases, parse_label(args.value))
        else:
            change = change_tags(s, project_id, args.bases, args.add, args.remove)
        if change.errors:
            raise CliError("; ".join(change.errors))  # rolls the transaction back
    return change


def _sync(lib: Library, args: argparse.Namespace, project_id: str) -> int:
    with lib.db.write() as s:
        task_id = request_sidecar_sync(s, project_id, delay=0)
    if not args.wait:
        emit(args, {"task_id": task_id}, "Sidecar writes queued")
        return 0
    from photojobs.cli.jobs_cmds import failed_items, run_until_task_ends

    status = run_until_task_ends(lib, task_id)
    failed = failed_items(lib, task_id, ("sidecar_sync",))
    lines = [f"sidecar sync: {status}", *(f"failed: {f['message']}" for f in failed)]
    emit(args, {"task_id": task_id, "status": status, "failed": failed}, lines)
    return 0 if status == "completed" and not failed else 1
