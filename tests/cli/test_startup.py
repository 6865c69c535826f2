"""A command that runs no job handler starts without rawpy, numpy or Pillow: the handler
registry imports a handler's module only when a job of its type runs. Each case runs the
CLI's main in a fresh interpreter and reads its sys.modules afterwards (times are measured
by benchmarks/bench_cli_startup.py, not here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from photojobs.core.config import Config
from photojobs.core.library import Library

CHILD = """
import json, sys
from photojobs.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:  # --help
    code = e.code
loaded = [m for m in ("rawpy", "numpy", "PIL") if m in sys.modules]
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


@pytest.fixture
def library_root(tmp_path: Path, config: Config) -> Path:
    """An empty project and no job: what a listing, or a worker with nothing to do, meets."""
    root = tmp_path / "library"
    lib = Library.open(root, config)
    lib.create_project("Shoot")
    lib.close()
    return root


def loaded_by(tmp_path: Path, *args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHOTOJOBS_")}
    env |= {"HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return report["loaded"]


@pytest.mark.parametrize(
    "command",
    [
        ("project", "list"),
        ("photos", "Shoot", "--json"),
        ("tasks", "--all"),
        ("jobs",),
        ("run", "--until-idle"),  # the worker loop with nothing queued
    ],
    ids=" ".join,
)
def test_a_command_that_runs_no_handler_loads_no_image_library(
    tmp_path: Path, library_root: Path, command: tuple[str, ...]
) -> None:
    assert loaded_by(tmp_path, "--library", str(library_root), *command) == []


def test_help_loads_no_image_library(tmp_path: Path) -> None:
    assert loaded_by(tmp_path, "--help") == []
