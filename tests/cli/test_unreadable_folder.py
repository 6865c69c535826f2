"""A folder of the library root that PhotoJobs cannot read (`lost+found` of an ext4 drive,
another user's folder) is skipped and reported once; every command still works.

Root reads any folder, so when the tests run as root (CI) the commands run without the
capabilities that let root ignore permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
dropped from the bounding set before exec): the folder is then really closed to them."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from photojobs.core.config import load_config
from photojobs.core.library import Library

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def without_root_powers() -> Callable[[], None] | None:
    """A preexec_fn that takes from a root child the power to read any file."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "cannot drop a capability for the test")

    return drop


def test_an_unreadable_folder_is_skipped_and_reported_once(tmp_path: Path) -> None:
    library = tmp_path / "library"
    lib = Library.open(library, load_config(None))
    lib.create_project("Shoot")
    lib.close()
    closed = library / "lost+found"
    closed.mkdir()
    (closed / "#1234").write_bytes(b"what fsck found")
    closed.chmod(0o000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHOTOJOBS_")}
    preexec = without_root_powers()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "photojobs.cli.main", "--library", str(library), *args]
        return subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=preexec
        )

    first = run("project", "list", "--json")
    assert first.returncode == 0, first.stderr
    assert [p["name"] for p in json.loads(first.stdout)] == ["Shoot"]
    assert first.stderr == (
        "photojobs-cli: note: folder 'lost+found' cannot be read or written "
        "(Permission denied); skipped\n"
    )

    second = run("project", "create", "Wedding")
    assert second.returncode == 0 and second.stderr == "", "reported once, not every time"
    listed = run("project", "list")
    assert listed.returncode == 0 and listed.stderr == ""
    assert "(skipped folder 'lost+found': cannot be read or written" in listed.stdout
    assert run("maintenance", "--wait").returncode == 0
    assert run("scan", "Shoot").returncode == 0
    closed.chmod(0o700)
    assert sorted(os.listdir(closed)) == ["#1234"], "the folder is left as it was"
    assert not (closed / ".project.yaml").exists()
