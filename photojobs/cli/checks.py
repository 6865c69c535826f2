"""Arguments are from outside: checked before anything uses them, each refusal one line.

Text must be valid (a name holding bytes that are not UTF-8 cannot be stored or shown),
a path must not be empty (`Path("")` is the current folder: a silent fallback), numbers
must fit what they are used for (SQLite integers, Qt timers).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from photojobs.cli.output import CliError

MAX_JOB_ID = 2**63 - 1  # SQLite's largest integer
MAX_TIMEOUT_SECONDS = 2_000_000  # Qt timers count milliseconds in 32 bits (about 24 days)
PATH_ARGS = ("library", "config", "paths")
LABELS = {"paths": "PATH", "bases": "BASE", "file": "NAME", "new_name": "NEW_NAME"}


def check_args(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path):
                _check_text(name, str(item))
    for name in PATH_ARGS:
        value = getattr(args, name, None)
        for item in value if isinstance(value, list) else [value]:
            if item == "":
                raise CliError(f"{_label(name)}: an empty path is not a folder or file name")
    if getattr(args, "job_id", None) is not None and not 1 <= args.job_id <= MAX_JOB_ID:
        raise CliError(f"job {args.job_id}: no such job (job ids are positive whole numbers)")
    timeout = getattr(args, "timeout", None)
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT_SECONDS):
        raise CliError(
            f"--timeout {timeout}: give a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT_SECONDS}"
        )


def _check_text(name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise CliError(
            f"{_label(name)} '{shown}' is not valid text (bytes that are not UTF-8); "
            "rename it first"
        ) from None
    if "\x00" in value:
        raise CliError(f"{_label(name)}: a name cannot hold a NUL character")


def _label(name: str) -> str:
    if name in ("library", "config"):
        return f"--{name}"
    return LABELS.get(name, name.upper())
